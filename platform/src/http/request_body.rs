//! Request bodies written once: `request_body!` declares the body's type, which openapi.json
//! describes (utoipa, with each field type's own constraints) and which the handler reads
//! (`RequestBody::from_request`) through `FieldReader`, so one 422 names every bad field and an
//! unknown member is refused. A field's type carries its rules in both directions: it
//! validates when read and states the same bounds in its schema (`field_types`, and
//! `string_field!` for a type read from a string).

use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::PartialSchema;

use super::body::FieldReader;
use super::request::ApiRequest;
use crate::error::ApiError;

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

/// Whether `text` matches a schema `pattern` (for the tests, in this crate and in `shared`,
/// that keep each pattern and its parser in step).
pub fn matches_pattern(pattern: &str, text: &str) -> bool {
    regex::Regex::new(pattern).unwrap().is_match(text)
}
