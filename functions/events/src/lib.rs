//! The events function: create, discover, manage and share events.

mod manage;

use http::Method;
use shared::http::{not_implemented, Router};
use shared::AppState;

/// The route table of the events function.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(Method::POST, "/v1/events", manage::create)
        .route(Method::GET, "/v1/events", not_implemented)
        .route(Method::GET, "/v1/events/{event_id}", manage::detail)
        .route(Method::PATCH, "/v1/events/{event_id}", manage::update)
        .route(
            Method::POST,
            "/v1/events/{event_id}/publish",
            manage::publish,
        )
        .route(
            Method::POST,
            "/v1/events/{event_id}/unpublish",
            manage::unpublish,
        )
        .route(Method::POST, "/v1/events/{event_id}/cancel", manage::cancel)
        .route(
            Method::POST,
            "/v1/events/{event_id}/images",
            not_implemented,
        )
        .route(Method::PUT, "/v1/events/{event_id}/images", not_implemented)
        .route(
            Method::DELETE,
            "/v1/events/{event_id}/images/{image_id}",
            not_implemented,
        )
        .route(
            Method::GET,
            "/v1/events/{event_id}/calendar.ics",
            not_implemented,
        )
        .route(
            Method::POST,
            "/v1/events/{event_id}/cohosts",
            not_implemented,
        )
        .route(
            Method::DELETE,
            "/v1/events/{event_id}/cohosts/{user_id}",
            not_implemented,
        )
        .route(Method::GET, "/v1/me/events", not_implemented)
        .route(Method::GET, "/v1/venues", not_implemented)
        .route(Method::POST, "/v1/venues", not_implemented)
}
