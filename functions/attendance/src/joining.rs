//! Asking to join and answering: requests, invites, accept, decline, cancel.

use std::sync::Arc;

use http::StatusCode;
use shared::app::idempotency;
use shared::attendance::answers;
use shared::attendance::invites;
use shared::attendance::requests::{self, Outcome};
use shared::auth::Actor;
use shared::contract::schemas::{InviteAccept, InviteCreate, JoinRequestCreate, RequestReply};
use shared::platform::http::{json_response, ApiRequest, HandlerResult, RequestBody, Text};
use shared::AppState;

async fn answer<T: serde::Serialize>(
    state: &AppState,
    status: StatusCode,
    outcome: Outcome<T>,
) -> HandlerResult {
    state.publish_outbox(&outcome.outbox).await;
    json_response(status, &outcome.body)
}

/// `POST /v1/events/{event_id}/requests` `JoinRequestCreate` → 201 the request.
pub async fn create_request(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    let body = JoinRequestCreate::from_request(&req)?;
    let outcome = requests::create(
        &actor,
        req.path_param("event_id")?,
        body.message.and_then(Text::non_blank).unwrap_or_default(),
        body.seats_requested.unwrap_or_default().0,
    )
    .await?;
    answer(&state, StatusCode::CREATED, outcome).await
}

async fn respond(state: Arc<AppState>, req: ApiRequest, accept: bool) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    let request = req.path_uuid("request_id", "The request")?;
    let (state, req) = (&state, &req);
    idempotency::once(actor, req, |actor| async move {
        let host_message = RequestReply::from_request_or_empty(req)?
            .host_message
            .and_then(Text::non_blank);
        let outcome = if accept {
            answers::accept(&actor, request, host_message).await?
        } else {
            answers::decline(&actor, request, host_message).await?
        };
        answer(state, StatusCode::OK, outcome).await
    })
    .await
}

/// `POST /v1/requests/{request_id}/accept` `{host_message?}` (Idempotency-Key honoured).
pub async fn accept_request(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    respond(state, req, true).await
}

/// `POST /v1/requests/{request_id}/decline` `{host_message?}`.
pub async fn decline_request(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    respond(state, req, false).await
}

/// `POST /v1/requests/{request_id}/cancel` by the requester.
pub async fn cancel_request(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    let request = req.path_uuid("request_id", "The request")?;
    let outcome = answers::cancel(&actor, request).await?;
    answer(&state, StatusCode::OK, outcome).await
}

/// `POST /v1/events/{event_id}/invites`: `{invite_type: direct, user_id, message}` or
/// `{invite_type: share_link, expires_at}` → 201.
pub async fn create_invite(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    let invite = InviteCreate::from_request(&req)?;
    let outcome = invites::create(&actor, req.path_param("event_id")?, invite).await?;
    answer(&state, StatusCode::CREATED, outcome).await
}

/// `POST /v1/invites/{invite_id}/accept` `InviteAccept` (Idempotency-Key honoured).
pub async fn accept_invite(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    let invite = req.path_uuid("invite_id", "The invite")?;
    let (state, req) = (&state, &req);
    idempotency::once(actor, req, |actor| async move {
        let seats = InviteAccept::from_request_or_empty(req)?
            .seats_requested
            .unwrap_or_default()
            .0;
        let outcome = invites::accept(&actor, invite, seats).await?;
        answer(state, StatusCode::OK, outcome).await
    })
    .await
}

/// `POST /v1/invites/{invite_id}/decline` by the invitee.
pub async fn decline_invite(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    let invite = req.path_uuid("invite_id", "The invite")?;
    json_response(StatusCode::OK, &invites::decline(&actor, invite).await?)
}
