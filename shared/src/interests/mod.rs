//! The interest catalogue (Music, Travel, ...) that profiles and events are tagged with.
//!
//! Rules: only active interests are listed, in display order, and only they may be chosen. A
//! profile names up to twenty (a repeated slug is kept once); an event's list, when given, one
//! to five, none twice. An unknown slug is refused by its index (`interests[2]`).

pub mod repo;
pub mod store;

use crate::platform::error::{ApiError, FieldError};

/// What a list that names an interest twice gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeats {
    /// Kept once (a profile's list).
    KeptOnce,
    /// Refused, naming the repeat (an event's list).
    Refused,
}

/// The internal ids of `slugs` in the order given, from the catalogue's `(slug, id)` pairs
/// `found`: one 422 naming every unknown slug by its index (`interests[2]`), and every repeat
/// when `repeats` refuses them.
pub fn resolve(
    slugs: &[String],
    found: &[(String, i64)],
    repeats: Repeats,
) -> Result<Vec<i64>, ApiError> {
    let mut ids = Vec::new();
    let mut errors = Vec::new();
    for (i, slug) in slugs.iter().enumerate() {
        match found.iter().find(|(known, _)| known == slug) {
            Some((_, id)) if !ids.contains(id) => ids.push(*id),
            Some(_) if repeats == Repeats::KeptOnce => {}
            Some(_) => errors.push(FieldError::new(
                format!("interests[{i}]"),
                "is listed twice",
            )),
            None => errors.push(FieldError::new(
                format!("interests[{i}]"),
                "is not a known interest",
            )),
        }
    }
    if errors.is_empty() {
        Ok(ids)
    } else {
        Err(ApiError::validation(errors))
    }
}

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One interest as the API shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Interest {
    /// Public id.
    pub interest_id: Uuid,
    /// Display name.
    pub name: String,
    /// Stable slug used in requests (`music`).
    pub slug: String,
    /// Icon name for the app.
    pub icon: Option<String>,
}

/// The interest catalogue.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InterestList {
    /// Active interests, in display order.
    pub items: Vec<Interest>,
}

/// Interest slugs in a request body: `MIN` to `MAX` of them. Whether each names an interest is
/// the catalogue's to say (an unknown one is named by its index); the schema lists the slugs.
/// A list that must have one (an event's) may not repeat a slug; a profile's may (kept once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterestSlugs<const MIN: usize, const MAX: usize>(pub Vec<String>);

impl<'de, const MIN: usize, const MAX: usize> Deserialize<'de> for InterestSlugs<MIN, MAX> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let slugs = Vec::<String>::deserialize(deserializer)?;
        if (MIN..=MAX).contains(&slugs.len()) {
            Ok(Self(slugs))
        } else {
            Err(serde::de::Error::custom(format!(
                "must list {MIN} to {MAX} interests"
            )))
        }
    }
}

impl<const MIN: usize, const MAX: usize> utoipa::PartialSchema for InterestSlugs<MIN, MAX> {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
        let slug = ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(crate::profiles::INTEREST_SLUGS.iter().copied()));
        ArrayBuilder::new()
            .items(slug)
            .min_items(Some(MIN))
            .max_items(Some(MAX))
            .unique_items(MIN > 0)
            .into()
    }
}

impl<const MIN: usize, const MAX: usize> utoipa::ToSchema for InterestSlugs<MIN, MAX> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn slugs(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| name.to_string()).collect()
    }

    fn catalogue() -> Vec<(String, i64)> {
        vec![("music".into(), 1), ("travel".into(), 2)]
    }

    fn bad_fields(result: Result<Vec<i64>, ApiError>) -> Vec<(String, String)> {
        let ApiError::Client(problem) = result.unwrap_err() else {
            panic!("not a client problem")
        };
        problem
            .errors
            .into_iter()
            .map(|e| (e.field, e.message))
            .collect()
    }

    #[test]
    fn known_slugs_become_their_ids_in_the_order_given() {
        let ids = resolve(&slugs(&["travel", "music"]), &catalogue(), Repeats::Refused);
        assert_eq!(ids.unwrap(), vec![2, 1]);
    }

    #[test]
    fn a_profile_keeps_a_repeated_slug_once() {
        let ids = resolve(&slugs(&["music", "music"]), &catalogue(), Repeats::KeptOnce);
        assert_eq!(ids.unwrap(), vec![1]);
    }

    #[test]
    fn every_unknown_and_repeated_slug_is_named_by_its_index() {
        let result = resolve(
            &slugs(&["music", "chess", "music", "golf"]),
            &catalogue(),
            Repeats::Refused,
        );
        assert_eq!(
            bad_fields(result),
            vec![
                (
                    "interests[1]".to_owned(),
                    "is not a known interest".to_owned()
                ),
                ("interests[2]".to_owned(), "is listed twice".to_owned()),
                (
                    "interests[3]".to_owned(),
                    "is not a known interest".to_owned()
                ),
            ]
        );
    }
}
