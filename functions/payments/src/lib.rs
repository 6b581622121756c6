//! The payments function: orders, verification, Razorpay webhooks, refunds and the local sandbox.
//!
//! Every route of this function per ../shared/API.md; routes whose feature has not landed answer
//! 501 `not_implemented`, so the routing is complete and testable now.

use http::Method;
use shared::http::{not_implemented, Router};
use shared::AppState;

/// The route table of the payments function.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(Method::POST, "/v1/payments/orders", not_implemented)
        .route(
            Method::GET,
            "/v1/payments/orders/{order_id}",
            not_implemented,
        )
        .route(Method::GET, "/v1/me/orders", not_implemented)
        .route(
            Method::POST,
            "/v1/payments/orders/{order_id}/verify",
            not_implemented,
        )
        .route(
            Method::POST,
            "/v1/payments/orders/{order_id}/refund",
            not_implemented,
        )
        .route(
            Method::POST,
            "/v1/payments/webhooks/razorpay",
            not_implemented,
        )
        .route(
            Method::POST,
            "/v1/payments/sandbox/orders/{order_id}/pay",
            not_implemented,
        )
}
