//! Invites: direct (to one user) or a share link (anyone holding it, until it expires). Accepting
//! behaves exactly like an accepted request for the accepting user: same checks, same capacity
//! rules, same waitlist.

use super::invite_status::{link_expiry, needs_invite, InviteStatus, InviteType};
use super::request_status::RequestStatus;
use super::store;
use crate::auth::Actor;
use chrono::Utc;
use serde_json::json;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

use super::event_lock::EventLock;
use super::ledger::{self, Admit};
use super::requests::{commit_answering, decide, Outcome};
use super::rules::{check_joiner, JoinerFacts};
use crate::auth::{active_user_id, Caller};
use crate::contract::schemas::{DirectInvite, Invite, InviteCreate, JoinRequest, ShareLinkInvite};
use crate::notifications::notify;
use crate::platform::audit::{self, AuditEntry};
use crate::platform::db::{CachedStatements, FromRow, PipelinedTransaction, Statement, Writes};
use crate::platform::error::{ApiError, FieldError, ProblemCode};
use crate::platform::http::Text;

/// The JSON of one invite.
pub async fn invite_by_id(
    client: &impl CachedStatements,
    link_base: &str,
    invite: Uuid,
) -> Result<Invite, ApiError> {
    crate::platform::db::json_column(
        &client
            .query_one(store::INVITE_BY_ID, &[&link_base, &invite])
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
    let rows = client
        .query(store::INVITES_OF_USER, &[&link_base, &user_id, &limit])
        .await?;
    crate::platform::db::json_rows(&rows, "invite")
}

/// The host invites someone (direct) or makes a share link.
pub async fn create(
    actor: &Actor<'_>,
    key: &str,
    invite: InviteCreate,
) -> Result<Outcome<Invite>, ApiError> {
    let link_base = &actor.state.config.attendance.invite_link_base;
    let client = actor.state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    // The account check, the event, the &actor.caller's invites this hour and (for a direct invite)
    // the invitee with their role in the event: one round trip. The invitee is looked up
    // before the host is known to be the &actor.caller, but only read.
    let limit = super::write_limits::WriteKind::Invite;
    let invitee_uuid = match &invite {
        InviteCreate::Direct(direct) => Some(direct.user_id.0),
        InviteCreate::ShareLink(_) => None,
    };
    let event_params: [&(dyn ToSql + Sync); 2] = [&key, &actor.caller.user_id];
    let caller_param: [&(dyn ToSql + Sync); 1] = [&actor.caller.user_id];
    let invitee_params: [&(dyn ToSql + Sync); 2] = [&key, &invitee_uuid];
    let mut reads: Vec<Statement> = vec![
        (store::INVITING_EVENT, &event_params),
        (limit.count_sql(), &caller_param),
    ];
    if invitee_uuid.is_some() {
        reads.push((store::INVITEE, &invitee_params));
    }
    let (caller_id, rows) = crate::pipelined!(active_user_id(&tx, &actor.caller), async {
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
    super::write_limits::judge(
        limit,
        counted,
        actor.state.config.attendance.invites_per_hour,
    )?;
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
                Some(actor.caller.user_id),
                &[user_id.0],
                json!({ "message": message }),
            );
            writes
                .push(
                    store::INSERT_DIRECT_INVITE,
                    crate::owned_params![invite_uuid, event_id, caller_id, invitee, message],
                )
                .push_message(notice);
            "direct"
        }
        InviteCreate::ShareLink(ShareLinkInvite { expires_at }) => {
            let expires_at = link_expiry(expires_at.map(|at| at.0), Utc::now())?;
            writes.push(
                store::INSERT_SHARE_LINK,
                crate::owned_params![invite_uuid, event_id, caller_id, expires_at],
            );
            "share_link"
        }
    };
    writes.push_audit(&AuditEntry {
        actor: Some(actor.caller.user_id),
        object_type: "event_invite",
        object_id: invite_uuid.to_string(),
        action: "invite",
        payload: json!({ "event_id": event_uuid, "invite_type": kind }),
        request_id: Some(actor.request_id),
    });
    let body = tx
        .commit_writes_with(&writes, |db| invite_by_id(db, link_base, invite_uuid))
        .await?;
    Ok(Outcome {
        body,
        outbox: writes.into_messages(),
    })
}

/// An invite locked for an answer (`store::LOCK_INVITE`).
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

/// Where the invitee's read comes among `create`'s reads (sent only for a direct invite).
const INVITEE_READ: usize = 2;

/// Locks the invite's event, then the invite: the one lock order (event first) that every seat
/// change and the event's own cancel follow, so none of them can deadlock with another. One
/// round trip: the account check, both locks and the caller's joining facts. 404 for a direct
/// invite of someone else's; 409 for one no longer answerable.
async fn lock_invite(
    tx: &impl CachedStatements,
    invite: Uuid,
    caller: &Caller,
) -> Result<(i64, LockedInvite, ledger::LockedEvent, JoinerFacts), ApiError> {
    let (caller_id, locked) = EventLock::of(&store::INVITE_EVENT, &invite)
        .then(&[
            (store::LOCK_INVITE, &[&invite]),
            (store::INVITEE_FACTS, &[&invite, &caller.user_id]),
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
    let client = actor.state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let (caller_id, locked, mut event, joiner) = lock_invite(&tx, invite, &actor.caller).await?;
    check_joiner(&event, &joiner, seats)?;
    // The request, its decision, the invite's answer and the notice all go out with COMMIT.
    let request_uuid = Uuid::new_v4();
    let mut writes = Writes::new();
    writes.push(
        store::INSERT_REQUEST_FROM_INVITE,
        crate::owned_params![request_uuid, event.id, caller_id, seats, locked.id],
    );
    let who = Admit {
        user_id: caller_id,
        user_uuid: actor.caller.user_id,
        seats,
        request: Some(request_uuid),
        invite_id: Some(locked.id),
    };
    let status = decide(
        actor.state,
        &mut event,
        request_uuid,
        who,
        false,
        &mut writes,
    )?;
    let kind = if status == RequestStatus::Accepted {
        "request_accepted"
    } else {
        "request_waitlisted"
    };
    if locked.invite_type == InviteType::Direct {
        writes.push(store::ACCEPT_INVITE, crate::owned_params![locked.id]);
    }
    let notice = notify::message(
        kind,
        event.uuid,
        Some(event.host_uuid),
        &[actor.caller.user_id],
        json!({ "invite_id": locked.uuid }),
    );
    writes.push_message(notice);
    let audited = AuditEntry {
        actor: Some(actor.caller.user_id),
        object_type: "event_invite",
        object_id: locked.uuid.to_string(),
        action: "accept",
        payload: json!({ "seats": seats, "result": status }),
        request_id: Some(actor.request_id),
    };
    commit_answering(tx, writes, &audited, request_uuid).await
}

/// Declines a direct invite (a share link is simply not used).
pub async fn decline(actor: &Actor<'_>, invite: Uuid) -> Result<Invite, ApiError> {
    let client = actor.state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let (_, locked, _event, _) = lock_invite(&tx, invite, &actor.caller).await?;
    if locked.invite_type != InviteType::Direct {
        return Err(ApiError::conflict(
            ProblemCode::InvalidTransition,
            "A share link cannot be declined; just don't use it.",
        ));
    }
    let audited = AuditEntry {
        actor: Some(actor.caller.user_id),
        object_type: "event_invite",
        object_id: locked.uuid.to_string(),
        action: "decline",
        payload: json!({}),
        request_id: Some(actor.request_id),
    };
    // The answer, its audit row, the invite as it now is and COMMIT: one round trip.
    let body = tx
        .commit_after_with(
            &[
                (store::DECLINE_INVITE, &[&locked.id]),
                (audit::INSERT_SQL, &audit::params(&audited)),
            ],
            |db| {
                invite_by_id(
                    db,
                    &actor.state.config.attendance.invite_link_base,
                    locked.uuid,
                )
            },
        )
        .await?;
    Ok(body)
}
