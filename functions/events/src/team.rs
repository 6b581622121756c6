//! Co-hosts and the gallery: changes to who runs an event and how it looks.

use std::sync::Arc;

use http::StatusCode;
use shared::auth::{authenticate, Actor};
use shared::contract::schemas::{
    CohostAdd, EventImageAdd, EventImageList, EventImageOrder, VenueCreate,
};
use shared::events::{cohosts, images};
use shared::platform::http::{json_response, no_content, ApiRequest, HandlerResult, RequestBody};
use shared::AppState;

/// `POST /v1/events/{event_id}/cohosts` `{user_id}` → 201.
pub async fn add_cohost(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    let user = CohostAdd::from_request(&req)?.user_id.0;
    let cohost = cohosts::add(&actor, req.path_param("event_id")?, user).await?;
    json_response(StatusCode::CREATED, &cohost)
}

/// `DELETE /v1/events/{event_id}/cohosts/{user_id}` → 204.
pub async fn remove_cohost(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    let user = req.path_uuid("user_id", "The co-host")?;
    cohosts::remove(&actor, req.path_param("event_id")?, user).await?;
    no_content()
}

/// `POST /v1/events/{event_id}/images` `{image_url, position?}` → 201 the image.
pub async fn add_image(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    let body = EventImageAdd::from_request(&req)?;
    let image = images::add(
        &actor,
        req.path_param("event_id")?,
        &body.image_url.0,
        body.position.map(|position| position.0),
    )
    .await?;
    json_response(StatusCode::CREATED, &image)
}

/// `PUT /v1/events/{event_id}/images` `{image_ids: [...]}` → the gallery in its new order.
pub async fn reorder_images(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    let ids = EventImageOrder::from_request(&req)?.image_ids;
    let images = images::reorder(&actor, req.path_param("event_id")?, &ids).await?;
    json_response(StatusCode::OK, &EventImageList { items: images })
}

/// `DELETE /v1/events/{event_id}/images/{image_id}` → 204.
pub async fn remove_image(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    let image = req.path_uuid("image_id", "The image")?;
    images::remove(&actor, req.path_param("event_id")?, image).await?;
    no_content()
}

/// `GET /v1/venues?q=&near=&radius_km=`.
pub async fn search_venues(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let caller = authenticate(&state.tokens, &req)?;
    json_response(
        StatusCode::OK,
        &shared::venues::search(&state, &caller, &req).await?,
    )
}

/// `POST /v1/venues` → 201 the venue.
pub async fn create_venue(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    let venue = shared::venues::create(&actor, VenueCreate::from_request(&req)?).await?;
    json_response(StatusCode::CREATED, &venue)
}
