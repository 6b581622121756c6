//! The generic field types of request bodies: each validates when read and states the same
//! bounds in its schema (`Text`, `Secret`, `PublicId`, `Seats`). Area-specific ones live with
//! their area (`events::schedule`, `events::pricing`, `profiles::birth_date`, …).

use std::fmt;

use serde::de::{Deserialize, Deserializer};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

/// Characters `str::trim` removes (Unicode White_Space), as a regex class body.
const SPACE: &str = r"\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

/// Any text without NUL (Postgres text cannot hold it; the server refuses it).
pub fn text_pattern() -> String {
    r"^[^\u0000]*$".to_owned()
}

/// Text without NUL and with at least one character that is not white space.
pub fn visible_text_pattern() -> String {
    format!(r"^[^\u0000]*[^\u0000{SPACE}][^\u0000]*$")
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
