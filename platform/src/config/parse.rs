//! Reading single values: numbers within bounds, defaults, calling codes; each error names
//! its variable.

use super::ConfigError;

/// A comma-separated list of calling codes (`+91,+971`), each 1 to 3 digits.
pub(super) fn calling_codes(raw: &str) -> Result<Vec<u16>, ConfigError> {
    raw.split(',')
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .map(|code| {
            let digits = code.strip_prefix('+').unwrap_or(code);
            digits
                .parse::<u16>()
                .ok()
                .filter(|n| (1..=999).contains(n) && digits.len() <= 3)
                .ok_or_else(|| ConfigError::Invalid {
                    name: "OTP_ALLOWED_CALLING_CODES",
                    reason: format!("{code:?} is not a calling code like +91"),
                })
        })
        .collect::<Result<Vec<_>, _>>()
        .and_then(|codes| {
            if codes.is_empty() {
                Err(ConfigError::Invalid {
                    name: "OTP_ALLOWED_CALLING_CODES",
                    reason: "names no calling code".into(),
                })
            } else {
                Ok(codes)
            }
        })
}

pub(super) fn bounded<T: PartialOrd + std::fmt::Debug>(
    value: T,
    name: &'static str,
    range: std::ops::RangeInclusive<T>,
) -> Result<T, ConfigError> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(ConfigError::Invalid {
            name,
            reason: format!("{value:?} is outside {range:?}"),
        })
    }
}

pub(super) fn parse_or<T: std::str::FromStr>(
    raw: Option<String>,
    name: &'static str,
    default: T,
) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match raw {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse()
            .map_err(|e: T::Err| ConfigError::Invalid {
                name,
                reason: e.to_string(),
            }),
    }
}
