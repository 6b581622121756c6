//! Handlers: parse, authenticate, call `shared::payments`, publish what was queued, render.

use shared::platform::error::ProblemCode;
use std::sync::Arc;

use http::StatusCode;
use shared::app::idempotency;
use shared::auth::{authenticate, Actor};
use shared::contract::schemas::{
    OrderCreate, OrderPage, PaymentVerify, RefundRequest, SandboxPayment, WebhookAck,
};
use shared::payments::{orders, refunds, settle, signature, webhook};
use shared::platform::config::PaymentProviderKind;
use shared::platform::http::{json_response, ApiRequest, HandlerResult, RequestBody};
use shared::{ApiError, AppState};
use uuid::Uuid;

/// `POST /v1/payments/orders` `{reservation_key}` → 201 (200 when the hold's order exists).
/// Any other member (an amount, say) is refused: the server computes every figure.
pub async fn create_order(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    let req = &req;
    idempotency::once(actor, req, |actor| async move {
        let key = OrderCreate::from_request(req)?.reservation_key.0;
        let (created, order) = orders::create(&actor, key).await?;
        json_response(
            if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            },
            &order,
        )
    })
    .await
}

/// `GET /v1/payments/orders/{order_id}` for its owner.
pub async fn get_order(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let caller = authenticate(&state.tokens, &req)?;
    let order = req.path_uuid("order_id", "The order")?;
    json_response(StatusCode::OK, &orders::get(&state, &caller, order).await?)
}

/// `GET /v1/me/orders`.
pub async fn my_orders(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let caller = authenticate(&state.tokens, &req)?;
    let items = orders::mine(&state, &caller, req.page_limit()?).await?;
    json_response(StatusCode::OK, &OrderPage::only_page(items))
}

/// `POST /v1/payments/orders/{order_id}/verify` `{provider_payment_id, provider_signature}` →
/// 200 paid with the ticket; a bad signature is 400 and changes nothing.
pub async fn verify(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let caller = authenticate(&state.tokens, &req)?;
    let order = req.path_uuid("order_id", "The order")?;
    let paid = PaymentVerify::from_request(&req)?;
    let (body, ids) = settle::verify(
        &state,
        &caller,
        order,
        &paid.provider_payment_id.into_inner(),
        &paid.provider_signature.into_inner(),
    )
    .await?;
    state.publish_outbox(&ids).await;
    json_response(StatusCode::OK, &body)
}

/// `POST /v1/payments/orders/{order_id}/refund` `{amount?}` by the host: full or partial.
pub async fn refund(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    let order = req.path_uuid("order_id", "The order")?;
    let (state, req) = (&state, &req);
    idempotency::once(actor, req, |actor| async move {
        let amount = RefundRequest::from_request_or_empty(req)?
            .amount
            .map(|amount| amount.0);
        let (body, ids) = refunds::refund_by_host(&actor, order, amount).await?;
        state.publish_outbox(&ids).await;
        json_response(StatusCode::OK, &body)
    })
    .await
}

/// `POST /v1/payments/webhooks/razorpay`: signed raw body, deduplicated on the event id.
pub async fn webhook(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let delivered = webhook::webhook(
        &state,
        &req.body,
        req.header("x-razorpay-signature"),
        req.header("x-razorpay-event-id"),
    )
    .await?;
    state.publish_outbox(&delivered.outbox).await;
    json_response(
        StatusCode::OK,
        &WebhookAck {
            status: "ok".into(),
        },
    )
}

/// `POST /v1/payments/sandbox/orders/{order_id}/pay`: what Razorpay checkout would return — a
/// payment id and a valid signature. Only exists while the sandbox provider is selected.
pub async fn sandbox_pay(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    if state.config.payments.provider != PaymentProviderKind::Sandbox {
        return Err(ApiError::client(
            StatusCode::NOT_FOUND,
            ProblemCode::RouteNotFound,
            "No route matches this path.",
        ));
    }
    let order = req.path_uuid("order_id", "The order")?;
    let client = state.pool.get().await?;
    let provider_order = orders::awaiting_payment(&client, order)
        .await?
        .ok_or_else(|| ApiError::not_found("The order"))?;
    let payment_id = format!("pay_{}", &Uuid::new_v4().simple().to_string()[..14]);
    let signature = signature::payment_signature(
        &state.config.payments.key_secret,
        &provider_order,
        &payment_id,
    );
    json_response(
        StatusCode::OK,
        &SandboxPayment {
            razorpay_order_id: provider_order,
            razorpay_payment_id: payment_id,
            razorpay_signature: signature,
        },
    )
}
