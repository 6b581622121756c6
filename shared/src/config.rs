//! Typed configuration read once from the environment at cold start.
//!
//! Required variables fail fast with their name; secrets are `SecretString`, so `Debug`
//! output (and therefore logs) never shows them.

use std::path::PathBuf;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

/// Why the configuration could not be built; names the variable at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A required variable is absent or empty.
    #[error("missing required environment variable {0}")]
    Missing(&'static str),
    /// A variable is present but its value cannot be used.
    #[error("environment variable {name} is invalid: {reason}")]
    Invalid {
        /// The variable's name.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

/// How the pool talks TLS to Postgres.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseTls {
    /// Plain TCP: only for a database on the same machine.
    Disable,
    /// TLS with the server certificate and host name verified (RDS Proxy requires TLS).
    VerifyFull,
}

/// Database connection settings.
#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    /// libpq-style URL; may hold a password, hence secret.
    pub url: SecretString,
    /// Connections per Lambda instance: one request at a time needs 1, 2 leaves room for a worker task.
    pub pool_size: usize,
    /// TLS mode.
    pub tls: DatabaseTls,
    /// PEM bundle of trusted CAs (the RDS global bundle in AWS); Mozilla's roots when absent.
    pub ca_bundle: Option<PathBuf>,
    /// Use an RDS IAM auth token, generated per new connection, instead of the URL's password.
    pub iam_auth: bool,
    /// How long to wait for a connection before answering 503.
    pub connect_timeout: Duration,
}

/// Access-token settings.
#[derive(Debug, Clone)]
pub struct TokenSettings {
    /// HMAC key for HS256 access tokens (at least 32 bytes).
    pub signing_key: SecretString,
    /// The `iss` claim we issue and require.
    pub issuer: String,
    /// The `aud` claim we issue and require.
    pub audience: String,
    /// Lifetime of an access token.
    pub access_ttl: Duration,
}

/// Where the AWS SDK clients point.
#[derive(Debug, Clone, Default)]
pub struct AwsSettings {
    /// Region; the SDK's default chain decides when absent.
    pub region: Option<String>,
    /// Endpoint override (the local moto server); the real AWS endpoints when absent.
    pub endpoint_url: Option<String>,
}

/// Queue URLs; each function requires only the ones it uses (see `Config::require`).
#[derive(Debug, Clone, Default)]
pub struct QueueSettings {
    /// Queue read by notification-worker.
    pub notification_queue_url: Option<String>,
    /// Delayed per-hold messages read by reservation-expiry.
    pub reservation_expiry_queue_url: Option<String>,
}

/// The whole configuration of a function instance.
#[derive(Debug, Clone)]
pub struct Config {
    /// Database settings.
    pub database: DatabaseSettings,
    /// Token settings.
    pub tokens: TokenSettings,
    /// AWS SDK settings.
    pub aws: AwsSettings,
    /// Queue URLs.
    pub queues: QueueSettings,
    /// Bucket for presigned uploads.
    pub uploads_bucket: Option<String>,
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup` (tests pass a map instead of the environment).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &'static str| lookup(name).filter(|v| !v.trim().is_empty());
        let required = |name: &'static str| get(name).ok_or(ConfigError::Missing(name));

        let tls = match get("DATABASE_TLS").as_deref() {
            None | Some("verify-full") => DatabaseTls::VerifyFull,
            Some("disable") => DatabaseTls::Disable,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "DATABASE_TLS",
                    reason: format!("{other:?} is not one of disable, verify-full"),
                })
            }
        };
        let signing_key = required("TOKEN_SIGNING_KEY")?;
        if signing_key.len() < 32 {
            return Err(ConfigError::Invalid {
                name: "TOKEN_SIGNING_KEY",
                reason: "must be at least 32 bytes".into(),
            });
        }
        Ok(Self {
            database: DatabaseSettings {
                url: SecretString::from(required("DATABASE_URL")?),
                pool_size: parse_or(get("DATABASE_POOL_SIZE"), "DATABASE_POOL_SIZE", 2)?,
                tls,
                ca_bundle: get("DATABASE_CA_BUNDLE").map(PathBuf::from),
                iam_auth: parse_or(get("DATABASE_IAM_AUTH"), "DATABASE_IAM_AUTH", false)?,
                connect_timeout: Duration::from_secs(parse_or(
                    get("DATABASE_CONNECT_TIMEOUT_SECS"),
                    "DATABASE_CONNECT_TIMEOUT_SECS",
                    5,
                )?),
            },
            tokens: TokenSettings {
                signing_key: SecretString::from(signing_key),
                issuer: get("TOKEN_ISSUER").unwrap_or_else(|| "eventhost".into()),
                audience: get("TOKEN_AUDIENCE").unwrap_or_else(|| "eventhost-app".into()),
                access_ttl: Duration::from_secs(parse_or(
                    get("ACCESS_TOKEN_TTL_SECS"),
                    "ACCESS_TOKEN_TTL_SECS",
                    900,
                )?),
            },
            aws: AwsSettings {
                region: get("AWS_REGION"),
                endpoint_url: get("AWS_ENDPOINT_URL"),
            },
            queues: QueueSettings {
                notification_queue_url: get("NOTIFICATION_QUEUE_URL"),
                reservation_expiry_queue_url: get("RESERVATION_EXPIRY_QUEUE_URL"),
            },
            uploads_bucket: get("UPLOADS_BUCKET"),
        })
    }

    /// Returns an optional setting or fails naming its variable; a function calls this at init
    /// for every setting it cannot run without.
    pub fn require<'a>(
        value: &'a Option<String>,
        name: &'static str,
    ) -> Result<&'a str, ConfigError> {
        value.as_deref().ok_or(ConfigError::Missing(name))
    }

    /// The database URL, for code that must open its own connection (migrations).
    pub fn database_url(&self) -> &str {
        self.database.url.expose_secret()
    }
}

fn parse_or<T: std::str::FromStr>(
    raw: Option<String>,
    name: &'static str,
    default: T,
) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match raw {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse()
            .map_err(|e: T::Err| ConfigError::Invalid {
                name,
                reason: e.to_string(),
            }),
    }
}
