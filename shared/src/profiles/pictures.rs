//! Profile pictures: up to six image URLs. Each is an https URL, or (on a laptop, where the
//! local S3 speaks plain http) a URL under the uploads base, which only configuration knows:
//! `refuse_foreign_http` checks that part before the body is read, so one 422 names both kinds
//! of bad picture with every other bad field.

use serde_json::Value;

use crate::domain::https_url::{is_https_url, ImageUrls, HTTPS_URL_MAX_LENGTH};
use crate::platform::http::FieldReader;

/// The most pictures a profile shows.
pub const MAX_PICTURES: usize = 6;

const NOT_HTTPS: &str = "must be an https URL";

/// A picture's URL: https, or plain http (allowed only under the uploads base, checked apart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureUrl(pub String);

impl<'de> serde::Deserialize<'de> for PictureUrl {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let url = String::deserialize(deserializer)?;
        let local = url.starts_with("http://") && url.len() <= HTTPS_URL_MAX_LENGTH;
        if is_https_url(&url) || local {
            Ok(Self(url))
        } else {
            Err(serde::de::Error::custom(NOT_HTTPS))
        }
    }
}

impl From<PictureUrl> for String {
    fn from(url: PictureUrl) -> Self {
        url.0
    }
}

/// A profile's pictures, in order. (The document promises https only: a plain-http upload URL
/// is a laptop's stand-in.)
pub type ProfilePictures = ImageUrls<PictureUrl, 0, MAX_PICTURES>;

/// Records "must be an https URL" for each plain-http picture that is not under `uploads_base`.
pub fn refuse_foreign_http(reader: &mut FieldReader, uploads_base: Option<&str>) {
    let Some(Value::Array(items)) = reader.peek("profile_pictures") else {
        return;
    };
    let foreign: Vec<usize> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let url = item.as_str()?;
            let uploaded =
                uploads_base.is_some_and(|base| crate::uploads::path_under(base, url).is_some());
            let plain_http = url.starts_with("http://") && url.len() <= HTTPS_URL_MAX_LENGTH;
            (plain_http && !uploaded).then_some(i)
        })
        .collect();
    for i in foreign {
        reader.error(&format!("profile_pictures[{i}]"), NOT_HTTPS);
    }
}
