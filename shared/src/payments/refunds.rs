//! Refunds: full or partial, never more than was paid in total. Each refund is a row with a
//! deterministic idempotency key, created before the provider is called, so a retry after a
//! timeout refunds once. Orders marked `refund_pending` (event cancelled, attendee cancelled,
//! late payment) are refunded in full by `process_pending`.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde_json::json;
use uuid::Uuid;

use super::orders::order_json;
use crate::attendance::ledger;
use crate::attendance::requests::ORGANISER_IS_USER_2;
use crate::audit::{self, AuditEntry};
use crate::auth::{active_user_id, Caller};
use crate::db::{CachedStatements, PipelinedTransaction};
use crate::error::{ApiError, FieldError};
use crate::notify;
use crate::state::AppState;

async fn open_refund(
    tx: &impl CachedStatements,
    order_id: i64,
    amount: Decimal,
    reason: &str,
    requested_by: Option<i64>,
) -> Result<i64, ApiError> {
    Ok(tx
        .query_one(
            "WITH o AS (UPDATE payment_order SET amount_refunded = amount_refunded + $2, \
                          status = CASE WHEN amount_refunded + $2 >= total_amount THEN 'refunded' ELSE 'partially_refunded' END \
                        WHERE id = $1 RETURNING order_reference, \
                          (SELECT count(*) FROM payment_refund WHERE payment_order_id = $1) AS n) \
             INSERT INTO payment_refund (payment_order_id, amount, reason, idempotency_key, requested_by) \
             SELECT $1, $2, $3, o.order_reference || '-R' || (o.n + 1), $4 FROM o RETURNING id",
            &[&order_id, &amount, &reason, &requested_by],
        )
        .await?
        .get(0))
}

/// Calls the provider for a pending refund (with its idempotency key) and records the answer;
/// a failure leaves it pending for the next sweep.
pub async fn send(state: &AppState, refund_id: i64) -> Result<(), ApiError> {
    // The connection goes back to the pool before the provider call: a pool of one must
    // suffice, and no connection should wait on the network.
    let row = state
        .pool
        .get()
        .await?
        .query_one(
            "SELECT r.status, r.amount, r.idempotency_key, o.provider_payment_id, e.uuid, u.uuid, o.uuid \
             FROM payment_refund r JOIN payment_order o ON o.id = r.payment_order_id JOIN event e ON e.id = o.event_id \
             JOIN auth_user u ON u.id = o.user_id WHERE r.id = $1",
            &[&refund_id],
        )
        .await?;
    let (status, amount, key, payment_id): (String, Decimal, String, Option<String>) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    let (event, buyer, order): (Uuid, Uuid, Uuid) = (row.get(4), row.get(5), row.get(6));
    let Some(payment_id) = payment_id.filter(|_| status == "pending") else {
        return Ok(());
    };
    let paise = (amount * Decimal::ONE_HUNDRED).to_i64().unwrap_or_default();
    match state.payments.refund(&payment_id, paise, &key).await {
        Ok((refund, response)) => {
            let client = state.pool.get().await?;
            let tx = PipelinedTransaction::begin(&client);
            let final_status = if refund.status == "failed" {
                "failed"
            } else if refund.status == "processed" {
                "processed"
            } else {
                "pending"
            };
            tx.execute(
                "UPDATE payment_refund SET provider_refund_id = $2, status = $3, provider_response = $4 WHERE id = $1",
                &[&refund_id, &refund.id, &final_status, &response],
            )
            .await?;
            let ids = notify::queue(
                &tx,
                "payment_refunded",
                event,
                None,
                &[buyer],
                json!({ "order_id": order, "amount": amount.to_string() }),
            )
            .await?;
            tx.commit().await?;
            crate::metrics::emit("refund");
            state
                .publish_outbox(&ids.into_iter().collect::<Vec<_>>())
                .await;
            Ok(())
        }
        Err(err) => {
            tracing::warn!(refund_id, error = %format!("{err:#}"), "refund left pending for retry");
            Ok(())
        }
    }
}

/// A provider's word on a refund (webhook): a failed refund gives the amount back to the order.
pub async fn record_provider_status(
    tx: &impl CachedStatements,
    provider_refund_id: &str,
    status: &str,
) -> Result<(), ApiError> {
    let row = tx
        .query_opt(
            "UPDATE payment_refund SET status = $2 WHERE provider_refund_id = $1 AND status <> $2 \
             RETURNING payment_order_id, amount",
            &[&provider_refund_id, &status],
        )
        .await?;
    if let (Some(row), "failed") = (row, status) {
        let (order_id, amount): (i64, Decimal) = (row.get(0), row.get(1));
        tx.execute(
            "UPDATE payment_order SET amount_refunded = amount_refunded - $2, \
                    status = CASE WHEN amount_refunded - $2 = 0 THEN 'paid' ELSE 'partially_refunded' END WHERE id = $1",
            &[&order_id, &amount],
        )
        .await?;
    }
    Ok(())
}

/// The host refunds part or all of a paid order. A full refund also cancels the attendance
/// (seats freed, waitlist promoted).
pub async fn refund_by_host(
    state: &AppState,
    caller: &Caller,
    order: Uuid,
    amount: Option<Decimal>,
    request_id: &str,
) -> Result<(serde_json::Value, Vec<crate::outbox::OutboxMessage>), ApiError> {
    let client = state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let caller_id = active_user_id(&tx, caller).await?;
    let row = tx
        .query_opt(
            &format!(
                "SELECT o.id, o.event_id, {ORGANISER_IS_USER_2}, e.host_id = $2 \
                 FROM payment_order o JOIN event e ON e.id = o.event_id WHERE o.uuid = $1"
            ),
            &[&order, &caller_id],
        )
        .await?
        .ok_or_else(|| ApiError::not_found("The order"))?;
    let (order_id, event_id, organiser, host): (i64, i64, bool, bool) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    if !organiser {
        return Err(ApiError::not_found("The order"));
    }
    if !host {
        return Err(ApiError::forbidden("Only the host refunds orders."));
    }
    ledger::lock_event(&tx, event_id).await?;
    let row = tx
        .query_one(
            "SELECT status, total_amount - amount_refunded, attendee_id, seats FROM payment_order WHERE id = $1 FOR UPDATE",
            &[&order_id],
        )
        .await?;
    let (status, remaining, attendee, seats): (String, Decimal, Option<i64>, i16) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    if !matches!(status.as_str(), "paid" | "partially_refunded") {
        return Err(ApiError::conflict(
            "invalid_transition",
            format!("A {status} order cannot be refunded."),
        ));
    }
    let amount = amount.unwrap_or(remaining);
    if amount <= Decimal::ZERO || amount > remaining {
        return Err(ApiError::validation(vec![FieldError::new(
            "amount",
            format!("must be more than 0.00 and at most {remaining}"),
        )]));
    }
    let refund_id = open_refund(&tx, order_id, amount, "host", Some(caller_id)).await?;
    let mut outbox = Vec::new();
    if amount == remaining {
        if let Some(attendee) = attendee {
            let cancelled = tx
                .execute(
                    "UPDATE event_attendee SET status = 'cancelled', cancelled_at = now(), checked_in_at = NULL WHERE id = $1 AND status = 'going'",
                    &[&attendee],
                )
                .await?;
            if cancelled > 0 {
                tx.execute(
                    "UPDATE event SET going_count = going_count - $2::int WHERE id = $1",
                    &[&event_id, &i32::from(seats)],
                )
                .await?;
                let mut promotions = crate::db::Writes::new();
                outbox.extend(
                    ledger::promote_waitlist(&tx, state, event_id, &[], &mut promotions).await?,
                );
                promotions.run(&tx).await?;
            }
        }
    }
    let audited = AuditEntry {
        actor: Some(caller.user_id),
        object_type: "payment_order",
        object_id: order.to_string(),
        action: "refund",
        payload: json!({ "amount": amount.to_string(), "full": amount == remaining }),
        request_id: Some(request_id),
    };
    tx.commit_after(&[(audit::INSERT_SQL, &audit::params(&audited))])
        .await?;
    // `send` takes connections of its own: give this one back first, so a pool of one suffices.
    drop(client);
    send(state, refund_id).await?;
    let client = state.pool.get().await?;
    let body = order_json(&client, &state.config.payments.key_id, order).await?;
    Ok((body, outbox))
}

/// Refunds in full every order marked `refund_pending`, and retries refunds still pending.
/// Safe to run anywhere, any number of times. Returns how many refunds were sent.
pub async fn process_pending(state: &AppState) -> Result<usize, ApiError> {
    let client = state.pool.get().await?;
    {
        let tx = PipelinedTransaction::begin(&client);
        let rows = tx
            .query(
                "SELECT o.id, o.total_amount - o.amount_refunded, \
                        CASE WHEN NOT e.is_active THEN 'event_cancelled' \
                             WHEN o.attendee_id IS NULL THEN 'late_payment' ELSE 'attendee_cancelled' END \
                 FROM payment_order o JOIN event e ON e.id = o.event_id \
                 WHERE o.status = 'refund_pending' ORDER BY o.id LIMIT 100 FOR UPDATE OF o SKIP LOCKED",
                &[],
            )
            .await?;
        let pending: Vec<(i64, Decimal, String)> = rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        for (order_id, amount, reason) in &pending {
            if *amount > Decimal::ZERO {
                open_refund(&tx, *order_id, *amount, reason, None).await?;
                let order: Uuid = tx
                    .query_one("SELECT uuid FROM payment_order WHERE id = $1", &[order_id])
                    .await?
                    .get(0);
                audit::record(
                    &tx,
                    &AuditEntry {
                        actor: None,
                        object_type: "payment_order",
                        object_id: order.to_string(),
                        action: "refund",
                        payload: json!({ "amount": amount.to_string(), "full": true, "reason": reason }),
                        request_id: None,
                    },
                )
                .await?;
            } else {
                tx.execute(
                    "UPDATE payment_order SET status = 'refunded' WHERE id = $1",
                    &[order_id],
                )
                .await?;
            }
        }
        tx.commit().await?;
    }
    let refunds: Vec<i64> = client
        .query("SELECT id FROM payment_refund WHERE status = 'pending' AND provider_refund_id IS NULL ORDER BY id LIMIT 100", &[])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    // `send` takes connections of its own; holding this one too would need a pool of three.
    drop(client);
    for refund in &refunds {
        send(state, *refund).await?;
    }
    Ok(refunds.len())
}
