//! Cancelling an event (host only): everything hanging on it is cancelled in one transaction,
//! paid orders are marked for refund (sent by the reservation-expiry worker), and everyone
//! affected is told. Three round trips: the checks with the event's lock and who is affected;
//! the cancel with its notice, audit row, the detail and COMMIT; the outbox mark.

use crate::auth::Actor;
use serde_json::json;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

use super::key::EVENT_IS_KEY_1;
use super::repo;
use super::rules::{may_change, HOST_CHANGE};
use super::service::{commit_with_detail, Written};
use crate::audit::{self, AuditEntry};
use crate::auth::active_user_id;
use crate::notifications::notify;
use crate::platform::db::{PipelinedTransaction, Statement};
use crate::platform::error::ApiError;

/// Who cancelling the event the path's `{event_id}` (`$1`) names affects, read behind the
/// event's lock: everyone with a live request, pending invite, hold or attendance, and how
/// many paid orders it refunds. Every change to those takes the event's lock first, so the
/// cancel later in the transaction touches exactly these.
const AFFECTED_SQL: &str = const_format::concatcp!(
    "WITH target AS (SELECT e.id FROM event e WHERE ", EVENT_IS_KEY_1, "), \
              everyone AS ( \
                 SELECT requester_id AS user_id FROM event_request WHERE event_id = (SELECT id FROM target) \
                    AND status IN ('pending', 'waitlisted', 'accepted') \
                 UNION SELECT invited_user_id FROM event_invite WHERE event_id = (SELECT id FROM target) AND status = 'pending' \
                 UNION SELECT user_id FROM capacity_reservation WHERE event_id = (SELECT id FROM target) AND status = 'held' \
                 UNION SELECT user_id FROM event_attendee WHERE event_id = (SELECT id FROM target) \
                    AND status IN ('going', 'checked_in')) \
         SELECT ARRAY(SELECT u.uuid FROM auth_user u WHERE u.id IN (SELECT user_id FROM everyone WHERE user_id IS NOT NULL) \
                      ORDER BY u.id) AS affected_users, \
                (SELECT count(*) FROM payment_order WHERE event_id = (SELECT id FROM target) \
                    AND status IN ('paid', 'partially_refunded')) AS refunds_queued",
);

/// Cancels event `$1` and everything hanging on it: requests cancelled, pending invites
/// revoked, holds released, attendance cancelled, paid orders marked for refund, unpaid ones
/// expired, counters zeroed.
pub(crate) const CANCEL_SQL: &str = "WITH requests AS ( \
         UPDATE event_request SET status = 'cancelled' \
         WHERE event_id = $1 AND status IN ('pending', 'waitlisted', 'accepted')), \
     invites AS ( \
         UPDATE event_invite SET status = 'revoked' WHERE event_id = $1 AND status = 'pending'), \
     holds AS ( \
         UPDATE capacity_reservation SET status = 'released', released_at = now() \
         WHERE event_id = $1 AND status = 'held'), \
     attendees AS ( \
         UPDATE event_attendee SET status = 'cancelled', cancelled_at = now(), checked_in_at = NULL \
         WHERE event_id = $1 AND status IN ('going', 'checked_in')), \
     orders AS ( \
         UPDATE payment_order SET status = 'refund_pending', refund_reason = 'event_cancelled' \
         WHERE event_id = $1 AND status IN ('paid', 'partially_refunded')), \
     stale_orders AS ( \
         UPDATE payment_order SET status = 'expired' WHERE event_id = $1 AND status = 'created') \
     UPDATE event SET is_active = false, cancelled_at = now(), going_count = 0, requests_count = 0 \
     WHERE id = $1";

/// Cancels an event (host only) and answers its detail; the notice, and a `send_refunds`
/// message when paid orders were marked, go to the outbox in the same COMMIT.
pub async fn cancel(actor: &Actor<'_>, key: &str) -> Result<Written, ApiError> {
    let (state, caller, request_id) = (actor.state, &actor.caller, actor.request_id);
    let client = state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let key_param: [&(dyn ToSql + Sync); 1] = [&key];
    let after: [Statement; 1] = [(AFFECTED_SQL, &key_param)];
    let (caller_id, loaded) = crate::pipelined!(
        active_user_id(&tx, caller),
        repo::load_for_edit_then(&tx, key, caller.user_id, &after)
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
        Some(caller.user_id),
        &affected_users,
        json!({}),
    );
    let sending = (refunds_queued > 0).then(crate::payments::refunds::send_refunds_message);
    let audited = AuditEntry {
        actor: Some(caller.user_id),
        object_type: "event",
        object_id: event.uuid.to_string(),
        action: "cancel",
        payload: json!({ "people_notified": affected_users.len(), "refunds_queued": refunds_queued }),
        request_id: Some(request_id),
    };
    let event_param: [&(dyn ToSql + Sync); 1] = [&event.id];
    let messages: Vec<_> = notice.into_iter().chain(sending).collect();
    let message_params: Vec<_> = messages.iter().map(|message| message.params()).collect();
    let audit_params = audit::params(&audited);
    let mut writes: Vec<Statement> = vec![(CANCEL_SQL, &event_param)];
    for params in &message_params {
        writes.push((crate::platform::outbox::INSERT_SQL, params));
    }
    writes.push((audit::INSERT_SQL, &audit_params));
    commit_with_detail(tx, &writes, event.uuid, caller_id, messages.clone()).await
}
