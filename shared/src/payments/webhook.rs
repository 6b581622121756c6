//! Razorpay's webhook: signature on the raw body, deduplicated on the event id, one effect per
//! event whatever the order or number of deliveries. The event's record and the order's locks
//! go out in one round trip; the writes go with COMMIT.

use super::store;
use crate::platform::error::ProblemCode;
use serde_json::{json, Value};

use super::order_lock::{lock_order, LockedOrder, ORDER_BY_PROVIDER_ID};
use super::policy::RefundStatus;
use super::settle::settle;
use super::signature;

use crate::app::state::AppState;
use crate::platform::audit::AuditEntry;
use crate::platform::db::{CachedStatements, PipelinedTransaction, Writes};
use crate::platform::error::ApiError;
use crate::platform::outbox::OutboxMessage;

/// What a webhook delivery did: the outbox messages to publish (with a `send_refunds` message
/// when a payment came after its seats were gone).
#[derive(Debug, Default)]
pub struct Delivered {
    /// Outbox messages to publish.
    pub outbox: Vec<OutboxMessage>,
}

/// Handles one delivery (see the module doc).
pub async fn webhook(
    state: &AppState,
    body: &[u8],
    signature_hex: Option<&str>,
    event_id: Option<&str>,
) -> Result<Delivered, ApiError> {
    let signed = signature_hex
        .is_some_and(|s| signature::verify_webhook(&state.config.payments.webhook_secret, body, s));
    if !signed {
        // An unsigned caller is not Razorpay: unauthenticated, like a request without a token.
        return Err(ApiError::client(
            http::StatusCode::UNAUTHORIZED,
            ProblemCode::InvalidSignature,
            "The webhook signature does not match.",
        ));
    }
    let payload: Value = serde_json::from_slice(body).map_err(|_| {
        ApiError::bad_request(
            ProblemCode::MalformedRequest,
            "The webhook body is not JSON.",
        )
    })?;
    let event_type = payload["event"].as_str().unwrap_or_default().to_owned();
    let event_id = event_id
        .map(str::to_owned)
        .or_else(|| payload["id"].as_str().map(str::to_owned))
        .ok_or_else(|| {
            ApiError::bad_request(
                ProblemCode::MalformedRequest,
                "The webhook has no event id.",
            )
        })?;
    let mut payload = payload;
    // Only what reconciliation needs is kept, in the delivery's record and on the order.
    if let Some(entity) = payload.pointer_mut("/payload/payment/entity") {
        *entity = reconciliation_fields(entity);
    }
    let payment = &payload["payload"]["payment"]["entity"];
    let payment_id = payment["id"].as_str();
    // The order this event is about, when it is one that moves an order.
    let provider_order = match event_type.as_str() {
        "payment.captured" | "order.paid" => payment["order_id"]
            .as_str()
            .or_else(|| payload["payload"]["order"]["entity"]["id"].as_str())
            .filter(|_| payment_id.is_some()),
        "payment.failed" => payment["order_id"].as_str(),
        _ => None,
    };
    let client = state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    // The event's record and the order's locks: one round trip. A duplicate delivery rolls
    // the locks back and changes nothing.
    let (fresh, locked) = crate::pipelined!(
        async {
            Ok::<_, ApiError>(
                tx.query_opt(store::RECORD_WEBHOOK, &[&event_id, &event_type, &payload])
                    .await?
                    .is_some(),
            )
        },
        async {
            match provider_order {
                Some(order) => lock_order(&tx, &ORDER_BY_PROVIDER_ID, &order).await,
                None => Ok(None),
            }
        }
    )?;
    if !fresh {
        return Ok(Delivered::default());
    }
    let mut writes = Writes::new();
    let mut delivered = Delivered::default();
    match (event_type.as_str(), locked) {
        ("payment.captured" | "order.paid", Some((mut event, order))) => {
            let payment_id = payment_id.unwrap_or_default();
            match settle(
                state,
                &mut event,
                &order,
                payment_id,
                payment.clone(),
                &mut writes,
            ) {
                Ok(_) => {}
                // Already paid by another payment or no longer payable: recorded, not retried.
                Err(ApiError::Client(problem)) => {
                    tracing::warn!(code = %problem.code, "webhook payment not applied")
                }
                Err(other) => return Err(other),
            }
        }
        ("payment.failed", Some((_, order))) => record_failure(&order, payment, &mut writes),
        ("refund.processed" | "refund.failed", _) => {
            let refund = &payload["payload"]["refund"]["entity"];
            if let Some(refund_id) = refund["id"].as_str() {
                let status = if event_type == "refund.processed" {
                    RefundStatus::Processed
                } else {
                    RefundStatus::Failed
                };
                super::refund_sending::record_provider_status(&tx, refund_id, status).await?;
            }
        }
        ("payment.captured" | "order.paid" | "payment.failed", None) => {
            tracing::info!(event_type, "webhook event for no known order")
        }
        _ => tracing::info!(event_type, "webhook event ignored"),
    }
    tx.commit_writes_with(&writes, |_| async { Ok(()) }).await?;
    delivered.outbox = writes.into_messages();
    Ok(delivered)
}

/// A failed payment: Razorpay lets the buyer try again on the same order, so the order stays
/// payable and its hold keeps the seats until the hold's own expiry; the failure is recorded on
/// the order (what reconciliation needs) and audited.
fn record_failure(order: &LockedOrder, payment: &Value, writes: &mut Writes) {
    if order.status != super::order_status::OrderStatus::Created {
        return;
    }
    writes
        .push(
            store::MERGE_PROVIDER_RESPONSE,
            crate::owned_params![order.id, json!({ "last_failure": payment })],
        )
        .push_audit(&AuditEntry {
            actor: None,
            object_type: "payment_order",
            object_id: order.uuid.to_string(),
            action: "payment_failed",
            payload: json!({
                "payment_id": payment["id"],
                "error_code": payment["error_code"],
                "hold_kept": order.hold.is_some(),
            }),
            request_id: None,
        });
}

/// The fields of a Razorpay payment entity that reconciliation needs, and nothing personal
/// (no phone number, email, VPA, card or notes): what is stored with an order or a delivery.
pub fn reconciliation_fields(payment: &Value) -> Value {
    let Some(entity) = payment.as_object() else {
        return Value::Null;
    };
    Value::Object(
        entity
            .iter()
            .filter(|(name, _)| RECONCILIATION_FIELDS.contains(&name.as_str()))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect(),
    )
}

/// The payment entity's fields kept (Razorpay's names).
pub const RECONCILIATION_FIELDS: &[&str] = &[
    "id",
    "entity",
    "order_id",
    "invoice_id",
    "method",
    "amount",
    "currency",
    "status",
    "captured",
    "amount_refunded",
    "refund_status",
    "fee",
    "tax",
    "error_code",
    "error_reason",
    "error_source",
    "error_step",
    "acquirer_data",
    "created_at",
];
