//! Lists: an event's requests for its organisers, and the caller's own requests, invites and
//! tickets.

use std::sync::Arc;

use http::StatusCode;
use shared::attendance::{attendees, invites, requests};
use shared::auth::{active_user_id, authenticate};
use shared::contract::schemas::{InvitePage, JoinRequestPage, TicketPage};
use shared::platform::db::Client;
use shared::platform::http::{json_response, ApiRequest, HandlerResult};
use shared::{ApiError, AppState};

/// `GET /v1/events/{event_id}/requests?status=` for the host and co-hosts.
pub async fn event_requests(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let caller = authenticate(&state.tokens, &req)?;
    let page = requests::list_for_event(&state, &caller, req.path_param("event_id")?, &req).await?;
    json_response(StatusCode::OK, &page)
}

/// What a list of the caller's own rows reads with: a connection, the caller's internal id
/// (their account found active) and the page size asked for.
async fn own_list(state: &AppState, req: &ApiRequest) -> Result<(Client, i64, i64), ApiError> {
    let caller = authenticate(&state.tokens, req)?;
    let limit = req.page_limit()?;
    let client = state.pool.get().await?;
    let user_id = active_user_id(&client, &caller).await?;
    Ok((client, user_id, limit))
}

/// `GET /v1/me/requests`: the caller's requests, newest first.
pub async fn my_requests(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let (client, user_id, limit) = own_list(&state, &req).await?;
    let items = requests::of_user(&client, user_id, limit).await?;
    json_response(StatusCode::OK, &JoinRequestPage::only_page(items))
}

/// `GET /v1/me/invites`: direct invites to the caller, newest first.
pub async fn my_invites(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let (client, user_id, limit) = own_list(&state, &req).await?;
    let link_base = &state.config.attendance.invite_link_base;
    let items = invites::mine(&client, link_base, user_id, limit).await?;
    json_response(StatusCode::OK, &InvitePage::only_page(items))
}

/// `GET /v1/me/tickets`: the caller's attendances, soonest first.
pub async fn my_tickets(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let (client, user_id, limit) = own_list(&state, &req).await?;
    let items = attendees::my_tickets(&client, user_id, limit).await?;
    json_response(StatusCode::OK, &TicketPage::only_page(items))
}
