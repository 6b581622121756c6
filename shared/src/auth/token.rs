//! Access tokens: HS256 JWTs with `sub` (user uuid), `iss`, `aud`, `typ`, `jti`, `iat`, `exp`.
//! Verification allows only HS256 (so `alg: none` and key-confusion tokens fail) and checks
//! issuer, audience, expiry and type.

use std::time::Duration;

use chrono::{DateTime, Utc};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::config::TokenSettings;
use crate::error::ApiError;

/// The `typ` claim of an access token; refresh tokens are opaque, never JWTs.
pub const ACCESS_TOKEN_TYPE: &str = "access";

/// Claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    /// The user's public uuid.
    pub sub: Uuid,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Token type; always `access`.
    pub typ: String,
    /// Unique token id.
    pub jti: Uuid,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
}

/// Keys and rules for issuing and verifying access tokens, built once at init.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl: Duration,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

impl TokenKeys {
    /// Builds the keys from configuration.
    pub fn new(settings: &TokenSettings) -> Self {
        let secret = settings.signing_key.expose_secret().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            ttl: settings.access_ttl,
        }
    }

    /// Access-token lifetime in seconds (the `expires_in` of a token response).
    pub fn access_ttl_secs(&self) -> u64 {
        self.ttl.as_secs()
    }

    /// Issues an access token for `user_id`, valid from `now` for the configured lifetime.
    pub fn issue_access(&self, user_id: Uuid, now: DateTime<Utc>) -> Result<String, ApiError> {
        let claims = AccessClaims {
            sub: user_id,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            typ: ACCESS_TOKEN_TYPE.to_owned(),
            jti: Uuid::new_v4(),
            iat: now.timestamp(),
            exp: now.timestamp() + self.ttl.as_secs() as i64,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::Internal(anyhow::Error::new(e).context("signing a token")))
    }

    /// Verifies an access token; any failure is a 401 that does not say which check failed.
    pub fn verify_access(&self, token: &str) -> Result<AccessClaims, ApiError> {
        let data =
            decode::<AccessClaims>(token, &self.decoding, &self.validation).map_err(|e| {
                tracing::debug!(reason = %e, "access token rejected");
                ApiError::unauthorized("The access token is invalid or expired.")
            })?;
        if data.claims.typ != ACCESS_TOKEN_TYPE {
            return Err(ApiError::unauthorized(
                "The access token is invalid or expired.",
            ));
        }
        Ok(data.claims)
    }
}
