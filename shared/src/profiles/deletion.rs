//! Deleting an account leaves nothing on sale that nobody can run and no money stranded:
//! - every upcoming event the user hosts is cancelled exactly as the host would cancel it
//!   (everyone affected told, paid guests refunded in full);
//! - the user's co-host roles end;
//! - the user's own seats and holds are released (paid orders refunded per the fee policy,
//!   `payments::policy`), their open requests cancelled and pending invites declined, and the
//!   waitlists of the events whose seats came free move up (a `promote_waitlist` message each);
//! - then the account is anonymised: sessions revoked, profile cleared, and nothing personal
//!   left in the provider answers stored with the user's orders.
//!
//! One transaction, three round trips: the account check with the events' locks and what the
//! change affects; every write with its notices, audit rows and COMMIT; the outbox.

use super::store;
use crate::auth::Actor;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::auth::active_user_id;
use crate::platform::audit::AuditEntry;
use tokio_postgres::types::ToSql;

use crate::platform::db::{CachedStatements, PipelinedTransaction, Writes};
use crate::platform::error::ApiError;
use crate::platform::outbox::{OutboxMessage, Queue};

/// The `kind` of the reservation-expiry message that moves an event's waitlist up after seats
/// came free outside a seat change of that event (an account deletion).
pub const PROMOTE_WAITLIST: &str = "promote_waitlist";

/// Deletes the caller's account (see the module doc). Returns the outbox messages to publish.
pub async fn delete_account(actor: &Actor<'_>) -> Result<Vec<OutboxMessage>, ApiError> {
    let client = actor.state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let cutoff = actor.state.config.attendance.refund_cutoff.as_secs_f64();
    let user: [&(dyn ToSql + Sync); 1] = [&actor.caller.user_id];
    let user_and_cutoff: [&(dyn ToSql + Sync); 2] = [&actor.caller.user_id, &cutoff];
    let (_, rows) = crate::pipelined!(active_user_id(&tx, &actor.caller), async {
        Ok::<_, ApiError>(
            tx.query_in_order(&[
                (store::LOCK_HOSTED_EVENTS, &user),
                (store::HOSTED_UPCOMING, &user),
                (store::OWN_SEATS, &user_and_cutoff),
            ])
            .await?,
        )
    })?;
    let own = rows[2]
        .first()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no row of the user's own seats")))?;
    let (freed_events, own_refunds, open_requests, sessions): (Vec<Uuid>, i64, i64, i64) = (
        own.get("freed_events"),
        own.get("refunds"),
        own.get("open_requests"),
        own.get("sessions"),
    );

    let mut writes = Writes::new();
    let mut refunds = own_refunds;
    for hosted in &rows[1] {
        let (event_id, event_uuid, affected, paid): (i64, Uuid, Vec<Uuid>, i64) = (
            hosted.get("id"),
            hosted.get("uuid"),
            hosted.get("affected"),
            hosted.get("paid_orders"),
        );
        refunds += paid;
        let notice = crate::notifications::notify::message(
            "event_cancelled",
            event_uuid,
            Some(actor.caller.user_id),
            &affected,
            json!({ "reason": "host_account_deleted" }),
        );
        writes
            .push(
                crate::events::store::CANCEL_EVENT,
                crate::owned_params![event_id],
            )
            .push_message(notice)
            .push_audit(&AuditEntry {
                actor: Some(actor.caller.user_id),
                object_type: "event",
                object_id: event_uuid.to_string(),
                action: "cancel",
                payload: json!({
                    "reason": "host_account_deleted",
                    "people_notified": affected.len(),
                    "refunds_queued": paid,
                }),
                request_id: Some(actor.request_id),
            });
    }
    let fields: Vec<String> = crate::payments::webhook::RECONCILIATION_FIELDS
        .iter()
        .map(|field| (*field).to_owned())
        .collect();
    writes
        .push(
            store::RELEASE_OWN_SEATS,
            crate::owned_params![actor.caller.user_id, cutoff],
        )
        .push(
            store::REVOKE_SESSIONS,
            crate::owned_params![actor.caller.user_id],
        )
        .push(
            store::SCRUB_ORDERS,
            crate::owned_params![actor.caller.user_id, fields],
        )
        .push(store::ANONYMISE, crate::owned_params![actor.caller.user_id]);
    for event in &freed_events {
        let promote = OutboxMessage::new(
            Queue::ReservationExpiry,
            json!({ "kind": PROMOTE_WAITLIST, "event_id": event }),
            std::time::Duration::ZERO,
        );
        writes.push_message(Some(promote));
    }
    if refunds > 0 {
        writes.push_message(Some(crate::payments::refunds::send_refunds_message()));
    }
    writes.push_audit(&AuditEntry {
        actor: Some(actor.caller.user_id),
        object_type: "auth_user",
        object_id: actor.caller.user_id.to_string(),
        action: "deactivate",
        payload: deactivation_summary(
            rows[1].len(),
            freed_events.len(),
            open_requests,
            sessions,
            refunds,
        ),
        request_id: Some(actor.request_id),
    });
    tx.commit_writes_with(&writes, |_| async { Ok(()) }).await?;
    Ok(writes.into_messages())
}

/// The deactivation's audit payload.
fn deactivation_summary(
    events_cancelled: usize,
    seats_released_on: usize,
    requests_cancelled: i64,
    sessions_revoked: i64,
    refunds_queued: i64,
) -> Value {
    json!({
        "events_cancelled": events_cancelled,
        "seats_released_on_events": seats_released_on,
        "requests_cancelled": requests_cancelled,
        "sessions_revoked": sessions_revoked,
        "refunds_queued": refunds_queued,
    })
}
