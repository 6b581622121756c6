//! Presigned image uploads: the app asks for a form, POSTs the image straight to S3 (which
//! itself refuses another key, another content type or more than 10 MB), then puts the public
//! URL into a profile or event. Keys live under the caller's own prefix; the bucket is private
//! and served through the CDN (`UPLOADS_PUBLIC_BASE_URL`).
//!
//! Every upload is tagged `attached=no` by its form, and the bucket's lifecycle rule deletes
//! objects still so tagged after a few days. A profile or event that takes an upload's URL
//! writes a `keep_uploads` outbox message in its transaction; reservation-expiry retags the
//! object `attached=yes`, which the rule leaves alone.

use std::time::Duration;

use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::platform::aws::s3::{UploadRules, UploadSigner};
use crate::platform::config::Config;
use crate::platform::db::{CachedStatements, PgPool};
use crate::platform::error::ApiError;
use crate::platform::outbox::{OutboxMessage, Queue};

/// How long a presigned form accepts the upload.
pub const UPLOAD_URL_TTL: Duration = Duration::from_secs(900);

/// The largest image accepted, in bytes (S3 refuses a larger body).
pub const MAX_UPLOAD_BYTES: u64 = 10 * 1024 * 1024;

crate::text_enum! {
    /// Image types the app may upload.
    ImageType {
        /// JPEG.
        Jpeg => "image/jpeg",
        /// PNG.
        Png => "image/png",
        /// WebP.
        Webp => "image/webp",
        /// HEIC (iPhone photos).
        Heic => "image/heic",
    }
}

impl ImageType {
    /// The stored file's extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Heic => "heic",
        }
    }
}

crate::text_enum! {
    /// What an upload is for (its key prefix).
    UploadPurpose {
        /// A picture on the uploader's profile.
        ProfilePicture => "profile_picture",
        /// An image of an event the uploader hosts.
        EventImage => "event_image",
    }
}

/// The tags every upload form gives its object: not attached yet. The bucket's lifecycle rule
/// (template.yaml, `ExpireUnattachedUploads`) deletes objects with this tag.
pub const UNATTACHED_TAGGING: &str =
    "<Tagging><TagSet><Tag><Key>attached</Key><Value>no</Value></Tag></TagSet></Tagging>";

/// The tags of an upload a profile or event uses.
pub const ATTACHED_TAGS: &[(&str, &str)] = &[("attached", "yes")];

/// The kind of the reservation-expiry message that keeps attached uploads.
pub const KEEP_UPLOADS: &str = "keep_uploads";

/// The path of `url` below `base` (where uploads are served), when it is there and not empty.
pub fn path_under<'a>(base: &str, url: &'a str) -> Option<&'a str> {
    url.strip_prefix(base.trim_end_matches('/'))
        .and_then(|rest| rest.strip_prefix('/'))
        .filter(|path| !path.is_empty())
}

/// The object keys of those `urls` that are uploads (served under `uploads_base`, under a
/// user's prefix), each once.
pub fn upload_keys<'a>(
    uploads_base: Option<&str>,
    urls: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let Some(base) = uploads_base else {
        return Vec::new();
    };
    let mut keys: Vec<String> = Vec::new();
    for url in urls {
        let key = path_under(base, url).filter(|key| {
            key.starts_with("users/") && !key.contains("..") && !key.contains(['?', '#'])
        });
        if let Some(key) = key {
            if !keys.iter().any(|k| k == key) {
                keys.push(key.to_owned());
            }
        }
    }
    keys
}

/// The outbox message that keeps the uploads among `urls`, if any is one. The caller writes it
/// in its transaction and does not publish it: the scheduled republish sends it within two
/// minutes, well inside the days the lifecycle rule allows, so the request makes no AWS call
/// for it.
pub fn keep_message<'a>(
    uploads_base: Option<&str>,
    urls: impl IntoIterator<Item = &'a str>,
) -> Option<OutboxMessage> {
    let keys = upload_keys(uploads_base, urls);
    (!keys.is_empty()).then(|| {
        OutboxMessage::new(
            Queue::ReservationExpiry,
            json!({ "kind": KEEP_UPLOADS, "keys": keys }),
            Duration::ZERO,
        )
    })
}

/// Handles a `keep_uploads` message: retags each object attached. An object that is not there
/// (the URL was never uploaded to) is skipped; any other failure fails the message for a retry.
pub async fn keep(signer: &dyn UploadSigner, payload: &serde_json::Value) -> anyhow::Result<()> {
    let keys = payload["keys"]
        .as_array()
        .ok_or_else(|| anyhow::anyhow!("keep_uploads message without keys"))?;
    for key in keys.iter().filter_map(|k| k.as_str()) {
        if !signer.retag(key, ATTACHED_TAGS).await? {
            tracing::warn!(key, "an attached upload is not in the bucket");
        }
    }
    Ok(())
}

/// The answer to an upload request.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Upload)]
pub struct PresignedUpload {
    /// POST a multipart form here: every field of `fields`, then the image as `file`.
    pub upload_url: String,
    /// The form fields, signed (the key, the content type, the policy and its signature).
    #[schema(value_type = std::collections::BTreeMap<String, String>)]
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// The largest image S3 accepts, in bytes.
    pub max_bytes: u64,
    /// Where the image is served from afterwards.
    pub public_url: String,
    /// Seconds the upload URL stays valid.
    pub expires_in: u64,
    /// The object key.
    pub key: String,
}

/// Presigns a POST under `users/<caller>/<purpose>/`.
pub async fn presign(
    pool: &PgPool,
    signer: &dyn UploadSigner,
    config: &Config,
    caller: Uuid,
    purpose: UploadPurpose,
    content_type: ImageType,
    request_id: &str,
) -> Result<PresignedUpload, ApiError> {
    let bucket =
        Config::require(&config.uploads_bucket, "UPLOADS_BUCKET").map_err(anyhow::Error::from)?;
    let file_id = Uuid::new_v4();
    let key = format!(
        "users/{caller}/{purpose}/{file_id}.{}",
        content_type.extension()
    );
    let form = signer
        .presign_post(UploadRules {
            key: &key,
            content_type: content_type.as_str(),
            max_bytes: MAX_UPLOAD_BYTES,
            expires_in: UPLOAD_URL_TTL,
            tagging: UNATTACHED_TAGGING,
        })
        .await?;
    let base = config.uploads_public_base_url.clone().unwrap_or_else(|| {
        let region = config.aws.region.as_deref().unwrap_or("ap-south-1");
        format!("https://{bucket}.s3.{region}.amazonaws.com")
    });
    // The audit row is written only for an active account, in the same statement that checks
    // it: a deleted or deactivated account gets 401 and its URL is never handed out.
    let client = pool.get().await?;
    let audited = client
        .query_opt(
            "INSERT INTO audit_log (actor_id, object_type, object_id, action, payload, request_id) \
             SELECT id, 'upload', $2, 'presign_upload', $3, $4 FROM auth_user WHERE uuid = $1 AND is_active \
             RETURNING id",
            &[
                &caller,
                &file_id.to_string(),
                &json!({ "key": key, "content_type": content_type.as_str() }),
                &request_id,
            ],
        )
        .await?;
    if audited.is_none() {
        return Err(ApiError::unauthorized("This account is no longer active."));
    }
    Ok(PresignedUpload {
        upload_url: form.url,
        fields: form
            .fields
            .into_iter()
            .map(|(name, value)| (name, serde_json::Value::String(value)))
            .collect(),
        max_bytes: MAX_UPLOAD_BYTES,
        public_url: format!("{}/{key}", base.trim_end_matches('/')),
        expires_in: UPLOAD_URL_TTL.as_secs(),
        key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_urls_under_the_uploads_base_and_a_users_prefix_are_uploads() {
        let base = Some("https://cdn.example.com/");
        let keys = upload_keys(
            base,
            [
                "https://cdn.example.com/users/u1/profile_picture/a.jpg",
                "https://cdn.example.com/users/u1/profile_picture/a.jpg",
                "https://cdn.example.com/other/b.jpg",
                "https://cdn.example.com/users/../x.jpg",
                "https://cdn.example.com/users/u1/c.jpg?v=2",
                "https://elsewhere.example/users/u1/d.jpg",
                "https://cdn.example.comusers/u1/e.jpg",
            ],
        );
        assert_eq!(keys, vec!["users/u1/profile_picture/a.jpg"]);
        assert!(upload_keys(None, ["https://cdn.example.com/users/u1/a.jpg"]).is_empty());
        assert!(keep_message(base, ["https://elsewhere.example/a.jpg"]).is_none());
    }
}
