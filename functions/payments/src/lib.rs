//! The payments function: orders, verification, Razorpay webhooks, refunds and the local sandbox.

mod handlers;

use http::Method;
use shared::http::Router;
use shared::AppState;

/// The route table of the payments function.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(Method::POST, "/v1/payments/orders", handlers::create_order)
        .route(
            Method::GET,
            "/v1/payments/orders/{order_id}",
            handlers::get_order,
        )
        .route(Method::GET, "/v1/me/orders", handlers::my_orders)
        .route(
            Method::POST,
            "/v1/payments/orders/{order_id}/verify",
            handlers::verify,
        )
        .route(
            Method::POST,
            "/v1/payments/orders/{order_id}/refund",
            handlers::refund,
        )
        .route(
            Method::POST,
            "/v1/payments/webhooks/razorpay",
            handlers::webhook,
        )
        .route(
            Method::POST,
            "/v1/payments/sandbox/orders/{order_id}/pay",
            handlers::sandbox_pay,
        )
}
