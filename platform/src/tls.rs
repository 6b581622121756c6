//! TLS client configuration shared by every outbound connection that builds its own (Postgres,
//! Razorpay): rustls on ring, the one crypto library linked (the AWS SDK's client uses it too,
//! `aws::https_client`).

use std::sync::Arc;

use anyhow::Context;

/// Mozilla's root certificates (webpki-roots), for servers with public certificates.
pub fn mozilla_roots() -> rustls::RootCertStore {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    roots
}

/// A client configuration trusting `roots`, with ring and the safe default protocol versions.
pub fn client_config(roots: rustls::RootCertStore) -> anyhow::Result<rustls::ClientConfig> {
    Ok(rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .context("TLS protocol versions")?
    .with_root_certificates(roots)
    .with_no_client_auth())
}
