//! Turning a captured payment into a seat: from the app's verify call or from Razorpay's webhook
//! (webhook.rs), whichever comes first; the other finds the order already paid and changes
//! nothing. Locking reads everything settling needs in one round trip; settling itself only
//! gathers writes, which go out with COMMIT.

use super::store;
use crate::attendance::hold_status::HoldStatus;
use crate::contract::schemas::Order;
use crate::platform::error::ProblemCode;
use serde_json::{json, Value};
use uuid::Uuid;

use super::order_lock::{lock_order, LockedOrder, ORDER_BY_UUID};
use super::orders::order_by_id;
use super::policy::RefundReason;
use super::signature;
use crate::app::state::AppState;
use crate::attendance::ledger::LockedEvent;
use crate::attendance::tickets;
use crate::auth::{active_user_id, Caller};
use crate::notifications::notify;
use crate::platform::audit::AuditEntry;
use crate::platform::db::{PipelinedTransaction, Writes};
use crate::platform::error::ApiError;
use crate::platform::outbox::OutboxMessage;

/// What settling did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// The order is paid and the guest has an attendee and ticket.
    Paid,
    /// It was already settled by this payment: nothing changed.
    AlreadySettled,
    /// The payment cannot be seated (no seats left after the hold lapsed, or the event was
    /// cancelled, unpublished or has started): marked for a full refund.
    RefundQueued,
    /// A second payment captured on an order another payment already paid: that payment is
    /// refunded whole; the order and its ticket stay as they are.
    DuplicateRefundQueued,
}

impl Settled {
    /// The word the verify answer carries.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Paid => "paid",
            Self::AlreadySettled => "already_settled",
            Self::RefundQueued => "refund_queued",
            Self::DuplicateRefundQueued => "duplicate_refund_queued",
        }
    }
}

/// What settling did: the outcome and, when it made one, the new ticket (attendee id and
/// salt). Its writes and outbox messages are in the caller's `Writes`.
pub(crate) type Settling = (Settled, Option<(Uuid, String)>);

/// Settles a locked order for a captured payment: adds the writes to `writes` (the caller
/// commits them). A payment that cannot be seated makes the order a full refund instead, and a
/// second payment on a paid order is refunded whole.
pub(crate) fn settle(
    state: &AppState,
    event: &mut LockedEvent,
    order: &LockedOrder,
    payment_id: &str,
    provider_response: Value,
    writes: &mut Writes,
) -> Result<Settling, ApiError> {
    if let Some(existing) = &order.existing_payment {
        return Ok(if existing == payment_id {
            (Settled::AlreadySettled, None)
        } else {
            refund_duplicate(order, payment_id, provider_response, writes)
        });
    }
    if !order.status.takes_payment() {
        return Err(ApiError::conflict(
            ProblemCode::InvalidTransition,
            format!("A {} order cannot be paid.", order.status),
        ));
    }
    // The hold, if it is still held (even just lapsed): consumed when the guest gets a seat, so
    // its seats pass on; closed when the money goes back instead. A hold is never left
    // consumed without the attendee it became.
    let held = order
        .hold
        .and_then(|(hold, status, _)| (status == HoldStatus::Held).then_some(hold));
    let hold_live = order
        .hold
        .is_some_and(|(_, status, unexpired)| status.is_live(unexpired));
    if hold_live {
        event.available += i64::from(order.seats);
    }
    let response = json!({ "payment": provider_response });
    let unseated = match event.closed_because() {
        Some(why) => Some((RefundReason::EventClosed, why)),
        None if !hold_live && i64::from(order.seats) > event.available => {
            Some((RefundReason::LatePayment, "no_seats"))
        }
        None => None,
    };
    if let Some((reason, why)) = unseated {
        if let Some(hold) = held {
            // A closed event released the seats; a lapsed hold expired.
            let closed_as = if reason == RefundReason::EventClosed {
                "released"
            } else {
                "expired"
            };
            writes.push(store::RELEASE_HOLD, crate::owned_params![hold, closed_as]);
        }
        writes
            .push(
                store::PAID_UNSEATED,
                crate::owned_params![order.id, payment_id.to_owned(), response, reason.as_str()],
            )
            .push_audit(&AuditEntry {
                actor: None,
                object_type: "payment_order",
                object_id: order.uuid.to_string(),
                action: "pay",
                payload: json!({
                    "late": !hold_live,
                    "seated": false,
                    "why": why,
                    "refund_reason": reason.as_str(),
                }),
                request_id: None,
            });
        writes.push_message(Some(super::refunds::send_refunds_message()));
        return Ok((Settled::RefundQueued, None));
    }
    if let Some(hold) = held {
        writes.push(store::CONSUME_HOLD, crate::owned_params![hold]);
    }
    // The attendee's id is made here, so its ticket and the order can name it in this batch.
    let attendee = Uuid::new_v4();
    let (hash, salt) = tickets::new_secret(&state.config.attendance.ticket_key, attendee);
    let notice = notify::message(
        "payment_succeeded",
        event.uuid,
        None,
        &[order.user_uuid],
        json!({ "order_id": order.uuid, "attendee_id": attendee }),
    );
    writes
        .push(
            store::INSERT_PAID_ATTENDEE,
            crate::owned_params![
                event.id,
                order.user_id,
                order.seats,
                order.request_id,
                order.hold.map(|(hold, _, _)| hold),
                order.price_paid,
                order.fee,
                attendee
            ],
        )
        .push(
            crate::attendance::store::INSERT_TICKET_SECRET,
            crate::owned_params![attendee, hash, salt.clone()],
        )
        .push(
            store::MARK_ORDER_PAID,
            crate::owned_params![order.id, payment_id.to_owned(), attendee, response],
        )
        .push_message(notice)
        .push_audit(&AuditEntry {
            actor: Some(order.user_uuid),
            object_type: "payment_order",
            object_id: order.uuid.to_string(),
            action: "pay",
            payload: json!({ "attendee_id": attendee, "late": !hold_live }),
            request_id: None,
        });
    crate::platform::metrics::emit("payment_captured");
    Ok((Settled::Paid, Some((attendee, salt))))
}

/// A second payment captured on an order another payment already paid: a refund of that
/// payment, whole, keyed by the payment (`<reference>-D-<payment id>`), so verify and the
/// webhook, or a webhook delivered twice, open it once. The order keeps its ticket and its
/// own refunded amount.
fn refund_duplicate(
    order: &LockedOrder,
    payment_id: &str,
    provider_response: Value,
    writes: &mut Writes,
) -> Settling {
    let amount = order.price_paid + order.fee;
    let key = format!("{}-D-{payment_id}", order.reference);
    writes
        .push(
            store::REFUND_DUPLICATE_PAYMENT,
            crate::owned_params![
                order.id,
                amount,
                key,
                payment_id.to_owned(),
                json!({ "payment": provider_response })
            ],
        )
        .push_audit(&AuditEntry {
            actor: None,
            object_type: "payment_order",
            object_id: order.uuid.to_string(),
            action: "refund",
            payload: json!({
                "reason": RefundReason::DuplicatePayment.as_str(),
                "payment_id": payment_id,
                "amount": amount.to_string(),
            }),
            request_id: None,
        });
    writes.push_message(Some(super::refunds::send_refunds_message()));
    (Settled::DuplicateRefundQueued, None)
}

/// The app's verify call: checks the checkout signature (400 and no change when wrong), then
/// settles. Returns the order (with its ticket) and the outbox messages. Three round trips:
/// the account check with the locks, the writes with the answer and COMMIT, and the outbox's.
pub async fn verify(
    state: &AppState,
    caller: &Caller,
    order: Uuid,
    payment_id: &str,
    signature_hex: &str,
) -> Result<(Order, Vec<OutboxMessage>), ApiError> {
    let client = state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let (user_id, locked) = crate::pipelined!(
        active_user_id(&tx, caller),
        lock_order(&tx, &ORDER_BY_UUID, &order)
    )?;
    let (mut event, locked) = locked
        .filter(|(_, locked)| locked.user_id == user_id)
        .ok_or_else(|| ApiError::not_found("The order"))?;
    let provider_order_id = locked.provider_order_id.as_deref().ok_or_else(|| {
        ApiError::conflict(
            ProblemCode::OrderNotReady,
            "The order has no provider order yet.",
        )
    })?;
    if !signature::verify_payment(
        &state.config.payments.key_secret,
        provider_order_id,
        payment_id,
        signature_hex,
    ) {
        return Err(ApiError::bad_request(
            ProblemCode::InvalidSignature,
            "The payment signature does not match.",
        )
        .with_errors(vec![crate::platform::error::FieldError::new(
            "provider_signature",
            "does not match this order and payment",
        )]));
    }
    let mut writes = Writes::new();
    let (settled, ticket) = settle(
        state,
        &mut event,
        &locked,
        payment_id,
        json!({ "razorpay_payment_id": payment_id, "source": "verify" }),
        &mut writes,
    )?;
    let mut body = tx
        .commit_writes_with(&writes, |db| {
            order_by_id(db, &state.config.payments.key_id, order)
        })
        .await?;
    if let Some((attendee, salt)) = ticket.or(locked.ticket) {
        body.ticket_code = Some(tickets::code(
            &state.config.attendance.ticket_key,
            attendee,
            &salt,
        ));
    }
    body.settled = Some(settled.as_str().to_owned());
    Ok((body, writes.into_messages()))
}
