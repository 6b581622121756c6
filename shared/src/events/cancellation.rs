//! Cancelling an event (host only): everything hanging on it is cancelled in one transaction,
//! paid orders are marked for refund (sent by the reservation-expiry worker), and everyone
//! affected is told. Three round trips: the checks with the event's lock and who is affected;
//! the cancel with its notice, audit row, the detail and COMMIT; the outbox mark.

use super::store;
use crate::auth::Actor;
use serde_json::json;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

use super::repo;
use super::rules::{may_change, HOST_CHANGE};
use super::service::{commit_with_detail, Written};
use crate::auth::active_user_id;
use crate::notifications::notify;
use crate::platform::audit::{self, AuditEntry};
use crate::platform::db::{PipelinedTransaction, Statement};
use crate::platform::error::ApiError;

/// Cancels an event (host only) and answers its detail; the notice, and a `send_refunds`
/// message when paid orders were marked, go to the outbox in the same COMMIT.
pub async fn cancel(actor: &Actor<'_>, key: &str) -> Result<Written, ApiError> {
    let client = actor.state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let key_param: [&(dyn ToSql + Sync); 1] = [&key];
    let after: [Statement; 1] = [(store::AFFECTED_BY_CANCEL, &key_param)];
    let (caller_id, loaded) = crate::pipelined!(
        active_user_id(&tx, &actor.caller),
        repo::load_for_edit_then(&tx, key, actor.caller.user_id, &after)
    )?;
    let (event, rows) = match loaded {
        Some((event, rows)) => (Some(event), rows),
        None => (None, Vec::new()),
    };
    let event = may_change(event, HOST_CHANGE)?;
    let (affected_users, refunds_queued): (Vec<Uuid>, i64) = (
        rows[0][0].get("affected_users"),
        rows[0][0].get("refunds_queued"),
    );
    let notice = notify::message(
        "event_cancelled",
        event.uuid,
        Some(actor.caller.user_id),
        &affected_users,
        json!({}),
    );
    let sending = (refunds_queued > 0).then(crate::payments::refunds::send_refunds_message);
    let audited = AuditEntry {
        actor: Some(actor.caller.user_id),
        object_type: "event",
        object_id: event.uuid.to_string(),
        action: "cancel",
        payload: json!({ "people_notified": affected_users.len(), "refunds_queued": refunds_queued }),
        request_id: Some(actor.request_id),
    };
    let event_param: [&(dyn ToSql + Sync); 1] = [&event.id];
    let messages: Vec<_> = notice.into_iter().chain(sending).collect();
    let message_params: Vec<_> = messages.iter().map(|message| message.params()).collect();
    let audit_params = audit::params(&audited);
    let mut writes: Vec<Statement> = vec![(store::CANCEL_EVENT, &event_param)];
    for params in &message_params {
        writes.push((crate::platform::outbox::INSERT_SQL, params));
    }
    writes.push((audit::INSERT_SQL, &audit_params));
    commit_with_detail(tx, &writes, event.uuid, caller_id, messages.clone()).await
}
