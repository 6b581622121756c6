//! The payments function: orders, verification, Razorpay webhooks, refunds and the local sandbox.

mod handlers;

use shared::contract::Operations;
use shared::platform::http::Router;
use shared::AppState;

/// The payments function's operations and their handlers; each route (method, path) is written
/// once, in `shared::contract::operations`.
pub fn router() -> Router<AppState> {
    Router::new()
        .operation("createOrder", handlers::create_order)
        .operation("getOrder", handlers::get_order)
        .operation("listMyOrders", handlers::my_orders)
        .operation("verifyPayment", handlers::verify)
        .operation("refundOrder", handlers::refund)
        .operation("razorpayWebhook", handlers::webhook)
        .operation("sandboxPay", handlers::sandbox_pay)
}
