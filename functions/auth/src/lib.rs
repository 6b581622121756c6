//! The auth function: phone OTP login, refresh-token rotation and logout.

mod handlers;

use shared::contract::Operations;
use shared::platform::http::Router;
use shared::AppState;

/// The auth function's operations and their handlers; each route (method, path) is written
/// once, in `shared::contract::operations`.
pub fn router() -> Router<AppState> {
    Router::new()
        .operation("requestOtp", handlers::request_code)
        .operation("verifyOtp", handlers::verify_code)
        .operation("refreshTokens", handlers::refresh)
        .operation("logout", handlers::logout)
        .operation("getOpenApi", handlers::openapi_document)
}
