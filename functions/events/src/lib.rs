//! The events function: create, discover, manage and share events.

mod discover;
mod manage;
mod team;

use shared::contract::Operations;
use shared::platform::http::Router;
use shared::AppState;

/// The events function's operations and their handlers; each route (method, path) is written
/// once, in `shared::contract::operations`.
pub fn router() -> Router<AppState> {
    Router::new()
        .operation("createEvent", manage::create)
        .operation("discoverEvents", discover::feed)
        .operation("getEvent", manage::detail)
        .operation("updateEvent", manage::update)
        .operation("publishEvent", manage::publish)
        .operation("unpublishEvent", manage::unpublish)
        .operation("cancelEvent", manage::cancel)
        .operation("addEventImage", team::add_image)
        .operation("reorderEventImages", team::reorder_images)
        .operation("deleteEventImage", team::remove_image)
        .operation("getEventCalendar", discover::calendar_file)
        .operation("addCohost", team::add_cohost)
        .operation("removeCohost", team::remove_cohost)
        .operation("listMyEvents", discover::mine)
        .operation("searchVenues", team::search_venues)
        .operation("createVenue", team::create_venue)
}
