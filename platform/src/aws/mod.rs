//! AWS adapters behind small ports: the SDK code paths are the same in AWS and locally, where
//! `AWS_ENDPOINT_URL` points them at the moto server.

pub mod s3;
pub mod secrets;
pub mod sns;
pub mod sqs;

use crate::config::AwsSettings;

/// A boxed future, so ports stay object-safe (`Arc<dyn Port>`).
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// The SDK's HTTPS client: rustls on ring, like the database's and Razorpay's TLS, so no
/// second crypto library (aws-lc, whose ELF constructor runs at every cold start) is linked.
pub fn https_client() -> aws_sdk_sqs::config::SharedHttpClient {
    use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

/// The SDK's default configuration chain (credentials, region) with the HTTPS client above.
pub fn sdk_config_loader() -> aws_config::ConfigLoader {
    aws_config::defaults(aws_config::BehaviorVersion::latest()).http_client(https_client())
}

/// Loads the shared SDK configuration with the region and endpoint override from `settings`.
/// Costs ~10 ms, so adapters call it on first use, not at cold start.
pub async fn sdk_config(settings: &AwsSettings) -> aws_config::SdkConfig {
    let mut loader = sdk_config_loader();
    if let Some(region) = &settings.region {
        loader = loader.region(aws_config::Region::new(region.clone()));
    }
    if let Some(endpoint) = &settings.endpoint_url {
        loader = loader.endpoint_url(endpoint);
    }
    loader.load().await
}

#[cfg(test)]
mod tests {
    use super::*;

    // The SDK crates are built without their default client (it would link aws-lc): every call
    // would fail with "no HTTP client" if the configuration did not carry ours.
    #[tokio::test]
    async fn the_sdk_configuration_carries_the_https_client() {
        let settings = AwsSettings {
            region: Some("ap-south-1".into()),
            endpoint_url: Some("http://127.0.0.1:9".into()),
        };
        assert!(sdk_config(&settings).await.http_client().is_some());
    }
}
