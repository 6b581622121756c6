//! Presigned uploads: the app POSTs an image straight to S3 with a short-lived form, so image
//! bytes never pass through a Lambda. A POST policy (unlike a presigned PUT) lets S3 itself
//! refuse what the form does not allow: another key, another content type, or more than the
//! size limit.

use std::time::Duration;

use anyhow::Context;
use aws_credential_types::provider::ProvideCredentials;
use aws_sdk_s3::error::ProvideErrorMetadata;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use tokio::sync::OnceCell;

use super::{sdk_config, BoxFuture};
use crate::config::AwsSettings;

/// A presigned POST: the URL to post a multipart form to, and the form fields that must come
/// before the `file` field, in this order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresignedPost {
    /// Where the form goes.
    pub url: String,
    /// The fields S3 checks against the signed policy.
    pub fields: Vec<(String, String)>,
}

/// What one upload may be: its key, its content type, its largest size, how long the form lives.
#[derive(Debug, Clone, Copy)]
pub struct UploadRules<'a> {
    /// The object key.
    pub key: &'a str,
    /// The only content type S3 accepts.
    pub content_type: &'a str,
    /// The largest body in bytes.
    pub max_bytes: u64,
    /// How long the form is valid.
    pub expires_in: Duration,
    /// The object's tags, as S3's `Tagging` XML (the bucket's lifecycle rule reads them).
    pub tagging: &'a str,
}

/// The uploads bucket: presigned upload forms, and the mark that keeps an attached upload.
pub trait UploadSigner: Send + Sync {
    /// A form that accepts one upload within `rules`.
    fn presign_post<'a>(
        &'a self,
        rules: UploadRules<'a>,
    ) -> BoxFuture<'a, anyhow::Result<PresignedPost>>;

    /// Replaces the tags of the object `key` with `tagging` (one AWS call). `Ok(false)` when
    /// there is no such object (never uploaded, or already expired).
    fn retag<'a>(
        &'a self,
        key: &'a str,
        tagging: &'a [(&'a str, &'a str)],
    ) -> BoxFuture<'a, anyhow::Result<bool>>;
}

/// The signing inputs of a POST policy (SigV4, service `s3`).
#[derive(Debug, Clone)]
pub struct PolicySigning<'a> {
    /// The bucket.
    pub bucket: &'a str,
    /// The region.
    pub region: &'a str,
    /// Access key id.
    pub access_key_id: &'a str,
    /// Secret access key.
    pub secret_access_key: &'a str,
    /// Session token (Lambda's role credentials have one).
    pub session_token: Option<&'a str>,
    /// When it is signed.
    pub now: DateTime<Utc>,
}

/// The form fields of a POST policy for `rules`, signed as SigV4 describes for browser-based
/// uploads: the base64 policy is the string to sign with the date/region/s3 signing key.
pub fn post_fields(signing: &PolicySigning<'_>, rules: &UploadRules<'_>) -> Vec<(String, String)> {
    let date = signing.now.format("%Y%m%d").to_string();
    let amz_date = signing.now.format("%Y%m%dT%H%M%SZ").to_string();
    let credential = format!(
        "{}/{date}/{}/s3/aws4_request",
        signing.access_key_id, signing.region
    );
    let expiration = signing.now
        + chrono::Duration::from_std(rules.expires_in).unwrap_or(chrono::Duration::minutes(15));
    let mut conditions = vec![
        json!({ "bucket": signing.bucket }),
        json!({ "key": rules.key }),
        json!({ "Content-Type": rules.content_type }),
        json!(["content-length-range", 1, rules.max_bytes]),
        json!({ "tagging": rules.tagging }),
        json!({ "x-amz-algorithm": "AWS4-HMAC-SHA256" }),
        json!({ "x-amz-credential": credential }),
        json!({ "x-amz-date": amz_date }),
    ];
    if let Some(token) = signing.session_token {
        conditions.push(json!({ "x-amz-security-token": token }));
    }
    let policy = json!({
        "expiration": expiration.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        "conditions": conditions,
    });
    let policy = base64::engine::general_purpose::STANDARD.encode(policy.to_string());
    let mut key = format!("AWS4{}", signing.secret_access_key).into_bytes();
    for part in [date.as_str(), signing.region, "s3", "aws4_request"] {
        key = hmac_sha256(&key, part.as_bytes());
    }
    let signature = hex::encode(hmac_sha256(&key, policy.as_bytes()));
    let mut fields = vec![
        ("key".to_owned(), rules.key.to_owned()),
        ("Content-Type".to_owned(), rules.content_type.to_owned()),
        ("tagging".to_owned(), rules.tagging.to_owned()),
        ("x-amz-algorithm".to_owned(), "AWS4-HMAC-SHA256".to_owned()),
        ("x-amz-credential".to_owned(), credential),
        ("x-amz-date".to_owned(), amz_date),
    ];
    if let Some(token) = signing.session_token {
        fields.push(("x-amz-security-token".to_owned(), token.to_owned()));
    }
    fields.push(("policy".to_owned(), policy));
    fields.push(("x-amz-signature".to_owned(), signature));
    fields
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// The aws-sdk adapter: credentials from the SDK's chain (loaded on first use); signing is
/// local computation, no AWS call.
pub struct S3UploadSigner {
    settings: AwsSettings,
    bucket: String,
    config: OnceCell<aws_config::SdkConfig>,
    client: OnceCell<aws_sdk_s3::Client>,
}

impl S3UploadSigner {
    /// An adapter for `bucket`.
    pub fn new(settings: AwsSettings, bucket: String) -> Self {
        Self {
            settings,
            bucket,
            config: OnceCell::new(),
            client: OnceCell::new(),
        }
    }

    async fn client(&self) -> &aws_sdk_s3::Client {
        self.client
            .get_or_init(|| async {
                let config = self.config.get_or_init(|| sdk_config(&self.settings)).await;
                // A local endpoint (moto) serves buckets by path, not by host name.
                aws_sdk_s3::Client::from_conf(
                    aws_sdk_s3::config::Builder::from(config)
                        .force_path_style(self.settings.endpoint_url.is_some())
                        .build(),
                )
            })
            .await
    }

    /// Where the form is posted: the bucket's own endpoint, or, on a local endpoint (moto),
    /// the bucket by path.
    fn url(&self, region: &str) -> String {
        match &self.settings.endpoint_url {
            Some(endpoint) => format!("{}/{}", endpoint.trim_end_matches('/'), self.bucket),
            None => format!("https://{}.s3.{region}.amazonaws.com", self.bucket),
        }
    }
}

impl UploadSigner for S3UploadSigner {
    fn presign_post<'a>(
        &'a self,
        rules: UploadRules<'a>,
    ) -> BoxFuture<'a, anyhow::Result<PresignedPost>> {
        Box::pin(async move {
            let config = self.config.get_or_init(|| sdk_config(&self.settings)).await;
            let region = config
                .region()
                .map(|r| r.as_ref().to_owned())
                .context("no AWS region for signing uploads")?;
            let credentials = config
                .credentials_provider()
                .context("no AWS credentials provider")?
                .provide_credentials()
                .await
                .context("loading AWS credentials to sign an upload")?;
            let signing = PolicySigning {
                bucket: &self.bucket,
                region: &region,
                access_key_id: credentials.access_key_id(),
                secret_access_key: credentials.secret_access_key(),
                session_token: credentials.session_token(),
                now: Utc::now(),
            };
            Ok(PresignedPost {
                url: self.url(&region),
                fields: post_fields(&signing, &rules),
            })
        })
    }

    fn retag<'a>(
        &'a self,
        key: &'a str,
        tagging: &'a [(&'a str, &'a str)],
    ) -> BoxFuture<'a, anyhow::Result<bool>> {
        Box::pin(async move {
            let tags = tagging
                .iter()
                .map(|(name, value)| {
                    aws_sdk_s3::types::Tag::builder()
                        .key(*name)
                        .value(*value)
                        .build()
                })
                .collect::<Result<Vec<_>, _>>()?;
            let result = self
                .client()
                .await
                .put_object_tagging()
                .bucket(&self.bucket)
                .key(key)
                .tagging(
                    aws_sdk_s3::types::Tagging::builder()
                        .set_tag_set(Some(tags))
                        .build()?,
                )
                .send()
                .await;
            match result {
                Ok(_) => Ok(true),
                Err(err) if err.code() == Some("NoSuchKey") => Ok(false),
                Err(err) => Err(anyhow::Error::from(err).context(format!("tagging upload {key}"))),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_sigv4_over_the_base64_policy() {
        let signing = PolicySigning {
            bucket: "uploads",
            region: "ap-south-1",
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            session_token: Some("token"),
            now: "2026-12-03T10:00:00Z".parse().unwrap(),
        };
        let rules = UploadRules {
            key: "users/u/profile_picture/f.jpg",
            content_type: "image/jpeg",
            max_bytes: 10 * 1024 * 1024,
            expires_in: Duration::from_secs(900),
            tagging: "<Tagging><TagSet><Tag><Key>attached</Key><Value>no</Value></Tag></TagSet></Tagging>",
        };
        let fields = post_fields(&signing, &rules);
        let field = |name: &str| {
            fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        assert_eq!(
            field("x-amz-credential"),
            "AKIDEXAMPLE/20261203/ap-south-1/s3/aws4_request"
        );
        let policy: serde_json::Value = serde_json::from_slice(
            &base64::engine::general_purpose::STANDARD
                .decode(field("policy"))
                .unwrap(),
        )
        .unwrap();
        assert_eq!(policy["expiration"], "2026-12-03T10:15:00.000Z");
        let conditions = policy["conditions"].as_array().unwrap();
        assert!(conditions.contains(&json!(["content-length-range", 1, 10485760])));
        assert!(conditions.contains(&json!({ "Content-Type": "image/jpeg" })));
        assert!(conditions.contains(&json!({ "x-amz-security-token": "token" })));
        // S3 takes the tags only when the policy names them too.
        assert!(conditions.contains(&json!({ "tagging": rules.tagging })));
        assert_eq!(field("tagging"), rules.tagging);
        // The signature, recomputed here step by step from the SigV4 definition.
        let mut key = b"AWS4wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_vec();
        for part in ["20261203", "ap-south-1", "s3", "aws4_request"] {
            key = hmac_sha256(&key, part.as_bytes());
        }
        assert_eq!(
            field("x-amz-signature"),
            hex::encode(hmac_sha256(&key, field("policy").as_bytes()))
        );
        assert_eq!(fields.last().unwrap().0, "x-amz-signature");
    }
}
