//! Refunds: full or partial, never more than was paid in total. Each refund is a row with a
//! deterministic idempotency key, created before the provider is called, so a retry after a
//! timeout refunds once. Orders marked `refund_pending` (event cancelled, attendee cancelled,
//! late payment) are refunded in full by `process_pending`.
//!
//! No route calls the provider: a route commits the refund (or marks the order) with a
//! `send_refunds` message for the reservation-expiry worker, which runs `process_pending`
//! (the one-minute sweep runs it too, for a message lost or a provider that was down). A route
//! so stays within three database round trips and never waits on the provider.

use super::order_status::OrderStatus;
use super::store;
use crate::auth::Actor;
use crate::contract::schemas::Order;
use crate::platform::error::ProblemCode;
use rust_decimal::Decimal;
use serde_json::json;
use uuid::Uuid;

use tokio_postgres::types::ToSql;

use super::orders::order_by_id;
use super::policy::{self, RefundReason};
use super::refund_sending::{send, PendingRefund};
use crate::app::state::AppState;
use crate::attendance::event_lock::EventLock;
use crate::attendance::ledger;
use crate::platform::audit::AuditEntry;
use crate::platform::db::{CachedStatements, FromRow, PipelinedTransaction, Statement, Writes};
use crate::platform::error::{ApiError, FieldError};
use crate::platform::outbox::{OutboxMessage, Queue};

/// The `kind` of the reservation-expiry message that asks for pending refunds to be sent.
pub const SEND_REFUNDS: &str = "send_refunds";

/// The message that has the reservation-expiry worker send pending refunds now; write it with
/// the change that opened a refund or marked an order for one.
pub fn send_refunds_message() -> OutboxMessage {
    OutboxMessage::new(
        Queue::ReservationExpiry,
        json!({ "kind": SEND_REFUNDS }),
        std::time::Duration::ZERO,
    )
}

/// An order about to be refunded, as `store::ORDER_REFUND_COLUMNS` reads it.
#[derive(FromRow)]
struct RefundableOrder {
    order_reference: String,
    refund_count: i64,
    payment_id: Option<String>,
    event: Uuid,
    buyer: Uuid,
    order_uuid: Uuid,
    /// The attendee whose kept amounts the refund lowers (none for a late payment).
    kept_attendee_id: Option<i64>,
    price_paid: Option<Decimal>,
    platform_fee: Option<Decimal>,
}

/// A refund about to be opened on an order, with the attendee whose kept amounts it lowers.
struct OpenedRefund {
    refund: PendingRefund,
    /// The attendee's id, price paid and platform fee.
    attendee: Option<(i64, Decimal, Decimal)>,
}

impl OpenedRefund {
    /// The next refund of `order`: its key is the order's reference and its number
    /// (`EH-…-R2`), deterministic, so a retry refunds once.
    fn of(order: RefundableOrder, amount: Decimal, reason: RefundReason) -> Self {
        Self {
            refund: PendingRefund {
                uuid: Uuid::new_v4(),
                key: format!("{}-R{}", order.order_reference, order.refund_count + 1),
                amount,
                payment_id: order.payment_id,
                event: order.event,
                buyer: order.buyer,
                order: order.order_uuid,
                reason,
                attempts: 0,
            },
            attendee: order.kept_attendee_id.map(|id| {
                (
                    id,
                    order.price_paid.unwrap_or_default(),
                    order.platform_fee.unwrap_or_default(),
                )
            }),
        }
    }

    /// Adds the writes that open the refund of order `order_id` to `writes`: the order's
    /// refunded amount and status, the pending refund row, and what the attendee kept
    /// (`policy::kept_after`).
    fn open(&self, writes: &mut Writes, order_id: i64, requested_by: Option<i64>) {
        let refund = &self.refund;
        writes.push(
            store::ORDER_REFUNDED_BY,
            crate::owned_params![
                order_id,
                refund.amount,
                refund.reason,
                requested_by,
                refund.key.clone(),
                refund.uuid
            ],
        );
        if let Some((attendee, price_paid, platform_fee)) = self.attendee {
            let (price_paid, platform_fee) =
                policy::kept_after(refund.amount, price_paid, platform_fee);
            writes.push(
                store::ATTENDEE_PAID_LESS,
                crate::owned_params![attendee, price_paid, platform_fee],
            );
        }
    }
}

/// An order the host refunds, locked, with the caller's standing on its event.
#[derive(FromRow)]
struct HostRefund {
    id: i64,
    status: OrderStatus,
    /// What is left to refund.
    remaining: Decimal,
    attendee_id: Option<i64>,
    seats: i16,
    is_organiser: bool,
    is_host: Option<bool>,
    #[from_row(flatten)]
    order: RefundableOrder,
}

/// An order marked `refund_pending`, locked, with what it paid and why it is refunded.
#[derive(FromRow)]
struct DueRefund {
    id: i64,
    /// Ticket base and its GST.
    ticket: Decimal,
    /// Platform fee and its GST.
    fee: Decimal,
    refunded: Decimal,
    /// The order's refund reason, or one derived from the event and attendance.
    reason: String,
    #[from_row(flatten)]
    order: RefundableOrder,
}

/// The host refunds part or all of a paid order. A full refund also cancels the attendance
/// (seats freed, waitlist promoted). The refund goes to the provider once committed.
pub async fn refund_by_host(
    actor: &Actor<'_>,
    order: Uuid,
    amount: Option<Decimal>,
) -> Result<(Order, Vec<OutboxMessage>), ApiError> {
    let client = actor.state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    // The account check, the event's lock and the order's, with what the refund needs: one
    // round trip.
    let (caller_id, locked) = EventLock::of(&store::ORDER_EVENT, &order)
        .then(&[(
            store::LOCK_ORDER_TO_REFUND,
            &[&order, &actor.caller.user_id],
        )])
        .run_for(&tx, &actor.caller)
        .await?;
    let not_found = || ApiError::not_found("The order");
    let locked = locked.ok_or_else(not_found)?;
    let event = &locked.event;
    let HostRefund {
        id: order_id,
        status,
        remaining,
        attendee_id: attendee,
        seats,
        is_organiser: organiser,
        is_host: host,
        order: refundable,
    } = locked.first(0)?.ok_or_else(not_found)?;
    if !organiser {
        return Err(ApiError::not_found("The order"));
    }
    if host != Some(true) {
        return Err(ApiError::forbidden("Only the host refunds orders."));
    }
    if !status.refundable() {
        return Err(ApiError::conflict(
            ProblemCode::InvalidTransition,
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
    let opened = OpenedRefund::of(refundable, amount, RefundReason::Host);
    let mut writes = Writes::new();
    opened.open(&mut writes, order_id, Some(caller_id));
    if let Some(attendee) = attendee.filter(|_| amount == remaining) {
        // A full refund ends the attendance: its seats come free in the round trip that reads
        // the waitlist.
        let seats_freed = i32::from(seats);
        let cancel_params: [&(dyn ToSql + Sync); 3] = [&attendee, &event.id, &seats_freed];
        let freed: [Statement; 1] = [(store::CANCEL_REFUNDED_ATTENDEE, &cancel_params)];
        ledger::promote_waitlist(&tx, actor.state, event.id, &freed, &mut writes).await?;
    }
    writes.push_audit(&AuditEntry {
        actor: Some(actor.caller.user_id),
        object_type: "payment_order",
        object_id: order.to_string(),
        action: "refund",
        payload: json!({ "amount": amount.to_string(), "full": amount == remaining }),
        request_id: Some(actor.request_id),
    });
    // The worker sends the refund once this commits; the answer shows the amount refunded.
    writes.push_message(Some(send_refunds_message()));
    let key_id = &actor.state.config.payments.key_id;
    let body = tx
        .commit_writes_with(&writes, |db| order_by_id(db, key_id, order))
        .await?;
    Ok((body, writes.into_messages()))
}

/// Refunds every order marked `refund_pending` as the fee policy says (`policy::amount_due`),
/// and sends refunds that are due (new ones, and failed calls whose backoff has passed; a
/// refund that keeps failing moves back in the line, so it never holds up the others), then
/// publishes their notices. A refund whose recording fails is logged and the others go on.
/// Safe to run anywhere, any number of times. Returns how many refunds were sent.
pub async fn process_pending(state: &AppState) -> Result<usize, ApiError> {
    let client = state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    // The orders to refund (locked) and the refunds due: one round trip.
    let rows = tx
        .query_in_order(&[(store::DUE_REFUNDS, &[]), (store::REFUND_TO_SEND, &[])])
        .await?;
    let mut refunds = rows[1]
        .iter()
        .map(PendingRefund::try_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let mut writes = Writes::new();
    for row in &rows[0] {
        let DueRefund {
            id: order_id,
            ticket,
            fee,
            refunded,
            reason,
            order,
        } = DueRefund::try_from_row(row)?;
        let paid = policy::Paid {
            ticket,
            fee,
            refunded,
        };
        let reason = RefundReason::parse(&reason).unwrap_or(RefundReason::EventCancelled);
        let amount = policy::amount_due(reason, paid);
        if amount > Decimal::ZERO {
            let opened = OpenedRefund::of(order, amount, reason);
            opened.open(&mut writes, order_id, None);
            writes.push_audit(&AuditEntry {
                actor: None,
                object_type: "payment_order",
                object_id: opened.refund.order.to_string(),
                action: "refund",
                payload: json!({
                    "amount": amount.to_string(),
                    "full": !reason.keeps_fee(),
                    "reason": reason.as_str(),
                }),
                request_id: None,
            });
            refunds.push(opened.refund);
        } else {
            // Nothing left to give back under the policy: the order ends as far as it was refunded.
            writes.push(store::SETTLE_REFUND_STATUS, crate::owned_params![order_id]);
        }
    }
    tx.commit_writes_with(&writes, |_| async { Ok(()) }).await?;
    // `send` takes connections of its own; holding this one too would need a pool of two.
    drop(client);
    let mut outbox = Vec::new();
    for refund in &refunds {
        match send(state, refund).await {
            Ok(notices) => outbox.extend(notices),
            Err(err) => {
                tracing::error!(key = %refund.key, error = %err, "recording a refund failed; the next sweep retries it")
            }
        }
    }
    state.publish_outbox(&outbox).await;
    Ok(refunds.len())
}
