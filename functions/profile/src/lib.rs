//! The profile function: the caller's own profile, interests, public profiles and uploads.
//!
//! Every route of this function per ../shared/API.md; routes whose feature has not landed answer
//! 501 `not_implemented`, so the routing is complete and testable now.

mod interests;

use http::Method;
use shared::http::{not_implemented, Router};
use shared::AppState;

/// The route table of the profile function.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(Method::GET, "/v1/me", not_implemented)
        .route(Method::PATCH, "/v1/me", not_implemented)
        .route(Method::DELETE, "/v1/me", not_implemented)
        .route(Method::PUT, "/v1/me/interests", not_implemented)
        .route(Method::GET, "/v1/users/{user_id}", not_implemented)
        .route(Method::GET, "/v1/interests", interests::list)
        .route(Method::POST, "/v1/uploads", not_implemented)
}
