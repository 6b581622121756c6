//! Sending a refund to the provider and recording what happened: the answer with its audit
//! row and the buyer's notice in one statement, a failed call with its backoff (or, after the
//! last try, `failed` for staff), and the provider's later word by webhook.

use super::store;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde_json::json;
use uuid::Uuid;

use super::policy::{self, RefundReason, RefundStatus};
use crate::app::state::AppState;
use crate::notifications::notify;
use crate::platform::audit::AuditEntry;
use crate::platform::db::{CachedStatements, FromRow, PipelinedTransaction};
use crate::platform::error::ApiError;
use crate::platform::outbox::OutboxMessage;

/// A refund to send to the provider: what the call, its record and its notice need.
#[derive(Debug, Clone, FromRow)]
pub struct PendingRefund {
    /// Public id (made here when the refund is opened).
    pub(super) uuid: Uuid,
    /// The refund's idempotency key (also how it is found again).
    pub(super) key: String,
    pub(super) amount: Decimal,
    pub(super) payment_id: Option<String>,
    pub(super) event: Uuid,
    pub(super) buyer: Uuid,
    pub(super) order: Uuid,
    pub(super) reason: RefundReason,
    /// Calls to the provider that failed so far.
    pub(super) attempts: i16,
}

/// Calls the provider for a pending refund (with its idempotency key) and records the answer
/// with its audit row and notice in one statement, one round trip. A failed call is recorded
/// (audited) and retried later with backoff (`policy::refund_retry_after`); after the last try
/// the refund is `failed`, for staff. Returns the notice to publish (none when another sender
/// recorded it first, or the provider refused it).
pub(super) async fn send(
    state: &AppState,
    refund: &PendingRefund,
) -> Result<Vec<OutboxMessage>, ApiError> {
    let Some(payment_id) = &refund.payment_id else {
        return Ok(Vec::new());
    };
    let paise = (refund.amount * Decimal::ONE_HUNDRED)
        .to_i64()
        .unwrap_or_default();
    // No connection is held during the provider call: a pool of one must suffice, and no
    // connection should wait on the network.
    match state.payments.refund(payment_id, paise, &refund.key).await {
        Ok((sent, response)) => {
            let final_status = RefundStatus::from_provider(&sent.status);
            let notice = notify::message(
                "payment_refunded",
                refund.event,
                None,
                &[refund.buyer],
                json!({
                    "order_id": refund.order,
                    "amount": refund.amount.to_string(),
                    "reason": refund.reason,
                }),
            )
            .ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("a refund notice names its buyer"))
            })?;
            let [uuid, queue, payload, delay] = notice.params();
            let client = state.pool.get().await?;
            // Two senders may read the same unsent refund (the worker's message and the sweep)
            // and both call the provider (one key: one refund there). The first to record it
            // writes the notice; the other's statement matches nothing and sends none.
            let recorded = client
                .query_opt(
                    store::RECORD_REFUND_SENT,
                    &[
                        &refund.key,
                        &sent.id,
                        &final_status,
                        &response,
                        uuid,
                        queue,
                        payload,
                        delay,
                    ],
                )
                .await?;
            if recorded.is_none() {
                return Ok(Vec::new());
            }
            crate::platform::metrics::emit("refund");
            Ok(vec![notice])
        }
        Err(err) => {
            let error = format!("{err:#}");
            let attempts = refund.attempts.saturating_add(1);
            let retry = policy::refund_retry_after(attempts);
            let (status, action) = match retry {
                Some(_) => (RefundStatus::Pending, "refund_retry"),
                None => (RefundStatus::Failed, "refund_failed"),
            };
            let wait = retry.map_or(0.0, |wait| wait.as_secs_f64());
            tracing::warn!(key = %refund.key, attempts, %status, error = %error, "refund call failed");
            let audited = AuditEntry {
                actor: None,
                object_type: "payment_refund",
                object_id: refund.uuid.to_string(),
                action,
                payload: json!({ "attempts": attempts, "error": error, "retry_in_secs": wait }),
                request_id: None,
            };
            let client = state.pool.get().await?;
            PipelinedTransaction::begin(&client)
                .commit_after(&[
                    (
                        store::RECORD_REFUND_ATTEMPT,
                        &[&refund.key, &attempts, &error, &wait, &status],
                    ),
                    (
                        crate::platform::audit::INSERT_SQL,
                        &crate::platform::audit::params(&audited),
                    ),
                ])
                .await?;
            if status == RefundStatus::Failed {
                crate::platform::metrics::emit("refund_failed");
            }
            Ok(Vec::new())
        }
    }
}

/// The provider's word on a refund (webhook): the refund's status and an audit row. The order
/// is left as it is: a failed refund is money still owed to the buyer (staff see it among the
/// failed refunds), never a reason to put a cancelled attendance's order back to `paid`. A
/// processed refund is never marked failed afterwards.
pub async fn record_provider_status(
    tx: &impl CachedStatements,
    provider_refund_id: &str,
    status: RefundStatus,
) -> Result<(), ApiError> {
    tx.execute(store::SET_REFUND_STATUS, &[&provider_refund_id, &status])
        .await?;
    Ok(())
}
