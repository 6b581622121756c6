//! The auth function: phone OTP login, refresh-token rotation and logout.
//!
//! Every route of this function per ../shared/API.md; routes whose feature has not landed answer
//! 501 `not_implemented`, so the routing is complete and testable now.

use http::Method;
use shared::http::{not_implemented, Router};
use shared::AppState;

/// The route table of the auth function.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(Method::POST, "/v1/auth/otp", not_implemented)
        .route(Method::POST, "/v1/auth/otp/verify", not_implemented)
        .route(Method::POST, "/v1/auth/refresh", not_implemented)
        .route(Method::POST, "/v1/auth/logout", not_implemented)
}
