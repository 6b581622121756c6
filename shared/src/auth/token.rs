//! Access tokens: EdDSA (Ed25519) JWTs with `sub` (user uuid), `iss`, `aud`, `typ`, `jti`,
//! `iat`, `exp` and a `kid` in the header. Only `auth` holds the signing key; every function
//! verifies with the public keys (`token_keys`). Verification allows only EdDSA (so `alg: none`
//! and key-confusion tokens fail), finds the key by `kid`, and checks issuer, audience, expiry
//! and type.

use std::time::Duration;

use chrono::{DateTime, Utc};
use jsonwebtoken::{
    decode, decode_header, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::platform::config::TokenSettings;
use crate::platform::error::ApiError;

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
    /// The key this function signs with, and its id (`auth` only).
    encoding: Option<(String, EncodingKey)>,
    /// The public keys, by id.
    decoding: Vec<(String, DecodingKey)>,
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
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.algorithms = vec![Algorithm::EdDSA];
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: settings
                .signing_key
                .as_ref()
                .map(|key| (key.kid.clone(), EncodingKey::from_ed_der(&key.pkcs8_der()))),
            decoding: settings
                .verify_keys
                .iter()
                .map(|key| (key.kid.clone(), DecodingKey::from_ed_der(&key.public_key)))
                .collect(),
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
        let (kid, key) = self.encoding.as_ref().ok_or_else(|| {
            ApiError::Internal(anyhow::anyhow!(
                "this function holds no TOKEN_SIGNING_KEY: only auth mints tokens"
            ))
        })?;
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(kid.clone());
        encode(&header, &claims, key)
            .map_err(|e| ApiError::Internal(anyhow::Error::new(e).context("signing a token")))
    }

    /// Verifies an access token; any failure is a 401 that does not say which check failed.
    pub fn verify_access(&self, token: &str) -> Result<AccessClaims, ApiError> {
        let rejected = |reason: &dyn std::fmt::Display| {
            tracing::debug!(%reason, "access token rejected");
            ApiError::unauthorized("The access token is invalid or expired.")
        };
        let header = decode_header(token).map_err(|e| rejected(&e))?;
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| self.decoding.iter().find(|(id, _)| id == kid))
            .map(|(_, key)| key)
            .ok_or_else(|| rejected(&"no known key id"))?;
        let data =
            decode::<AccessClaims>(token, key, &self.validation).map_err(|e| rejected(&e))?;
        if data.claims.typ != ACCESS_TOKEN_TYPE {
            return Err(ApiError::unauthorized(
                "The access token is invalid or expired.",
            ));
        }
        Ok(data.claims)
    }
}
