//! The profile function: the caller's own profile, interests, public profiles and uploads.

mod interests;
mod me;

use http::Method;
use shared::http::Router;
use shared::AppState;

/// The route table of the profile function.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(Method::GET, "/v1/me", me::get)
        .route(Method::PATCH, "/v1/me", me::update)
        .route(Method::DELETE, "/v1/me", me::delete)
        .route(Method::PUT, "/v1/me/interests", me::set_interests)
        .route(Method::GET, "/v1/users/{user_id}", me::public_profile)
        .route(Method::GET, "/v1/interests", interests::list)
        .route(Method::POST, "/v1/uploads", me::presign_upload)
}
