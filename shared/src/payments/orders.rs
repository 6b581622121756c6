//! Payment orders: created from a seat hold with the server's own amounts, shown to their owner.

use super::store;
use crate::auth::Actor;
use crate::contract::schemas::Order;
use crate::platform::error::ProblemCode;
use serde_json::json;
use tokio_postgres::Row;
use uuid::Uuid;

use super::amounts::Breakdown;
use super::provider::OrderRequest;
use crate::app::state::AppState;
use crate::attendance::hold_status::HoldStatus;
use crate::auth::{active_user_id, Caller};
use crate::platform::audit::{self, AuditEntry};
use crate::platform::db::{CachedStatements, FromRow, PipelinedTransaction};
use crate::platform::error::ApiError;

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
    order_of(
        &client
            .query_one(store::ORDER_BY_ID, &[&key_id, &order])
            .await?,
    )
}

/// The provider's order id of order `order` while it awaits payment (the sandbox checkout pays
/// only such an order).
pub async fn awaiting_payment(
    client: &impl CachedStatements,
    order: Uuid,
) -> Result<Option<String>, ApiError> {
    Ok(client
        .query_opt(store::PROVIDER_ORDER_OF_UNPAID, &[&order])
        .await?
        .map(|row| row.get("provider_order_id")))
}

/// An order of the caller's, or 404.
pub async fn get(state: &AppState, caller: &Caller, order: Uuid) -> Result<Order, ApiError> {
    let client = state.pool.get().await?;
    let user_id = active_user_id(&client, caller).await?;
    let row = client
        .query_opt(
            store::ORDER_OF_USER,
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
            store::ORDERS_OF_USER,
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
    let settings = &actor.state.config.payments;
    let client = actor.state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    // The account check, the &actor.caller's hold (locked) with its event, and the hold's live order
    // if it has one: one round trip.
    let (user_id, rows) = crate::pipelined!(active_user_id(&tx, &actor.caller), async {
        Ok(tx
            .query_in_order(&[
                (
                    store::HOLD_TO_ORDER,
                    &[&reservation_key, &actor.caller.user_id],
                ),
                (store::UNPAID_ORDER_OF_HOLD, &[&reservation_key]),
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
        actor: Some(actor.caller.user_id),
        object_type: "payment_order",
        object_id: order_uuid.to_string(),
        action: "create",
        payload: json!({ "event_id": event_uuid, "seats": seats, "total_amount": amounts.total.to_string() }),
        request_id: Some(actor.request_id),
    };
    tx.commit_after(&[
        (
            store::INSERT_ORDER,
            &[
                &reference,
                &user_id,
                &event_id,
                &hold_id,
                &actor.state.payments.name(),
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
    match actor.state.payments.create_order(&request).await {
        Ok((provider_order, response)) => {
            // The provider's order and the answer: one round trip.
            let response = json!({ "order": response });
            let (_, body) = crate::pipelined!(
                async {
                    Ok::<_, ApiError>(
                        client
                            .execute(
                                store::SET_PROVIDER_ORDER,
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
            client.execute(store::FAIL_ORDER, &[&order_uuid]).await?;
            Err(ApiError::Unavailable(
                err.context("creating the provider order"),
            ))
        }
    }
}
