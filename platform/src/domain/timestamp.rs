//! An instant sent in a body as RFC 3339 text (`2026-12-24T18:00:00+05:30`), kept in UTC.

use chrono::{DateTime, Utc};
use utoipa::openapi::KnownFormat;

/// An RFC 3339 instant; anything else is "must be an RFC 3339 time".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    /// Parses RFC 3339 text with any offset.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        DateTime::parse_from_rfc3339(raw)
            .map(|at| Self(at.with_timezone(&Utc)))
            .map_err(|_| "must be an RFC 3339 time")
    }
}

crate::string_field!(Timestamp, Timestamp::parse, pattern: None, format: Some(KnownFormat::DateTime), example: None);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offset_time_is_kept_as_the_same_instant_in_utc() {
        let at = Timestamp::parse("2026-12-24T18:00:00+05:30").unwrap();
        assert_eq!(at.0.to_rfc3339(), "2026-12-24T12:30:00+00:00");
    }

    #[test]
    fn a_date_alone_or_a_local_time_is_refused() {
        for raw in ["2026-12-24", "2026-12-24T18:00:00", "tomorrow", ""] {
            assert_eq!(
                Timestamp::parse(raw),
                Err("must be an RFC 3339 time"),
                "{raw}"
            );
        }
    }
}
