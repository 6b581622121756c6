//! Profiles: the caller's own (with phone and birth date), the public view of anyone else
//! (never phone or birth date), updates, interests and account deletion.
//!
//! Rules: a profile is complete with a name, a gender, a birth date (18 or older) and a
//! picture; joining an event needs at least the gender. Pictures are https URLs, and uploads
//! only under the caller's own prefix. Deleting an account cancels its
//! upcoming hosted events (guests told and refunded in full), ends its co-host roles, gives up
//! its own seats (refunded per the fee policy), then anonymises the person; money records stay.

pub mod birth_date;
pub mod deletion;
pub mod patch;
pub mod pictures;
pub mod repo;
pub mod service;
pub mod store;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::interests::Interest;

crate::text_enum!(
    /// The gender a profile states; an event allows a subset of these.
    Gender {
        /// Male.
        Male => "male",
        /// Female.
        Female => "female",
        /// Non-binary.
        NonBinary => "non_binary",
        /// Other.
        Other => "other",
    }
);

/// Genders a profile may state, as words (`Gender::ALL`).
pub const GENDERS: &[&str] = &[
    Gender::Male.as_str(),
    Gender::Female.as_str(),
    Gender::NonBinary.as_str(),
    Gender::Other.as_str(),
];
/// Slugs of the interest catalogue as migrated (V2); the schema's `enum`, checked against the
/// database by a test.
pub const INTEREST_SLUGS: &[&str] = &[
    "music",
    "travel",
    "party",
    "picnic",
    "food",
    "sports",
    "art",
    "tech",
    "outdoors",
    "games",
    "fitness",
    "books",
    "movies",
    "photography",
    "dance",
    "wellness",
];

/// Whether a profile has what the app asks before joining: a name, a gender, a birth date and
/// at least one picture (joining itself checks only the gender: `attendance::rules`).
pub fn is_complete(
    name: Option<&str>,
    gender: Option<Gender>,
    birth_date: Option<NaiveDate>,
    pictures: &[String],
) -> bool {
    name.is_some() && gender.is_some() && birth_date.is_some() && !pictures.is_empty()
}

/// The caller's own profile.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Profile)]
pub struct OwnProfile {
    /// Public user id.
    pub user_id: Uuid,
    /// Display name.
    pub name: Option<String>,
    /// About me.
    pub bio: Option<String>,
    /// Free-text location.
    pub location: Option<String>,
    /// The login phone number (E.164; only ever shown to its owner).
    pub phone_number: Option<String>,
    /// Birth date (only ever shown to its owner).
    pub birth_date: Option<NaiveDate>,
    /// The gender the profile states.
    #[schema(inline)]
    pub gender: Option<Gender>,
    /// Up to six https image URLs.
    pub profile_pictures: Vec<String>,
    /// Whether the phone number was verified by OTP.
    pub is_verified: bool,
    /// Name, gender, birth date and at least one picture are set (what the app asks for
    /// before joining; joining itself needs the gender).
    pub is_complete: bool,
    /// Interests followed.
    pub interests: Vec<Interest>,
    /// When the profile was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// What anyone signed in may see of another user: never a phone number or birth date.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicProfile {
    /// Public user id.
    pub user_id: Uuid,
    /// Display name.
    pub name: Option<String>,
    /// About me.
    pub bio: Option<String>,
    /// Free-text location.
    pub location: Option<String>,
    /// The gender the profile states.
    #[schema(inline)]
    pub gender: Option<Gender>,
    /// Up to six https image URLs.
    pub profile_pictures: Vec<String>,
    /// Whether the phone number was verified.
    pub is_verified: bool,
    /// Interests followed.
    pub interests: Vec<Interest>,
}

impl From<OwnProfile> for PublicProfile {
    fn from(own: OwnProfile) -> Self {
        Self {
            user_id: own.user_id,
            name: own.name,
            bio: own.bio,
            location: own.location,
            gender: own.gender,
            profile_pictures: own.profile_pictures,
            is_verified: own.is_verified,
            interests: own.interests,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_is_complete_with_a_name_gender_birth_date_and_picture() {
        let born = NaiveDate::from_ymd_opt(1995, 5, 5);
        let pictures = ["https://cdn.example.com/me.jpg".to_owned()];
        assert!(is_complete(
            Some("Asha"),
            Some(Gender::Female),
            born,
            &pictures
        ));
        assert!(!is_complete(None, Some(Gender::Female), born, &pictures));
        assert!(!is_complete(Some("Asha"), None, born, &pictures));
        assert!(!is_complete(
            Some("Asha"),
            Some(Gender::Female),
            None,
            &pictures
        ));
        assert!(!is_complete(Some("Asha"), Some(Gender::Female), born, &[]));
    }
}
