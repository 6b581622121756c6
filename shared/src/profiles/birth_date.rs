//! A birth date in a profile: a real past date (`YYYY-MM-DD`) of someone at least 18.

use chrono::{Datelike, NaiveDate, Utc};
use utoipa::openapi::KnownFormat;

/// The youngest a user may be.
pub const MIN_AGE: i32 = 18;

/// A birth date of an adult.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BirthDate(pub NaiveDate);

/// Whole years from `birth` to `today`.
pub fn age_on(birth: NaiveDate, today: NaiveDate) -> i32 {
    let mut age = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

impl BirthDate {
    /// The rule, as of `today`.
    pub fn parse(raw: &str, today: NaiveDate) -> Result<Self, &'static str> {
        match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Err(_) => Err("must be a date as YYYY-MM-DD"),
            Ok(date) if date.year() < 1900 || date > today => Err("must be a real past date"),
            Ok(date) if age_on(date, today) < MIN_AGE => Err("you must be at least 18"),
            Ok(date) => Ok(Self(date)),
        }
    }
}

// Read in a body as of today (UTC), the day the server checks it.
crate::string_field!(
    BirthDate,
    |raw| BirthDate::parse(raw, Utc::now().date_naive()),
    pattern: None,
    format: Some(KnownFormat::Date),
    example: None
);

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn age_counts_whole_years() {
        let birth = day(2008, 11, 26);
        assert_eq!(age_on(birth, day(2026, 11, 25)), 17);
        assert_eq!(age_on(birth, day(2026, 11, 26)), 18);
    }

    #[test]
    fn only_an_adults_real_past_date_is_a_birth_date() {
        let today = day(2026, 11, 26);
        assert_eq!(
            BirthDate::parse("2008-11-26", today),
            Ok(BirthDate(day(2008, 11, 26)))
        );
        assert_eq!(
            BirthDate::parse("2008-11-27", today),
            Err("you must be at least 18")
        );
        assert_eq!(
            BirthDate::parse("2999-01-01", today),
            Err("must be a real past date")
        );
        assert_eq!(
            BirthDate::parse("1899-12-31", today),
            Err("must be a real past date")
        );
        assert_eq!(
            BirthDate::parse("26/11/2008", today),
            Err("must be a date as YYYY-MM-DD")
        );
    }
}
