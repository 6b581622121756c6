//! The profile function: the caller's own profile, interests, public profiles and uploads.

mod interests;
mod me;

use shared::contract::Operations;
use shared::platform::http::Router;
use shared::AppState;

/// The profile function's operations and their handlers; each route (method, path) is written
/// once, in `shared::contract::operations`.
pub fn router() -> Router<AppState> {
    Router::new()
        .operation("getMe", me::get)
        .operation("updateMe", me::update)
        .operation("deleteMe", me::delete)
        .operation("setMyInterests", me::set_interests)
        .operation("getUser", me::public_profile)
        .operation("listInterests", interests::list)
        .operation("createUpload", me::presign_upload)
}
