//! SQL of events: writes, the access check, and the JSON documents of detail and feed items
//! (built in SQL so a read is one round trip).

use super::store;
use crate::contract::schemas::EventDetail;
use crate::platform::db::FromRow;
use serde_json::Value;
use uuid::Uuid;

use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

use super::fields::EventFields;
use crate::platform::db::{CachedStatements, Statement};
use crate::platform::error::ApiError;

crate::text_enum!(
    /// The caller's relation to an event.
    Role {
        /// Created it.
        Host => "host",
        /// Added by the host.
        Cohost => "cohost",
        /// Anyone else.
        Other => "other",
    }
);

/// An event as a writer sees it, locked for the transaction (read by column name from
/// `load_for_edit_then`'s SELECT).
#[derive(Debug, Clone, FromRow)]
pub struct EventForEdit {
    /// Internal id.
    pub id: i64,
    /// Public id.
    pub uuid: Uuid,
    /// The caller's role.
    pub role: Role,
    /// Published?
    pub is_published: bool,
    /// Not cancelled?
    pub is_active: bool,
    /// Started already?
    pub has_started: bool,
    /// Current field values.
    #[from_row(flatten)]
    pub fields: EventFields,
}

/// Loads and locks an event by uuid or slug with the role in it of the caller (by public id, so
/// the account check can go in the same round trip); `None` when absent or a draft the caller
/// may not see.
pub async fn load_for_edit(
    tx: &impl CachedStatements,
    key: &str,
    caller: Uuid,
) -> Result<Option<EventForEdit>, ApiError> {
    Ok(load_for_edit_then(tx, key, caller, &[])
        .await?
        .map(|(event, _)| event))
}

/// `load_for_edit`, then the statements `after` in the same round trip, run in order once the
/// event is locked (so what they read cannot change before COMMIT); their rows come back too.
pub async fn load_for_edit_then(
    tx: &impl CachedStatements,
    key: &str,
    caller: Uuid,
    after: &[Statement<'_>],
) -> Result<Option<(EventForEdit, Vec<Vec<Row>>)>, ApiError> {
    let params: [&(dyn ToSql + Sync); 2] = [&key, &caller];
    let mut rows = if after.is_empty() {
        vec![tx.query(store::EVENT_FOR_EDIT, &params).await?]
    } else {
        let mut statements: Vec<Statement> = vec![(store::EVENT_FOR_EDIT, &params)];
        statements.extend_from_slice(after);
        tx.query_in_order(&statements).await?
    };
    let Some(row) = rows[0].first() else {
        return Ok(None);
    };
    let event = EventForEdit::try_from_row(row)?;
    if !event.is_published && event.role == Role::Other {
        return Ok(None);
    }
    rows.remove(0);
    Ok(Some((event, rows)))
}

/// The internal id of a venue.
pub async fn venue_id(tx: &impl CachedStatements, venue: Uuid) -> Result<Option<i64>, ApiError> {
    Ok(tx
        .query_opt(store::VENUE_ID_OF_UUID, &[&venue])
        .await?
        .map(|r| r.get("id")))
}

/// The editable fields as parameters, in the order `insert` ($3–$20) and `update` ($2–$19)
/// write them: title, description, mood, venue, venue text, date, time, time zone, duration,
/// capacity, paid, price, GST rate, GSTIN, genders, plus-one, covers, approval.
fn field_params<'a>(
    fields: &'a EventFields,
    venue_id: &'a Option<i64>,
    genders: &'a Value,
    covers: &'a Value,
) -> [&'a (dyn ToSql + Sync); 18] {
    [
        &fields.title,
        &fields.description,
        &fields.mood,
        venue_id,
        &fields.venue_text,
        &fields.event_date,
        &fields.start_time,
        &fields.timezone,
        &fields.duration_secs,
        &fields.capacity,
        &fields.is_paid,
        &fields.ticket_price,
        &fields.gst_percent,
        &fields.gstin,
        genders,
        &fields.allow_plus_one,
        covers,
        &fields.requires_approval,
    ]
}

/// Inserts an event under the first of `slugs` not taken (chosen in the statement, so a taken
/// title costs no round trip); `None` when a concurrent insert took it meanwhile (the caller
/// tries again).
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    tx: &impl CachedStatements,
    host_id: i64,
    slugs: &[String],
    fields: &EventFields,
    venue_id: Option<i64>,
    publish: bool,
) -> Result<Option<(i64, Uuid)>, ApiError> {
    let genders = serde_json::to_value(&fields.allowed_genders).map_err(anyhow::Error::from)?;
    let covers = serde_json::to_value(&fields.cover_images).map_err(anyhow::Error::from)?;
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&host_id, &slugs];
    params.extend(field_params(fields, &venue_id, &genders, &covers));
    params.push(&publish);
    let row = tx.query_opt(store::INSERT_EVENT, &params).await?;
    Ok(row.map(|r| (r.get("id"), r.get("uuid"))))
}

/// Writes every editable field of an event.
pub async fn update(
    tx: &impl CachedStatements,
    event_id: i64,
    fields: &EventFields,
    venue_id: Option<i64>,
) -> Result<(), ApiError> {
    let genders = serde_json::to_value(&fields.allowed_genders).map_err(anyhow::Error::from)?;
    let covers = serde_json::to_value(&fields.cover_images).map_err(anyhow::Error::from)?;
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&event_id];
    params.extend(field_params(fields, &venue_id, &genders, &covers));
    tx.execute(store::UPDATE_EVENT, &params).await?;
    Ok(())
}

/// Replaces an event's interest tags.
pub async fn replace_interests(
    tx: &impl CachedStatements,
    event_id: i64,
    interest_ids: &[i64],
) -> Result<(), ApiError> {
    // Two statements, in order: the sub-statements of one WITH run in no defined order, and the
    // INSERT of an interest the event keeps would meet its old row before the DELETE.
    tx.query_in_order(&[
        (store::CLEAR_EVENT_INTERESTS, &[&event_id]),
        (store::INSERT_EVENT_INTERESTS, &[&event_id, &interest_ids]),
    ])
    .await?;
    Ok(())
}

/// Seats taken: attendees going or checked in, plus holds still live (unexpired, unconsumed).
pub async fn seats_taken(tx: &impl CachedStatements, event_id: i64) -> Result<i64, ApiError> {
    let row = tx.query_one(store::SEATS_TAKEN, &[&event_id]).await?;
    Ok(row.get("seats_taken"))
}

/// Whether any payment order exists for the event (its pricing is then fixed).
pub async fn has_orders(tx: &impl CachedStatements, event_id: i64) -> Result<bool, ApiError> {
    Ok(tx
        .query_one(store::EVENT_HAS_ORDERS, &[&event_id])
        .await?
        .get("has_orders"))
}

/// Public ids of everyone going (or checked in).
pub async fn going_user_ids(
    tx: &impl CachedStatements,
    event_id: i64,
) -> Result<Vec<Uuid>, ApiError> {
    let rows = tx.query(store::GOING_USER_IDS, &[&event_id]).await?;
    Ok(rows.iter().map(|r| r.get("uuid")).collect())
}

/// Whether anyone holds a seat or is going (an event with guests cannot be unpublished).
pub async fn has_guests(tx: &impl CachedStatements, event_id: i64) -> Result<bool, ApiError> {
    Ok(seats_taken(tx, event_id).await? > 0)
}

/// The JSON detail of an event for a viewer, or `None` when absent or invisible to them
/// (drafts are the host's and co-hosts' only).
pub async fn detail(
    client: &impl CachedStatements,
    key: &str,
    viewer_id: i64,
) -> Result<Option<EventDetail>, ApiError> {
    client
        .query_opt(store::EVENT_DETAIL, &[&key, &viewer_id])
        .await?
        .map(|row| crate::platform::db::json_column(&row, "detail"))
        .transpose()
}
