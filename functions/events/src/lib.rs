//! The events function: create, discover, manage and share events.

mod discover;
mod manage;
mod team;

use http::Method;
use shared::http::Router;
use shared::AppState;

/// The route table of the events function.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(Method::POST, "/v1/events", manage::create)
        .route(Method::GET, "/v1/events", discover::feed)
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
            team::add_image,
        )
        .route(
            Method::PUT,
            "/v1/events/{event_id}/images",
            team::reorder_images,
        )
        .route(
            Method::DELETE,
            "/v1/events/{event_id}/images/{image_id}",
            team::remove_image,
        )
        .route(
            Method::GET,
            "/v1/events/{event_id}/calendar.ics",
            discover::calendar_file,
        )
        .route(
            Method::POST,
            "/v1/events/{event_id}/cohosts",
            team::add_cohost,
        )
        .route(
            Method::DELETE,
            "/v1/events/{event_id}/cohosts/{user_id}",
            team::remove_cohost,
        )
        .route(Method::GET, "/v1/me/events", discover::mine)
        .route(Method::GET, "/v1/venues", team::search_venues)
        .route(Method::POST, "/v1/venues", team::create_venue)
}
