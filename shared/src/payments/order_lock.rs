//! Locking an order for a payment: its event (lock and ledger), the order, then its hold, in
//! that order (the one every seat change uses), in one round trip, read into `LockedOrder`.

use rust_decimal::Decimal;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

use super::order_status::OrderStatus;
use crate::attendance::event_lock::{EventLock, EventLookup, Locked};
use crate::attendance::hold_status::HoldStatus;
use crate::attendance::ledger::LockedEvent;
use crate::platform::db::CachedStatements;
use crate::platform::error::ApiError;

/// An order locked for a payment, with its hold and the ticket it already has.
pub(crate) struct LockedOrder {
    pub(crate) id: i64,
    pub(crate) uuid: Uuid,
    pub(crate) status: OrderStatus,
    pub(crate) existing_payment: Option<String>,
    pub(crate) user_id: i64,
    pub(crate) user_uuid: Uuid,
    pub(crate) seats: i16,
    pub(crate) price_paid: Decimal,
    pub(crate) fee: Decimal,
    pub(crate) request_id: Option<i64>,
    pub(crate) provider_order_id: Option<String>,
    /// The hold: its id, status and whether it is unexpired.
    pub(crate) hold: Option<(i64, HoldStatus, bool)>,
    /// The ticket of the attendee the order already became: attendee id and salt.
    pub(crate) ticket: Option<(Uuid, String)>,
    /// The order's reference (refund keys are made from it).
    pub(crate) reference: String,
}

/// The statements that lock an order found one way for a payment: its event (lock and
/// ledger), the order, then its hold, in that order (the one every seat change uses). Made by
/// `order_lookup!` from the SQL that selects the order's `id` by `$1`.
pub(crate) struct OrderLookup {
    event: EventLookup,
    order: &'static str,
    hold: &'static str,
}

macro_rules! order_lookup {
    ($order_id:literal) => {
        OrderLookup {
            event: crate::event_lookup!(concat!(
                "(SELECT event_id FROM payment_order WHERE id = (",
                $order_id,
                "))"
            )),
            order: concat!(
                "SELECT o.id, o.uuid, o.status, o.provider_payment_id, o.user_id, u.uuid AS user_uuid, o.seats, \
                        o.base_amount + o.gst_amount AS price_paid, o.platform_fee + o.platform_fee_gst AS fee, \
                        h.request_id, o.provider_order_id, a.uuid AS attendee_uuid, t.secret_salt, o.order_reference \
                 FROM payment_order o JOIN auth_user u ON u.id = o.user_id \
                 LEFT JOIN capacity_reservation h ON h.id = o.reservation_id \
                 LEFT JOIN event_attendee a ON a.id = o.attendee_id LEFT JOIN ticket_secret t ON t.attendee_id = a.id \
                 WHERE o.id = (",
                $order_id,
                ") FOR UPDATE OF o"
            ),
            hold: concat!(
                "SELECT id, status, expires_at > now() AS unexpired FROM capacity_reservation \
                 WHERE id = (SELECT reservation_id FROM payment_order WHERE id = (",
                $order_id,
                ")) FOR UPDATE"
            ),
        }
    };
}

/// The order by public id `$1` (the buyer's verify).
pub(crate) const ORDER_BY_UUID: OrderLookup =
    order_lookup!("SELECT id FROM payment_order WHERE uuid = $1");
/// The order by the provider's order id `$1` (webhooks).
pub(crate) const ORDER_BY_PROVIDER_ID: OrderLookup =
    order_lookup!("SELECT id FROM payment_order WHERE provider_order_id = $1");

/// Locks the order `lookup` finds by `key` for a payment, in one round trip. `None` when there
/// is no such order.
pub(crate) async fn lock_order(
    tx: &impl CachedStatements,
    lookup: &'static OrderLookup,
    key: &(dyn ToSql + Sync),
) -> Result<Option<(LockedEvent, LockedOrder)>, ApiError> {
    let key_param = [key];
    let Some(Locked { event, rows }) = EventLock::of(&lookup.event, key)
        .then(&[(lookup.order, &key_param), (lookup.hold, &key_param)])
        .run(tx)
        .await?
    else {
        return Ok(None);
    };
    let Some(row) = rows[0].first() else {
        return Ok(None);
    };
    let attendee: Option<Uuid> = row.get("attendee_uuid");
    let salt: Option<String> = row.get("secret_salt");
    let order = LockedOrder {
        id: row.get("id"),
        uuid: row.get("uuid"),
        status: row.get("status"),
        existing_payment: row.get("provider_payment_id"),
        user_id: row.get("user_id"),
        user_uuid: row.get("user_uuid"),
        seats: row.get("seats"),
        price_paid: row.get("price_paid"),
        fee: row.get("fee"),
        request_id: row.get("request_id"),
        provider_order_id: row.get("provider_order_id"),
        hold: rows[1]
            .first()
            .map(|hold| (hold.get("id"), hold.get("status"), hold.get("unexpired"))),
        ticket: attendee.zip(salt),
        reference: row.get("order_reference"),
    };
    Ok(Some((event, order)))
}
