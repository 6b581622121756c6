//! A profile update: the `ProfileUpdate` body read into the changes it asks for.

use chrono::NaiveDate;

use super::pictures::refuse_foreign_http;
use crate::contract::schemas::ProfileUpdate;
use crate::platform::error::ApiError;
use crate::platform::http::{FieldReader, RequestBody, Text};

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

/// Blank text clears the field, as null does.
fn clearable_text<const MIN: usize, const MAX: usize>(
    sent: Option<Option<Text<MIN, MAX>>>,
) -> Option<Option<String>> {
    sent.map(|text| text.and_then(Text::non_blank))
}

impl From<ProfileUpdate> for ProfilePatch {
    fn from(body: ProfileUpdate) -> Self {
        Self {
            name: body.name.map(Text::into_inner),
            bio: clearable_text(body.bio),
            location: clearable_text(body.location),
            birth_date: body.birth_date.map(|date| date.map(|date| date.0)),
            gender: body
                .gender
                .map(|gender| gender.map(|gender| gender.as_str().to_owned())),
            profile_pictures: body
                .profile_pictures
                .map(|pictures| pictures.map(|pictures| pictures.0).unwrap_or_default()),
        }
    }
}

impl ProfilePatch {
    /// Reads a PATCH body: one 422 names every bad field. A picture is an https URL, or one
    /// under `uploads_base` (where uploads are served: the CDN in AWS, the local S3 on a laptop,
    /// which speaks plain http).
    pub fn parse(mut reader: FieldReader, uploads_base: Option<&str>) -> Result<Self, ApiError> {
        let body = ProfileUpdate::read(&mut reader);
        refuse_foreign_http(&mut reader, uploads_base);
        reader.finish()?;
        body.map(Self::from)
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a read body names its errors")))
    }

    /// Names of the fields this patch changes (for the audit row: names, never values).
    pub fn field_names(&self) -> Vec<&'static str> {
        let changed = [
            ("name", self.name.is_some()),
            ("bio", self.bio.is_some()),
            ("location", self.location.is_some()),
            ("birth_date", self.birth_date.is_some()),
            ("gender", self.gender.is_some()),
            ("profile_pictures", self.profile_pictures.is_some()),
        ];
        changed
            .into_iter()
            .filter_map(|(name, is_changed)| is_changed.then_some(name))
            .collect()
    }
}
