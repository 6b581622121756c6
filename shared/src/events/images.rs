//! The gallery of an event: add at a position, remove, reorder. Positions stay 0..n-1; the
//! unique (event, position) constraint is checked at commit, so shifting rows never collides.

use super::store;
use crate::auth::Actor;
use crate::contract::schemas::EventImage;
use crate::platform::error::ProblemCode;
use serde_json::json;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

use super::rules::CHANGE_GALLERY;
use super::service::editable;
use crate::auth::Caller;
use crate::platform::audit::{self, AuditEntry};
use crate::platform::db::{CachedStatements, PipelinedTransaction, Statement};
use crate::platform::error::{ApiError, FieldError};

/// Most images in a gallery.
pub const MAX_IMAGES: i64 = 20;
/// The largest `position` a client may ask for (anything past the end appends).
pub const MAX_POSITION: i64 = 100;

/// Where a new image goes: 0 to `MAX_POSITION` (past the end appends).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position(pub i64);

impl<'de> serde::Deserialize<'de> for Position {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match i64::deserialize(deserializer)? {
            position @ 0..=MAX_POSITION => Ok(Self(position)),
            _ => Err(serde::de::Error::custom(format!(
                "must be from 0 to {MAX_POSITION} (past the end appends)"
            ))),
        }
    }
}

impl utoipa::PartialSchema for Position {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Integer)
            .minimum(Some(0))
            .maximum(Some(MAX_POSITION))
            .into()
    }
}

impl utoipa::ToSchema for Position {}

async fn gallery(tx: &impl CachedStatements, event_id: i64) -> Result<Vec<EventImage>, ApiError> {
    crate::platform::db::json_column(
        &tx.query_one(store::IMAGES_OF_EVENT, &[&event_id]).await?,
        "images",
    )
}

fn gallery_audit<'a>(
    caller: &Caller,
    event: Uuid,
    change: &str,
    request_id: &'a str,
) -> AuditEntry<'a> {
    AuditEntry {
        actor: Some(caller.user_id),
        object_type: "event",
        object_id: event.to_string(),
        action: "update",
        payload: json!({ "fields": ["images"], "change": change }),
        request_id: Some(request_id),
    }
}

/// Adds an image at `position` (the end when absent), shifting later ones; returns the image.
pub async fn add(
    actor: &Actor<'_>,
    key: &str,
    image_url: &str,
    position: Option<i64>,
) -> Result<EventImage, ApiError> {
    let client = actor.state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let (_, event) = editable(&tx, key, &actor.caller, CHANGE_GALLERY).await?;
    let count: i64 = tx
        .query_one(store::COUNT_IMAGES, &[&event.id])
        .await?
        .get("images");
    if count >= MAX_IMAGES {
        return Err(ApiError::conflict(
            ProblemCode::GalleryFull,
            format!("A gallery holds at most {MAX_IMAGES} images."),
        ));
    }
    // A position past the end appends, as "the end when absent" does: the client need not
    // know how many images there are now (the schema bounds it; the parser refuses below 0).
    let position = position.unwrap_or(count).clamp(0, count) as i16;
    let audited = gallery_audit(&actor.caller, event.uuid, "add", actor.request_id);
    let audit_params = audit::params(&audited);
    let keep = crate::uploads::keep_message(
        actor.state.config.uploads_public_base_url.as_deref(),
        [image_url],
    );
    let keep_params = keep.as_ref().map(|message| message.params());
    // Shift, insert, audit (and keep an uploaded image) and COMMIT: in order, one round trip.
    let shift_params: [&(dyn ToSql + Sync); 2] = [&event.id, &position];
    let insert_params: [&(dyn ToSql + Sync); 3] = [&event.id, &image_url, &position];
    let mut writes: Vec<Statement> = vec![
        (store::MAKE_ROOM_FOR_IMAGE, &shift_params),
        (store::INSERT_IMAGE, &insert_params),
        (audit::INSERT_SQL, &audit_params),
    ];
    writes.extend(
        keep_params
            .as_ref()
            .map(|params| (crate::platform::outbox::INSERT_SQL, &params[..])),
    );
    let written = tx.commit_after(&writes).await?;
    crate::platform::db::json_column(&written[1][0], "image")
}

/// Reorders the gallery: `image_ids` must list every image exactly once.
pub async fn reorder(
    actor: &Actor<'_>,
    key: &str,
    image_ids: &[Uuid],
) -> Result<Vec<EventImage>, ApiError> {
    let client = actor.state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let (_, event) = editable(&tx, key, &actor.caller, CHANGE_GALLERY).await?;
    let current: Vec<Uuid> = tx
        .query(store::IMAGE_IDS_OF_EVENT, &[&event.id])
        .await?
        .iter()
        .map(|r| r.get("uuid"))
        .collect();
    let mut sorted_given = image_ids.to_vec();
    sorted_given.sort();
    sorted_given.dedup();
    if sorted_given.len() != image_ids.len() {
        return Err(ApiError::validation(vec![FieldError::new(
            "image_ids",
            "lists an image twice",
        )]));
    }
    let mut sorted_current = current.clone();
    sorted_current.sort();
    // A list that is not the gallery as it is now is stale (an image was added or removed
    // since the client loaded it): a conflict to reload and retry, not bad input.
    if sorted_given != sorted_current {
        return Err(ApiError::conflict(
            ProblemCode::GalleryChanged,
            "image_ids must list every image the event has now, each once.",
        )
        .with_errors(vec![FieldError::new(
            "image_ids",
            "is not the event's current set of images",
        )]));
    }
    let audited = gallery_audit(&actor.caller, event.uuid, "reorder", actor.request_id);
    tx.commit_after_with(
        &[
            (store::REORDER_IMAGES, &[&event.id, &image_ids]),
            (audit::INSERT_SQL, &audit::params(&audited)),
        ],
        |db| gallery(db, event.id),
    )
    .await
}

/// Removes an image and closes the gap.
pub async fn remove(actor: &Actor<'_>, key: &str, image: Uuid) -> Result<(), ApiError> {
    let client = actor.state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let (_, event) = editable(&tx, key, &actor.caller, CHANGE_GALLERY).await?;
    let removed = tx
        .query_opt(store::DELETE_IMAGE, &[&event.id, &image])
        .await?
        .ok_or_else(|| ApiError::not_found("The image"))?;
    let position: i16 = removed.get("position");
    let audited = gallery_audit(&actor.caller, event.uuid, "remove", actor.request_id);
    tx.commit_after(&[
        (store::CLOSE_IMAGE_GAP, &[&event.id, &position]),
        (audit::INSERT_SQL, &audit::params(&audited)),
    ])
    .await?;
    Ok(())
}
