//! The value types of an event's fields that parse a body's member alone: mood, capacity, the
//! genders allowed and the cover images. (Schedule and pricing have their own modules.)

use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::PartialSchema;

use crate::domain::https_url::{HttpsUrl, ImageUrls};
use crate::profiles::Gender;

crate::text_enum!(
    /// An event's mood.
    Mood {
        /// A party.
        Party => "party",
        /// A picnic.
        Picnic => "picnic",
        /// A trip.
        Travel => "travel",
        /// A dinner.
        Dinner => "dinner",
        /// Playing a sport.
        Sports => "sports",
        /// Music.
        Music => "music",
        /// A workshop.
        Workshop => "workshop",
        /// Anything else.
        Other => "other",
    }
);

/// Seats an event offers.
pub const CAPACITY_RANGE: std::ops::RangeInclusive<i64> = 1..=10_000;

/// An event's capacity, 1 to 10 000 seats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capacity(pub i32);

impl<'de> serde::Deserialize<'de> for Capacity {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match i64::deserialize(deserializer)? {
            seats if CAPACITY_RANGE.contains(&seats) => Ok(Self(seats as i32)),
            _ => Err(serde::de::Error::custom("must be from 1 to 10000")),
        }
    }
}

impl PartialSchema for Capacity {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(*CAPACITY_RANGE.start()))
            .maximum(Some(*CAPACITY_RANGE.end()))
            .into()
    }
}

impl utoipa::ToSchema for Capacity {}

/// The genders that may join: one or more, each once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedGenders(pub Vec<String>);

impl<'de> serde::Deserialize<'de> for AllowedGenders {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let genders = Vec::<Gender>::deserialize(deserializer)?;
        let repeated = genders
            .iter()
            .enumerate()
            .any(|(i, gender)| genders[..i].contains(gender));
        if genders.is_empty() || repeated {
            return Err(serde::de::Error::custom(
                "must list one or more genders, once each",
            ));
        }
        Ok(Self(
            genders.iter().map(|g| g.as_str().to_owned()).collect(),
        ))
    }
}

impl PartialSchema for AllowedGenders {
    fn schema() -> RefOr<Schema> {
        ArrayBuilder::new()
            .items(Gender::schema())
            .min_items(Some(1))
            .max_items(Some(Gender::ALL.len()))
            .unique_items(true)
            .into()
    }
}

impl utoipa::ToSchema for AllowedGenders {}

/// The most cover images an event shows.
pub const MAX_COVERS: usize = 3;

/// An event's cover images: 1 to 3 https URLs.
pub type CoverImages = ImageUrls<HttpsUrl, 1, MAX_COVERS>;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn genders_are_known_listed_once_and_not_none() {
        let read = |value| serde_json::from_value::<AllowedGenders>(value);
        assert_eq!(
            read(json!(["female", "non_binary"])).unwrap().0,
            ["female", "non_binary"]
        );
        for bad in [json!([]), json!(["female", "female"]), json!(["robot"])] {
            assert!(read(bad.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn capacity_and_covers_keep_their_bounds() {
        assert!(serde_json::from_value::<Capacity>(json!(0)).is_err());
        assert_eq!(
            serde_json::from_value::<Capacity>(json!(10_000)).unwrap(),
            Capacity(10_000)
        );
        assert!(serde_json::from_value::<CoverImages>(json!([])).is_err());
        let four: Vec<String> = (0..4)
            .map(|i| format!("https://a.example/{i}.jpg"))
            .collect();
        assert!(serde_json::from_value::<CoverImages>(json!(four)).is_err());
    }
}
