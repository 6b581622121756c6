//! Creating and managing one event: the handlers parse and authenticate, `shared::events`
//! decides, and committed outbox messages are published before answering.

use std::sync::Arc;

use http::StatusCode;
use shared::auth::{authenticate, Actor};
use shared::events::publishing;
use shared::events::service::{self, Written};
use shared::platform::http::{json_response, ApiRequest, FieldReader, HandlerResult};
use shared::AppState;

async fn answer(state: &AppState, status: StatusCode, written: Written) -> HandlerResult {
    state.publish_outbox(&written.outbox).await;
    json_response(status, &written.detail)
}

/// `POST /v1/events` → 201 the event (a draft unless `is_published`).
pub async fn create(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    let written = service::create(&actor, FieldReader::from_request(&req)?).await?;
    answer(&state, StatusCode::CREATED, written).await
}

/// `GET /v1/events/{event_id}` (uuid or slug) → the detail with the caller's own status.
pub async fn detail(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let caller = authenticate(&state.tokens, &req)?;
    let detail = service::detail(&state, &caller, req.path_param("event_id")?).await?;
    json_response(StatusCode::OK, &detail)
}

/// `PATCH /v1/events/{event_id}` by the host or a co-host.
pub async fn update(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    let reader = FieldReader::from_request(&req)?;
    let written = service::update(&actor, req.path_param("event_id")?, reader).await?;
    answer(&state, StatusCode::OK, written).await
}

/// `POST /v1/events/{event_id}/publish` by the host.
pub async fn publish(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    let written = publishing::set_published(&actor, req.path_param("event_id")?, true).await?;
    answer(&state, StatusCode::OK, written).await
}

/// `POST /v1/events/{event_id}/unpublish` by the host (only while nobody is going).
pub async fn unpublish(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    let written = publishing::set_published(&actor, req.path_param("event_id")?, false).await?;
    answer(&state, StatusCode::OK, written).await
}

/// `POST /v1/events/{event_id}/cancel` by the host: everyone is told, paid guests refunded.
pub async fn cancel(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    let written = shared::events::cancellation::cancel(&actor, req.path_param("event_id")?).await?;
    answer(&state, StatusCode::OK, written).await
}
