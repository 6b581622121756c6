//! Requests to join: create (decided at once when the event needs no approval), the host's
//! list, and what answering one shares with invites (the joining checks, the decision, the
//! request's JSON); answering and withdrawing are in `answers.rs`.

use serde_json::{json, Value};
use uuid::Uuid;

use super::ledger::{self, Admit, LockedEvent};
use crate::audit::{self, AuditEntry};
use crate::auth::{active_user_id, Caller};
use crate::cursor::{self, Page};
use tokio_postgres::Row;

use crate::db::{CachedStatements, PipelinedTransaction, Statement};
use crate::error::{ApiError, FieldError};
use crate::http::ApiRequest;
use crate::notify;
use crate::state::AppState;

/// The JSON of a request (`r` request, `e` event, `u`/`p` requester).
pub const REQUEST_JSON: &str = "\
    jsonb_build_object('request_id', r.uuid, 'event_id', e.uuid, 'status', r.status, \
      'seats_requested', r.seats_requested, 'message', r.message, 'host_message', r.host_message, \
      'created_at', rfc3339(r.created_at), 'responded_at', rfc3339(r.responded_at), \
      'requester', jsonb_build_object('user_id', u.uuid, 'name', p.name, \
                                      'profile_picture', p.profile_pictures->>0, 'gender', p.gender), \
      'hold', (SELECT jsonb_build_object('reservation_key', h.reservation_key, 'seats', h.seats, \
                 'expires_at', rfc3339(h.expires_at), \
                 'status', CASE WHEN h.status = 'held' AND h.expires_at <= now() THEN 'expired' ELSE h.status END) \
               FROM capacity_reservation h WHERE h.request_id = r.id ORDER BY h.id DESC LIMIT 1), \
      'attendee_id', (SELECT a.uuid FROM event_attendee a WHERE a.request_id = r.id AND a.status <> 'cancelled' LIMIT 1))";

/// Loads a request's JSON.
pub async fn request_json(
    client: &impl CachedStatements,
    request_id: i64,
) -> Result<Value, ApiError> {
    Ok(client
        .query_one(
            &format!(
                "SELECT {REQUEST_JSON} FROM event_request r JOIN event e ON e.id = r.event_id \
                 JOIN auth_user u ON u.id = r.requester_id LEFT JOIN user_profile p ON p.user_id = u.id WHERE r.id = $1"
            ),
            &[&request_id],
        )
        .await?
        .get(0))
}

/// The result of a write: the JSON answer and the outbox ids to publish after commit.
pub struct Outcome {
    /// The answer body.
    pub body: Value,
    /// Outbox ids.
    pub outbox: Vec<i64>,
}

/// Host and co-hosts' public ids (who hears about new requests).
pub async fn organisers(tx: &impl CachedStatements, event_id: i64) -> Result<Vec<Uuid>, ApiError> {
    Ok(tx
        .query(
            "SELECT u.uuid FROM event e JOIN auth_user u ON u.id = e.host_id WHERE e.id = $1 \
             UNION SELECT u.uuid FROM event_cohost c JOIN auth_user u ON u.id = c.user_id WHERE c.event_id = $1",
            &[&event_id],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

/// SQL that is true when user `$2` hosts or co-hosts the event row `e`.
pub(crate) const ORGANISER_IS_USER_2: &str = organiser_is!("$2");

/// SQL that is true when the user row `me` (joined by the query) hosts or co-hosts the event
/// row `e`; `me` found by public id lets the account check go in the same round trip.
pub(crate) const ORGANISER_IS_ME: &str = organiser_is!("me.id");

/// Whether `user_id` is the host or a co-host of the event.
pub async fn is_organiser(
    tx: &impl CachedStatements,
    event_id: i64,
    user_id: i64,
) -> Result<bool, ApiError> {
    Ok(tx
        .query_one(
            concat!(
                "SELECT EXISTS (SELECT 1 FROM event e WHERE e.id = $1 AND ",
                organiser_is!("$2"),
                ")"
            ),
            &[&event_id, &user_id],
        )
        .await?
        .get(0))
}

/// What the joining checks need of user `$2` and event `$1`: whether they organise it, their
/// gender and whether they already go. Sent right after the event lock
/// (`ledger::lock_event_then`), so it sees what the transactions it waited for committed.
pub const JOINER_FACTS_SQL: &str = concat!(
    "SELECT EXISTS (SELECT 1 FROM event e WHERE e.id = $1 AND ",
    organiser_is!("$2"),
    "), (SELECT gender FROM user_profile WHERE user_id = $2), \
     EXISTS (SELECT 1 FROM event_attendee WHERE event_id = $1 AND user_id = $2 AND status <> 'cancelled')"
);

/// The checks a person must pass to join (request or invite), on the locked event and the row
/// of `JOINER_FACTS_SQL`: an open event, not their own, a stated and allowed gender, a legal
/// seat count, not already going.
pub fn check_joiner(event: &LockedEvent, facts: &[Row], seats: i16) -> Result<(), ApiError> {
    if !event.is_open {
        return Err(ApiError::conflict(
            "event_closed",
            "This event is not open for joining.",
        ));
    }
    let facts = facts
        .first()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no joiner facts")))?;
    let (organiser, gender, attending): (bool, Option<String>, bool) =
        (facts.get(0), facts.get(1), facts.get(2));
    if organiser {
        return Err(ApiError::conflict(
            "organiser_cannot_join",
            "Hosts and co-hosts do not request to join their own event.",
        ));
    }
    let max_seats = if event.allow_plus_one { 2 } else { 1 };
    if !(1..=max_seats).contains(&seats) {
        return Err(ApiError::validation(vec![FieldError::new(
            "seats_requested",
            if event.allow_plus_one {
                "must be 1 or 2"
            } else {
                "must be 1: this event allows no plus-one"
            },
        )]));
    }
    let Some(gender) = gender else {
        return Err(ApiError::client(
            http::StatusCode::UNPROCESSABLE_ENTITY,
            "profile_incomplete",
            "Set your gender in your profile before joining events.",
        )
        .with_errors(vec![FieldError::new(
            "gender",
            "is required to join events",
        )]));
    };
    if !event.allowed_genders.contains(&gender) {
        return Err(ApiError::client(
            http::StatusCode::FORBIDDEN,
            "gender_not_allowed",
            "This event is not open to your gender.",
        ));
    }
    if attending {
        return Err(ApiError::conflict(
            "already_attending",
            "You are already going to this event.",
        ));
    }
    Ok(())
}

/// The event `key` names, if `viewer` may see it (published, or theirs to organise), and whether
/// `viewer` organises it: one round trip.
async fn event_id_for(
    tx: &impl CachedStatements,
    key: &str,
    viewer: Uuid,
) -> Result<(i64, bool), ApiError> {
    let condition = crate::events::repo::key_condition(key);
    tx.query_opt(
        &format!(
            "SELECT e.id, o.organiser FROM event e \
             CROSS JOIN (SELECT id FROM auth_user WHERE uuid = $2) me \
             CROSS JOIN LATERAL (SELECT {ORGANISER_IS_ME} AS organiser) o \
             WHERE {condition} AND (e.is_published OR o.organiser)"
        ),
        &[&key, &viewer],
    )
    .await?
    .map(|r| (r.get(0), r.get(1)))
    .ok_or_else(|| ApiError::not_found("The event"))
}

/// What `decide` makes of a request for `seats` on the locked event: `accepted` when the seats
/// are free, else `waitlisted`.
pub(crate) fn decision(event: &LockedEvent, seats: i16) -> &'static str {
    if i64::from(seats) <= event.available {
        "accepted"
    } else {
        "waitlisted"
    }
}

/// Decides a request now: seats for it (attendee or hold) or the waitlist. The request row must
/// be locked and the event locked; `was_pending` keeps `requests_count` true.
pub(crate) async fn decide(
    tx: &impl CachedStatements,
    state: &AppState,
    event: &mut LockedEvent,
    request_id: i64,
    who: Admit,
    was_pending: bool,
) -> Result<(&'static str, Vec<i64>), ApiError> {
    let event_id = event.id;
    let counted = async {
        if was_pending {
            tx.execute(
                "UPDATE event SET requests_count = requests_count - 1 WHERE id = $1",
                &[&event_id],
            )
            .await?;
        }
        Ok(())
    };
    let status = decision(event, who.seats);
    let marked = async {
        tx.execute(
            "UPDATE event_request SET status = $2, responded_at = now() WHERE id = $1",
            &[&request_id, &status],
        )
        .await?;
        Ok(())
    };
    // The count, the request's new status and the admission: one round trip.
    if status == "accepted" {
        let ((), (), (_admission, outbox)) =
            crate::pipelined!(counted, marked, ledger::admit(tx, state, event, who))?;
        Ok((status, outbox))
    } else {
        crate::pipelined!(counted, marked)?;
        Ok((status, Vec::new()))
    }
}

/// `POST /v1/events/{event_id}/requests`: asks to join; accepted at once when the event needs no
/// approval.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    key: &str,
    message: String,
    seats: i16,
    request_id: &str,
) -> Result<Outcome, ApiError> {
    let client = state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let (user_id, (event_id, _)) = crate::pipelined!(
        active_user_id(&tx, caller),
        event_id_for(&tx, key, caller.user_id)
    )?;
    // The event's lock and ledger, then what the checks read of the caller: one round trip.
    let limit = super::write_limits::WriteKind::JoinRequest;
    let counted_sql = super::write_limits::count_sql(limit);
    let (mut event, facts) = ledger::lock_event_then(
        &tx,
        event_id,
        &[
            (JOINER_FACTS_SQL, &[&event_id, &user_id]),
            (&counted_sql, &[&user_id]),
        ],
    )
    .await?;
    check_joiner(&event, &facts[0], seats)?;
    let counted = facts[1]
        .first()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no write count")))?;
    super::write_limits::judge(limit, counted, state.config.attendance.requests_per_hour)?;
    // The id is made here so the insert and the list of whom to tell go out together.
    let request_uuid = Uuid::new_v4();
    let (row, organisers) = crate::pipelined!(
        async {
            Ok(tx
                .query_one(
                    "WITH r AS (INSERT INTO event_request (uuid, event_id, requester_id, message, seats_requested) \
                                VALUES ($5, $1, $2, $3, $4) RETURNING id), \
                          c AS (UPDATE event SET requests_count = requests_count + 1 WHERE id = $1) \
                     SELECT id FROM r",
                    &[&event.id, &user_id, &message, &seats, &request_uuid],
                )
                .await?)
        },
        async {
            if event.requires_approval {
                organisers(&tx, event.id).await
            } else {
                Ok(Vec::new())
            }
        },
    )?;
    let request_row: i64 = row.get(0);
    let mut outbox = Vec::new();
    let status = if event.requires_approval {
        outbox.extend(
            notify::queue(
                &tx,
                "request_received",
                event.uuid,
                Some(caller.user_id),
                &organisers,
                json!({ "request_id": request_uuid, "seats": seats }),
            )
            .await?,
        );
        "pending"
    } else {
        let who = Admit {
            user_id,
            user_uuid: caller.user_id,
            seats,
            request_id: Some(request_row),
            invite_id: None,
        };
        let (status, ids) = decide(&tx, state, &mut event, request_row, who, true).await?;
        outbox.extend(ids);
        status
    };
    let audited = AuditEntry {
        actor: Some(caller.user_id),
        object_type: "event_request",
        object_id: request_uuid.to_string(),
        action: "create",
        payload: json!({ "event_id": event.uuid, "seats": seats, "status": status }),
        request_id: Some(request_id),
    };
    let outcome = commit_answering(&tx, &[], &audited, request_row, outbox).await?;
    crate::metrics::emit("request_created");
    Ok(outcome)
}

/// Commits after the last `writes` and the change's audit row and answers with the request's
/// JSON: one round trip.
pub(crate) async fn commit_answering(
    tx: &PipelinedTransaction<'_>,
    writes: &[Statement<'_>],
    audited: &AuditEntry<'_>,
    request: i64,
    outbox: Vec<i64>,
) -> Result<Outcome, ApiError> {
    let audit_params = audit::params(audited);
    let mut all = writes.to_vec();
    all.push((audit::INSERT_SQL, &audit_params));
    let body = tx
        .commit_after_with(&all, request_json(tx, request))
        .await?;
    Ok(Outcome { body, outbox })
}

/// Host and co-hosts list an event's requests, oldest first, optionally by status.
pub async fn list_for_event(
    state: &AppState,
    caller: &Caller,
    key: &str,
    req: &ApiRequest,
) -> Result<Page<Value>, ApiError> {
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
            &format!(
                "SELECT {REQUEST_JSON}, r.created_at, r.uuid FROM event_request r JOIN event e ON e.id = r.event_id \
                 JOIN auth_user u ON u.id = r.requester_id LEFT JOIN user_profile p ON p.user_id = u.id \
                 WHERE r.event_id = $1 AND ($2::text IS NULL OR r.status = $2) \
                   AND ($3::timestamptz IS NULL OR (r.created_at, r.uuid) > ($3, $4::uuid)) \
                 ORDER BY r.created_at, r.uuid LIMIT $5"
            ),
            &[&event_id, &status, &after_time, &after_uuid, &(limit + 1)],
        )
        .await?;
    Ok(cursor::json_page(&rows, limit))
}
