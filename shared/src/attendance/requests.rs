//! Requests to join: create (decided at once when the event needs no approval), the host's
//! list, and what answering one shares with invites (the joining checks, the decision, the
//! request's JSON); answering and withdrawing are in `answers.rs`.

use super::request_status::RequestStatus;
use super::store;
use crate::auth::Actor;
use crate::contract::schemas::JoinRequest;
use serde_json::json;
use uuid::Uuid;

use super::ledger::{self, Admit, LockedEvent};
use crate::auth::{active_user_id, Caller};
use crate::platform::audit::AuditEntry;
use crate::platform::cursor::{self, Page};

use super::event_lock::{EventLock, Locked, EVENT_BY_KEY};
use super::rules::{check_joiner, JoinerFacts};
use super::write_limits::{self, WriteKind};
use crate::app::state::AppState;
use crate::notifications::notify;
use crate::platform::db::{CachedStatements, PipelinedTransaction, Writes};
use crate::platform::error::{ApiError, FieldError};
use crate::platform::http::ApiRequest;
use crate::platform::outbox::OutboxMessage;

/// Loads a request's JSON by its public id.
pub async fn request_json(
    client: &impl CachedStatements,
    request: Uuid,
) -> Result<JoinRequest, ApiError> {
    crate::platform::db::json_column(
        &client.query_one(store::REQUEST_BY_ID, &[&request]).await?,
        "request",
    )
}

/// The caller's requests (internal id), newest first, at most `limit`.
pub async fn of_user(
    client: &impl CachedStatements,
    user_id: i64,
    limit: i64,
) -> Result<Vec<JoinRequest>, ApiError> {
    let rows = client
        .query(store::REQUESTS_OF_USER, &[&user_id, &limit])
        .await?;
    crate::platform::db::json_rows(&rows, "request")
}

/// The result of a write: the answer and the outbox messages to publish after commit.
pub struct Outcome<T> {
    /// The answer body.
    pub body: T,
    /// Outbox messages to publish.
    pub outbox: Vec<OutboxMessage>,
}

/// The event `key` names, if `viewer` may see it (published, or theirs to organise), and whether
/// `viewer` organises it: one round trip.
async fn event_id_for(
    tx: &impl CachedStatements,
    key: &str,
    viewer: Uuid,
) -> Result<(i64, bool), ApiError> {
    tx.query_opt(store::EVENT_FOR_VIEWER, &[&key, &viewer])
        .await?
        .map(|r| (r.get("id"), r.get("organiser")))
        .ok_or_else(|| ApiError::not_found("The event"))
}

/// Decides a request now: seats for it (attendee or hold) or the waitlist, as writes added to
/// `writes`. The request row must be locked and the event locked; `was_pending` keeps
/// `requests_count` true. Returns the new status.
pub(crate) fn decide(
    state: &AppState,
    event: &mut LockedEvent,
    request: Uuid,
    who: Admit,
    was_pending: bool,
    writes: &mut Writes,
) -> Result<RequestStatus, ApiError> {
    if was_pending {
        writes.push(
            store::EVENT_REQUESTS_COUNT_DOWN,
            crate::owned_params![event.id],
        );
    }
    let status = super::rules::decision(event, who.seats);
    writes.push(
        store::SET_REQUEST_STATUS,
        crate::owned_params![request, status],
    );
    if status == RequestStatus::Accepted {
        ledger::admit(state, event, who, writes)?;
    }
    Ok(status)
}

/// `POST /v1/events/{event_id}/requests`: asks to join; accepted at once when the event needs no
/// approval.
pub async fn create(
    actor: &Actor<'_>,
    key: &str,
    message: String,
    seats: i16,
) -> Result<Outcome<JoinRequest>, ApiError> {
    let client = actor.state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    // The account check, the event's lock and ledger, then what the checks read of the &actor.caller
    // and whom to tell: one round trip. The event is found by its key inside each statement,
    // the &actor.caller by public id.
    let limit = WriteKind::JoinRequest;
    let (user_id, locked) = EventLock::of(&EVENT_BY_KEY, &key)
        .then(&[
            (store::JOINER_FACTS, &[&key, &actor.caller.user_id]),
            (limit.count_sql(), &[&actor.caller.user_id]),
            (store::ORGANISERS, &[&key]),
        ])
        .run_for(&tx, &actor.caller)
        .await?;
    let Locked {
        mut event,
        rows: facts,
    } = locked.ok_or_else(|| ApiError::not_found("The event"))?;
    let joiner: JoinerFacts = crate::platform::db::first_row(&facts[0], "joiner facts")?;
    // A draft is invisible to all but its organisers.
    if !event.is_published && !joiner.is_organiser {
        return Err(ApiError::not_found("The event"));
    }
    check_joiner(&event, &joiner, seats)?;
    let counted = crate::platform::db::first_row(&facts[1], "write count")?;
    write_limits::judge(
        limit,
        counted,
        actor.state.config.attendance.requests_per_hour,
    )?;
    // The id is made here, so the request and everything that names it go out with COMMIT.
    let request_uuid = Uuid::new_v4();
    let mut writes = Writes::new();
    writes.push(
        store::INSERT_REQUEST,
        crate::owned_params![event.id, user_id, message, seats, request_uuid],
    );
    let status = if event.requires_approval {
        let organisers: Vec<Uuid> = facts[2].iter().map(|r| r.get("uuid")).collect();
        let notice = notify::message(
            "request_received",
            event.uuid,
            Some(actor.caller.user_id),
            &organisers,
            json!({ "actor.request_id": request_uuid, "seats": seats }),
        );
        writes.push_message(notice);
        RequestStatus::Pending
    } else {
        let who = Admit {
            user_id,
            user_uuid: actor.caller.user_id,
            seats,
            request: Some(request_uuid),
            invite_id: None,
        };
        decide(
            actor.state,
            &mut event,
            request_uuid,
            who,
            true,
            &mut writes,
        )?
    };
    let audited = AuditEntry {
        actor: Some(actor.caller.user_id),
        object_type: "event_request",
        object_id: request_uuid.to_string(),
        action: "create",
        payload: json!({ "event_id": event.uuid, "seats": seats, "status": status }),
        request_id: Some(actor.request_id),
    };
    let outcome = commit_answering(tx, writes, &audited, request_uuid).await?;
    crate::platform::metrics::emit("request_created");
    Ok(outcome)
}

/// Commits after the gathered `writes` and the change's audit row and answers with the
/// request's JSON (one round trip), with the messages to publish.
pub(crate) async fn commit_answering(
    tx: PipelinedTransaction<'_>,
    mut writes: Writes,
    audited: &AuditEntry<'_>,
    request: Uuid,
) -> Result<Outcome<JoinRequest>, ApiError> {
    writes.push_audit(audited);
    let body = tx
        .commit_writes_with(&writes, |db| request_json(db, request))
        .await?;
    Ok(Outcome {
        body,
        outbox: writes.into_messages(),
    })
}

/// Host and co-hosts list an event's requests, oldest first, optionally by status.
pub async fn list_for_event(
    state: &AppState,
    caller: &Caller,
    key: &str,
    req: &ApiRequest,
) -> Result<Page<JoinRequest>, ApiError> {
    const STATUSES: &[&str] = &[
        "pending",
        "accepted",
        "declined",
        "cancelled",
        "waitlisted",
        "expired",
    ];
    let status = req.query_param("status");
    let mut errors = Vec::new();
    if status.is_some_and(|s| !STATUSES.contains(&s)) {
        errors.push(FieldError::new("status", "is not a request status"));
    }
    let (limit, after) = cursor::window(req, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let client = state.pool.get().await?;
    let (_, (event_id, organiser)) = crate::pipelined!(
        active_user_id(&client, caller),
        event_id_for(&client, key, caller.user_id)
    )?;
    if !organiser {
        return Err(ApiError::forbidden(
            "Only the host or a co-host can see requests.",
        ));
    }
    let (after_time, after_uuid) = after.unzip();
    let rows = client
        .query(
            store::REQUESTS_OF_EVENT,
            &[&event_id, &status, &after_time, &after_uuid, &(limit + 1)],
        )
        .await?;
    cursor::json_page(&rows, limit)
}
