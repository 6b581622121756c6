//! What a seat costs, as a body sends it (price, GST rate, the host's GSTIN), and the rules
//! across them: a paid event costs at least 1.00, a free one nothing and no GST, and GST needs
//! the host's GSTIN.

use rust_decimal::Decimal;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

use crate::domain::gstin::parse_gstin;
use crate::domain::money::parse_price;
use crate::platform::error::FieldError;
use crate::platform::http::request_body::string_schema;

/// GST rates in force, in percent.
pub const GST_RATES: &[i16] = &[0, 5, 12, 18, 28];
/// A decimal string with up to two places, from 0 to 1 000 000 (a ticket price).
pub const PRICE_PATTERN: &str = r"^0*([0-9]{1,6}(\.[0-9]{1,2})?|1000000(\.00?)?)$";
/// A GSTIN's shape (the check character is verified by `parse_gstin`).
pub const GSTIN_PATTERN: &str =
    r"^(0[1-9]|[12][0-9]|3[0-8])[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$";

/// A seat's price before GST: a decimal string, 0 to 1 000 000, two places at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketPrice(pub Decimal);

impl<'de> serde::Deserialize<'de> for TicketPrice {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = serde_json::Value::deserialize(deserializer)?;
        parse_price(&raw, Decimal::ZERO, Decimal::from(1_000_000))
            .map(Self)
            .map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for TicketPrice {
    fn schema() -> RefOr<Schema> {
        string_schema(Some(PRICE_PATTERN), None, Some("499.00"))
    }
}

impl utoipa::ToSchema for TicketPrice {}

/// A GST rate in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GstRate(pub i16);

impl<'de> serde::Deserialize<'de> for GstRate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let rate = i64::deserialize(deserializer)?;
        GST_RATES
            .iter()
            .find(|known| i64::from(**known) == rate)
            .map(|known| Self(*known))
            .ok_or_else(|| serde::de::Error::custom("must be one of 0, 5, 12, 18, 28"))
    }
}

impl utoipa::PartialSchema for GstRate {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .enum_values(Some(GST_RATES.iter().copied()))
            .into()
    }
}

impl utoipa::ToSchema for GstRate {}

/// A GSTIN with a valid check character, upper-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gstin(pub String);

crate::string_field!(
    Gstin,
    |raw| parse_gstin(raw).map(Gstin),
    pattern: Some(GSTIN_PATTERN),
    format: None,
    example: None
);

/// An event's pricing once a body is merged onto it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pricing<'a> {
    /// Whether guests pay.
    pub is_paid: bool,
    /// Price per seat.
    pub ticket_price: Decimal,
    /// GST rate in percent.
    pub gst_percent: i16,
    /// The host's GSTIN.
    pub gstin: Option<&'a str>,
}

impl Pricing<'_> {
    /// What is wrong with this pricing, one error per broken rule.
    pub fn errors(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.is_paid && self.ticket_price < Decimal::ONE {
            errors.push(FieldError::new(
                "ticket_price",
                "a paid event costs at least 1.00",
            ));
        }
        if !self.is_paid && self.ticket_price != Decimal::ZERO {
            errors.push(FieldError::new(
                "ticket_price",
                "only paid events have a price",
            ));
        }
        if !self.is_paid && self.gst_percent > 0 {
            errors.push(FieldError::new("gst_percent", "only paid events carry GST"));
        }
        if self.gst_percent > 0 && self.gstin.is_none() {
            errors.push(FieldError::new("gstin", "is required when GST applies"));
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::http::request_body::matches_pattern as matches;

    fn fields(pricing: Pricing) -> Vec<String> {
        pricing.errors().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn paid_needs_a_price_free_has_none_and_gst_needs_a_gstin() {
        let free = Pricing {
            is_paid: false,
            ticket_price: Decimal::ZERO,
            gst_percent: 0,
            gstin: None,
        };
        assert!(fields(free).is_empty());
        let paid = Pricing {
            is_paid: true,
            ticket_price: Decimal::from(499),
            gst_percent: 18,
            gstin: Some("27AAPFU0939F1ZV"),
        };
        assert!(fields(paid).is_empty());
        assert_eq!(
            fields(Pricing {
                ticket_price: Decimal::new(50, 2),
                ..paid
            }),
            ["ticket_price"]
        );
        assert_eq!(
            fields(Pricing {
                gstin: None,
                ..paid
            }),
            ["gstin"]
        );
        assert_eq!(
            fields(Pricing {
                is_paid: false,
                ..paid
            }),
            ["ticket_price", "gst_percent"]
        );
    }

    #[test]
    fn a_gst_rate_is_one_in_force() {
        assert_eq!(
            serde_json::from_value::<GstRate>(18.into()).unwrap(),
            GstRate(18)
        );
        assert!(serde_json::from_value::<GstRate>(7.into()).is_err());
    }

    #[test]
    fn price_patterns_agree_with_the_price_parser() {
        use crate::domain::money::{parse_price, REFUND_PATTERN};
        use serde_json::json;
        let cases = [
            "0",
            "0.5",
            "00.50",
            "499",
            "499.00",
            "999999.99",
            "1000000",
            "1000000.00",
            "1000000.01",
            "1000001",
            "10000000",
            "10000000.00",
            "10000000.01",
            "0.00",
            "0.01",
            ".5",
            "5.",
            "1.234",
            "",
            "-1",
            "1e3",
            " 1",
        ];
        for case in cases {
            let raw = json!(case);
            assert_eq!(
                matches(PRICE_PATTERN, case),
                parse_price(&raw, Decimal::ZERO, Decimal::from(1_000_000)).is_ok(),
                "price {case:?}"
            );
            assert_eq!(
                matches(REFUND_PATTERN, case),
                parse_price(&raw, Decimal::new(1, 2), Decimal::from(10_000_000)).is_ok(),
                "refund {case:?}"
            );
        }
    }

    #[test]
    fn the_gstin_pattern_admits_every_real_gstin() {
        for gstin in ["27AAPFU0939F1ZV", "29ABCDE1234F1ZW"] {
            assert!(matches(GSTIN_PATTERN, gstin));
            assert!(crate::domain::gstin::parse_gstin(gstin).is_ok());
        }
        assert!(!matches(GSTIN_PATTERN, "29abcde1234f1zw"));
    }
}
