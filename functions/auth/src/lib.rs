//! The auth function: phone OTP login, refresh-token rotation and logout.

mod handlers;

use http::Method;
use shared::http::Router;
use shared::AppState;

/// The route table of the auth function.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(Method::POST, "/v1/auth/otp", handlers::request_code)
        .route(Method::POST, "/v1/auth/otp/verify", handlers::verify_code)
        .route(Method::POST, "/v1/auth/refresh", handlers::refresh)
        .route(Method::POST, "/v1/auth/logout", handlers::logout)
        .route(Method::GET, "/v1/openapi.json", handlers::openapi_document)
}
