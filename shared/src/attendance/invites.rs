//! Invites: direct (to one user) or a share link (anyone holding it, until it expires). Accepting
//! behaves exactly like an accepted request for the accepting user: same checks, same capacity
//! rules, same waitlist.

use super::invite_status::{link_expiry, needs_invite, InviteStatus, InviteType};
use super::request_status::RequestStatus;
use crate::auth::Actor;
use chrono::Utc;
use serde_json::json;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

use super::event_lock::{EventLock, EventLookup};
use super::ledger::{self, Admit};
use super::requests::{commit_answering, decide, Outcome};
use super::rules::{check_joiner, JoinerFacts};
use super::USER_BY_UUID_2;
use crate::audit::{self, AuditEntry};
use crate::auth::{active_user_id, Caller};
use crate::contract::schemas::{DirectInvite, Invite, InviteCreate, JoinRequest, ShareLinkInvite};
use crate::events::key::{EVENT_ID_OF_KEY_1, EVENT_IS_KEY_1};
use crate::notifications::notify;
use crate::platform::db::{CachedStatements, FromRow, PipelinedTransaction, Statement, Writes};
use crate::platform::error::{ApiError, FieldError, ProblemCode};
use crate::platform::http::Text;
use const_format::concatcp;

/// The JSON of invite `i` (`e` its event, `hu`/`hp` who invited, `iu` whom); a share link's
/// `url` is under the link base `$1`.
const INVITE_JSON: &str = "\
    jsonb_build_object('invite_id', i.uuid, 'event_id', e.uuid, 'event_title', e.title, 'invite_type', i.invite_type, \
      'status', CASE WHEN i.status = 'pending' AND i.expires_at <= now() THEN 'expired' ELSE i.status END, \
      'message', i.message, 'expires_at', rfc3339(i.expires_at), 'created_at', rfc3339(i.created_at), \
      'invited_by', jsonb_build_object('user_id', hu.uuid, 'name', hp.name), \
      'invited_user_id', iu.uuid, \
      'url', CASE WHEN i.invite_type = 'share_link' THEN rtrim($1::text, '/') || '/' || i.uuid END)";

/// What an invite's JSON joins (`INVITE_JSON`'s aliases).
const INVITE_FROM: &str = "FROM event_invite i JOIN event e ON e.id = i.event_id \
     JOIN auth_user hu ON hu.id = i.invited_by LEFT JOIN user_profile hp ON hp.user_id = hu.id \
     LEFT JOIN auth_user iu ON iu.id = i.invited_user_id";

/// One invite's JSON by public id (`$2`), links under `$1`.
const INVITE_BY_ID: &str = concatcp!(
    "SELECT ",
    INVITE_JSON,
    " AS invite ",
    INVITE_FROM,
    " WHERE i.uuid = $2"
);

/// User `$2`'s invites, newest first, at most `$3`, links under `$1`.
const INVITES_OF_USER: &str = concatcp!(
    "SELECT ",
    INVITE_JSON,
    " AS invite ",
    INVITE_FROM,
    " WHERE i.invited_user_id = $2 ORDER BY i.created_at DESC, i.id DESC LIMIT $3"
);

/// The JSON of one invite.
pub async fn invite_by_id(
    client: &impl CachedStatements,
    link_base: &str,
    invite: Uuid,
) -> Result<Invite, ApiError> {
    crate::platform::db::json_column(
        &client
            .query_one(INVITE_BY_ID, &[&link_base, &invite])
            .await?,
        "invite",
    )
}

/// The caller's invites, newest first.
pub async fn mine(
    client: &impl CachedStatements,
    link_base: &str,
    user_id: i64,
    limit: i64,
) -> Result<Vec<Invite>, ApiError> {
    client
        .query(INVITES_OF_USER, &[&link_base, &user_id, &limit])
        .await?
        .iter()
        .map(|row| crate::platform::db::json_column(row, "invite"))
        .collect()
}

/// The event the path's `{event_id}` (`$1`) names, as creating an invite needs it, and whether
/// the caller (`$2`, public id) co-hosts it.
const INVITING_EVENT: &str = concatcp!(
    "SELECT e.id, e.uuid, e.host_id, e.is_active AND e.starts_at > now() AS is_open, \
            EXISTS (SELECT 1 FROM event_cohost c WHERE c.event_id = e.id AND c.user_id = ",
    USER_BY_UUID_2,
    ") AS is_cohost FROM event e WHERE ",
    EVENT_IS_KEY_1,
);

/// SQL that is true when the user row `u` hosts or co-hosts the event row `e`.
const ORGANISER_IS_U: &str = organiser_is!("u.id");

/// The active user a direct invite names (`$2`, public id), with whether they organise or
/// already attend the event the path's `{event_id}` (`$1`) names.
const INVITEE: &str = concatcp!(
    "SELECT u.id, EXISTS (SELECT 1 FROM event e WHERE e.id = ",
    EVENT_ID_OF_KEY_1,
    " AND ",
    ORGANISER_IS_U,
    ") AS is_organiser, \
     EXISTS (SELECT 1 FROM event_attendee a WHERE a.event_id = ",
    EVENT_ID_OF_KEY_1,
    " AND a.user_id = u.id AND a.status IN ('going', 'checked_in')) AS is_attending \
     FROM auth_user u WHERE u.uuid = $2 AND u.is_active",
);

/// The host invites someone (direct) or makes a share link.
pub async fn create(
    actor: &Actor<'_>,
    key: &str,
    invite: InviteCreate,
) -> Result<Outcome<Invite>, ApiError> {
    let (state, caller, request_id) = (actor.state, &actor.caller, actor.request_id);
    let link_base = &state.config.attendance.invite_link_base;
    let client = state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    // The account check, the event, the caller's invites this hour and (for a direct invite)
    // the invitee with their role in the event: one round trip. The invitee is looked up
    // before the host is known to be the caller, but only read.
    let limit = super::write_limits::WriteKind::Invite;
    let invitee_uuid = match &invite {
        InviteCreate::Direct(direct) => Some(direct.user_id.0),
        InviteCreate::ShareLink(_) => None,
    };
    let event_params: [&(dyn ToSql + Sync); 2] = [&key, &caller.user_id];
    let caller_param: [&(dyn ToSql + Sync); 1] = [&caller.user_id];
    let invitee_params: [&(dyn ToSql + Sync); 2] = [&key, &invitee_uuid];
    let mut reads: Vec<Statement> = vec![
        (INVITING_EVENT, &event_params),
        (limit.count_sql(), &caller_param),
    ];
    if invitee_uuid.is_some() {
        reads.push((INVITEE, &invitee_params));
    }
    let (caller_id, rows) = crate::pipelined!(active_user_id(&tx, caller), async {
        Ok(tx.query_in_order(&reads).await?)
    })?;
    let invitee = rows.get(INVITEE_READ).and_then(|rows| rows.first());
    let row = rows[0]
        .first()
        .ok_or_else(|| ApiError::not_found("The event"))?;
    let (event_id, event_uuid, host_id, open, cohost): (i64, Uuid, i64, bool, bool) = (
        row.get("id"),
        row.get("uuid"),
        row.get("host_id"),
        row.get("is_open"),
        row.get("is_cohost"),
    );
    if host_id != caller_id {
        return Err(if cohost {
            ApiError::forbidden("Only the host sends invites.")
        } else {
            ApiError::not_found("The event")
        });
    }
    if !open {
        return Err(ApiError::conflict(
            ProblemCode::EventClosed,
            "This event is not open for joining.",
        ));
    }
    let counted = crate::platform::db::first_row(&rows[1], "write count")?;
    super::write_limits::judge(limit, counted, state.config.attendance.invites_per_hour)?;
    // The invite's id is made here, so the invite, its notice, its audit row, the answer and
    // COMMIT go out together.
    let invite_uuid = Uuid::new_v4();
    let mut writes = Writes::new();
    let kind = match invite {
        InviteCreate::Direct(DirectInvite { user_id, message }) => {
            let message = message.map(Text::into_inner).unwrap_or_default();
            let invitee = invitee.ok_or_else(|| {
                ApiError::validation(vec![FieldError::new("user_id", "is not a known user")])
            })?;
            // The user is fine; their place in this event is what stands in the way.
            needs_invite(invitee.get("is_organiser"), invitee.get("is_attending"))?;
            let invitee: i64 = invitee.get("id");
            let notice = notify::message(
                "invite_received",
                event_uuid,
                Some(caller.user_id),
                &[user_id.0],
                json!({ "message": message }),
            );
            writes
                .push(
                    "INSERT INTO event_invite (uuid, event_id, invited_by, invited_user_id, invite_type, message) \
                     VALUES ($1, $2, $3, $4, 'direct', $5)",
                    crate::owned_params![invite_uuid, event_id, caller_id, invitee, message],
                )
                .push_message(notice);
            "direct"
        }
        InviteCreate::ShareLink(ShareLinkInvite { expires_at }) => {
            let expires_at = link_expiry(expires_at.map(|at| at.0), Utc::now())?;
            writes.push(
                "INSERT INTO event_invite (uuid, event_id, invited_by, invite_type, expires_at) \
                 VALUES ($1, $2, $3, 'share_link', $4)",
                crate::owned_params![invite_uuid, event_id, caller_id, expires_at],
            );
            "share_link"
        }
    };
    writes.push_audit(&AuditEntry {
        actor: Some(caller.user_id),
        object_type: "event_invite",
        object_id: invite_uuid.to_string(),
        action: "invite",
        payload: json!({ "event_id": event_uuid, "invite_type": kind }),
        request_id: Some(request_id),
    });
    let body = tx
        .commit_writes_with(&writes, |db| invite_by_id(db, link_base, invite_uuid))
        .await?;
    Ok(Outcome {
        body,
        outbox: writes.into_messages(),
    })
}

/// An invite locked for an answer (`LOCK_INVITE_SQL`).
#[derive(FromRow)]
struct LockedInvite {
    id: i64,
    uuid: Uuid,
    invite_type: InviteType,
    status: InviteStatus,
    lapsed: bool,
    #[from_row(rename = "invited_user_id")]
    invitee: Option<i64>,
}

/// The event of invite `$1`.
const INVITE_EVENT: EventLookup =
    crate::event_lookup!("(SELECT event_id FROM event_invite WHERE uuid = $1)");

/// Locks invite `$1` (after its event), with whether it has lapsed.
const LOCK_INVITE_SQL: &str =
    "SELECT id, uuid, invite_type, status, coalesce(expires_at <= now(), false) AS lapsed, invited_user_id \
     FROM event_invite WHERE uuid = $1 FOR UPDATE";

/// Where the invitee's read comes among `create`'s reads (sent only for a direct invite).
const INVITEE_READ: usize = 2;

/// The joining facts (`rules::JoinerFacts`) of caller `$2` (public id) for the event of invite
/// `$1`, read with the invite's locks.
const INVITEE_FACTS_SQL: &str = joiner_facts!(
    "(SELECT event_id FROM event_invite WHERE uuid = $1)",
    "(SELECT id FROM auth_user WHERE uuid = $2)"
);

/// Locks the invite's event, then the invite: the one lock order (event first) that every seat
/// change and the event's own cancel follow, so none of them can deadlock with another. One
/// round trip: the account check, both locks and the caller's joining facts. 404 for a direct
/// invite of someone else's; 409 for one no longer answerable.
async fn lock_invite(
    tx: &impl CachedStatements,
    invite: Uuid,
    caller: &Caller,
) -> Result<(i64, LockedInvite, ledger::LockedEvent, JoinerFacts), ApiError> {
    let (caller_id, locked) = EventLock::of(&INVITE_EVENT, &invite)
        .then(&[
            (LOCK_INVITE_SQL, &[&invite]),
            (INVITEE_FACTS_SQL, &[&invite, &caller.user_id]),
        ])
        .run_for(tx, caller)
        .await?;
    let not_found = || ApiError::not_found("The invite");
    let locked = locked.ok_or_else(not_found)?;
    let invite: LockedInvite = locked.first(0)?.ok_or_else(not_found)?;
    let joiner: JoinerFacts = locked.first(1)?.ok_or_else(not_found)?;
    // A direct invite is the invitee's alone; anyone holding a share link may use it.
    if invite.invite_type == InviteType::Direct && invite.invitee != Some(caller_id) {
        return Err(not_found());
    }
    invite.status.answerable(invite.lapsed)?;
    Ok((caller_id, invite, locked.event, joiner))
}

/// Accepts an invite: a request is recorded for the user and decided at once (seats, hold or
/// waitlist), exactly as an accepted request.
pub async fn accept(
    actor: &Actor<'_>,
    invite: Uuid,
    seats: i16,
) -> Result<Outcome<JoinRequest>, ApiError> {
    let (state, caller, request_id) = (actor.state, &actor.caller, actor.request_id);
    let client = state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let (caller_id, locked, mut event, joiner) = lock_invite(&tx, invite, caller).await?;
    check_joiner(&event, &joiner, seats)?;
    // The request, its decision, the invite's answer and the notice all go out with COMMIT.
    let request_uuid = Uuid::new_v4();
    let mut writes = Writes::new();
    writes.push(
        "INSERT INTO event_request (uuid, event_id, requester_id, message, seats_requested, invite_id, status) \
         VALUES ($1, $2, $3, 'Accepted an invite', $4, $5, 'pending')",
        crate::owned_params![request_uuid, event.id, caller_id, seats, locked.id],
    );
    let who = Admit {
        user_id: caller_id,
        user_uuid: caller.user_id,
        seats,
        request: Some(request_uuid),
        invite_id: Some(locked.id),
    };
    let status = decide(state, &mut event, request_uuid, who, false, &mut writes)?;
    let kind = if status == RequestStatus::Accepted {
        "request_accepted"
    } else {
        "request_waitlisted"
    };
    if locked.invite_type == InviteType::Direct {
        writes.push(
            "UPDATE event_invite SET status = 'accepted', responded_at = now() WHERE id = $1",
            crate::owned_params![locked.id],
        );
    }
    let notice = notify::message(
        kind,
        event.uuid,
        Some(event.host_uuid),
        &[caller.user_id],
        json!({ "invite_id": locked.uuid }),
    );
    writes.push_message(notice);
    let audited = AuditEntry {
        actor: Some(caller.user_id),
        object_type: "event_invite",
        object_id: locked.uuid.to_string(),
        action: "accept",
        payload: json!({ "seats": seats, "result": status }),
        request_id: Some(request_id),
    };
    commit_answering(tx, writes, &audited, request_uuid).await
}

/// Declines a direct invite (a share link is simply not used).
pub async fn decline(actor: &Actor<'_>, invite: Uuid) -> Result<Invite, ApiError> {
    let (state, caller, request_id) = (actor.state, &actor.caller, actor.request_id);
    let client = state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let (_, locked, _event, _) = lock_invite(&tx, invite, caller).await?;
    if locked.invite_type != InviteType::Direct {
        return Err(ApiError::conflict(
            ProblemCode::InvalidTransition,
            "A share link cannot be declined; just don't use it.",
        ));
    }
    let audited = AuditEntry {
        actor: Some(caller.user_id),
        object_type: "event_invite",
        object_id: locked.uuid.to_string(),
        action: "decline",
        payload: json!({}),
        request_id: Some(request_id),
    };
    // The answer, its audit row, the invite as it now is and COMMIT: one round trip.
    let body = tx
        .commit_after_with(
            &[
                (
                    "UPDATE event_invite SET status = 'declined', responded_at = now() WHERE id = $1",
                    &[&locked.id],
                ),
                (audit::INSERT_SQL, &audit::params(&audited)),
            ],
            |db| {
                invite_by_id(db, &state.config.attendance.invite_link_base, locked.uuid)
            },
        )
        .await?;
    Ok(body)
}
