//! Typed configuration read once from the environment at cold start.
//!
//! Required variables fail fast with their name; secrets are `SecretString`, so `Debug`
//! output (and therefore logs) never shows them.

use std::path::PathBuf;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

mod parse;
mod payments;
pub mod token_keys;

use parse::{bounded, calling_codes, parse_or};
use payments::payment_settings;
pub use payments::{PaymentProviderKind, PaymentSettings, PLACEHOLDER};

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
    /// `TOKEN_SIGNING_KEY`: the Ed25519 key access tokens are signed with; only `auth` has it.
    pub signing_key: Option<token_keys::SigningKeySetting>,
    /// `TOKEN_VERIFY_KEYS` and the signing key's own public key: what verifies a token.
    pub verify_keys: Vec<token_keys::VerifyKey>,
    /// The `iss` claim we issue and require.
    pub issuer: String,
    /// The `aud` claim we issue and require.
    pub audience: String,
    /// Lifetime of an access token (at most 15 minutes).
    pub access_ttl: Duration,
    /// Lifetime of a refresh token.
    pub refresh_ttl: Duration,
}

/// Phone-login limits: code lifetime and the throttles applied before any SMS is sent.
#[derive(Debug, Clone)]
pub struct OtpSettings {
    /// How long a code stays valid (at most 10 minutes).
    pub ttl: Duration,
    /// Minimum wait before another code for the same number.
    pub resend_after: Duration,
    /// Codes per number per rolling hour.
    pub max_per_number_per_hour: i64,
    /// Codes per source IP per rolling hour.
    pub max_per_ip_per_hour: i64,
    /// Country calling codes the service sends codes to (SMS-pumping guard: a number elsewhere
    /// is refused before any SMS).
    pub allowed_calling_codes: Vec<u16>,
    /// Codes sent per rolling hour across all numbers (the SMS bill's ceiling); an alarm fires
    /// at 80 %.
    pub sms_budget_per_hour: i64,
    /// Failed verifications per source IP per rolling hour.
    pub max_verify_failures_per_ip_per_hour: i64,
    /// Failed verifications per number per rolling hour, across codes.
    pub max_failures_per_number_per_hour: i64,
    /// Wrong tries after which a code is dead.
    pub max_attempts_per_code: i16,
}

/// Text messages: the sender id and the DLT registration Indian carriers require (each an SNS
/// message attribute, sent when configured).
#[derive(Debug, Clone, Default)]
pub struct SmsSettings {
    /// `SMS_SENDER_ID`: the registered sender id (header) shown on the phone.
    pub sender_id: Option<String>,
    /// `SMS_DLT_ENTITY_ID`: the principal entity id registered with DLT.
    pub dlt_entity_id: Option<String>,
    /// `SMS_DLT_LOGIN_TEMPLATE_ID`: the DLT template of the login-code message.
    pub login_template_id: Option<String>,
    /// `SMS_DLT_NOTICE_TEMPLATE_ID`: the DLT template of the notices (pay now, cancelled).
    pub notice_template_id: Option<String>,
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

/// Joining events: hold time, tickets, invite links and the attendee refund policy.
#[derive(Debug, Clone)]
pub struct AttendanceSettings {
    /// How long a paid seat is held for payment.
    pub hold_time: Duration,
    /// Key that derives ticket secrets (HMAC); a database dump without it cannot forge tickets.
    pub ticket_key: SecretString,
    /// Base of share-link URLs (`<base>/<invite_id>`).
    pub invite_link_base: String,
    /// A paid attendee who cancels at least this long before the start is refunded in full;
    /// later, nothing.
    pub refund_cutoff: Duration,
    /// Join requests one user may send per rolling hour (spam limit; 429 beyond).
    pub requests_per_hour: i64,
    /// Invites one host may send per rolling hour (spam limit; 429 beyond).
    pub invites_per_hour: i64,
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
    /// Public base URL of uploaded files (a CDN in front of the bucket); the bucket's own
    /// https URL when absent.
    pub uploads_public_base_url: Option<String>,
    /// Phone-login limits.
    pub otp: OtpSettings,
    /// Text messages.
    pub sms: SmsSettings,
    /// Joining events.
    pub attendance: AttendanceSettings,
    /// Payments.
    pub payments: PaymentSettings,
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
        let signing_key = get("TOKEN_SIGNING_KEY")
            .map(|raw| token_keys::parse_signing_key(&raw))
            .transpose()
            .map_err(|reason| ConfigError::Invalid {
                name: "TOKEN_SIGNING_KEY",
                reason,
            })?;
        let mut verify_keys = token_keys::parse_verify_keys(
            &get("TOKEN_VERIFY_KEYS").unwrap_or_default(),
        )
        .map_err(|reason| ConfigError::Invalid {
            name: "TOKEN_VERIFY_KEYS",
            reason,
        })?;
        if let Some(own) = signing_key.as_ref().map(|key| key.verify_key()) {
            match verify_keys.iter().find(|key| key.kid == own.kid) {
                Some(listed) if *listed != own => {
                    return Err(ConfigError::Invalid {
                        name: "TOKEN_VERIFY_KEYS",
                        reason: format!(
                            "the key {} is not TOKEN_SIGNING_KEY's public key",
                            own.kid
                        ),
                    })
                }
                Some(_) => {}
                None => verify_keys.push(own),
            }
        }
        if verify_keys.is_empty() {
            return Err(ConfigError::Missing("TOKEN_VERIFY_KEYS"));
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
                signing_key: signing_key.clone(),
                verify_keys,
                issuer: get("TOKEN_ISSUER").unwrap_or_else(|| "eventhost".into()),
                audience: get("TOKEN_AUDIENCE").unwrap_or_else(|| "eventhost-app".into()),
                access_ttl: Duration::from_secs(bounded(
                    parse_or(get("ACCESS_TOKEN_TTL_SECS"), "ACCESS_TOKEN_TTL_SECS", 900)?,
                    "ACCESS_TOKEN_TTL_SECS",
                    60..=900,
                )?),
                refresh_ttl: Duration::from_secs(
                    86_400
                        * bounded(
                            parse_or(get("REFRESH_TOKEN_TTL_DAYS"), "REFRESH_TOKEN_TTL_DAYS", 30)?,
                            "REFRESH_TOKEN_TTL_DAYS",
                            1..=90,
                        )?,
                ),
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
            uploads_public_base_url: get("UPLOADS_PUBLIC_BASE_URL"),
            otp: OtpSettings {
                ttl: Duration::from_secs(bounded(
                    parse_or(get("OTP_TTL_SECS"), "OTP_TTL_SECS", 300)?,
                    "OTP_TTL_SECS",
                    30..=600,
                )?),
                resend_after: Duration::from_secs(parse_or(
                    get("OTP_RESEND_AFTER_SECS"),
                    "OTP_RESEND_AFTER_SECS",
                    30,
                )?),
                max_per_number_per_hour: parse_or(
                    get("OTP_MAX_PER_NUMBER_PER_HOUR"),
                    "OTP_MAX_PER_NUMBER_PER_HOUR",
                    5,
                )?,
                max_per_ip_per_hour: parse_or(
                    get("OTP_MAX_PER_IP_PER_HOUR"),
                    "OTP_MAX_PER_IP_PER_HOUR",
                    20,
                )?,
                allowed_calling_codes: calling_codes(
                    get("OTP_ALLOWED_CALLING_CODES").as_deref().unwrap_or("+91"),
                )?,
                sms_budget_per_hour: bounded(
                    parse_or(
                        get("OTP_SMS_BUDGET_PER_HOUR"),
                        "OTP_SMS_BUDGET_PER_HOUR",
                        1000,
                    )?,
                    "OTP_SMS_BUDGET_PER_HOUR",
                    1..=100_000_000,
                )?,
                max_verify_failures_per_ip_per_hour: bounded(
                    parse_or(
                        get("OTP_MAX_VERIFY_FAILURES_PER_IP_PER_HOUR"),
                        "OTP_MAX_VERIFY_FAILURES_PER_IP_PER_HOUR",
                        30,
                    )?,
                    "OTP_MAX_VERIFY_FAILURES_PER_IP_PER_HOUR",
                    1..=100_000_000,
                )?,
                max_failures_per_number_per_hour: bounded(
                    parse_or(
                        get("OTP_MAX_FAILURES_PER_NUMBER_PER_HOUR"),
                        "OTP_MAX_FAILURES_PER_NUMBER_PER_HOUR",
                        100,
                    )?,
                    "OTP_MAX_FAILURES_PER_NUMBER_PER_HOUR",
                    1..=100,
                )?,
                max_attempts_per_code: 5,
            },
            sms: SmsSettings {
                sender_id: get("SMS_SENDER_ID"),
                dlt_entity_id: get("SMS_DLT_ENTITY_ID"),
                login_template_id: get("SMS_DLT_LOGIN_TEMPLATE_ID"),
                notice_template_id: get("SMS_DLT_NOTICE_TEMPLATE_ID"),
            },
            attendance: AttendanceSettings {
                // HOLD_SECONDS (local stacks and end-to-end tests) overrides HOLD_MINUTES.
                hold_time: match get("HOLD_SECONDS") {
                    Some(raw) => Duration::from_secs(bounded(
                        parse_or(Some(raw), "HOLD_SECONDS", 900)?,
                        "HOLD_SECONDS",
                        5..=7200,
                    )?),
                    None => Duration::from_secs(
                        60 * bounded(
                            parse_or(get("HOLD_MINUTES"), "HOLD_MINUTES", 15)?,
                            "HOLD_MINUTES",
                            1..=120,
                        )?,
                    ),
                },
                ticket_key: SecretString::from(
                    get("TICKET_SIGNING_KEY")
                        .or_else(|| {
                            // Locally and in tests: domain-separated from the token key.
                            signing_key
                                .as_ref()
                                .map(|key| format!("ticket-key:{}", key.seed.expose_secret()))
                        })
                        .ok_or(ConfigError::Missing("TICKET_SIGNING_KEY"))?,
                ),
                invite_link_base: get("INVITE_LINK_BASE_URL")
                    .unwrap_or_else(|| "https://eventhost.app/i".into()),
                refund_cutoff: Duration::from_secs(
                    3600 * parse_or(get("REFUND_CUTOFF_HOURS"), "REFUND_CUTOFF_HOURS", 24)?,
                ),
                requests_per_hour: bounded(
                    parse_or(
                        get("REQUESTS_PER_USER_PER_HOUR"),
                        "REQUESTS_PER_USER_PER_HOUR",
                        30,
                    )?,
                    "REQUESTS_PER_USER_PER_HOUR",
                    1..=10_000,
                )?,
                invites_per_hour: bounded(
                    parse_or(
                        get("INVITES_PER_USER_PER_HOUR"),
                        "INVITES_PER_USER_PER_HOUR",
                        200,
                    )?,
                    "INVITES_PER_USER_PER_HOUR",
                    1..=10_000,
                )?,
            },
            payments: payment_settings(&get)?,
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
