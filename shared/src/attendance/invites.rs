//! Invites: direct (to one user) or a share link (anyone holding it, until it expires). Accepting
//! behaves exactly like an accepted request for the accepting user: same checks, same capacity
//! rules, same waitlist.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use tokio_postgres::types::ToSql;
use uuid::Uuid;

use super::ledger::{self, Admit};
use super::requests::{
    check_joiner, commit_answering, decide, is_organiser, Outcome, JOINER_FACTS_SQL,
};
use crate::audit::{self, AuditEntry};
use crate::auth::{active_user_id, Caller};
use crate::db::{CachedStatements, PipelinedTransaction};
use crate::error::{ApiError, FieldError};
use crate::notify;
use crate::state::AppState;

/// Longest a share link may live.
pub const MAX_LINK_DAYS: i64 = 30;

/// What an invite is.
#[derive(Debug, Clone)]
pub enum NewInvite {
    /// To one user, with a message.
    Direct {
        /// The invitee's public id.
        user_id: Uuid,
        /// A note from the host.
        message: String,
    },
    /// A link anyone may use until `expires_at`.
    ShareLink {
        /// When the link stops working (default and maximum: 30 days).
        expires_at: Option<DateTime<Utc>>,
    },
}

fn invite_json(link_base: &str) -> String {
    format!(
        "jsonb_build_object('invite_id', i.uuid, 'event_id', e.uuid, 'event_title', e.title, 'invite_type', i.invite_type, \
           'status', CASE WHEN i.status = 'pending' AND i.expires_at <= now() THEN 'expired' ELSE i.status END, \
           'message', i.message, 'expires_at', rfc3339(i.expires_at), 'created_at', rfc3339(i.created_at), \
           'invited_by', jsonb_build_object('user_id', hu.uuid, 'name', hp.name), \
           'invited_user_id', iu.uuid, \
           'url', CASE WHEN i.invite_type = 'share_link' THEN '{}/' || i.uuid END)",
        link_base.trim_end_matches('/').replace('\'', "''")
    )
}

/// The JSON of one invite.
pub async fn invite_by_id(
    client: &impl CachedStatements,
    link_base: &str,
    invite_id: i64,
) -> Result<Value, ApiError> {
    Ok(client
        .query_one(
            &format!(
                "SELECT {} FROM event_invite i JOIN event e ON e.id = i.event_id JOIN auth_user hu ON hu.id = i.invited_by \
                 LEFT JOIN user_profile hp ON hp.user_id = hu.id LEFT JOIN auth_user iu ON iu.id = i.invited_user_id WHERE i.id = $1",
                invite_json(link_base)
            ),
            &[&invite_id],
        )
        .await?
        .get(0))
}

/// The caller's invites, newest first.
pub async fn mine(
    client: &impl CachedStatements,
    link_base: &str,
    user_id: i64,
    limit: i64,
) -> Result<Vec<Value>, ApiError> {
    Ok(client
        .query(
            &format!(
                "SELECT {} FROM event_invite i JOIN event e ON e.id = i.event_id JOIN auth_user hu ON hu.id = i.invited_by \
                 LEFT JOIN user_profile hp ON hp.user_id = hu.id LEFT JOIN auth_user iu ON iu.id = i.invited_user_id \
                 WHERE i.invited_user_id = $1 ORDER BY i.created_at DESC, i.id DESC LIMIT $2",
                invite_json(link_base)
            ),
            &[&user_id, &limit],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

/// The host invites someone (direct) or makes a share link.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    key: &str,
    invite: NewInvite,
    request_id: &str,
) -> Result<Outcome, ApiError> {
    let link_base = &state.config.attendance.invite_link_base;
    let client = state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let condition = crate::events::repo::key_condition(key);
    let (caller_id, row) = crate::pipelined!(active_user_id(&tx, caller), async {
        Ok(tx
            .query_opt(&format!("SELECT e.id, e.uuid, e.host_id, e.is_active AND e.starts_at > now() FROM event e WHERE {condition}"), &[&key])
            .await?)
    })?;
    let row = row.ok_or_else(|| ApiError::not_found("The event"))?;
    let (event_id, event_uuid, host_id, open): (i64, Uuid, i64, bool) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    if host_id != caller_id {
        return Err(if is_organiser(&tx, event_id, caller_id).await? {
            ApiError::forbidden("Only the host sends invites.")
        } else {
            ApiError::not_found("The event")
        });
    }
    if !open {
        return Err(ApiError::conflict(
            "event_closed",
            "This event is not open for joining.",
        ));
    }
    let limit = super::write_limits::check(
        &tx,
        super::write_limits::WriteKind::Invite,
        caller_id,
        state.config.attendance.invites_per_hour,
    );
    let mut outbox = Vec::new();
    let (invite_id, kind) = match invite {
        NewInvite::Direct { user_id, message } => {
            // The rate limit, and the invitee with their role in this event: one round trip.
            let ((), invitee) = crate::pipelined!(limit, async {
                Ok(tx
                    .query_opt(
                        concat!(
                            "SELECT u.id, EXISTS (SELECT 1 FROM event e WHERE e.id = $2 AND ",
                            organiser_is!("u.id"),
                            ") FROM auth_user u WHERE u.uuid = $1 AND u.is_active"
                        ),
                        &[&user_id, &event_id],
                    )
                    .await?)
            })?;
            let invitee = invitee.ok_or_else(|| {
                ApiError::validation(vec![FieldError::new("user_id", "is not a known user")])
            })?;
            let (invitee, invitee_organises): (i64, bool) = (invitee.get(0), invitee.get(1));
            // The user is fine; their role in this event is what stands in the way.
            if invitee_organises {
                return Err(ApiError::conflict(
                    "invitee_is_organiser",
                    "The host and co-hosts need no invite.",
                )
                .with_errors(vec![FieldError::new(
                    "user_id",
                    "organisers need no invite",
                )]));
            }
            let recipients = [user_id];
            let (row, notified) = crate::pipelined!(
                async {
                    Ok(tx
                        .query_one(
                            "INSERT INTO event_invite (event_id, invited_by, invited_user_id, invite_type, message) \
                             VALUES ($1, $2, $3, 'direct', $4) RETURNING id",
                            &[&event_id, &caller_id, &invitee, &message],
                        )
                        .await?)
                },
                notify::queue(
                    &tx,
                    "invite_received",
                    event_uuid,
                    Some(caller.user_id),
                    &recipients,
                    json!({ "message": message }),
                )
            )?;
            outbox.extend(notified);
            (row.get(0), "direct")
        }
        NewInvite::ShareLink { expires_at } => {
            let now = Utc::now();
            let expires_at = expires_at.unwrap_or(now + Duration::days(MAX_LINK_DAYS));
            if expires_at <= now || expires_at > now + Duration::days(MAX_LINK_DAYS) {
                return Err(ApiError::validation(vec![FieldError::new(
                    "expires_at",
                    "must be in the future and at most 30 days away",
                )]));
            }
            let ((), row) = crate::pipelined!(limit, async {
                Ok(tx
                    .query_one(
                        "INSERT INTO event_invite (event_id, invited_by, invite_type, expires_at) VALUES ($1, $2, 'share_link', $3) RETURNING id",
                        &[&event_id, &caller_id, &expires_at],
                    )
                    .await?)
            })?;
            (row.get(0), "share_link")
        }
    };
    let body = invite_by_id(&tx, link_base, invite_id).await?;
    let audited = AuditEntry {
        actor: Some(caller.user_id),
        object_type: "event_invite",
        object_id: body["invite_id"].as_str().unwrap_or_default().to_owned(),
        action: "invite",
        payload: json!({ "event_id": event_uuid, "invite_type": kind }),
        request_id: Some(request_id),
    };
    tx.commit_after(&[(audit::INSERT_SQL, &audit::params(&audited))])
        .await?;
    Ok(Outcome { body, outbox })
}

struct LockedInvite {
    id: i64,
    uuid: Uuid,
    invite_type: String,
    status: String,
    expired: bool,
    invitee: Option<i64>,
}

/// Locks the invite's event, then the invite: the one lock order (event first) that every seat
/// change and the event's own cancel follow, so none of them can deadlock with another. Two
/// round trips: the account check with the invite's event, then both locks. Returns the
/// caller's id too.
async fn lock_invite(
    tx: &impl CachedStatements,
    invite: Uuid,
    caller: &Caller,
) -> Result<(i64, LockedInvite, ledger::LockedEvent), ApiError> {
    let (caller_id, event, row) = ledger::lock_row_of(
        tx,
        caller,
        "SELECT event_id FROM event_invite WHERE uuid = $1",
        &invite,
        (
            "SELECT id, uuid, invite_type, status, coalesce(expires_at <= now(), false), invited_user_id \
             FROM event_invite WHERE uuid = $1 FOR UPDATE",
            &[&invite],
        ),
    )
    .await?
    .ok_or_else(|| ApiError::not_found("The invite"))?;
    let locked = LockedInvite {
        id: row.get(0),
        uuid: row.get(1),
        invite_type: row.get(2),
        status: row.get(3),
        expired: row.get(4),
        invitee: row.get(5),
    };
    // A direct invite is the invitee's alone; anyone holding a share link may use it.
    if locked.invite_type == "direct" && locked.invitee != Some(caller_id) {
        return Err(ApiError::not_found("The invite"));
    }
    if locked.expired || locked.status == "expired" {
        return Err(ApiError::conflict(
            "invite_expired",
            "This invite has expired.",
        ));
    }
    if locked.status != "pending" {
        return Err(ApiError::conflict(
            "invalid_transition",
            format!("This invite was already {}.", locked.status),
        )
        .with_extra("current_status", json!(locked.status)));
    }
    Ok((caller_id, locked, event))
}

/// Accepts an invite: a request is recorded for the user and decided at once (seats, hold or
/// waitlist), exactly as an accepted request.
pub async fn accept(
    state: &AppState,
    caller: &Caller,
    invite: Uuid,
    seats: i16,
    request_id: &str,
) -> Result<Outcome, ApiError> {
    let client = state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let (caller_id, locked, mut event) = lock_invite(&tx, invite, caller).await?;
    // The checks and the request they allow go out together; a failed check rolls it back.
    // The checks' facts and the request they allow go out together. Both answers are awaited
    // (not the first error): a failed check must win over the insert it makes fail.
    let fact_params: [&(dyn ToSql + Sync); 2] = [&event.id, &caller_id];
    let request_params: [&(dyn ToSql + Sync); 4] = [&event.id, &caller_id, &seats, &locked.id];
    let (facts, inserted) = tokio::join!(
        biased;
        tx.query(JOINER_FACTS_SQL, &fact_params),
        tx.query_one(
            "INSERT INTO event_request (event_id, requester_id, message, seats_requested, invite_id, status) \
             VALUES ($1, $2, 'Accepted an invite', $3, $4, 'pending') RETURNING id",
            &request_params,
        ),
    );
    check_joiner(&event, &facts?, seats)?;
    let row = inserted?;
    let request_row: i64 = row.get(0);
    let who = Admit {
        user_id: caller_id,
        user_uuid: caller.user_id,
        seats,
        request_id: Some(request_row),
        invite_id: Some(locked.id),
    };
    let (status, mut outbox) = decide(&tx, state, &mut event, request_row, who, false).await?;
    let kind = if status == "accepted" {
        "request_accepted"
    } else {
        "request_waitlisted"
    };
    let recipients = [caller.user_id];
    let ((), notified) = crate::pipelined!(
        async {
            if locked.invite_type == "direct" {
                tx.execute(
                    "UPDATE event_invite SET status = 'accepted', responded_at = now() WHERE id = $1",
                    &[&locked.id],
                )
                .await?;
            }
            Ok(())
        },
        notify::queue(
            &tx,
            kind,
            event.uuid,
            Some(event.host_uuid),
            &recipients,
            json!({ "invite_id": locked.uuid }),
        )
    )?;
    outbox.extend(notified);
    let audited = AuditEntry {
        actor: Some(caller.user_id),
        object_type: "event_invite",
        object_id: locked.uuid.to_string(),
        action: "accept",
        payload: json!({ "seats": seats, "result": status }),
        request_id: Some(request_id),
    };
    commit_answering(&tx, &[], &audited, request_row, outbox).await
}

/// Declines a direct invite (a share link is simply not used).
pub async fn decline(
    state: &AppState,
    caller: &Caller,
    invite: Uuid,
    request_id: &str,
) -> Result<Value, ApiError> {
    let client = state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let (_, locked, _event) = lock_invite(&tx, invite, caller).await?;
    if locked.invite_type != "direct" {
        return Err(ApiError::conflict(
            "invalid_transition",
            "A share link cannot be declined; just don't use it.",
        ));
    }
    tx.execute(
        "UPDATE event_invite SET status = 'declined', responded_at = now() WHERE id = $1",
        &[&locked.id],
    )
    .await?;
    audit::record(
        &tx,
        &AuditEntry {
            actor: Some(caller.user_id),
            object_type: "event_invite",
            object_id: locked.uuid.to_string(),
            action: "decline",
            payload: json!({}),
            request_id: Some(request_id),
        },
    )
    .await?;
    let body = tx
        .commit_with(invite_by_id(
            &tx,
            &state.config.attendance.invite_link_base,
            locked.id,
        ))
        .await?;
    Ok(body)
}
