//! The audit trail: one append-only `audit_log` row per mutation, written with the caller's
//! transaction so that a rolled-back change leaves no audit row and a committed one always has one.
//!
//! Rules: a row names who acted (none for the system), the object, the action and the request
//! that caused it; its payload never holds a secret (a login code, a token, a ticket code). The
//! table refuses updates and deletes (a trigger), so the trail cannot be rewritten.

use serde_json::Value;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

use crate::db::CachedStatements;
use crate::error::ApiError;

/// What happened, to what, by whom. `payload` must never hold a secret (OTP, token, ticket code).
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    /// The acting user's public uuid; `None` for the system.
    pub actor: Option<Uuid>,
    /// The kind of object (`event`, `event_request`, ...).
    pub object_type: &'a str,
    /// The object's public uuid (or another stable id).
    pub object_id: String,
    /// One of the actions allowed by the `audit_log_action_check` constraint.
    pub action: &'a str,
    /// Non-secret details of the change.
    pub payload: Value,
    /// The request that caused it.
    pub request_id: Option<&'a str>,
}

/// The statement that appends an audit row; its parameters come from `params`.
pub const INSERT_SQL: &str =
    "INSERT INTO audit_log (actor_id, object_type, object_id, action, payload, request_id) \
     VALUES ((SELECT id FROM auth_user WHERE uuid = $1), $2, $3, $4, $5, $6)";

/// The parameters of `INSERT_SQL` for `entry`, to send it with other statements
/// (`PipelinedTransaction::commit_after`).
pub fn params<'a>(entry: &'a AuditEntry<'_>) -> [&'a (dyn ToSql + Sync); 6] {
    [
        &entry.actor,
        &entry.object_type,
        &entry.object_id,
        &entry.action,
        &entry.payload,
        &entry.request_id,
    ]
}

/// Appends an audit row inside the caller's transaction.
pub async fn record(
    client: &impl CachedStatements,
    entry: &AuditEntry<'_>,
) -> Result<(), ApiError> {
    client.execute(INSERT_SQL, &params(entry)).await?;
    Ok(())
}
