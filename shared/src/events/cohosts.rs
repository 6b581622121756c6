//! Co-hosts: the host adds or removes them; they may edit the event, see requests and the
//! guest list, accept or decline, and check guests in.

use super::store;
use crate::auth::Actor;
use crate::contract::schemas::Cohost;
use serde_json::json;
use uuid::Uuid;

use super::rules::MANAGE_COHOSTS;
use super::service::editable;
use crate::platform::audit::{self, AuditEntry};
use crate::platform::db::{CachedStatements, PipelinedTransaction};
use crate::platform::error::{ApiError, FieldError};

/// Adds a co-host; 422 for an unknown user or the host themself, 409 when already one.
pub async fn add(actor: &Actor<'_>, key: &str, user: Uuid) -> Result<Cohost, ApiError> {
    let client = actor.state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let ((caller_id, event), row) =
        crate::pipelined!(editable(&tx, key, &actor.caller, MANAGE_COHOSTS), async {
            Ok(tx.query_opt(store::ACTIVE_USER_WITH_NAME, &[&user]).await?)
        })?;
    let row = row.ok_or_else(|| {
        ApiError::validation(vec![FieldError::new("user_id", "is not a known user")])
    })?;
    let (user_id, name): (i64, Option<String>) = (row.get("id"), row.get("name"));
    if user_id == caller_id {
        return Err(ApiError::validation(vec![FieldError::new(
            "user_id",
            "the host is not a co-host",
        )]));
    }
    let entry = AuditEntry {
        actor: Some(actor.caller.user_id),
        object_type: "event",
        object_id: event.uuid.to_string(),
        action: "add_cohost",
        payload: json!({ "user_id": user }),
        request_id: Some(actor.request_id),
    };
    crate::pipelined!(
        async {
            tx.execute(store::INSERT_COHOST, &[&event.id, &user_id, &caller_id])
                .await?;
            Ok(())
        },
        audit::record(&tx, &entry),
    )?;
    tx.commit().await?;
    Ok(Cohost {
        user_id: user,
        name,
    })
}

/// Removes a co-host; 404 when the user is not one.
pub async fn remove(actor: &Actor<'_>, key: &str, user: Uuid) -> Result<(), ApiError> {
    let client = actor.state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let (_, event) = editable(&tx, key, &actor.caller, MANAGE_COHOSTS).await?;
    let entry = AuditEntry {
        actor: Some(actor.caller.user_id),
        object_type: "event",
        object_id: event.uuid.to_string(),
        action: "remove_cohost",
        payload: json!({ "user_id": user }),
        request_id: Some(actor.request_id),
    };
    // The audit row goes with the delete; no co-host removed rolls both back.
    let (removed, ()) = crate::pipelined!(
        async {
            Ok(tx
                .execute(store::DELETE_COHOST, &[&event.id, &user])
                .await?)
        },
        audit::record(&tx, &entry),
    )?;
    if removed == 0 {
        return Err(ApiError::not_found("The co-host"));
    }
    tx.commit().await
}
