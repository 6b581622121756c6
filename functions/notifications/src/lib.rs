//! The notifications function: the caller's in-app inbox.

use std::sync::Arc;

use http::StatusCode;
use shared::auth::{authenticate, Actor};
use shared::contract::Operations;
use shared::notifications::inbox;
use shared::platform::http::{json_response, no_content, ApiRequest, HandlerResult, Router};
use shared::AppState;

/// The notifications function's operations and their handlers; each route (method, path) is written
/// once, in `shared::contract::operations`.
pub fn router() -> Router<AppState> {
    Router::new()
        .operation("listNotifications", list)
        .operation("markNotificationRead", read)
        .operation("markAllNotificationsRead", read_all)
}

/// `GET /v1/me/notifications?unread=true` → a page with `unread_count`.
async fn list(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let caller = authenticate(&state.tokens, &req)?;
    json_response(StatusCode::OK, &inbox::list(&state, &caller, &req).await?)
}

/// `POST /v1/me/notifications/{notification_id}/read` → 204.
async fn read(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    let notification = req.path_uuid("notification_id", "The notification")?;
    inbox::mark_read(&actor, notification).await?;
    no_content()
}

/// `POST /v1/me/notifications/read-all` → 204.
async fn read_all(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    inbox::mark_all_read(&actor).await?;
    no_content()
}
