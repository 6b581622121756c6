//! The notifications function: the caller's in-app inbox.
//!
//! Every route of this function per ../shared/API.md; routes whose feature has not landed answer
//! 501 `not_implemented`, so the routing is complete and testable now.

use http::Method;
use shared::http::{not_implemented, Router};
use shared::AppState;

/// The route table of the notifications function.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(Method::GET, "/v1/me/notifications", not_implemented)
        .route(
            Method::POST,
            "/v1/me/notifications/{notification_id}/read",
            not_implemented,
        )
        .route(
            Method::POST,
            "/v1/me/notifications/read-all",
            not_implemented,
        )
}
