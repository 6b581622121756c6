//! Payment orders: created from a seat hold with the server's own amounts, shown to their owner.

use crate::auth::Actor;
use crate::contract::schemas::Order;
use crate::platform::error::ProblemCode;
use serde_json::json;
use tokio_postgres::Row;
use uuid::Uuid;

use super::amounts::Breakdown;
use super::provider::OrderRequest;
use crate::attendance::hold_status::HoldStatus;
use crate::audit::{self, AuditEntry};
use crate::auth::{active_user_id, Caller};
use crate::platform::db::{CachedStatements, FromRow, PipelinedTransaction};
use crate::platform::error::ApiError;
use crate::platform::state::AppState;

/// The JSON of an order (`$1` is the provider key id the app's checkout needs).
pub const ORDER_JSON: &str = "\
    jsonb_build_object('order_id', o.uuid, 'order_reference', o.order_reference, 'status', o.status, \
      'event_id', e.uuid, 'event_title', e.title, 'seats', o.seats, \
      'reservation_key', h.reservation_key, 'hold_expires_at', rfc3339(h.expires_at), \
      'amounts', jsonb_build_object('unit_price', o.unit_price::text, 'base_amount', o.base_amount::text, \
         'gst_percent', o.gst_percent, 'gst_amount', o.gst_amount::text, 'platform_fee', o.platform_fee::text, \
         'platform_fee_gst', o.platform_fee_gst::text, 'total_amount', o.total_amount::text, \
         'amount_refunded', o.amount_refunded::text, 'currency', o.currency), \
      'checkout', jsonb_build_object('provider', o.provider, 'key_id', $1::text, 'provider_order_id', o.provider_order_id, \
         'amount_paise', (o.total_amount * 100)::bigint, 'currency', o.currency, 'receipt', o.order_reference), \
      'attendee_id', a.uuid, 'paid_at', rfc3339(o.paid_at), 'created_at', rfc3339(o.created_at))";

const ORDER_FROM: &str = "FROM payment_order o JOIN event e ON e.id = o.event_id \
     LEFT JOIN capacity_reservation h ON h.id = o.reservation_id LEFT JOIN event_attendee a ON a.id = o.attendee_id";

/// One order's JSON by public id (`$2`); `$1` is the payment provider's key id.
const ORDER_BY_ID: &str = const_format::concatcp!(
    "SELECT ",
    ORDER_JSON,
    " AS order_json ",
    ORDER_FROM,
    " WHERE o.uuid = $2"
);

/// Order `$2`'s JSON if user `$3` placed it; `$1` is the payment provider's key id.
const ORDER_OF_USER: &str = const_format::concatcp!(
    "SELECT ",
    ORDER_JSON,
    " AS order_json ",
    ORDER_FROM,
    " WHERE o.uuid = $2 AND o.user_id = $3"
);

/// User `$2`'s orders, newest first, at most `$3`; `$1` is the payment provider's key id.
const ORDERS_OF_USER: &str = const_format::concatcp!(
    "SELECT ",
    ORDER_JSON,
    " AS order_json ",
    ORDER_FROM,
    " WHERE o.user_id = $2 ORDER BY o.created_at DESC, o.id DESC LIMIT $3"
);

/// An order read from its row's `order_json` column.
fn order_of(row: &Row) -> Result<Order, ApiError> {
    crate::platform::db::json_column(row, "order_json")
}

/// One order by public id.
pub async fn order_by_id(
    client: &impl CachedStatements,
    key_id: &str,
    order: Uuid,
) -> Result<Order, ApiError> {
    order_of(&client.query_one(ORDER_BY_ID, &[&key_id, &order]).await?)
}

/// The provider's order id of order `order` while it awaits payment (the sandbox checkout pays
/// only such an order).
pub async fn awaiting_payment(
    client: &impl CachedStatements,
    order: Uuid,
) -> Result<Option<String>, ApiError> {
    Ok(client
        .query_opt(
            "SELECT provider_order_id FROM payment_order \
             WHERE uuid = $1 AND status = 'created' AND provider_order_id IS NOT NULL",
            &[&order],
        )
        .await?
        .map(|row| row.get("provider_order_id")))
}

/// An order of the caller's, or 404.
pub async fn get(state: &AppState, caller: &Caller, order: Uuid) -> Result<Order, ApiError> {
    let client = state.pool.get().await?;
    let user_id = active_user_id(&client, caller).await?;
    let row = client
        .query_opt(
            ORDER_OF_USER,
            &[&state.config.payments.key_id, &order, &user_id],
        )
        .await?
        .ok_or_else(|| ApiError::not_found("The order"))?;
    order_of(&row)
}

/// The caller's orders, newest first.
pub async fn mine(state: &AppState, caller: &Caller, limit: i64) -> Result<Vec<Order>, ApiError> {
    let client = state.pool.get().await?;
    let user_id = active_user_id(&client, caller).await?;
    client
        .query(
            ORDERS_OF_USER,
            &[&state.config.payments.key_id, &user_id, &limit],
        )
        .await?
        .iter()
        .map(order_of)
        .collect()
}

/// The caller's hold, locked, with what its order costs.
#[derive(FromRow)]
struct HoldToPay {
    hold_id: i64,
    status: HoldStatus,
    unexpired: bool,
    seats: i16,
    event_id: i64,
    is_paid: bool,
    ticket_price: rust_decimal::Decimal,
    gst_percent: i16,
    event_uuid: Uuid,
    title: String,
}

/// Creates (or returns the live) order for a hold of the caller's: 201 when created, 200 when
/// it already existed. Amounts come from the event, never from the client.
pub async fn create(actor: &Actor<'_>, reservation_key: Uuid) -> Result<(bool, Order), ApiError> {
    let (state, caller, request_id) = (actor.state, &actor.caller, actor.request_id);
    let settings = &state.config.payments;
    let client = state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    // The account check, the caller's hold (locked) with its event, and the hold's live order
    // if it has one: one round trip.
    let (user_id, rows) = crate::pipelined!(active_user_id(&tx, caller), async {
        Ok(tx
            .query_in_order(&[
                (
                    "SELECT h.id AS hold_id, h.status, h.expires_at > now() AS unexpired, h.seats, e.id AS event_id, \
                            e.is_paid, e.ticket_price, e.gst_percent, e.uuid AS event_uuid, e.title \
                     FROM capacity_reservation h JOIN event e ON e.id = h.event_id \
                     WHERE h.reservation_key = $1 AND h.user_id = (SELECT id FROM auth_user WHERE uuid = $2) \
                     FOR UPDATE OF h",
                    &[&reservation_key, &caller.user_id],
                ),
                (
                    "SELECT o.uuid FROM payment_order o JOIN capacity_reservation h ON h.id = o.reservation_id \
                     WHERE h.reservation_key = $1 AND o.status = 'created'",
                    &[&reservation_key],
                ),
            ])
            .await?)
    })?;
    let hold = rows[0]
        .first()
        .ok_or_else(|| ApiError::not_found("The seat hold"))?;
    let HoldToPay {
        hold_id,
        status,
        unexpired,
        seats,
        event_id,
        is_paid,
        ticket_price: price,
        gst_percent,
        event_uuid,
        title,
    } = HoldToPay::try_from_row(hold)?;
    if !is_paid {
        return Err(ApiError::conflict(
            ProblemCode::EventNotPaid,
            "This event is free; there is nothing to pay.",
        ));
    }
    status.payable(unexpired)?;
    if let Some(existing) = rows[1].first() {
        let body = tx
            .commit_with(|db| order_by_id(db, &settings.key_id, existing.get("uuid")))
            .await?;
        return Ok((false, body));
    }
    let amounts = Breakdown::compute(
        seats,
        price,
        gst_percent,
        settings.platform_fee_percent,
        settings.platform_fee_gst_percent,
    );
    let reference = format!("EH-{}", Uuid::new_v4().simple());
    // The order's id is made here, so the order, its audit row and COMMIT go in one round trip.
    let order_uuid = Uuid::new_v4();
    let audited = AuditEntry {
        actor: Some(caller.user_id),
        object_type: "payment_order",
        object_id: order_uuid.to_string(),
        action: "create",
        payload: json!({ "event_id": event_uuid, "seats": seats, "total_amount": amounts.total.to_string() }),
        request_id: Some(request_id),
    };
    tx.commit_after(&[
        (
            "INSERT INTO payment_order (uuid, order_reference, user_id, event_id, reservation_id, provider, seats, unit_price, \
                                        base_amount, gst_percent, gst_amount, platform_fee, platform_fee_gst, total_amount) \
             VALUES ($14, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            &[
                &reference,
                &user_id,
                &event_id,
                &hold_id,
                &state.payments.name(),
                &seats,
                &amounts.unit_price,
                &amounts.base,
                &amounts.gst_percent,
                &amounts.gst,
                &amounts.fee,
                &amounts.fee_gst,
                &amounts.total,
                &order_uuid,
            ],
        ),
        (audit::INSERT_SQL, &audit::params(&audited)),
    ])
    .await?;

    let request = OrderRequest {
        amount: amounts.total_paise(),
        currency: "INR".into(),
        receipt: reference.clone(),
        notes: json!({ "event": title, "order_id": order_uuid }),
    };
    match state.payments.create_order(&request).await {
        Ok((provider_order, response)) => {
            // The provider's order and the answer: one round trip.
            let response = json!({ "order": response });
            let (_, body) = crate::pipelined!(
                async {
                    Ok::<_, ApiError>(
                        client
                            .execute(
                                "UPDATE payment_order SET provider_order_id = $2, provider_response = $3 WHERE uuid = $1",
                                &[&order_uuid, &provider_order.id, &response],
                            )
                            .await?,
                    )
                },
                order_by_id(&client, &settings.key_id, order_uuid)
            )?;
            Ok((true, body))
        }
        Err(err) => {
            client
                .execute(
                    "UPDATE payment_order SET status = 'failed' WHERE uuid = $1",
                    &[&order_uuid],
                )
                .await?;
            Err(ApiError::Unavailable(
                err.context("creating the provider order"),
            ))
        }
    }
}
