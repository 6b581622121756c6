//! Small text rules: slugs and ISO 8601 durations.

/// A URL slug from a title: lowercase ASCII letters and digits separated by single hyphens.
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug: String = slug.trim_end_matches('-').chars().take(100).collect();
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        "event".to_owned()
    } else {
        slug
    }
}

/// Seconds of an ISO 8601 duration made of days, hours, minutes and seconds (`PT3H`, `P1DT2H`);
/// years and months are refused (their length varies).
pub fn parse_duration(raw: &str) -> Result<i64, &'static str> {
    let parsed = iso8601::duration(raw).map_err(|_| "must be an ISO 8601 duration like PT3H")?;
    let seconds = match parsed {
        iso8601::Duration::YMDHMS {
            year,
            month,
            day,
            hour,
            minute,
            second,
            millisecond,
        } => {
            if year != 0 || month != 0 {
                return Err("must use days, hours and minutes, not years or months");
            }
            let _ = millisecond;
            i64::from(day) * 86_400
                + i64::from(hour) * 3_600
                + i64::from(minute) * 60
                + i64::from(second)
        }
        iso8601::Duration::Weeks(weeks) => i64::from(weeks) * 7 * 86_400,
    };
    Ok(seconds)
}

/// Renders seconds as an ISO 8601 duration (`PT3H30M`, `P2DT1H`).
pub fn format_duration(seconds: i64) -> String {
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let (hours, rest) = (rest / 3_600, rest % 3_600);
    let (minutes, secs) = (rest / 60, rest % 60);
    let mut out = String::from("P");
    if days > 0 {
        out.push_str(&format!("{days}D"));
    }
    if hours > 0 || minutes > 0 || secs > 0 || days == 0 {
        out.push('T');
        if hours > 0 {
            out.push_str(&format!("{hours}H"));
        }
        if minutes > 0 {
            out.push_str(&format!("{minutes}M"));
        }
        if secs > 0 || (hours == 0 && minutes == 0) {
            out.push_str(&format!("{secs}S"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_clean() {
        assert_eq!(slugify("Rooftop Jazz Night!"), "rooftop-jazz-night");
        assert_eq!(slugify("  Café — Open Mic #3 "), "caf-open-mic-3");
        assert_eq!(slugify("!!!"), "event");
    }

    #[test]
    fn durations_round_trip() {
        assert_eq!(parse_duration("PT3H").unwrap(), 10_800);
        assert_eq!(parse_duration("P1DT2H30M").unwrap(), 95_400);
        assert!(parse_duration("P1M").is_err());
        assert!(parse_duration("3 hours").is_err());
        assert_eq!(format_duration(10_800), "PT3H");
        assert_eq!(format_duration(95_400), "P1DT2H30M");
    }
}
