//! Reading events: the discovery feed, the caller's own events and the calendar file.

use std::sync::Arc;

use http::{header, StatusCode};
use lambda_http::{Body, Response};
use shared::auth::{active_user_id, authenticate};
use shared::events::discovery::{self, FeedFilters, MyRole};
use shared::events::{calendar, service};
use shared::platform::error::FieldError;
use shared::platform::http::{json_response, ApiRequest, HandlerResult};
use shared::{ApiError, AppState};

/// `GET /v1/events`: the discovery feed.
pub async fn feed(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let caller = authenticate(&state.tokens, &req)?;
    let filters = FeedFilters::parse(&req)?;
    let client = state.pool.get().await?;
    active_user_id(&client, &caller).await?;
    json_response(StatusCode::OK, &discovery::feed(&client, &filters).await?)
}

/// `GET /v1/me/events?role=hosting|attending&when=upcoming|past`.
pub async fn mine(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let caller = authenticate(&state.tokens, &req)?;
    let mut errors = Vec::new();
    let role = match req.query_param("role").unwrap_or("attending") {
        "hosting" => MyRole::Hosting,
        "attending" => MyRole::Attending,
        _ => {
            errors.push(FieldError::new("role", "must be hosting or attending"));
            MyRole::Attending
        }
    };
    let upcoming = match req.query_param("when").unwrap_or("upcoming") {
        "upcoming" => true,
        "past" => false,
        _ => {
            errors.push(FieldError::new("when", "must be upcoming or past"));
            true
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let client = state.pool.get().await?;
    let user_id = active_user_id(&client, &caller).await?;
    json_response(
        StatusCode::OK,
        &discovery::mine(&client, user_id, role, upcoming, &req).await?,
    )
}

/// `GET /v1/events/{event_id}/calendar.ics`: `text/calendar` for whoever may see the event.
pub async fn calendar_file(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let caller = authenticate(&state.tokens, &req)?;
    let detail = service::detail(&state, &caller, req.path_param("event_id")?).await?;
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "text/calendar; charset=utf-8")
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}.ics\"", detail.slug),
        )
        .body(Body::from(calendar::ics(&detail)))
        .map_err(|e| ApiError::Internal(e.into()))
}
