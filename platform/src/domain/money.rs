//! Money: exact decimals (never floating point), rupees with two places on the wire
//! (`"499.00"`), INR only.

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

/// Parses a price sent as a decimal string: at most two places, within `min..=max`.
pub fn parse_price(raw: &serde_json::Value, min: Decimal, max: Decimal) -> Result<Decimal, String> {
    let text = raw.as_str().ok_or_else(|| {
        "must be a decimal string like \"499.00\" (never a JSON number)".to_owned()
    })?;
    let valid_shape = text.starts_with(|c: char| c.is_ascii_digit())
        && text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && text.bytes().filter(|b| *b == b'.').count() <= 1
        && text
            .split('.')
            .nth(1)
            .is_none_or(|places| !places.is_empty() && places.len() <= 2);
    if !valid_shape {
        return Err("must be a decimal string with at most two places, like \"499.00\"".to_owned());
    }
    let value = Decimal::from_str(text).map_err(|_| "is not a number".to_owned())?;
    if value < min || value > max {
        return Err(format!("must be from {min} to {max}"));
    }
    Ok(value.round_dp(2))
}

/// A decimal string with up to two places, from 0.01 to 10 000 000 (a refund).
pub const REFUND_PATTERN: &str =
    r"^0*([1-9][0-9]{0,6}(\.[0-9]{1,2})?|10000000(\.00?)?|0\.(0[1-9]|[1-9][0-9]?))$";

/// An amount to refund, read by `parse_price` and described by `REFUND_PATTERN`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefundAmount(pub Decimal);

impl<'de> serde::Deserialize<'de> for RefundAmount {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = serde_json::Value::deserialize(deserializer)?;
        parse_price(&raw, Decimal::new(1, 2), Decimal::from(10_000_000))
            .map(Self)
            .map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for RefundAmount {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::http::request_body::string_schema(Some(REFUND_PATTERN), None, Some("100.00"))
    }
}

impl utoipa::ToSchema for RefundAmount {}

/// `value × percent / 100`, rounded half-up to the paisa.
pub fn percent_of(value: Decimal, percent: Decimal) -> Decimal {
    (value * percent / Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Renders an amount with exactly two places.
pub fn format_amount(value: Decimal) -> String {
    format!("{:.2}", value.round_dp(2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prices_parse_exactly_and_floats_are_refused() {
        let (min, max) = (Decimal::ONE, Decimal::from(1_000_000));
        assert_eq!(
            parse_price(&json!("499.00"), min, max).unwrap().to_string(),
            "499.00"
        );
        assert_eq!(
            format_amount(parse_price(&json!("499.5"), min, max).unwrap()),
            "499.50"
        );
        for bad in [
            json!(499.0),
            json!("0.99"),
            json!("1.999"),
            json!("-5"),
            json!("1e3"),
            json!(""),
            json!("12."),
            json!("abc"),
        ] {
            assert!(parse_price(&bad, min, max).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn percentages_round_half_up_to_the_paisa() {
        assert_eq!(
            percent_of(Decimal::from(998), Decimal::from(18)).to_string(),
            "179.64"
        );
        assert_eq!(
            percent_of(Decimal::new(1005, 2), Decimal::from(5)).to_string(),
            "0.50"
        );
        assert_eq!(
            percent_of(Decimal::new(1010, 2), Decimal::from(5)).to_string(),
            "0.51"
        );
    }
}
