//! Sessions: a short-lived access token plus an opaque refresh token (256 random bits, only
//! its SHA-256 stored). Refresh rotates; a rotated token presented again revokes its whole
//! family (RFC 9700 §4.14.2); logout revokes.

use super::store;
use crate::platform::error::ProblemCode;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Utc;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::TokenKeys;
use crate::platform::audit::{self, AuditEntry};
use crate::platform::db::{CachedStatements, PgPool, PipelinedTransaction};
use crate::platform::error::ApiError;

/// What a login or a refresh returns.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenPair {
    /// The JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// The opaque token for `/v1/auth/refresh`.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Access-token lifetime in seconds.
    pub expires_in: u64,
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A new token pair and what `store::INSERT_REFRESH_TOKEN` stores of its refresh token.
pub struct NewPair {
    /// What the client gets.
    pub pair: TokenPair,
    /// The session family: `family`, or a new one.
    pub family: Uuid,
    /// SHA-256 of the refresh token (the token itself is never stored).
    pub hash: Vec<u8>,
    /// When the refresh token stops working.
    pub expires_at: chrono::DateTime<Utc>,
}

impl NewPair {
    /// Makes a pair for a user; `family` continues a session (rotation) or, when `None`, starts
    /// a new one (login).
    pub fn new(
        keys: &TokenKeys,
        refresh_ttl: std::time::Duration,
        user_uuid: Uuid,
        family: Option<Uuid>,
    ) -> Result<Self, ApiError> {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let refresh_token = URL_SAFE_NO_PAD.encode(bytes);
        let expires_at =
            Utc::now() + chrono::Duration::from_std(refresh_ttl).map_err(anyhow::Error::from)?;
        Ok(Self {
            hash: token_hash(&refresh_token),
            family: family.unwrap_or_else(Uuid::new_v4),
            expires_at,
            pair: TokenPair {
                access_token: keys.issue_access(user_uuid, Utc::now())?,
                refresh_token,
                token_type: "Bearer",
                expires_in: keys.access_ttl_secs(),
            },
        })
    }
}

/// Issues a token pair for a user inside the caller's transaction; `family` continues a session
/// (rotation) or, when `None`, starts a new one (login).
pub async fn issue(
    tx: &impl CachedStatements,
    keys: &TokenKeys,
    refresh_ttl: std::time::Duration,
    user_id: i64,
    user_uuid: Uuid,
    family: Option<Uuid>,
) -> Result<TokenPair, ApiError> {
    let new = NewPair::new(keys, refresh_ttl, user_uuid, family)?;
    tx.execute(
        store::INSERT_REFRESH_TOKEN,
        &[&user_id, &new.family, &new.hash, &new.expires_at],
    )
    .await?;
    Ok(new.pair)
}

/// The audit row of a change to a session (a refresh-token family).
fn family_audit<'a>(
    actor: Uuid,
    family: Uuid,
    action: &'a str,
    request_id: &'a str,
) -> AuditEntry<'a> {
    AuditEntry {
        actor: Some(actor),
        object_type: "refresh_token_family",
        object_id: family.to_string(),
        action,
        payload: json!({}),
        request_id: Some(request_id),
    }
}

fn invalid() -> ApiError {
    ApiError::client(
        http::StatusCode::UNAUTHORIZED,
        ProblemCode::InvalidRefreshToken,
        "The refresh token is invalid, expired or revoked.",
    )
}

/// Rotates a refresh token: a new pair in the same family, the old token spent. Returns the
/// pair and the user's public id.
pub async fn rotate(
    pool: &PgPool,
    keys: &TokenKeys,
    refresh_ttl: std::time::Duration,
    presented: &SecretString,
    request_id: &str,
) -> Result<(TokenPair, Uuid), ApiError> {
    let client = pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let row = tx
        .query_opt(
            store::LOCK_REFRESH_TOKEN,
            &[&token_hash(presented.expose_secret())],
        )
        .await?
        .ok_or_else(invalid)?;
    let (token_id, family, rotated, revoked, expired): (i64, Uuid, bool, bool, bool) = (
        row.get("token_id"),
        row.get("family_id"),
        row.get("rotated"),
        row.get("revoked"),
        row.get("expired"),
    );
    let (user_id, user_uuid, active): (i64, Uuid, bool) = (
        row.get("user_id"),
        row.get("user_uuid"),
        row.get("is_active"),
    );
    if rotated && !revoked {
        // A spent token came back: someone holds a copy. Kill the whole session.
        tx.execute(store::REVOKE_FAMILY_FOR_REUSE, &[&family])
            .await?;
        let audited = family_audit(user_uuid, family, "token_reuse", request_id);
        tx.commit_after(&[(audit::INSERT_SQL, &audit::params(&audited))])
            .await?;
        tracing::warn!(%family, "refresh token reuse: session family revoked");
        return Err(invalid());
    }
    if revoked || expired || !active {
        return Err(invalid());
    }
    let entry = family_audit(user_uuid, family, "token_refresh", request_id);
    // The three writes are independent: one round trip.
    let ((), pair, ()) = crate::pipelined!(
        async {
            tx.execute(store::ROTATE_REFRESH_TOKEN, &[&token_id])
                .await?;
            Ok(())
        },
        issue(&tx, keys, refresh_ttl, user_id, user_uuid, Some(family)),
        audit::record(&tx, &entry),
    )?;
    tx.commit().await?;
    Ok((pair, user_uuid))
}

/// Revokes the session the refresh token belongs to, if it is the caller's. Unknown or foreign
/// tokens change nothing (and say nothing).
pub async fn logout(
    pool: &PgPool,
    caller: Uuid,
    presented: &SecretString,
    request_id: &str,
) -> Result<(), ApiError> {
    let client = pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let family: Option<Uuid> = tx
        .query_opt(
            store::FAMILY_OF_TOKEN,
            &[&token_hash(presented.expose_secret()), &caller],
        )
        .await?
        .map(|row| row.get("family_id"));
    if let Some(family) = family {
        let entry = family_audit(caller, family, "logout", request_id);
        crate::pipelined!(
            async {
                tx.execute(store::REVOKE_FAMILY_FOR_LOGOUT, &[&family])
                    .await?;
                Ok::<_, ApiError>(())
            },
            audit::record(&tx, &entry),
        )?;
    }
    tx.commit().await
}

/// Revokes every session of a user (account deletion), inside the caller's transaction.
pub async fn revoke_all(tx: &impl CachedStatements, user_id: i64) -> Result<u64, ApiError> {
    Ok(tx.execute(store::REVOKE_ALL_OF_USER, &[&user_id]).await?)
}
