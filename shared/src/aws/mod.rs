//! AWS adapters behind small ports: the SDK code paths are the same in AWS and locally, where
//! `AWS_ENDPOINT_URL` points them at the moto server.

pub mod s3;
pub mod secrets;
pub mod sns;
pub mod sqs;

use crate::config::AwsSettings;

/// A boxed future, so ports stay object-safe (`Arc<dyn Port>`).
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Loads the shared SDK configuration with the region and endpoint override from `settings`.
/// Costs ~10 ms, so adapters call it on first use, not at cold start.
pub async fn sdk_config(settings: &AwsSettings) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    if let Some(region) = &settings.region {
        loader = loader.region(aws_config::Region::new(region.clone()));
    }
    if let Some(endpoint) = &settings.endpoint_url {
        loader = loader.endpoint_url(endpoint);
    }
    loader.load().await
}
