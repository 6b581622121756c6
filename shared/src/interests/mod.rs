//! The interest catalogue (Music, Travel, ...) that profiles and events are tagged with.
//!
//! Rules: only active interests are listed, in display order, and only they may be chosen. A
//! profile names up to twenty (a repeated slug is kept once); an event's list, when given, one
//! to five, none twice. An unknown slug is refused by its index (`interests[2]`).

pub mod repo;
pub mod store;

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
