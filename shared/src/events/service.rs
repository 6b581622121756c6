//! Event rules: create, update, publish, unpublish, cancel. Each is one transaction with its
//! audit row and outbox messages; the messages are published after commit.

use super::store;
use crate::auth::Actor;
use crate::contract::schemas::EventDetail;
use crate::interests;
use crate::platform::error::ProblemCode;
use chrono::Utc;
use serde_json::json;
use uuid::Uuid;

use super::fields::EventFields;
use super::repo::{self, EventForEdit, Role};
use super::rules::{may_change, Change, EDIT_DETAILS};
use crate::app::state::AppState;
use crate::auth::{active_user_id, Caller};
use crate::domain::text::slugify;
use crate::notifications::notify;
use crate::platform::audit::{self, AuditEntry};
use crate::platform::db::{PipelinedTransaction, Statement};
use crate::platform::error::{ApiError, FieldError};
use crate::platform::http::FieldReader;

/// What a write returns: the event's detail and the outbox messages to publish.
pub struct Written {
    /// The event as the caller now sees it.
    pub detail: EventDetail,
    /// Outbox ids to publish after commit.
    pub outbox: Vec<crate::platform::outbox::OutboxMessage>,
}

/// The tail of every event write: the last `writes` in order, the detail as `viewer` then sees
/// it and COMMIT in one round trip; hands back what the handler answers and publishes.
pub(super) async fn commit_with_detail(
    tx: PipelinedTransaction<'_>,
    writes: &[Statement<'_>],
    event: Uuid,
    viewer: i64,
    outbox: Vec<crate::platform::outbox::OutboxMessage>,
) -> Result<Written, ApiError> {
    let key = event.to_string();
    let detail = tx
        .commit_after_with(writes, |db| repo::detail(db, &key, viewer))
        .await?
        .ok_or_else(|| ApiError::not_found("The event"))?;
    Ok(Written { detail, outbox })
}

async fn resolve_venue(
    tx: &impl crate::platform::db::CachedStatements,
    fields: &EventFields,
) -> Result<Option<i64>, ApiError> {
    match fields.venue_id {
        None => Ok(None),
        Some(venue) => repo::venue_id(tx, venue).await?.map(Some).ok_or_else(|| {
            ApiError::validation(vec![FieldError::new("venue_id", "is not a known venue")])
        }),
    }
}

async fn resolve_interests(
    tx: &impl crate::platform::db::CachedStatements,
    slugs: &[String],
) -> Result<Vec<i64>, ApiError> {
    let found = interests::repo::ids_by_slug(tx, slugs).await?;
    interests::resolve(slugs, &found, interests::Repeats::Refused)
}

/// Slugs to try for a title: the title's own, then one with a random suffix.
fn slug_candidates(title: &str) -> [String; 2] {
    let base = slugify(title);
    let suffix = &Uuid::new_v4().simple().to_string()[..6];
    let suffixed = format!("{base}-{suffix}");
    [base, suffixed]
}

/// Creates an event (a draft unless `is_published`) hosted by the caller.
pub async fn create(actor: &Actor<'_>, mut reader: FieldReader) -> Result<Written, ApiError> {
    let now = Utc::now();
    let mut fields = EventFields::blank();
    let publish = fields.read(&mut reader, true, now).unwrap_or(false);
    if publish {
        for missing in fields.missing_for_publish(now) {
            if !reader.has_errors_for(&missing.field) {
                reader.error(&missing.field, missing.message);
            }
        }
    }
    reader.finish()?;

    let client = actor.state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let (host_id, venue_id, interest_ids) = crate::pipelined!(
        active_user_id(&tx, &actor.caller),
        resolve_venue(&tx, &fields),
        resolve_interests(&tx, &fields.interests)
    )?;
    let mut created = None;
    for _attempt in 0..4 {
        created = repo::insert(
            &tx,
            host_id,
            &slug_candidates(&fields.title),
            &fields,
            venue_id,
            publish,
        )
        .await?;
        if created.is_some() {
            break;
        }
    }
    let (event_id, event_uuid) =
        created.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no free slug")))?;
    let audited = AuditEntry {
        actor: Some(actor.caller.user_id),
        object_type: "event",
        object_id: event_uuid.to_string(),
        action: "create",
        payload: json!({ "title": fields.title, "is_published": publish, "is_paid": fields.is_paid }),
        request_id: Some(actor.request_id),
    };
    let audit_params = audit::params(&audited);
    let keep = crate::uploads::keep_message(
        actor.state.config.uploads_public_base_url.as_deref(),
        fields.cover_images.iter().map(String::as_str),
    );
    let keep_params = keep.as_ref().map(|message| message.params());
    let interests_params: [&(dyn tokio_postgres::types::ToSql + Sync); 2] =
        [&event_id, &interest_ids];
    let mut writes: Vec<Statement> = vec![
        (store::INSERT_EVENT_INTERESTS, &interests_params),
        (audit::INSERT_SQL, &audit_params),
    ];
    writes.extend(
        keep_params
            .as_ref()
            .map(|p| (crate::platform::outbox::INSERT_SQL, &p[..])),
    );
    commit_with_detail(tx, &writes, event_uuid, host_id, Vec::new()).await
}

/// The caller's id and the event they may make `change` to (locked), checked in one round
/// trip: 401 for an account no longer active, then `rules::may_change`.
pub(super) async fn editable(
    tx: &impl crate::platform::db::CachedStatements,
    key: &str,
    caller: &Caller,
    change: Change,
) -> Result<(i64, EventForEdit), ApiError> {
    let (caller_id, event) = crate::pipelined!(active_user_id(tx, caller), async {
        repo::load_for_edit(tx, key, caller.user_id).await
    })?;
    Ok((caller_id, may_change(event, change)?))
}

/// Applies a partial update by the host or a co-host, enforcing the rules on change:
/// capacity ≥ seats taken, pricing fixed once an order exists, guests told of a new date,
/// time or venue.
pub async fn update(
    actor: &Actor<'_>,
    key: &str,
    mut reader: FieldReader,
) -> Result<Written, ApiError> {
    let client = actor.state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let (caller_id, event) = editable(&tx, key, &actor.caller, EDIT_DETAILS).await?;
    if reader.has("is_published") {
        reader.error("is_published", "use the publish and unpublish routes");
    }
    let before = event.fields.clone();
    let mut fields = event.fields.clone();
    // `is_published` was refused above: an update publishes through its own routes.
    let _ = fields.read(&mut reader, false, Utc::now());
    // A co-host asking for a host-only change is refused before the values are judged: the
    // change is not theirs to make, valid or not.
    if event.role == Role::Cohost {
        let refused = super::fields::host_only_changes(&before, &fields);
        if !refused.is_empty() {
            return Err(ApiError::forbidden(
                "A co-host cannot change the price, paid or free, GST, capacity or approval mode.",
            )
            .with_errors(
                refused
                    .into_iter()
                    .map(|field| FieldError::new(field, "only the host can change this"))
                    .collect(),
            ));
        }
    }
    reader.finish()?;
    if event.is_published && fields.venue_id.is_none() && fields.venue_text.is_none() {
        return Err(ApiError::conflict(
            ProblemCode::VenueRequired,
            "A published event keeps a venue: set another one, or unpublish it first.",
        ));
    }

    if fields.capacity != before.capacity {
        let taken = repo::seats_taken(&tx, event.id).await?;
        if i64::from(fields.capacity) < taken {
            return Err(ApiError::conflict(
                ProblemCode::CapacityBelowTaken,
                format!("{taken} seats are already taken; capacity cannot go below that."),
            )
            .with_extra("seats_taken", json!(taken)));
        }
    }
    let pricing_changed = fields.is_paid != before.is_paid
        || fields.ticket_price != before.ticket_price
        || fields.gst_percent != before.gst_percent;
    if pricing_changed && repo::has_orders(&tx, event.id).await? {
        return Err(ApiError::conflict(
            ProblemCode::PricingLocked,
            "Price, paid flag and GST cannot change once tickets were ordered.",
        ));
    }
    let venue_id = resolve_venue(&tx, &fields).await?;
    if fields.interests != before.interests {
        let ids = resolve_interests(&tx, &fields.interests).await?;
        repo::replace_interests(&tx, event.id, &ids).await?;
    }
    repo::update(&tx, event.id, &fields, venue_id).await?;

    let mut changed: Vec<&str> = Vec::new();
    if fields.event_date != before.event_date {
        changed.push("event_date");
    }
    if fields.start_time != before.start_time || fields.timezone != before.timezone {
        changed.push("start_time");
    }
    if fields.venue_id != before.venue_id || fields.venue_text != before.venue_text {
        changed.push("venue");
    }
    let mut outbox_ids = Vec::new();
    if !changed.is_empty() {
        let recipients = repo::going_user_ids(&tx, event.id).await?;
        outbox_ids.extend(
            notify::queue(
                &tx,
                "event_changed",
                event.uuid,
                Some(actor.caller.user_id),
                &recipients,
                json!({ "changes": changed }),
            )
            .await?,
        );
    }
    if fields.capacity > before.capacity {
        let mut promotions = crate::platform::db::Writes::new();
        crate::attendance::ledger::promote_waitlist(
            &tx,
            actor.state,
            event.id,
            &[],
            &mut promotions,
        )
        .await?;
        promotions.run(&tx).await?;
        outbox_ids.extend(promotions.into_messages());
    }
    let audited = AuditEntry {
        actor: Some(actor.caller.user_id),
        object_type: "event",
        object_id: event.uuid.to_string(),
        action: "update",
        payload: json!({ "fields": reader_fields(&before, &fields) }),
        request_id: Some(actor.request_id),
    };
    let audit_params = audit::params(&audited);
    // Only pictures new to the event need keeping; the others were kept when they came.
    let keep = crate::uploads::keep_message(
        actor.state.config.uploads_public_base_url.as_deref(),
        fields
            .cover_images
            .iter()
            .filter(|url| !before.cover_images.contains(url))
            .map(String::as_str),
    );
    let keep_params = keep.as_ref().map(|message| message.params());
    let mut writes: Vec<Statement> = vec![(audit::INSERT_SQL, &audit_params)];
    writes.extend(
        keep_params
            .as_ref()
            .map(|p| (crate::platform::outbox::INSERT_SQL, &p[..])),
    );
    commit_with_detail(tx, &writes, event.uuid, caller_id, outbox_ids).await
}

fn reader_fields(before: &EventFields, after: &EventFields) -> Vec<&'static str> {
    let mut names = Vec::new();
    macro_rules! diff {
        ($($field:ident),*) => { $( if before.$field != after.$field { names.push(stringify!($field)); } )* };
    }
    diff!(
        title,
        description,
        mood,
        venue_id,
        venue_text,
        event_date,
        start_time,
        timezone,
        duration_secs,
        capacity,
        is_paid,
        ticket_price,
        gst_percent,
        gstin,
        allowed_genders,
        allow_plus_one,
        cover_images,
        interests,
        requires_approval
    );
    names
}

/// An event's detail for a signed-in viewer.
pub async fn detail(state: &AppState, caller: &Caller, key: &str) -> Result<EventDetail, ApiError> {
    let client = state.pool.get().await?;
    let viewer = active_user_id(&client, caller).await?;
    repo::detail(&client, key, viewer)
        .await?
        .ok_or_else(|| ApiError::not_found("The event"))
}
