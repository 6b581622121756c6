//! The caller's profile, the interest catalogue, uploads and public profiles.

use crate::interests::InterestSlugs;
use crate::platform::http::Text;
use crate::profiles::birth_date::BirthDate;
use crate::profiles::pictures::ProfilePictures;
use crate::profiles::Gender;
use crate::uploads::{ImageType, UploadPurpose};

// Answers built by their areas, under their names in the document.
pub use crate::interests::{Interest, InterestList};
pub use crate::profiles::{OwnProfile as Profile, PublicProfile};
pub use crate::uploads::PresignedUpload as Upload;

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

crate::request_body! {
    /// `POST /v1/uploads`.
    pub struct UploadRequest {
        /// What the image is for.
        required purpose: UploadPurpose,
        /// The image's type.
        required content_type: ImageType,
    }
}
