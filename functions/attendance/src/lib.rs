//! The attendance function: requests, invites, seat holds, tickets and check-in.
//!
//! Every route of this function per ../shared/API.md; routes whose feature has not landed answer
//! 501 `not_implemented`, so the routing is complete and testable now.

use http::Method;
use shared::http::{not_implemented, Router};
use shared::AppState;

/// The route table of the attendance function.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            Method::POST,
            "/v1/events/{event_id}/requests",
            not_implemented,
        )
        .route(
            Method::GET,
            "/v1/events/{event_id}/requests",
            not_implemented,
        )
        .route(
            Method::POST,
            "/v1/requests/{request_id}/accept",
            not_implemented,
        )
        .route(
            Method::POST,
            "/v1/requests/{request_id}/decline",
            not_implemented,
        )
        .route(
            Method::POST,
            "/v1/requests/{request_id}/cancel",
            not_implemented,
        )
        .route(Method::GET, "/v1/me/requests", not_implemented)
        .route(Method::GET, "/v1/me/invites", not_implemented)
        .route(Method::GET, "/v1/me/tickets", not_implemented)
        .route(
            Method::POST,
            "/v1/events/{event_id}/invites",
            not_implemented,
        )
        .route(
            Method::POST,
            "/v1/invites/{invite_id}/accept",
            not_implemented,
        )
        .route(
            Method::POST,
            "/v1/invites/{invite_id}/decline",
            not_implemented,
        )
        .route(
            Method::GET,
            "/v1/events/{event_id}/attendees",
            not_implemented,
        )
        .route(Method::GET, "/v1/tickets/{attendee_id}", not_implemented)
        .route(
            Method::POST,
            "/v1/events/{event_id}/check-ins",
            not_implemented,
        )
        .route(
            Method::POST,
            "/v1/attendees/{attendee_id}/cancel",
            not_implemented,
        )
}
