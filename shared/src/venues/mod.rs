//! Venues: a shared catalogue of places, searched by name and distance.
//!
//! Rules: any signed-in user may add a venue (a name and coordinates; the country is India
//! unless given), and its creation is audited. A search matches names by prefix, ignoring
//! case, and with `near` keeps those within the radius, nearest first. An event names a
//! catalogue venue or a free-text one, never both.

pub mod place;
pub mod store;

use crate::auth::Actor;
use crate::contract::schemas::{Venue, VenuePage};
use serde_json::json;
use uuid::Uuid;

use crate::app::state::AppState;
use crate::auth::{active_user_id, Caller};
use crate::contract::schemas::VenueCreate;
use crate::platform::audit::{self, AuditEntry};
use crate::platform::db::{CachedStatements, PipelinedTransaction};
use crate::platform::error::{ApiError, FieldError};
use crate::platform::http::{ApiRequest, Text};

/// Creates a venue.
pub async fn create(actor: &Actor<'_>, body: VenueCreate) -> Result<Venue, ApiError> {
    let name = body.name.into_inner();
    let address = body.address.and_then(Text::non_blank).unwrap_or_default();
    let city = body.city.and_then(Text::non_blank).unwrap_or_default();
    let region = body.state.and_then(Text::non_blank).unwrap_or_default();
    // India when absent: the market this app serves.
    let country = body.country.map_or_else(|| "IN".to_owned(), |code| code.0);
    let postal_code = body.postal_code.and_then(Text::non_blank);
    let (latitude, longitude) = (body.latitude.0, body.longitude.0);
    let client = actor.state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    // The id is made here so the insert, its audit row and the account check go together in
    // one round trip (a failed check rolls the other two back).
    let venue_id = Uuid::new_v4();
    let entry = AuditEntry {
        actor: Some(actor.caller.user_id),
        object_type: "venue",
        object_id: venue_id.to_string(),
        action: "create",
        payload: json!({ "name": name }),
        request_id: Some(actor.request_id),
    };
    let (_, venue, ()) = crate::pipelined!(
        active_user_id(&tx, &actor.caller),
        async {
            let row = tx
                .query_one(
                    store::INSERT_VENUE,
                    &[
                        &venue_id,
                        &name,
                        &address,
                        &city,
                        &region,
                        &country,
                        &postal_code,
                        &latitude,
                        &longitude,
                        &actor.caller.user_id,
                    ],
                )
                .await?;
            crate::platform::db::json_column::<Venue>(&row, "venue")
        },
        audit::record(&tx, &entry),
    )?;
    tx.commit().await?;
    Ok(venue)
}

/// Searches venues by name prefix (`q`) and/or distance (`near=lat,lng`, `radius_km` ≤ 100,
/// nearest first).
pub async fn search(
    state: &AppState,
    caller: &Caller,
    req: &ApiRequest,
) -> Result<VenuePage, ApiError> {
    let mut errors = Vec::new();
    if req
        .query_param("q")
        .is_some_and(|q| q.chars().count() > 100)
    {
        errors.push(FieldError::new("q", "must be at most 100 characters"));
    }
    let q = req
        .query_param("q")
        .map(str::trim)
        .filter(|q| !q.is_empty());
    let near = req.query_param("near").map(|raw| {
        let parts: Vec<Option<f64>> = raw
            .split(',')
            .map(|p| p.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
            .collect();
        match parts.as_slice() {
            [Some(lat), Some(lng)] if lat.abs() <= 90.0 && lng.abs() <= 180.0 => Some((*lat, *lng)),
            _ => None,
        }
    });
    if near == Some(None) {
        errors.push(FieldError::new(
            "near",
            "must be lat,lng with lat in -90..90 and lng in -180..180",
        ));
    }
    let radius = match req.query_param("radius_km").map(str::parse::<f64>) {
        None => 25.0,
        Some(Ok(r)) if r > 0.0 && r <= 100.0 => r,
        Some(_) => {
            errors.push(FieldError::new(
                "radius_km",
                "must be a number above 0 and at most 100",
            ));
            25.0
        }
    };
    let limit = req.page_limit().unwrap_or_else(|e| {
        errors.push(FieldError::new(
            "limit",
            "must be a whole number from 1 to 100",
        ));
        let _ = e;
        20
    });
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let (lat, lng) = near.flatten().unzip();
    let dlat = radius / 111.045;
    let dlng = lat.map(|lat: f64| radius / (111.045 * lat.to_radians().cos().abs().max(0.01)));
    let pattern = q.map(|q| {
        format!(
            "{}%",
            q.to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        )
    });
    let client = state.pool.get().await?;
    active_user_id(&client, caller).await?;
    let rows = client
        .query(
            store::SEARCH_VENUES,
            &[&pattern, &lat, &lng, &dlat, &dlng, &radius, &limit],
        )
        .await?;
    Ok(VenuePage::only_page(crate::platform::db::json_rows(
        &rows, "venue",
    )?))
}
