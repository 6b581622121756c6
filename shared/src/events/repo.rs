//! SQL of events: writes, the access check, and the JSON documents of detail and feed items
//! (built in SQL so a read is one round trip).

use crate::contract::schemas::EventDetail;
use crate::platform::db::FromRow;
use serde_json::Value;
use uuid::Uuid;

use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

use super::fields::EventFields;
use super::key::EVENT_IS_KEY_1;
use crate::platform::db::{CachedStatements, Statement};
use crate::platform::error::ApiError;
use const_format::concatcp;

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

/// The event the path's `{event_id}` (`$1`) names, locked for an edit, with the caller's (`$2`)
/// role in it: `EventForEdit`.
const EVENT_FOR_EDIT: &str = concatcp!(
        "SELECT e.id, e.uuid, \
            CASE WHEN e.host_id = me.id THEN 'host' \
                 WHEN EXISTS (SELECT 1 FROM event_cohost c WHERE c.event_id = e.id AND c.user_id = me.id) THEN 'cohost' \
                 ELSE 'other' END AS role, \
            e.is_published, e.is_active, e.starts_at <= now() AS has_started, \
            e.title, e.description, e.mood, v.uuid AS venue_id, e.venue_text, e.event_date, e.start_time, e.timezone, \
            extract(epoch FROM e.duration)::bigint AS duration_secs, e.capacity, e.is_paid, e.ticket_price, e.gst_percent, e.gstin, \
            ARRAY(SELECT jsonb_array_elements_text(e.allowed_genders)) AS allowed_genders, e.allow_plus_one, \
            ARRAY(SELECT jsonb_array_elements_text(e.cover_images)) AS cover_images, e.requires_approval, \
            ARRAY(SELECT i.slug FROM event_interest_map m JOIN event_interest i ON i.id = m.event_interest_id \
                  WHERE m.event_id = e.id ORDER BY i.sort_order) AS interests \
     FROM event e LEFT JOIN venue v ON v.id = e.venue_id \
     LEFT JOIN (SELECT id FROM auth_user WHERE uuid = $2) me ON true \
     WHERE ", EVENT_IS_KEY_1, " FOR NO KEY UPDATE OF e",
);

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
        vec![tx.query(EVENT_FOR_EDIT, &params).await?]
    } else {
        let mut statements: Vec<Statement> = vec![(EVENT_FOR_EDIT, &params)];
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
        .query_opt("SELECT id FROM venue WHERE uuid = $1", &[&venue])
        .await?
        .map(|r| r.get("id")))
}

/// Internal ids of active interests for `slugs`, in the order given; unknown slugs give `None`.
pub async fn interest_ids(
    tx: &impl CachedStatements,
    slugs: &[String],
) -> Result<Vec<Option<i64>>, ApiError> {
    let rows = tx
        .query(
            "SELECT slug, id FROM event_interest WHERE is_active AND slug = ANY($1)",
            &[&slugs],
        )
        .await?;
    Ok(slugs
        .iter()
        .map(|slug| {
            rows.iter()
                .find(|r| r.get::<_, &str>("slug") == slug)
                .map(|r| r.get("id"))
        })
        .collect())
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
    let row = tx
        .query_opt(
            "INSERT INTO event (host_id, slug, title, description, mood, venue_id, venue_text, event_date, \
                                start_time, timezone, duration, capacity, is_paid, ticket_price, gst_percent, \
                                gstin, allowed_genders, allow_plus_one, cover_images, requires_approval, \
                                is_published, published_at) \
             VALUES ($1, coalesce((SELECT c FROM unnest($2::text[]) WITH ORDINALITY AS t(c, n) \
                                   WHERE NOT EXISTS (SELECT 1 FROM event WHERE slug = c) ORDER BY n LIMIT 1), \
                                  ($2::text[])[cardinality($2::text[])]), $3, $4, $5, $6, $7, $8, $9, $10, make_interval(secs => $11::bigint), $12, $13, $14, \
                     $15, $16, $17, $18, $19, $20, $21, CASE WHEN $21 THEN now() END) \
             ON CONFLICT (slug) DO NOTHING RETURNING id, uuid",
            &params,
        )
        .await?;
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
    tx.execute(
        "UPDATE event SET title = $2, description = $3, mood = $4, venue_id = $5, venue_text = $6, \
                event_date = $7, start_time = $8, timezone = $9, duration = make_interval(secs => $10::bigint), \
                capacity = $11, is_paid = $12, ticket_price = $13, gst_percent = $14, gstin = $15, \
                allowed_genders = $16, allow_plus_one = $17, cover_images = $18, requires_approval = $19 \
         WHERE id = $1",
        &params,
    )
    .await?;
    Ok(())
}

/// Maps event `$1` to the interests `$2` (bigint[]).
pub const INSERT_INTERESTS_SQL: &str =
    "INSERT INTO event_interest_map (event_id, event_interest_id) SELECT $1, unnest($2::bigint[])";

/// Replaces an event's interest tags.
pub async fn replace_interests(
    tx: &impl CachedStatements,
    event_id: i64,
    interest_ids: &[i64],
) -> Result<(), ApiError> {
    // Two statements, in order: the sub-statements of one WITH run in no defined order, and the
    // INSERT of an interest the event keeps would meet its old row before the DELETE.
    tx.query_in_order(&[
        (
            "DELETE FROM event_interest_map WHERE event_id = $1",
            &[&event_id],
        ),
        (INSERT_INTERESTS_SQL, &[&event_id, &interest_ids]),
    ])
    .await?;
    Ok(())
}

/// Seats taken: attendees going or checked in, plus holds still live (unexpired, unconsumed).
pub async fn seats_taken(tx: &impl CachedStatements, event_id: i64) -> Result<i64, ApiError> {
    let row = tx
        .query_one(
            "SELECT (SELECT coalesce(sum(seats), 0) FROM event_attendee \
                     WHERE event_id = $1 AND status IN ('going', 'checked_in')) \
                  + (SELECT coalesce(sum(seats), 0) FROM capacity_reservation \
                     WHERE event_id = $1 AND status = 'held' AND expires_at > now()) AS seats_taken",
            &[&event_id],
        )
        .await?;
    Ok(row.get("seats_taken"))
}

/// Whether any payment order exists for the event (its pricing is then fixed).
pub async fn has_orders(tx: &impl CachedStatements, event_id: i64) -> Result<bool, ApiError> {
    Ok(tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM payment_order WHERE event_id = $1) AS has_orders",
            &[&event_id],
        )
        .await?
        .get("has_orders"))
}

/// Public ids of everyone going (or checked in).
pub async fn going_user_ids(
    tx: &impl CachedStatements,
    event_id: i64,
) -> Result<Vec<Uuid>, ApiError> {
    let rows = tx
        .query(
            "SELECT u.uuid FROM event_attendee a JOIN auth_user u ON u.id = a.user_id \
             WHERE a.event_id = $1 AND a.status IN ('going', 'checked_in')",
            &[&event_id],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get("uuid")).collect())
}

/// Publishes (`$2` true) or unpublishes event `$1`.
pub const SET_PUBLISHED_SQL: &str =
    "UPDATE event SET is_published = $2, published_at = CASE WHEN $2 THEN coalesce(published_at, now()) END \
     WHERE id = $1";

/// Whether anyone holds a seat or is going (an event with guests cannot be unpublished).
pub async fn has_guests(tx: &impl CachedStatements, event_id: i64) -> Result<bool, ApiError> {
    Ok(seats_taken(tx, event_id).await? > 0)
}

/// The JSON of one event as its viewer sees it (`$1` event id, `$2` viewer id).
pub const DETAIL_JSON: &str = "\
    jsonb_build_object( \
      'event_id', e.uuid, 'slug', e.slug, 'title', e.title, 'description', e.description, 'mood', e.mood, \
      'host', jsonb_build_object('user_id', hu.uuid, 'name', hp.name, 'profile_picture', hp.profile_pictures->>0), \
      'venue', CASE WHEN v.id IS NULL THEN NULL ELSE jsonb_build_object('venue_id', v.uuid, 'name', v.name, \
               'address', v.address, 'city', v.city, 'latitude', v.latitude, 'longitude', v.longitude) END, \
      'venue_text', e.venue_text, 'event_date', e.event_date, 'start_time', to_char(e.start_time, 'HH24:MI'), \
      'timezone', e.timezone, 'starts_at', rfc3339(e.starts_at), 'ends_at', rfc3339(e.starts_at + e.duration), \
      'duration_seconds', extract(epoch FROM e.duration)::bigint, \
      'capacity', e.capacity, 'is_paid', e.is_paid, \
      'ticket_price', CASE WHEN e.is_paid THEN e.ticket_price::text END, 'currency', e.currency, \
      'gst_percent', e.gst_percent, 'allowed_genders', e.allowed_genders, 'allow_plus_one', e.allow_plus_one, \
      'requires_approval', e.requires_approval, 'cover_images', e.cover_images, \
      'interests', (SELECT coalesce(jsonb_agg(jsonb_build_object('interest_id', i.uuid, 'name', i.name, \
                    'slug', i.slug, 'icon', i.icon) ORDER BY i.sort_order), '[]'::jsonb) \
                    FROM event_interest_map m JOIN event_interest i ON i.id = m.event_interest_id WHERE m.event_id = e.id), \
      'status', CASE WHEN NOT e.is_active THEN 'cancelled' WHEN e.is_published THEN 'published' ELSE 'draft' END, \
      'going_count', e.going_count, 'requests_count', e.requests_count, \
      'created_at', rfc3339(e.created_at), 'updated_at', rfc3339(e.updated_at))";

/// The detail (`DETAIL_JSON` and what only a detail shows) of the event the path's `{event_id}`
/// (`$1`) names, as viewer `$2` (internal id) may see it.
const EVENT_DETAIL: &str = concatcp!(
        "WITH target AS (SELECT e.* FROM event e WHERE ", EVENT_IS_KEY_1, "), \
          role AS (SELECT CASE WHEN t.host_id = $2 THEN 'host' \
                               WHEN EXISTS (SELECT 1 FROM event_cohost c WHERE c.event_id = t.id AND c.user_id = $2) THEN 'cohost' \
                          END AS r FROM target t) \
     SELECT ", DETAIL_JSON, " || jsonb_build_object( \
       'images', (SELECT coalesce(jsonb_agg(jsonb_build_object('image_id', im.uuid, 'image_url', im.image_url, \
                  'position', im.position) ORDER BY im.position), '[]'::jsonb) FROM event_image im WHERE im.event_id = e.id), \
       'gstin', CASE WHEN (SELECT r FROM role) IS NOT NULL THEN e.gstin END, \
       'seats_left', greatest(e.capacity - e.going_count - (SELECT coalesce(sum(h.seats), 0) FROM capacity_reservation h \
                      WHERE h.event_id = e.id AND h.status = 'held' AND h.expires_at > now()), 0), \
       'my_status', coalesce((SELECT r FROM role), \
           (SELECT CASE a.status WHEN 'checked_in' THEN 'checked_in' ELSE 'going' END FROM event_attendee a \
            WHERE a.event_id = e.id AND a.user_id = $2 AND a.status IN ('going', 'checked_in')), \
           (SELECT 'holding' FROM capacity_reservation h WHERE h.event_id = e.id AND h.user_id = $2 \
            AND h.status = 'held' AND h.expires_at > now() LIMIT 1), \
           (SELECT 'requested' FROM event_request r WHERE r.event_id = e.id AND r.requester_id = $2 \
            AND r.status IN ('pending', 'waitlisted', 'accepted') LIMIT 1), \
           (SELECT 'invited' FROM event_invite iv WHERE iv.event_id = e.id AND iv.invited_user_id = $2 \
            AND iv.status = 'pending' AND (iv.expires_at IS NULL OR iv.expires_at > now()) LIMIT 1), \
           'none')) AS detail \
     FROM target e JOIN auth_user hu ON hu.id = e.host_id LEFT JOIN user_profile hp ON hp.user_id = hu.id \
          LEFT JOIN venue v ON v.id = e.venue_id \
     WHERE e.is_published OR (SELECT r FROM role) IS NOT NULL",
);

/// The JSON detail of an event for a viewer, or `None` when absent or invisible to them
/// (drafts are the host's and co-hosts' only).
pub async fn detail(
    client: &impl CachedStatements,
    key: &str,
    viewer_id: i64,
) -> Result<Option<EventDetail>, ApiError> {
    client
        .query_opt(EVENT_DETAIL, &[&key, &viewer_id])
        .await?
        .map(|row| crate::platform::db::json_column(&row, "detail"))
        .transpose()
}
