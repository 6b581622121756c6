//! The attendance function: requests, invites, seat holds, tickets and check-in.

mod door;
mod joining;
mod lists;

use http::Method;
use shared::http::Router;
use shared::AppState;

/// The route table of the attendance function.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            Method::POST,
            "/v1/events/{event_id}/requests",
            joining::create_request,
        )
        .route(
            Method::GET,
            "/v1/events/{event_id}/requests",
            lists::event_requests,
        )
        .route(
            Method::POST,
            "/v1/requests/{request_id}/accept",
            joining::accept_request,
        )
        .route(
            Method::POST,
            "/v1/requests/{request_id}/decline",
            joining::decline_request,
        )
        .route(
            Method::POST,
            "/v1/requests/{request_id}/cancel",
            joining::cancel_request,
        )
        .route(Method::GET, "/v1/me/requests", lists::my_requests)
        .route(Method::GET, "/v1/me/invites", lists::my_invites)
        .route(Method::GET, "/v1/me/tickets", lists::my_tickets)
        .route(
            Method::POST,
            "/v1/events/{event_id}/invites",
            joining::create_invite,
        )
        .route(
            Method::POST,
            "/v1/invites/{invite_id}/accept",
            joining::accept_invite,
        )
        .route(
            Method::POST,
            "/v1/invites/{invite_id}/decline",
            joining::decline_invite,
        )
        .route(
            Method::GET,
            "/v1/events/{event_id}/attendees",
            door::guest_list,
        )
        .route(Method::GET, "/v1/tickets/{attendee_id}", door::ticket)
        .route(
            Method::POST,
            "/v1/events/{event_id}/check-ins",
            door::check_in,
        )
        .route(
            Method::POST,
            "/v1/attendees/{attendee_id}/cancel",
            door::cancel_attendance,
        )
}
