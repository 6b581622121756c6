//! TLS for Postgres connections with the server certificate verified.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use tokio_postgres_rustls::MakeRustlsConnect;

/// A rustls connector trusting the given PEM bundle (the RDS CA bundle), or Mozilla's roots.
pub fn make_connector(ca_bundle: Option<&Path>) -> anyhow::Result<MakeRustlsConnect> {
    let mut roots = rustls::RootCertStore::empty();
    match ca_bundle {
        Some(path) => {
            let pem = std::fs::read(path)
                .with_context(|| format!("reading DATABASE_CA_BUNDLE {}", path.display()))?;
            for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
                roots
                    .add(cert.context("parsing a certificate of DATABASE_CA_BUNDLE")?)
                    .context("adding a CA certificate")?;
            }
            anyhow::ensure!(!roots.is_empty(), "DATABASE_CA_BUNDLE holds no certificate");
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS protocol versions")?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}
