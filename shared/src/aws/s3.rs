//! Presigned uploads: the app PUTs an image straight to S3 with a short-lived URL, so image
//! bytes never pass through a Lambda.

use std::time::Duration;

use anyhow::Context;
use aws_sdk_s3::presigning::PresigningConfig;
use tokio::sync::OnceCell;

use super::{sdk_config, BoxFuture};
use crate::config::AwsSettings;

/// Produces presigned PUT URLs.
pub trait UploadSigner: Send + Sync {
    /// A URL that accepts one PUT of `content_type` to `key` for `expires_in`.
    fn presign_put<'a>(
        &'a self,
        key: &'a str,
        content_type: &'a str,
        expires_in: Duration,
    ) -> BoxFuture<'a, anyhow::Result<String>>;
}

/// The aws-sdk-s3 adapter. Presigning is local computation; the client is built on first use.
pub struct S3UploadSigner {
    settings: AwsSettings,
    bucket: String,
    client: OnceCell<aws_sdk_s3::Client>,
}

impl S3UploadSigner {
    /// An adapter for `bucket`.
    pub fn new(settings: AwsSettings, bucket: String) -> Self {
        Self {
            settings,
            bucket,
            client: OnceCell::new(),
        }
    }
}

impl UploadSigner for S3UploadSigner {
    fn presign_put<'a>(
        &'a self,
        key: &'a str,
        content_type: &'a str,
        expires_in: Duration,
    ) -> BoxFuture<'a, anyhow::Result<String>> {
        Box::pin(async move {
            let client = self
                .client
                .get_or_init(|| async {
                    let config = sdk_config(&self.settings).await;
                    // moto serves buckets by path, not by virtual host.
                    let s3_config = aws_sdk_s3::config::Builder::from(&config)
                        .force_path_style(self.settings.endpoint_url.is_some())
                        .build();
                    aws_sdk_s3::Client::from_conf(s3_config)
                })
                .await;
            let request = client
                .put_object()
                .bucket(&self.bucket)
                .key(key)
                .content_type(content_type)
                .presigned(PresigningConfig::expires_in(expires_in).context("presign expiry")?)
                .await
                .context("presigning an upload")?;
            Ok(request.uri().to_owned())
        })
    }
}
