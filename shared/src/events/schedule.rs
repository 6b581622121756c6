//! When an event happens, as a body sends it: a local date, a local start time, an IANA time
//! zone and a length. Each value parses alone; whether the merged date, time and zone make a
//! real instant in the next two years is `check_start`'s to say.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::{KnownFormat, RefOr};

use crate::domain::text::parse_duration;
use crate::platform::error::FieldError;

/// How far ahead an event may be scheduled (a typo'd year should not publish an event in 2206).
pub const MAX_LEAD_TIME: chrono::TimeDelta = chrono::TimeDelta::days(731);
/// HH:MM or HH:MM:SS, 24-hour.
pub const TIME_PATTERN: &str = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$";
/// An ISO 8601 duration of weeks, or of days, hours, minutes and seconds (at least one part).
pub const DURATION_PATTERN: &str = concat!(
    r"^P([0-9]{1,2}W|[0-9]{1,2}D(T([0-9]{1,3}H([0-9]{1,4}M)?([0-9]{1,5}S)?|[0-9]{1,4}M([0-9]{1,5}S)?|[0-9]{1,5}S))?",
    r"|T([0-9]{1,3}H([0-9]{1,4}M)?([0-9]{1,5}S)?|[0-9]{1,4}M([0-9]{1,5}S)?|[0-9]{1,5}S))$"
);
/// The shortest and longest an event may last, in seconds.
pub const DURATION_SECS: std::ops::RangeInclusive<i64> = 15 * 60..=14 * 86_400;

/// The event's local date, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventDate(pub NaiveDate);

impl EventDate {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map(Self)
            .map_err(|_| "must be a date as YYYY-MM-DD")
    }
}

crate::string_field!(EventDate, EventDate::parse, pattern: None, format: Some(KnownFormat::Date), example: None);

/// The local start time, `HH:MM` or `HH:MM:SS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartTime(pub NaiveTime);

impl StartTime {
    /// Parses `HH:MM` or `HH:MM:SS`.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        NaiveTime::parse_from_str(raw, "%H:%M:%S")
            .or_else(|_| NaiveTime::parse_from_str(raw, "%H:%M"))
            .map(Self)
            .map_err(|_| "must be a time as HH:MM")
    }
}

crate::string_field!(StartTime, StartTime::parse, pattern: Some(TIME_PATTERN), format: None, example: Some("18:30"));

/// An IANA time zone name (`Asia/Kolkata`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeZoneName(pub String);

impl TimeZoneName {
    /// Parses a zone chrono-tz knows.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        raw.parse::<Tz>()
            .map(|_| Self(raw.to_owned()))
            .map_err(|_| "must be an IANA time zone like Asia/Kolkata")
    }
}

crate::string_field!(TimeZoneName, TimeZoneName::parse);

impl utoipa::PartialSchema for TimeZoneName {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())))
            .into()
    }
}

/// How long the event lasts: an ISO 8601 duration from 15 minutes to 14 days, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventDuration(pub i64);

impl EventDuration {
    /// Parses `PT3H`, `P1DT2H`, `P1W`…
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match parse_duration(raw)? {
            secs if DURATION_SECS.contains(&secs) => Ok(Self(secs)),
            _ => Err("must be from 15 minutes to 14 days"),
        }
    }
}

crate::string_field!(EventDuration, EventDuration::parse, pattern: Some(DURATION_PATTERN), format: None, example: Some("PT3H"));

/// Whether an event starting at `starts_at` (`None`: the local time does not exist that day
/// in that zone) may be scheduled at `now`: in the future and within `MAX_LEAD_TIME`.
pub fn check_start(starts_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<(), FieldError> {
    match starts_at {
        Some(starts) if starts > now + MAX_LEAD_TIME => Err(FieldError::new(
            "event_date",
            "the event must start within two years",
        )),
        Some(starts) if starts > now => Ok(()),
        Some(_) => Err(FieldError::new(
            "event_date",
            "the event must start in the future",
        )),
        None => Err(FieldError::new(
            "start_time",
            "does not exist on that date in that time zone",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::http::request_body::matches_pattern as matches;

    #[test]
    fn each_value_parses_alone() {
        assert!(EventDate::parse("2027-01-31").is_ok());
        assert_eq!(
            EventDate::parse("31/01/2027"),
            Err("must be a date as YYYY-MM-DD")
        );
        assert_eq!(
            StartTime::parse("18:30").unwrap().0,
            NaiveTime::from_hms_opt(18, 30, 0).unwrap()
        );
        assert!(StartTime::parse("18:30:15").is_ok());
        assert_eq!(StartTime::parse("6pm"), Err("must be a time as HH:MM"));
        assert!(TimeZoneName::parse("Asia/Kolkata").is_ok());
        assert!(TimeZoneName::parse("Mars/Olympus").is_err());
        assert_eq!(EventDuration::parse("PT3H"), Ok(EventDuration(3 * 3600)));
        assert_eq!(
            EventDuration::parse("PT10M"),
            Err("must be from 15 minutes to 14 days")
        );
        assert_eq!(
            EventDuration::parse("3 hours"),
            Err("must be an ISO 8601 duration like PT3H")
        );
    }

    #[test]
    fn an_event_starts_in_the_future_within_two_years() {
        let now = Utc::now();
        assert!(check_start(Some(now + chrono::TimeDelta::days(1)), now).is_ok());
        let field = |at| check_start(at, now).unwrap_err().field;
        assert_eq!(field(Some(now - chrono::TimeDelta::hours(1))), "event_date");
        assert_eq!(
            field(Some(now + MAX_LEAD_TIME + chrono::TimeDelta::days(1))),
            "event_date"
        );
        assert_eq!(field(None), "start_time");
    }

    #[test]
    fn every_duration_the_pattern_allows_parses() {
        for duration in [
            "PT3H", "P1DT2H", "PT90M", "P14D", "PT15M", "PT1H30M", "P2W", "PT59S",
        ] {
            assert!(matches(DURATION_PATTERN, duration), "{duration}");
            assert!(
                crate::domain::text::parse_duration(duration).is_ok(),
                "{duration}"
            );
        }
        for duration in ["P", "PT", "P1DT", "P1Y", "P1M", "PT3H "] {
            assert!(!matches(DURATION_PATTERN, duration), "{duration}");
        }
    }
}
