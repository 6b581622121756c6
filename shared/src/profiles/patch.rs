//! Parsing a profile update: every bad field is named in one 422.

use chrono::{Datelike, NaiveDate};

use super::GENDERS;
use crate::domain::https_url::is_https_url;
use crate::error::ApiError;
use crate::http::FieldReader;

/// Fields a PATCH may set; `None` = not sent, `Some(None)` = cleared.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ProfilePatch {
    /// New name (cannot be cleared).
    pub name: Option<String>,
    /// New bio, or cleared.
    pub bio: Option<Option<String>>,
    /// New location, or cleared.
    pub location: Option<Option<String>>,
    /// New birth date, or cleared.
    pub birth_date: Option<Option<NaiveDate>>,
    /// New gender, or cleared.
    pub gender: Option<Option<String>>,
    /// New picture list (empty clears).
    pub profile_pictures: Option<Vec<String>>,
}

const EDITABLE: &[&str] = &[
    "name",
    "bio",
    "location",
    "birth_date",
    "gender",
    "profile_pictures",
];

fn age_on(birth: NaiveDate, today: NaiveDate) -> i32 {
    let mut age = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// A clearable text field: `None` = not sent, `Some(None)` = cleared (null or blank).
fn clearable_text(reader: &mut FieldReader, field: &str, max: usize) -> Option<Option<String>> {
    reader.has(field).then(|| reader.text(field, 0, max))
}

impl ProfilePatch {
    /// Reads and validates a PATCH body; `today` decides the 18+ rule. A picture is an https
    /// URL, or one under `uploads_base` (where uploads are served: the CDN in AWS, the local S3
    /// on a laptop, which speaks plain http).
    pub fn parse(
        mut reader: FieldReader,
        today: NaiveDate,
        uploads_base: Option<&str>,
    ) -> Result<Self, ApiError> {
        let uploaded = |url: &str| {
            uploads_base.is_some_and(|base| crate::uploads::path_under(base, url).is_some())
        };
        for key in reader.keys() {
            if !EDITABLE.contains(&key.as_str()) {
                reader.error(&key, "cannot be changed here");
            }
        }
        let mut patch = Self::default();
        if reader.has("name") {
            patch.name = reader.text("name", 1, 80);
        }
        patch.bio = clearable_text(&mut reader, "bio", 500);
        patch.location = clearable_text(&mut reader, "location", 120);
        if reader.has("birth_date") {
            patch.birth_date = Some(match reader.optional::<String>("birth_date") {
                None => None,
                Some(raw) => match NaiveDate::parse_from_str(&raw, "%Y-%m-%d") {
                    Ok(date) if date.year() < 1900 || date > today => {
                        reader.error("birth_date", "must be a real past date");
                        None
                    }
                    Ok(date) if age_on(date, today) < 18 => {
                        reader.error("birth_date", "you must be at least 18");
                        None
                    }
                    Ok(date) => Some(date),
                    Err(_) => {
                        reader.error("birth_date", "must be a date as YYYY-MM-DD");
                        None
                    }
                },
            });
        }
        if reader.has("gender") {
            patch.gender = Some(match reader.optional::<String>("gender") {
                None => None,
                Some(g) if GENDERS.contains(&g.as_str()) => Some(g),
                Some(_) => {
                    reader.error("gender", "must be one of male, female, non_binary, other");
                    None
                }
            });
        }
        if reader.has("profile_pictures") {
            match reader.optional::<Vec<serde_json::Value>>("profile_pictures") {
                None if reader.has_errors_for("profile_pictures") => {}
                None => patch.profile_pictures = Some(Vec::new()),
                Some(items) => {
                    if items.len() > 6 {
                        reader.error("profile_pictures", "at most 6 pictures");
                    }
                    let mut urls = Vec::new();
                    for (i, item) in items.iter().enumerate() {
                        match item.as_str() {
                            Some(url) if is_https_url(url) || uploaded(url) => {
                                urls.push(url.to_owned())
                            }
                            _ => reader
                                .error(&format!("profile_pictures[{i}]"), "must be an https URL"),
                        }
                    }
                    patch.profile_pictures = Some(urls);
                }
            }
        }
        reader.finish()?;
        Ok(patch)
    }

    /// Names of the fields this patch changes (for the audit row: names, never values).
    pub fn field_names(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        if self.name.is_some() {
            names.push("name");
        }
        if self.bio.is_some() {
            names.push("bio");
        }
        if self.location.is_some() {
            names.push("location");
        }
        if self.birth_date.is_some() {
            names.push("birth_date");
        }
        if self.gender.is_some() {
            names.push("gender");
        }
        if self.profile_pictures.is_some() {
            names.push("profile_pictures");
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_counts_whole_years() {
        let birth = NaiveDate::from_ymd_opt(2008, 11, 26).unwrap();
        assert_eq!(
            age_on(birth, NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()),
            17
        );
        assert_eq!(
            age_on(birth, NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()),
            18
        );
    }
}
