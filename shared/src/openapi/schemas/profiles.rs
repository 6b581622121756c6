//! The caller's profile, the interest catalogue, uploads and public profiles.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::Text;
use crate::interests::InterestSlugs;
use crate::profiles::birth_date::BirthDate;
use crate::profiles::pictures::ProfilePictures;
use crate::profiles::Gender;
use crate::uploads::{ImageType, UploadPurpose};

/// An interest of the catalogue.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Interest {
    /// The interest's id.
    pub interest_id: uuid::Uuid,
    /// Display name.
    pub name: String,
    /// Stable slug used in filters and bodies.
    pub slug: String,
    /// Icon name.
    pub icon: Option<String>,
}

/// The interest catalogue.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct InterestList {
    /// Active interests, in display order.
    pub items: Vec<Interest>,
}

/// The caller's own profile.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Profile {
    /// The user's id.
    pub user_id: uuid::Uuid,
    /// E.164 phone number (only ever shown to its owner).
    pub phone_number: String,
    /// Display name.
    pub name: Option<String>,
    /// Short bio.
    pub bio: Option<String>,
    /// Free-text location.
    pub location: Option<String>,
    /// Birth date (only ever shown to its owner).
    pub birth_date: Option<chrono::NaiveDate>,
    /// One of male, female, non_binary, other.
    pub gender: Option<String>,
    /// https URLs of profile pictures.
    pub profile_pictures: Vec<String>,
    /// Chosen interests.
    pub interests: Vec<Interest>,
    /// Whether the profile has what joining an event needs.
    pub is_complete: bool,
    /// Whether the user is verified.
    pub is_verified: bool,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

crate::request_body! {
    /// `PATCH /v1/me`: any subset; `null` clears.
    pub struct ProfileUpdate {
        /// Display name (cannot be removed).
        #[schema(nullable = false)]
        settable name: Option<Text<1, 80>>,
        /// Short bio.
        clearable bio: Option<Option<Text<0, 500>>>,
        /// Free-text location.
        clearable location: Option<Option<Text<0, 120>>>,
        /// Birth date (the user must be at least 18).
        clearable birth_date: Option<Option<BirthDate>>,
        /// The gender the profile states.
        clearable gender: Option<Option<Gender>>,
        /// Picture URLs, in order (`null` or `[]` removes them all).
        clearable profile_pictures: Option<Option<ProfilePictures>>,
    }
}

crate::request_body! {
    /// `PUT /v1/me/interests`.
    pub struct InterestsUpdate {
        /// Interest slugs (a repeated one is kept once).
        required interests: InterestSlugs<0, { crate::profiles::service::MAX_INTERESTS }>,
    }
}

/// Another user's public profile: never a phone number or birth date.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct PublicProfile {
    /// The user's id.
    pub user_id: uuid::Uuid,
    /// Display name.
    pub name: Option<String>,
    /// Short bio.
    pub bio: Option<String>,
    /// Free-text location.
    pub location: Option<String>,
    /// Gender.
    pub gender: Option<String>,
    /// https URLs of profile pictures.
    pub profile_pictures: Vec<String>,
    /// Interests.
    pub interests: Vec<Interest>,
    /// Whether the user is verified.
    pub is_verified: bool,
}

crate::request_body! {
    /// `POST /v1/uploads`.
    pub struct UploadRequest {
        /// What the image is for.
        required purpose: UploadPurpose,
        /// The image's type.
        required content_type: ImageType,
    }
}

/// A presigned upload form.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Upload {
    /// POST a multipart/form-data form here: every field of `fields`, then the image as `file`.
    pub upload_url: String,
    /// The signed form fields (key, Content-Type, policy, x-amz-*), sent as they are.
    pub fields: std::collections::BTreeMap<String, String>,
    /// The largest image S3 accepts, in bytes (10 MB).
    pub max_bytes: i64,
    /// Where the file is served afterwards (use it in profile_pictures / images).
    pub public_url: String,
    /// The object key.
    pub key: String,
    /// Seconds the upload URL stays valid.
    pub expires_in: i64,
}
