//! TLS for Postgres connections with the server certificate verified.

use std::path::Path;

use anyhow::Context;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use tokio_postgres_rustls::MakeRustlsConnect;

/// A rustls connector trusting the given PEM bundle (the RDS CA bundle), or Mozilla's roots.
pub fn make_connector(ca_bundle: Option<&Path>) -> anyhow::Result<MakeRustlsConnect> {
    let roots = match ca_bundle {
        Some(path) => {
            let mut roots = rustls::RootCertStore::empty();
            let pem = std::fs::read(path)
                .with_context(|| format!("reading DATABASE_CA_BUNDLE {}", path.display()))?;
            for cert in CertificateDer::pem_slice_iter(&pem) {
                roots
                    .add(cert.context("parsing a certificate of DATABASE_CA_BUNDLE")?)
                    .context("adding a CA certificate")?;
            }
            anyhow::ensure!(!roots.is_empty(), "DATABASE_CA_BUNDLE holds no certificate");
            roots
        }
        None => crate::tls::mozilla_roots(),
    };
    Ok(MakeRustlsConnect::new(crate::tls::client_config(roots)?))
}
