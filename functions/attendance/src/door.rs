//! At and around the door: the guest list, tickets, check-in and cancelling attendance.

use std::sync::Arc;

use http::{header, StatusCode};
use lambda_http::{Body, Response};
use shared::attendance::{attendees, guest_list};
use shared::auth::{authenticate, Actor};
use shared::contract::schemas::{AttendeePage, CheckIn};
use shared::platform::http::{json_response, ApiRequest, HandlerResult, RequestBody};
use shared::{ApiError, AppState};

/// `GET /v1/events/{event_id}/attendees`: JSON, or CSV with `Accept: text/csv`.
pub async fn guest_list(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let caller = authenticate(&state.tokens, &req)?;
    let guests = guest_list::guest_list(&state, &caller, req.path_param("event_id")?).await?;
    if req.header("accept").is_some_and(|a| a.contains("text/csv")) {
        return Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, "text/csv; charset=utf-8")
            .header(
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"guests.csv\"",
            )
            .body(Body::from(guest_list::guest_list_csv(&guests)?))
            .map_err(|e| ApiError::Internal(e.into()));
    }
    json_response(StatusCode::OK, &AttendeePage::only_page(guests))
}

/// `GET /v1/tickets/{attendee_id}`: the code for the QR, to its owner only.
pub async fn ticket(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let caller = authenticate(&state.tokens, &req)?;
    let attendee = req.path_uuid("attendee_id", "The ticket")?;
    json_response(
        StatusCode::OK,
        &attendees::ticket(&state, &caller, attendee).await?,
    )
}

/// `POST /v1/events/{event_id}/check-ins` `{ticket_code}` → 200 the guest; 409 on a second scan.
pub async fn check_in(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    let body = CheckIn::from_request(&req)?;
    let guest =
        attendees::check_in(&actor, req.path_param("event_id")?, &body.ticket_code.0).await?;
    json_response(StatusCode::OK, &guest)
}

/// `POST /v1/attendees/{attendee_id}/cancel` by the attendee or the host.
pub async fn cancel_attendance(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    let attendee = req.path_uuid("attendee_id", "The attendee")?;
    let outcome = attendees::cancel(&actor, attendee).await?;
    state.publish_outbox(&outcome.outbox).await;
    json_response(StatusCode::OK, &outcome.body)
}
