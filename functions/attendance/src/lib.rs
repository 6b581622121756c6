//! The attendance function: requests, invites, seat holds, tickets and check-in.

mod door;
mod joining;
mod lists;

use shared::contract::Operations;
use shared::platform::http::Router;
use shared::AppState;

/// The attendance function's operations and their handlers; each route (method, path) is written
/// once, in `shared::contract::operations`.
pub fn router() -> Router<AppState> {
    Router::new()
        .operation("requestToJoin", joining::create_request)
        .operation("listEventRequests", lists::event_requests)
        .operation("acceptRequest", joining::accept_request)
        .operation("declineRequest", joining::decline_request)
        .operation("cancelRequest", joining::cancel_request)
        .operation("listMyRequests", lists::my_requests)
        .operation("listMyInvites", lists::my_invites)
        .operation("listMyTickets", lists::my_tickets)
        .operation("createInvite", joining::create_invite)
        .operation("acceptInvite", joining::accept_invite)
        .operation("declineInvite", joining::decline_invite)
        .operation("listAttendees", door::guest_list)
        .operation("getTicket", door::ticket)
        .operation("checkIn", door::check_in)
        .operation("cancelAttendance", door::cancel_attendance)
}
