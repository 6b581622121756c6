//! Request bodies written once: `request_body!` declares the body's type, which openapi.json
//! describes (utoipa, with each field type's own constraints) and which the handler reads
//! (`RequestBody::from_request`) through `FieldReader`, so one 422 names every bad field and an
//! unknown member is refused. A field's type carries its rules in both directions: `Text` and
//! `Seats` validate when read and state the same bounds in their schema.

use std::fmt;

use serde::de::{Deserialize, Deserializer};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

use super::body::FieldReader;
use super::request::ApiRequest;
use crate::error::ApiError;
use crate::openapi::request_rules::{text_pattern, visible_text_pattern};

/// A request body declared with `request_body!`.
pub trait RequestBody: Sized {
    /// Reads the body's fields; `None` when one is bad (the reader holds the errors).
    fn read(reader: &mut FieldReader) -> Option<Self>;

    /// Reads the request's JSON object body: one 422 naming every bad or unknown field.
    fn from_request(req: &ApiRequest) -> Result<Self, ApiError> {
        Self::from_reader(FieldReader::from_request(req)?)
    }

    /// `from_request`, where an empty body reads as `{}` (every field optional).
    fn from_request_or_empty(req: &ApiRequest) -> Result<Self, ApiError> {
        Self::from_reader(FieldReader::from_request_or_empty(req)?)
    }

    /// Reads the fields, then refuses any other member.
    fn from_reader(mut reader: FieldReader) -> Result<Self, ApiError> {
        let body = Self::read(&mut reader);
        reader.finish()?;
        body.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a read body names its errors")))
    }
}

/// Declares a request body: `required name: Type` and `optional name: Option<Type>` fields
/// (absent or null meaning not given), and for a PATCH `settable name: Option<Type>` (absent
/// meaning unchanged, null refused) and `clearable name: Option<Option<Type>>` (absent meaning
/// unchanged, null clearing), each with its doc comment. A `pub partial struct` (no required
/// fields) also gets `read_partial`, for bodies whose fields are judged together afterwards.
#[macro_export]
macro_rules! request_body {
    ($(#[$meta:meta])* pub struct $name:ident {
        $($(#[$field_meta:meta])* $presence:ident $field:ident: $ty:ty),* $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, utoipa::ToSchema)]
        pub struct $name {
            $($(#[$field_meta])* #[schema(inline)] pub $field: $ty,)*
        }

        impl $crate::http::RequestBody for $name {
            fn read(reader: &mut $crate::http::FieldReader) -> Option<Self> {
                $(let $field = $crate::request_body!(@read $presence reader, $field, $ty);)*
                Some(Self { $($field: $field?,)* })
            }
        }
    };
    ($(#[$meta:meta])* pub partial struct $name:ident {
        $($(#[$field_meta:meta])* $presence:ident $field:ident: $ty:ty),* $(,)?
    }) => {
        $crate::request_body! {
            $(#[$meta])* pub struct $name { $($(#[$field_meta])* $presence $field: $ty),* }
        }

        impl $name {
            /// Every field that reads well; a bad one is left as not sent (its error is on the
            /// reader), so the rules across fields can still judge the rest.
            pub fn read_partial(reader: &mut $crate::http::FieldReader) -> Self {
                Self {
                    $($field: $crate::request_body!(@read $presence reader, $field, $ty)
                        .unwrap_or_default(),)*
                }
            }
        }
    };
    (@read required $reader:ident, $field:ident, $ty:ty) => {
        $reader.required::<$ty>(stringify!($field))
    };
    (@read optional $reader:ident, $field:ident, $ty:ty) => {
        <$ty as $crate::http::request_body::OptionalField>::read_optional($reader, stringify!($field))
    };
    (@read settable $reader:ident, $field:ident, $ty:ty) => {
        <$ty as $crate::http::request_body::SettableField>::read_settable($reader, stringify!($field))
    };
    (@read clearable $reader:ident, $field:ident, $ty:ty) => {
        <$ty as $crate::http::request_body::ClearableField>::read_clearable($reader, stringify!($field))
    };
}

/// A PATCH field that may be changed but never removed, `Option<T>`: absent is `Some(None)`;
/// null or a bad value is `None` (its error recorded).
pub trait SettableField: Sized {
    /// Reads the field `name`.
    fn read_settable(reader: &mut FieldReader, name: &str) -> Option<Self>;
}

impl<T: serde::de::DeserializeOwned> SettableField for Option<T> {
    fn read_settable(reader: &mut FieldReader, name: &str) -> Option<Self> {
        if !reader.has(name) {
            return Some(None);
        }
        reader.required::<T>(name).map(Some)
    }
}

/// A PATCH field that may be changed or cleared, `Option<Option<T>>`: absent is `Some(None)`
/// (unchanged), null is `Some(Some(None))` (cleared); a bad value is `None` (its error recorded).
pub trait ClearableField: Sized {
    /// Reads the field `name`.
    fn read_clearable(reader: &mut FieldReader, name: &str) -> Option<Self>;
}

impl<T: serde::de::DeserializeOwned> ClearableField for Option<Option<T>> {
    fn read_clearable(reader: &mut FieldReader, name: &str) -> Option<Self> {
        if !reader.has(name) {
            return Some(None);
        }
        let value = reader.optional::<T>(name);
        (!reader.has_errors_for(name)).then_some(Some(value))
    }
}

/// An optional field's type, `Option<T>`: absent or null is `Some(None)`; a bad value is `None`
/// (its error recorded).
pub trait OptionalField: Sized {
    /// Reads the field `name`.
    fn read_optional(reader: &mut FieldReader, name: &str) -> Option<Self>;
}

impl<T: serde::de::DeserializeOwned> OptionalField for Option<T> {
    fn read_optional(reader: &mut FieldReader, name: &str) -> Option<Self> {
        let value = reader.optional::<T>(name);
        (!reader.has_errors_for(name)).then_some(value)
    }
}

/// A field type read from a JSON string: `Deserialize` by `$parse` (`&str` to `Result<Self, E>`,
/// `E` the field's message) and, given `pattern`, `format` and `example` (each an `Option`), the
/// string schema that says the same.
#[macro_export]
macro_rules! string_field {
    ($name:ty, $parse:expr) => {
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <String as serde::Deserialize>::deserialize(deserializer)?;
                $parse(raw.as_str()).map_err(serde::de::Error::custom)
            }
        }

        impl utoipa::ToSchema for $name {}
    };
    ($name:ty, $parse:expr, pattern: $pattern:expr, format: $format:expr, example: $example:expr) => {
        $crate::string_field!($name, $parse);

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::http::request_body::string_schema($pattern, $format, $example)
            }
        }
    };
}

/// The schema of a JSON string a field type parses: its pattern or format, and an example.
// `example` (singular) is what the derived schemas emit too; one spelling in openapi.json.
#[allow(deprecated)]
pub fn string_schema(
    pattern: Option<&str>,
    format: Option<utoipa::openapi::KnownFormat>,
    example: Option<&str>,
) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(pattern)
        .format(format.map(utoipa::openapi::SchemaFormat::KnownFormat))
        .example(example.map(Into::into))
        .into()
}

/// The member names of a `request_body!` type, from its schema (so a union of bodies can set
/// aside the members of the variants it did not choose).
pub fn property_names<T: PartialSchema>() -> Vec<String> {
    match T::schema() {
        RefOr::T(Schema::Object(object)) => object.properties.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// A variant of a tagged union of bodies: `T`'s object schema with the required member `tag`
/// holding only `word`.
pub fn tagged<T: PartialSchema>(tag: &str, word: &str) -> RefOr<Schema> {
    let RefOr::T(Schema::Object(mut object)) = T::schema() else {
        panic!("a tagged variant is an object");
    };
    let tag_schema = ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some([word]))
        .build();
    object
        .properties
        .insert(tag.to_owned(), RefOr::T(Schema::Object(tag_schema)));
    object.required.push(tag.to_owned());
    RefOr::T(Schema::Object(object))
}

/// Text of `MIN` to `MAX` characters as sent (what JSON Schema's lengths count), kept trimmed;
/// with `MIN > 0` it must have a visible character. No NUL (Postgres text cannot hold one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text<const MIN: usize, const MAX: usize>(String);

impl<const MIN: usize, const MAX: usize> Text<MIN, MAX> {
    /// The trimmed text, or `None` when it is blank.
    pub fn non_blank(self) -> Option<String> {
        (!self.0.is_empty()).then_some(self.0)
    }

    /// The trimmed text.
    pub fn into_inner(self) -> String {
        self.0
    }

    /// The rule: at most `MAX` characters, a visible one when `MIN > 0`, at least `MIN`.
    fn check(raw: &str) -> Result<Self, String> {
        let length = raw.chars().count();
        let trimmed = raw.trim();
        if length > MAX {
            Err(format!("must be at most {MAX} characters"))
        } else if MIN > 0 && trimmed.is_empty() {
            Err("must not be blank".to_owned())
        } else if length < MIN {
            Err(format!("must be at least {MIN} characters"))
        } else {
            Ok(Self(trimmed.to_owned()))
        }
    }
}

impl<'de, const MIN: usize, const MAX: usize> Deserialize<'de> for Text<MIN, MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::check(&raw).map_err(serde::de::Error::custom)
    }
}

impl<const MIN: usize, const MAX: usize> PartialSchema for Text<MIN, MAX> {
    fn schema() -> RefOr<Schema> {
        let pattern = if MIN > 0 {
            visible_text_pattern()
        } else {
            text_pattern()
        };
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(MIN))
            .max_length(Some(MAX))
            .pattern(Some(pattern))
            .into()
    }
}

impl<const MIN: usize, const MAX: usize> ToSchema for Text<MIN, MAX> {}

/// A secret of 1 to `MAX` characters (a refresh token), kept as sent and never shown.
pub struct Secret<const MAX: usize>(secrecy::SecretString);

impl<const MAX: usize> Secret<MAX> {
    /// The secret.
    pub fn into_inner(self) -> secrecy::SecretString {
        self.0
    }
}

impl<const MAX: usize> fmt::Debug for Secret<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl<'de, const MAX: usize> Deserialize<'de> for Secret<MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        // The same bounds as Text<1, MAX>, without trimming: a secret is compared as sent.
        Text::<1, MAX>::check(&raw).map_err(serde::de::Error::custom)?;
        Ok(Self(raw.into()))
    }
}

impl<const MAX: usize> PartialSchema for Secret<MAX> {
    fn schema() -> RefOr<Schema> {
        Text::<1, MAX>::schema()
    }
}

impl<const MAX: usize> ToSchema for Secret<MAX> {}

/// A public id in a body (a uuid); anything else is "must be an id".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicId(pub uuid::Uuid);

impl<'de> Deserialize<'de> for PublicId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        raw.parse()
            .map(Self)
            .map_err(|_| serde::de::Error::custom("must be an id"))
    }
}

impl PartialSchema for PublicId {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Uuid,
            )))
            .into()
    }
}

impl ToSchema for PublicId {}

/// Seats asked for: 1, or 2 with a plus-one (whether the event allows one is the joining rule's
/// to say).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seats(pub i16);

impl Default for Seats {
    fn default() -> Self {
        Self(1)
    }
}

impl fmt::Display for Seats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<'de> Deserialize<'de> for Seats {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match i64::deserialize(deserializer)? {
            n @ 1..=2 => Ok(Self(n as i16)),
            _ => Err(serde::de::Error::custom("must be 1 or 2")),
        }
    }
}

impl PartialSchema for Seats {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(1))
            .maximum(Some(2))
            .into()
    }
}

impl ToSchema for Seats {}

/// Whether `text` matches a schema `pattern` (for the tests that keep each pattern and its
/// parser in step).
#[cfg(test)]
pub(crate) fn matches_pattern(pattern: &str, text: &str) -> bool {
    regex::Regex::new(pattern).unwrap().is_match(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_counts_what_is_sent_and_keeps_it_trimmed() {
        assert_eq!(Text::<0, 5>::check("  ab ").unwrap().into_inner(), "ab");
        assert_eq!(
            Text::<0, 3>::check("abcd").unwrap_err(),
            "must be at most 3 characters"
        );
        assert_eq!(Text::<1, 9>::check("   ").unwrap_err(), "must not be blank");
        assert_eq!(
            Text::<3, 9>::check("ab").unwrap_err(),
            "must be at least 3 characters"
        );
        assert_eq!(Text::<0, 9>::check(" ").unwrap().non_blank(), None);
    }

    #[test]
    fn a_secret_is_kept_as_sent_within_its_bounds() {
        let secret: Secret<5> = serde_json::from_value(" ab ".into()).unwrap();
        assert_eq!(
            secrecy::ExposeSecret::expose_secret(&secret.into_inner()),
            " ab "
        );
        for (bad, message) in [
            ("", "must not be blank"),
            ("abcdef", "must be at most 5 characters"),
        ] {
            let err = serde_json::from_value::<Secret<5>>(bad.into()).unwrap_err();
            assert_eq!(err.to_string(), message);
        }
    }

    #[test]
    fn seats_are_one_or_two() {
        assert_eq!(serde_json::from_value::<Seats>(2.into()).unwrap(), Seats(2));
        for bad in [0, 3, -1] {
            let err = serde_json::from_value::<Seats>(bad.into()).unwrap_err();
            assert_eq!(err.to_string(), "must be 1 or 2");
        }
    }
}
