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
use crate::attendance::event_lock::{EventLock, EventLookup};
use crate::attendance::{ledger, organiser_is};
use crate::audit::AuditEntry;
use crate::platform::db::{CachedStatements, FromRow, PipelinedTransaction, Statement, Writes};
use crate::platform::error::{ApiError, FieldError};
use crate::platform::outbox::{OutboxMessage, Queue};
use crate::platform::state::AppState;

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

/// `order_refund_columns!()`: the columns `RefundableOrder` reads of an order `o` (event `e`, buyer `u`, attendee `a`,
/// left-joined), before the refund exists: its reference, how many refunds it has, its payment,
/// event, buyer and id, and the attendee's id, price paid and platform fee.
macro_rules! order_refund_columns {
    () => {
        "o.order_reference, \
         (SELECT count(*) FROM payment_refund WHERE payment_order_id = o.id) AS refund_count, \
         o.provider_payment_id AS payment_id, e.uuid AS event, u.uuid AS buyer, o.uuid AS order_uuid, \
         a.id AS kept_attendee_id, a.price_paid, a.platform_fee"
    };
}

/// An order about to be refunded, as `order_refund_columns!` reads it.
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
            "WITH o AS (UPDATE payment_order SET amount_refunded = amount_refunded + $2, \
                          status = CASE WHEN amount_refunded + $2 >= total_amount THEN 'refunded' ELSE 'partially_refunded' END \
                        WHERE id = $1) \
             INSERT INTO payment_refund (uuid, payment_order_id, amount, reason, idempotency_key, requested_by) \
             VALUES ($6, $1, $2, $3, $5, $4)",
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
                "UPDATE event_attendee SET price_paid = $2, platform_fee = $3 WHERE id = $1",
                crate::owned_params![attendee, price_paid, platform_fee],
            );
        }
    }
}

/// The event of order `$1` (public id).
const ORDER_EVENT: EventLookup =
    crate::event_lookup!("(SELECT event_id FROM payment_order WHERE uuid = $1)");

/// Locks order `$1` (after its event) for the host's refund, with whether user `$2` (public
/// id) organises or hosts the event.
const LOCK_ORDER_TO_REFUND_SQL: &str = concat!(
    "SELECT o.id, o.status, o.total_amount - o.amount_refunded AS remaining, o.attendee_id, o.seats, \
            coalesce(",
    organiser_is!("me.id"),
    ", false) AS is_organiser, e.host_id = me.id AS is_host, ",
    order_refund_columns!(),
    " FROM payment_order o JOIN event e ON e.id = o.event_id JOIN auth_user u ON u.id = o.user_id \
     LEFT JOIN event_attendee a ON a.id = o.attendee_id \
     LEFT JOIN (SELECT id FROM auth_user WHERE uuid = $2) me ON true \
     WHERE o.uuid = $1 FOR UPDATE OF o"
);

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
    let (state, caller, request_id) = (actor.state, &actor.caller, actor.request_id);
    let client = state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    // The account check, the event's lock and the order's, with what the refund needs: one
    // round trip.
    let (caller_id, locked) = EventLock::of(&ORDER_EVENT, &order)
        .then(&[(LOCK_ORDER_TO_REFUND_SQL, &[&order, &caller.user_id])])
        .run_for(&tx, caller)
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
        let freed: [Statement; 1] = [(
            "WITH a AS (UPDATE event_attendee SET status = 'cancelled', cancelled_at = now(), checked_in_at = NULL \
                        WHERE id = $1 AND status = 'going' RETURNING id) \
             UPDATE event SET going_count = going_count - $3::int WHERE id = $2 AND EXISTS (SELECT 1 FROM a)",
            &cancel_params,
        )];
        ledger::promote_waitlist(&tx, state, event.id, &freed, &mut writes).await?;
    }
    writes.push_audit(&AuditEntry {
        actor: Some(caller.user_id),
        object_type: "payment_order",
        object_id: order.to_string(),
        action: "refund",
        payload: json!({ "amount": amount.to_string(), "full": amount == remaining }),
        request_id: Some(request_id),
    });
    // The worker sends the refund once this commits; the answer shows the amount refunded.
    writes.push_message(Some(send_refunds_message()));
    let key_id = &state.config.payments.key_id;
    let body = tx
        .commit_writes_with(&writes, |db| order_by_id(db, key_id, order))
        .await?;
    Ok((body, writes.into_messages()))
}

/// The orders marked `refund_pending` (locked, skipping those another sweep holds), with what
/// they paid and why they are refunded.
const DUE_REFUNDS_SQL: &str = concat!(
    "SELECT o.id, o.base_amount + o.gst_amount AS ticket, o.platform_fee + o.platform_fee_gst AS fee, \
            o.amount_refunded AS refunded, \
            coalesce(o.refund_reason, \
                CASE WHEN NOT e.is_active THEN 'event_cancelled' \
                     WHEN o.attendee_id IS NULL THEN 'late_payment' ELSE 'attendee_cancelled' END) AS reason, ",
    order_refund_columns!(),
    " FROM payment_order o JOIN event e ON e.id = o.event_id JOIN auth_user u ON u.id = o.user_id \
     LEFT JOIN event_attendee a ON a.id = o.attendee_id \
     WHERE o.status = 'refund_pending' ORDER BY o.id LIMIT 100 FOR UPDATE OF o SKIP LOCKED"
);

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
        .query_in_order(&[
            (
                DUE_REFUNDS_SQL,
                &[],
            ),
            (
                "SELECT r.uuid, r.idempotency_key AS key, r.amount, \
                        coalesce(r.provider_payment_id, o.provider_payment_id) AS payment_id, \
                        e.uuid AS event, u.uuid AS buyer, o.uuid AS \"order\", r.reason, r.attempts \
                 FROM payment_refund r JOIN payment_order o ON o.id = r.payment_order_id \
                 JOIN event e ON e.id = o.event_id JOIN auth_user u ON u.id = o.user_id \
                 WHERE r.status = 'pending' AND r.provider_refund_id IS NULL AND r.next_attempt_at <= now() \
                 ORDER BY r.next_attempt_at, r.id LIMIT 100",
                &[],
            ),
        ])
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
            writes.push(
                "UPDATE payment_order SET status = CASE WHEN amount_refunded >= total_amount THEN 'refunded' \
                                                        ELSE 'partially_refunded' END WHERE id = $1",
                crate::owned_params![order_id],
            );
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
