//! RDS IAM authentication: a fresh, 15-minute auth token as the password of every new
//! connection, so no database password lives in the function's configuration.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use anyhow::Context;
use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
};
use aws_sigv4::sign::v4;
use deadpool_postgres::Connect;
use tokio::sync::OnceCell;
use tokio::task::JoinHandle;
use tokio_postgres::config::Host;
use tokio_postgres::{Client, Config as PgConfig, Error};
use tokio_postgres_rustls::MakeRustlsConnect;

/// Builds the RDS IAM auth token (a SigV4-presigned `connect` URL without its scheme).
pub fn rds_auth_token(
    host: &str,
    port: u16,
    user: &str,
    region: &str,
    credentials: &Credentials,
    now: SystemTime,
) -> anyhow::Result<String> {
    let identity = credentials.clone().into();
    let mut settings = SigningSettings::default();
    settings.expires_in = Some(Duration::from_secs(900));
    settings.signature_location = SignatureLocation::QueryParams;
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("rds-db")
        .time(now)
        .settings(settings)
        .build()
        .context("SigV4 parameters")?
        .into();
    let encoded_user = percent_encode(user);
    let url = format!("https://{host}:{port}/?Action=connect&DBUser={encoded_user}");
    let signable = SignableRequest::new("GET", &url, std::iter::empty(), SignableBody::Bytes(&[]))
        .context("signable request")?;
    let (instructions, _signature) = sign(signable, &params).context("signing")?.into_parts();
    let mut request = http::Request::builder()
        .uri(&url)
        .body(())
        .context("token request")?;
    instructions.apply_to_request_http1x(&mut request);
    Ok(request
        .uri()
        .to_string()
        .trim_start_matches("https://")
        .to_owned())
}

/// A deadpool `Connect` that signs a token per new connection, over verified TLS.
pub struct IamConnect {
    tls: MakeRustlsConnect,
    region: Option<String>,
    sdk: OnceCell<aws_config::SdkConfig>,
}

impl IamConnect {
    /// Builds the connector; AWS credentials are loaded on the first connection, not at init.
    pub fn new(tls: MakeRustlsConnect, region: Option<String>) -> Self {
        Self {
            tls,
            region,
            sdk: OnceCell::new(),
        }
    }

    async fn token_for(&self, pg: &PgConfig) -> anyhow::Result<String> {
        let sdk = self
            .sdk
            .get_or_init(|| crate::aws::sdk_config_loader().load())
            .await;
        let region = self
            .region
            .clone()
            .or_else(|| sdk.region().map(|r| r.to_string()))
            .context("no AWS region for the RDS auth token")?;
        let provider = sdk
            .credentials_provider()
            .context("no AWS credentials provider")?;
        let credentials = provider.provide_credentials().await?;
        let host = match pg.get_hosts().first() {
            Some(Host::Tcp(host)) => host.clone(),
            _ => anyhow::bail!("IAM auth needs a TCP host in DATABASE_URL"),
        };
        let port = pg.get_ports().first().copied().unwrap_or(5432);
        let user = pg
            .get_user()
            .context("IAM auth needs a user in DATABASE_URL")?;
        rds_auth_token(&host, port, user, &region, &credentials, SystemTime::now())
    }
}

impl Connect for IamConnect {
    fn connect(
        &self,
        pg_config: &PgConfig,
    ) -> Pin<Box<dyn Future<Output = Result<(Client, JoinHandle<()>), Error>> + Send + '_>> {
        let mut pg_config = pg_config.clone();
        Box::pin(async move {
            match self.token_for(&pg_config).await {
                Ok(token) => {
                    pg_config.password(token);
                }
                // tokio_postgres::Error cannot be built here; connecting without a password
                // fails with the server's own authentication error, which the pool reports.
                Err(err) => tracing::error!(error = %format!("{err:#}"), "RDS auth token"),
            }
            let (client, connection) = pg_config.connect(self.tls.clone()).await?;
            let handle = tokio::spawn(async move {
                if let Err(err) = connection.await {
                    tracing::warn!(error = %err, "postgres connection closed");
                }
            });
            Ok((client, handle))
        })
    }
}

/// RFC 3986 percent-encoding (unreserved characters kept), as SigV4 canonicalises query values.
fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
