//! Expiring seat holds. Correctness never depends on this (an expired hold stops counting at
//! once); expiry tidies up: the hold is marked expired, its unpaid order expires, the guest is
//! told and the waitlist moves up. Every step is idempotent: a message processed twice expires
//! once.

use super::event_lock::{EventLock, Locked};
use super::hold_status::HoldStatus;
use super::store;
use std::time::Duration;

use serde_json::{json, Value};
use uuid::Uuid;

use super::ledger;
use crate::app::state::AppState;
use crate::notifications::notify;
use crate::platform::audit::{self, AuditEntry};
use crate::platform::db::{CachedStatements, PipelinedTransaction};
use crate::platform::error::ApiError;
use crate::platform::outbox::{self, Queue};

/// Expires one hold if it is still held and past its time; returns outbox messages.
pub async fn expire_hold(
    state: &AppState,
    reservation_key: Uuid,
) -> Result<Vec<crate::platform::outbox::OutboxMessage>, ApiError> {
    let client = state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let Some(Locked { event, .. }) = EventLock::of(&store::HOLD_EVENT, &reservation_key)
        .run(&tx)
        .await?
    else {
        return Ok(Vec::new());
    };
    let Some(hold) = tx
        .query_opt(store::EXPIRE_HOLD, &[&reservation_key])
        .await?
    else {
        return Ok(Vec::new());
    };
    let (hold_id, request_id, guest, hold_uuid): (i64, Option<i64>, Uuid, Uuid) = (
        hold.get("id"),
        hold.get("request_id"),
        hold.get("guest"),
        hold.get("uuid"),
    );
    tx.execute(store::EXPIRE_ORDERS_OF_HOLD, &[&hold_id])
        .await?;
    if let Some(request_id) = request_id {
        tx.execute(store::EXPIRE_REQUEST, &[&request_id]).await?;
    }
    let mut outbox_ids: Vec<crate::platform::outbox::OutboxMessage> = notify::queue(
        &tx,
        "hold_expired",
        event.uuid,
        None,
        &[guest],
        json!({ "reservation_key": reservation_key }),
    )
    .await?
    .into_iter()
    .collect();
    let mut promotions = crate::platform::db::Writes::new();
    ledger::promote_waitlist(&tx, state, event.id, &[], &mut promotions).await?;
    promotions.run(&tx).await?;
    outbox_ids.extend(promotions.into_messages());
    let audited = AuditEntry {
        actor: None,
        object_type: "capacity_reservation",
        object_id: hold_uuid.to_string(),
        action: "expire",
        payload: json!({ "event_id": event.uuid }),
        request_id: None,
    };
    tx.commit_after(&[(audit::INSERT_SQL, &audit::params(&audited))])
        .await?;
    crate::platform::metrics::emit("hold_expired");
    Ok(outbox_ids)
}

/// Handles one message of the reservation-expiry queue. `send_refunds` sends pending refunds;
/// `keep_uploads` retags attached uploads.
/// A delayed hold message: too early (SQS caps delays at 15 minutes) → re-queued for the rest;
/// due → expired; already consumed or released → nothing.
pub async fn on_message(state: &AppState, payload: &Value) -> Result<(), ApiError> {
    if payload["kind"] == crate::payments::refunds::SEND_REFUNDS {
        crate::payments::refunds::process_pending(state).await?;
        return Ok(());
    }
    if payload["kind"] == crate::uploads::KEEP_UPLOADS {
        let signer = state
            .uploads
            .as_deref()
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("UPLOADS_BUCKET is not set")))?;
        crate::uploads::keep(signer, payload).await?;
        return Ok(());
    }
    if payload["kind"] == crate::profiles::deletion::PROMOTE_WAITLIST {
        let event: Uuid = payload["event_id"]
            .as_str()
            .and_then(|id| id.parse().ok())
            .ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("promote message without event_id"))
            })?;
        let messages = promote(state, event).await?;
        state.publish_outbox(&messages).await;
        return Ok(());
    }
    let key: Uuid = payload["reservation_key"]
        .as_str()
        .and_then(|k| k.parse().ok())
        .ok_or_else(|| {
            ApiError::Internal(anyhow::anyhow!("hold message without reservation_key"))
        })?;
    // Each step takes its own pooled connection and gives it back: expire_hold takes one too,
    // and a task holding one while waiting for another could starve a small pool.
    let Some(row) = state
        .pool
        .get()
        .await?
        .query_opt(store::HOLD_TIME_LEFT, &[&key])
        .await?
    else {
        return Ok(());
    };
    let (status, seconds_left): (HoldStatus, f64) = (row.get("status"), row.get("seconds_left"));
    if status != HoldStatus::Held {
        return Ok(());
    }
    let ids = if seconds_left > 1.0 {
        let id = outbox::enqueue(
            &state.pool.get().await?,
            Queue::ReservationExpiry,
            payload.clone(),
            Duration::from_secs_f64(seconds_left.ceil()),
        )
        .await?;
        vec![id]
    } else {
        expire_hold(state, key).await?
    };
    state.publish_outbox(&ids).await;
    Ok(())
}

/// Moves event `event`'s waitlist up to the seats free now (after seats came free outside a
/// seat change of the event itself). Idempotent: a second run finds nobody who fits.
pub async fn promote(
    state: &AppState,
    event: Uuid,
) -> Result<Vec<crate::platform::outbox::OutboxMessage>, ApiError> {
    let client = state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let Some(row) = tx.query_opt(store::EVENT_ID_OF_UUID, &[&event]).await? else {
        return Ok(Vec::new());
    };
    let mut writes = crate::platform::db::Writes::new();
    ledger::promote_waitlist(&tx, state, row.get("id"), &[], &mut writes).await?;
    tx.commit_writes_with(&writes, |_| async { Ok(()) }).await?;
    Ok(writes.into_messages())
}

/// Queues the reminders due now — 24 hours and 2 hours before the start — each once per
/// attendee (a flag per reminder is set in the same transaction). Returns outbox messages.
pub async fn queue_reminders(
    state: &AppState,
) -> Result<Vec<crate::platform::outbox::OutboxMessage>, ApiError> {
    let client = state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let mut ids = Vec::new();
    for (statement, label) in [
        (store::REMINDERS_24H_DUE, "24h"),
        (store::REMINDERS_2H_DUE, "2h"),
    ] {
        let rows = tx.query(statement, &[]).await?;
        for row in rows {
            let (event, recipients): (Uuid, Vec<Uuid>) =
                (row.get("event_uuid"), row.get("recipients"));
            ids.extend(
                notify::queue(
                    &tx,
                    "event_reminder",
                    event,
                    None,
                    &recipients,
                    json!({ "before": label }),
                )
                .await?,
            );
        }
    }
    tx.commit().await?;
    Ok(ids)
}

/// The one-minute sweep: expires every lapsed hold the queue missed, queues due reminders,
/// republishes outbox messages left unsent, retries pending refunds and deletes a batch of the
/// rows past their retention (`retention::purge`).
/// Returns (holds expired, messages sent).
pub async fn sweep(state: &AppState) -> Result<(usize, usize), ApiError> {
    let lapsed: Vec<Uuid> = state
        .pool
        .get()
        .await?
        .query(store::LAPSED_HOLDS, &[])
        .await?
        .iter()
        .map(|r| r.get("reservation_key"))
        .collect();
    // One hold, refund or step that fails is logged and the sweep goes on: what failed is
    // tried again next minute, and nothing behind it waits for it.
    let mut ids = Vec::new();
    let mut expired = 0;
    for key in &lapsed {
        match expire_hold(state, *key).await {
            Ok(messages) => {
                expired += 1;
                ids.extend(messages);
            }
            Err(err) => {
                tracing::error!(reservation_key = %key, error = %err, "expiring a hold failed")
            }
        }
    }
    match outbox::unsent(&state.pool.get().await?, 30.0, 500).await {
        Ok(unsent) => ids.extend(unsent),
        Err(err) => tracing::error!(error = %err, "reading unsent outbox messages failed"),
    }
    match queue_reminders(state).await {
        Ok(reminders) => ids.extend(reminders),
        Err(err) => tracing::error!(error = %err, "queueing reminders failed"),
    }
    let sent = state.publish_outbox(&ids).await;
    if let Err(err) = crate::payments::refunds::process_pending(state).await {
        tracing::error!(error = %err, "sending pending refunds failed");
    }
    match crate::retention::purge(&state.pool.get().await?).await {
        Ok(purged) if purged != crate::retention::Purged::default() => {
            tracing::info!(?purged, "purged rows past their retention");
        }
        Ok(_) => {}
        Err(err) => tracing::error!(error = %err, "purging rows past their retention failed"),
    }
    Ok((expired, sent))
}
