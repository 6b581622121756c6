//! Publishing and unpublishing an event: publishing needs every field a guest sees, and an
//! event with guests is cancelled, never unpublished.

use super::store;
use crate::auth::Actor;
use chrono::Utc;
use serde_json::json;

use super::repo;
use super::rules::HOST_CHANGE;
use super::service::{commit_with_detail, editable, Written};
use crate::platform::audit::{self, AuditEntry};
use crate::platform::db::{PipelinedTransaction, Statement};
use crate::platform::error::ProblemCode;
use crate::ApiError;

/// Publishes (`true`) or unpublishes (`false`) an event; host only.
pub async fn set_published(
    actor: &Actor<'_>,
    key: &str,
    publish: bool,
) -> Result<Written, ApiError> {
    let client = actor.state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let (caller_id, event) = editable(&tx, key, &actor.caller, HOST_CHANGE).await?;
    if publish {
        let missing = event.fields.missing_for_publish(Utc::now());
        if !missing.is_empty() {
            return Err(ApiError::client(
                http::StatusCode::UNPROCESSABLE_ENTITY,
                ProblemCode::EventIncomplete,
                "The event is not ready to publish.",
            )
            .with_errors(missing));
        }
    } else if repo::has_guests(&tx, event.id).await? {
        return Err(ApiError::conflict(
            ProblemCode::EventHasGuests,
            "Guests are going or holding seats; cancel the event instead.",
        ));
    }
    let audited = AuditEntry {
        actor: Some(actor.caller.user_id),
        object_type: "event",
        object_id: event.uuid.to_string(),
        action: if publish { "publish" } else { "unpublish" },
        payload: json!({}),
        request_id: Some(actor.request_id),
    };
    let writes: [Statement; 2] = [
        (store::SET_PUBLISHED, &[&event.id, &publish]),
        (audit::INSERT_SQL, &audit::params(&audited)),
    ];
    // Publishing a published event changes nothing and records nothing.
    let writes: &[Statement] = if event.is_published != publish {
        &writes
    } else {
        &[]
    };
    commit_with_detail(tx, writes, event.uuid, caller_id, Vec::new()).await
}
