//! Turning a captured payment into a seat: from the app's verify call or from Razorpay's webhook,
//! whichever comes first; the other finds the order already paid and changes nothing.

use rust_decimal::Decimal;
use serde_json::{json, Value};
use uuid::Uuid;

use super::orders::order_json;
use super::signature;
use crate::attendance::{ledger, tickets};
use crate::audit::{self, AuditEntry};
use crate::auth::{active_user_id, Caller};
use crate::db::{CachedStatements, PipelinedTransaction};
use crate::error::ApiError;
use crate::notify;
use crate::state::AppState;

/// What settling did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// The order is paid and the guest has an attendee and ticket.
    Paid,
    /// It was already settled by this payment: nothing changed.
    AlreadySettled,
    /// Paid after the hold lapsed with no seats left: marked for an automatic refund.
    RefundQueued,
}

/// Settles an order for a captured payment in the caller's transaction. Locks the event first,
/// then the order (the order every seat change uses). Returns the outcome and outbox ids.
pub async fn settle(
    tx: &impl CachedStatements,
    state: &AppState,
    order_id: i64,
    payment_id: &str,
    provider_response: Value,
) -> Result<(Settled, Vec<i64>), ApiError> {
    let event_id: i64 = tx
        .query_one(
            "SELECT event_id FROM payment_order WHERE id = $1",
            &[&order_id],
        )
        .await?
        .get(0);
    let mut event = ledger::lock_event(tx, event_id).await?;
    let order = tx
        .query_one(
            "SELECT o.status, o.provider_payment_id, o.reservation_id, o.user_id, u.uuid, o.seats, o.base_amount + o.gst_amount, \
                    o.platform_fee + o.platform_fee_gst, o.uuid, h.request_id \
             FROM payment_order o JOIN auth_user u ON u.id = o.user_id LEFT JOIN capacity_reservation h ON h.id = o.reservation_id \
             WHERE o.id = $1 FOR UPDATE OF o",
            &[&order_id],
        )
        .await?;
    let (status, existing_payment, reservation_id, user_id, user_uuid, seats): (
        String,
        Option<String>,
        Option<i64>,
        i64,
        Uuid,
        i16,
    ) = (
        order.get(0),
        order.get(1),
        order.get(2),
        order.get(3),
        order.get(4),
        order.get(5),
    );
    let (price_paid, fee, order_uuid, request_id): (Decimal, Decimal, Uuid, Option<i64>) =
        (order.get(6), order.get(7), order.get(8), order.get(9));
    if let Some(existing) = existing_payment {
        return if existing == payment_id {
            Ok((Settled::AlreadySettled, Vec::new()))
        } else {
            Err(ApiError::conflict(
                "order_already_paid",
                "This order was paid by another payment.",
            ))
        };
    }
    if !matches!(status.as_str(), "created" | "failed" | "expired") {
        return Err(ApiError::conflict(
            "invalid_transition",
            format!("A {status} order cannot be paid."),
        ));
    }
    // The hold, if it is still held (even just lapsed): consumed when the guest gets a seat, so
    // its seats pass on; closed as expired when a lapsed hold's seats are gone and the money
    // goes back. A hold is never left consumed without the attendee it became.
    let (held, hold_live) = match reservation_id {
        Some(hold) => {
            let row = tx
                .query_one("SELECT status = 'held', expires_at > now() FROM capacity_reservation WHERE id = $1 FOR UPDATE", &[&hold])
                .await?;
            let (held, unexpired): (Option<i64>, bool) =
                (row.get::<_, bool>(0).then_some(hold), row.get(1));
            (held, held.is_some() && unexpired)
        }
        None => (None, false),
    };
    if hold_live {
        event.available += i64::from(seats);
    }
    let mut outbox = Vec::new();
    let response = json!({ "payment": provider_response });
    if !hold_live && i64::from(seats) > event.available {
        if let Some(hold) = held {
            tx.execute(
                "UPDATE capacity_reservation SET status = 'expired', released_at = now() WHERE id = $1",
                &[&hold],
            )
            .await?;
        }
        tx.execute(
            "UPDATE payment_order SET status = 'refund_pending', paid_at = now(), provider_payment_id = $2, \
                    provider_response = coalesce(provider_response, '{}'::jsonb) || $3 WHERE id = $1",
            &[&order_id, &payment_id, &response],
        )
        .await?;
        audit::record(
            tx,
            &AuditEntry {
                actor: None,
                object_type: "payment_order",
                object_id: order_uuid.to_string(),
                action: "pay",
                payload: json!({ "late": true, "seats_available": false }),
                request_id: None,
            },
        )
        .await?;
        return Ok((Settled::RefundQueued, outbox));
    }
    if let Some(hold) = held {
        tx.execute(
            "UPDATE capacity_reservation SET status = 'consumed', consumed_at = now() WHERE id = $1",
            &[&hold],
        )
        .await?;
    }
    let attendee = tx
        .query_one(
            "WITH a AS (INSERT INTO event_attendee (event_id, user_id, seats, request_id, reservation_id, is_paid, price_paid, platform_fee) \
                        VALUES ($1, $2, $3, $4, $5, true, $6, $7) RETURNING id, uuid), \
                  c AS (UPDATE event SET going_count = going_count + $3 WHERE id = $1) \
             SELECT id, uuid FROM a",
            &[&event.id, &user_id, &seats, &request_id, &reservation_id, &price_paid, &fee],
        )
        .await?;
    let (attendee_id, attendee_uuid): (i64, Uuid) = (attendee.get(0), attendee.get(1));
    tickets::issue(tx, &state.config.attendance.ticket_key, attendee_uuid).await?;
    tx.execute(
        "UPDATE payment_order SET status = 'paid', paid_at = now(), provider_payment_id = $2, attendee_id = $3, \
                provider_response = coalesce(provider_response, '{}'::jsonb) || $4 WHERE id = $1",
        &[&order_id, &payment_id, &attendee_id, &response],
    )
    .await?;
    outbox.extend(
        notify::queue(
            tx,
            "payment_succeeded",
            event.uuid,
            None,
            &[user_uuid],
            json!({ "order_id": order_uuid, "attendee_id": attendee_uuid }),
        )
        .await?,
    );
    audit::record(
        tx,
        &AuditEntry {
            actor: Some(user_uuid),
            object_type: "payment_order",
            object_id: order_uuid.to_string(),
            action: "pay",
            payload: json!({ "attendee_id": attendee_uuid, "late": !hold_live }),
            request_id: None,
        },
    )
    .await?;
    crate::metrics::emit("payment_captured");
    Ok((Settled::Paid, outbox))
}

/// The app's verify call: checks the checkout signature (400 and no change when wrong), then
/// settles. Returns the order (with its ticket) and outbox ids.
pub async fn verify(
    state: &AppState,
    caller: &Caller,
    order: Uuid,
    payment_id: &str,
    signature_hex: &str,
) -> Result<(Value, Vec<i64>), ApiError> {
    let client = state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let user_id = active_user_id(&tx, caller).await?;
    let row = tx
        .query_opt(
            "SELECT id, provider_order_id FROM payment_order WHERE uuid = $1 AND user_id = $2",
            &[&order, &user_id],
        )
        .await?
        .ok_or_else(|| ApiError::not_found("The order"))?;
    let (order_id, provider_order_id): (i64, Option<String>) = (row.get(0), row.get(1));
    let provider_order_id = provider_order_id.ok_or_else(|| {
        ApiError::conflict("order_not_ready", "The order has no provider order yet.")
    })?;
    if !signature::verify_payment(
        &state.config.payments.key_secret,
        &provider_order_id,
        payment_id,
        signature_hex,
    ) {
        return Err(ApiError::bad_request(
            "invalid_signature",
            "The payment signature does not match.",
        )
        .with_errors(vec![crate::error::FieldError::new(
            "provider_signature",
            "does not match this order and payment",
        )]));
    }
    let (settled, outbox) = settle(
        &tx,
        state,
        order_id,
        payment_id,
        json!({ "razorpay_payment_id": payment_id, "source": "verify" }),
    )
    .await?;
    let mut body = tx
        .commit_with(order_json(&tx, &state.config.payments.key_id, order_id))
        .await?;
    if let Some(attendee) = body["attendee_id"]
        .as_str()
        .and_then(|a| a.parse::<Uuid>().ok())
    {
        let salt: String = client
            .query_one("SELECT t.secret_salt FROM ticket_secret t JOIN event_attendee a ON a.id = t.attendee_id WHERE a.uuid = $1", &[&attendee])
            .await?
            .get(0);
        body["ticket_code"] = json!(tickets::code(
            &state.config.attendance.ticket_key,
            attendee,
            &salt
        ));
    }
    body["settled"] = json!(match settled {
        Settled::Paid => "paid",
        Settled::AlreadySettled => "already_settled",
        Settled::RefundQueued => "refund_queued",
    });
    Ok((body, outbox))
}

/// Razorpay's webhook: signature on the raw body, deduplicated on the event id, one effect per
/// event whatever the order or number of deliveries.
pub async fn webhook(
    state: &AppState,
    body: &[u8],
    signature_hex: Option<&str>,
    event_id: Option<&str>,
) -> Result<Vec<i64>, ApiError> {
    let signed = signature_hex
        .is_some_and(|s| signature::verify_webhook(&state.config.payments.webhook_secret, body, s));
    if !signed {
        // An unsigned caller is not Razorpay: unauthenticated, like a request without a token.
        return Err(ApiError::client(
            http::StatusCode::UNAUTHORIZED,
            "invalid_signature",
            "The webhook signature does not match.",
        ));
    }
    let payload: Value = serde_json::from_slice(body)
        .map_err(|_| ApiError::bad_request("malformed_request", "The webhook body is not JSON."))?;
    let event_type = payload["event"].as_str().unwrap_or_default().to_owned();
    let event_id = event_id
        .map(str::to_owned)
        .or_else(|| payload["id"].as_str().map(str::to_owned))
        .ok_or_else(|| {
            ApiError::bad_request("malformed_request", "The webhook has no event id.")
        })?;
    let client = state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let fresh = tx
        .query_opt(
            "INSERT INTO payment_webhook_event (provider, event_id, event_type, payload) VALUES ('razorpay', $1, $2, $3) \
             ON CONFLICT (provider, event_id) DO NOTHING RETURNING id",
            &[&event_id, &event_type, &payload],
        )
        .await?
        .is_some();
    if !fresh {
        return Ok(Vec::new());
    }
    let payment = &payload["payload"]["payment"]["entity"];
    let mut outbox = Vec::new();
    match event_type.as_str() {
        "payment.captured" | "order.paid" => {
            let provider_order = payment["order_id"]
                .as_str()
                .or_else(|| payload["payload"]["order"]["entity"]["id"].as_str());
            let payment_id = payment["id"].as_str();
            if let (Some(provider_order), Some(payment_id)) = (provider_order, payment_id) {
                if let Some(order_id) = order_by_provider_id(&tx, provider_order).await? {
                    match settle(&tx, state, order_id, payment_id, payment.clone()).await {
                        Ok((_, ids)) => outbox.extend(ids),
                        // Already paid by another payment or no longer payable: recorded, not retried.
                        Err(ApiError::Client(problem)) => {
                            tracing::warn!(code = %problem.code, "webhook payment not applied")
                        }
                        Err(other) => return Err(other),
                    }
                }
            }
        }
        "payment.failed" => {
            if let Some(order_id) = payment["order_id"].as_str() {
                if let Some(order_id) = order_by_provider_id(&tx, order_id).await? {
                    outbox.extend(fail_order(&tx, state, order_id).await?);
                }
            }
        }
        "refund.processed" | "refund.failed" => {
            let refund = &payload["payload"]["refund"]["entity"];
            if let Some(refund_id) = refund["id"].as_str() {
                let status = if event_type == "refund.processed" {
                    "processed"
                } else {
                    "failed"
                };
                super::refunds::record_provider_status(&tx, refund_id, status).await?;
            }
        }
        _ => tracing::info!(event_type, "webhook event ignored"),
    }
    tx.commit().await?;
    Ok(outbox)
}

async fn order_by_provider_id(
    tx: &impl CachedStatements,
    provider_order_id: &str,
) -> Result<Option<i64>, ApiError> {
    Ok(tx
        .query_opt(
            "SELECT id FROM payment_order WHERE provider_order_id = $1",
            &[&provider_order_id],
        )
        .await?
        .map(|r| r.get(0)))
}

/// A failed payment: an unpaid order fails and its hold is released (the waitlist moves up).
async fn fail_order(
    tx: &impl CachedStatements,
    state: &AppState,
    order_id: i64,
) -> Result<Vec<i64>, ApiError> {
    let event_id: i64 = tx
        .query_one(
            "SELECT event_id FROM payment_order WHERE id = $1",
            &[&order_id],
        )
        .await?
        .get(0);
    ledger::lock_event(tx, event_id).await?;
    let row = tx
        .query_one(
            "SELECT status, reservation_id FROM payment_order WHERE id = $1 FOR UPDATE",
            &[&order_id],
        )
        .await?;
    let (status, hold): (String, Option<i64>) = (row.get(0), row.get(1));
    if status != "created" {
        return Ok(Vec::new());
    }
    let order: Uuid = tx
        .query_one(
            "UPDATE payment_order SET status = 'failed' WHERE id = $1 RETURNING uuid",
            &[&order_id],
        )
        .await?
        .get(0);
    audit::record(
        tx,
        &AuditEntry {
            actor: None,
            object_type: "payment_order",
            object_id: order.to_string(),
            action: "update",
            payload: json!({ "status": "failed", "hold_released": hold.is_some() }),
            request_id: None,
        },
    )
    .await?;
    if let Some(hold) = hold {
        tx.execute(
            "UPDATE capacity_reservation SET status = 'released', released_at = now() WHERE id = $1 AND status = 'held'",
            &[&hold],
        )
        .await?;
    }
    ledger::promote_waitlist(tx, state, event_id).await
}
