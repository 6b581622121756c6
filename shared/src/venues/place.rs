//! Where a venue is: a two-letter country code and coordinates, each read from a request body
//! with its rule and described to the document by the same type.

use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

/// An ISO 3166 alpha-2 code, two letters as sent, kept upper-case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryCode(pub String);

impl CountryCode {
    /// Two ASCII letters, upper-cased.
    pub fn parse(code: &str) -> Result<Self, &'static str> {
        if code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
            Ok(Self(code.to_ascii_uppercase()))
        } else {
            Err("must be a two-letter ISO country code")
        }
    }
}

crate::string_field!(
    CountryCode,
    CountryCode::parse,
    pattern: Some("^[A-Za-z]{2}$"),
    format: None,
    example: None
);

/// Degrees from `-LIMIT` to `LIMIT` (90 for a latitude, 180 for a longitude), kept to six
/// places (about 10 cm).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Degrees<const LIMIT: u16>(pub Decimal);

impl<'de, const LIMIT: u16> Deserialize<'de> for Degrees<LIMIT> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        let out_of_range = || serde::de::Error::custom(format!("must be from -{LIMIT} to {LIMIT}"));
        if !value.is_finite() || value.abs() > f64::from(LIMIT) {
            return Err(out_of_range());
        }
        Decimal::from_f64(value)
            .map(|degrees| Self(degrees.round_dp(6)))
            .ok_or_else(out_of_range)
    }
}

impl<const LIMIT: u16> PartialSchema for Degrees<LIMIT> {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Number)
            .minimum(Some(-f64::from(LIMIT)))
            .maximum(Some(f64::from(LIMIT)))
            .into()
    }
}

impl<const LIMIT: u16> ToSchema for Degrees<LIMIT> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_are_two_letters_kept_upper_case() {
        let code: CountryCode = serde_json::from_value("in".into()).unwrap();
        assert_eq!(code.0, "IN");
        for bad in ["IND", "I1", ""] {
            assert!(
                serde_json::from_value::<CountryCode>(bad.into()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn degrees_stay_in_range_to_six_places() {
        let latitude: Degrees<90> = serde_json::from_value(12.971_598_7.into()).unwrap();
        assert_eq!(latitude.0.to_string(), "12.971599");
        let err = serde_json::from_value::<Degrees<90>>(90.5.into()).unwrap_err();
        assert_eq!(err.to_string(), "must be from -90 to 90");
    }
}
