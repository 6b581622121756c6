//! Lists: an event's requests for its organisers, and the caller's own requests, invites and
//! tickets.

use std::sync::Arc;

use http::StatusCode;
use shared::attendance::{attendees, invites, requests};
use shared::auth::{active_user_id, authenticate};
use shared::contract::schemas::{InvitePage, JoinRequestPage, TicketPage};
use shared::platform::http::{json_response, ApiRequest, HandlerResult};
use shared::AppState;

/// `GET /v1/events/{event_id}/requests?status=` for the host and co-hosts.
pub async fn event_requests(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let caller = authenticate(&state.tokens, &req)?;
    let page = requests::list_for_event(&state, &caller, req.path_param("event_id")?, &req).await?;
    json_response(StatusCode::OK, &page)
}

/// `GET /v1/me/requests`: the caller's requests, newest first.
pub async fn my_requests(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let caller = authenticate(&state.tokens, &req)?;
    let limit = req.page_limit()?;
    let client = state.pool.get().await?;
    let user_id = active_user_id(&client, &caller).await?;
    let items = requests::of_user(&client, user_id, limit).await?;
    json_response(
        StatusCode::OK,
        &JoinRequestPage {
            items,
            next_cursor: None,
        },
    )
}

/// `GET /v1/me/invites`: direct invites to the caller, newest first.
pub async fn my_invites(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let caller = authenticate(&state.tokens, &req)?;
    let limit = req.page_limit()?;
    let client = state.pool.get().await?;
    let user_id = active_user_id(&client, &caller).await?;
    let items = invites::mine(
        &client,
        &state.config.attendance.invite_link_base,
        user_id,
        limit,
    )
    .await?;
    json_response(
        StatusCode::OK,
        &InvitePage {
            items,
            next_cursor: None,
        },
    )
}

/// `GET /v1/me/tickets`: the caller's attendances, soonest first.
pub async fn my_tickets(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let caller = authenticate(&state.tokens, &req)?;
    let limit = req.page_limit()?;
    let client = state.pool.get().await?;
    let user_id = active_user_id(&client, &caller).await?;
    let items = attendees::my_tickets(&client, user_id, limit).await?;
    json_response(
        StatusCode::OK,
        &TicketPage {
            items,
            next_cursor: None,
        },
    )
}
