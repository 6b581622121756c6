//! The capacity ledger. Seats taken = attendees going or checked in + holds unconsumed and
//! unexpired. Every change of seats first locks the event row (`SELECT … FOR NO KEY UPDATE`,
//! which still lets foreign-key checks of new orders and attendees pass): a row
//! lock, rather than a conditional UPDATE, because "taken" spans two tables and a time-based
//! expiry that no single UPDATE predicate can see; the lock makes every seat change for one event
//! run one after another, while other events are unaffected. The database trigger
//! `event_capacity_guard` backs this up.

use std::borrow::Cow;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

use super::tickets;
use crate::auth::{active_user_id, Caller};
use crate::db::{CachedStatements, Statement, Writes};
use crate::error::ApiError;
use crate::notify;
use crate::outbox::{OutboxMessage, Queue};
use crate::state::AppState;

/// An event locked for a seat change, with what the rules need.
#[derive(Debug, Clone)]
pub struct LockedEvent {
    /// Internal id.
    pub id: i64,
    /// Public id.
    pub uuid: Uuid,
    /// The host's internal id.
    pub host_id: i64,
    /// The host's public id.
    pub host_uuid: Uuid,
    /// Seats in all.
    pub capacity: i32,
    /// Whether seats are paid.
    pub is_paid: bool,
    /// Whether a guest may bring one more.
    pub allow_plus_one: bool,
    /// Whether the host approves requests.
    pub requires_approval: bool,
    /// Genders that may join.
    pub allowed_genders: Vec<String>,
    /// Published, not cancelled, not started.
    pub is_open: bool,
    /// Published (drafts are invisible to guests).
    pub is_published: bool,
    /// Not cancelled.
    pub is_active: bool,
    /// Free seats right now.
    pub available: i64,
}

/// Locks the event of the row `sql` finds (it selects that row's `event_id` by `$1`), before
/// the row itself: event first is the one lock order. `None` when there is no such row. One
/// round trip.
pub async fn lock_event_of(
    tx: &impl CachedStatements,
    sql: &str,
    key: &(dyn tokio_postgres::types::ToSql + Sync),
) -> Result<Option<LockedEvent>, ApiError> {
    Ok(lock_event_of_then(tx, sql, key, &[])
        .await?
        .map(|(event, _)| event))
}

/// `lock_event_of`, then the `next` statements (the row's own lock, reads), in order, in the
/// same round trip; returns their rows too.
pub async fn lock_event_of_then(
    tx: &impl CachedStatements,
    sql: &str,
    key: &(dyn tokio_postgres::types::ToSql + Sync),
    next: &[Statement<'_>],
) -> Result<Option<(LockedEvent, Vec<Vec<Row>>)>, ApiError> {
    lock_event_rows(tx, &[], EventKey::Of { sql, key }, next).await
}

/// How a seat change names the event it locks.
#[derive(Clone, Copy)]
enum EventKey<'a> {
    /// By internal id.
    Id(i64),
    /// By a row hanging off it: `sql` selects that row's `event_id` by `$1` = `key`.
    Of {
        sql: &'a str,
        key: &'a (dyn ToSql + Sync),
    },
}

/// Locks event `$1` for the rest of the transaction and reads what the seat rules need
/// (the seat-hold benchmark's pgbench script runs the same text).
pub const LOCK_EVENT_SQL: &str =
    "SELECT e.id, e.uuid, e.host_id, u.uuid AS host_uuid, e.capacity, e.is_paid, e.allow_plus_one, \
            e.requires_approval, e.allowed_genders, \
            e.is_published AND e.is_active AND e.starts_at > now() AS is_open, e.is_published, \
            e.is_active \
     FROM event e JOIN auth_user u ON u.id = e.host_id WHERE e.id = $1 FOR NO KEY UPDATE OF e";

/// Seats taken on event `$1`: attendees going or checked in, and live holds.
pub const SEATS_TAKEN_SQL: &str = "SELECT event_seats_taken($1)";

impl LockedEvent {
    /// Why the event takes no more guests, when it does not: `cancelled`, `unpublished` or
    /// `started`.
    pub fn closed_because(&self) -> Option<&'static str> {
        if self.is_open {
            None
        } else if !self.is_active {
            Some("cancelled")
        } else if !self.is_published {
            Some("unpublished")
        } else {
            Some("started")
        }
    }
}

/// Locks an event row for the rest of the transaction and reads the ledger.
pub async fn lock_event(
    tx: &impl CachedStatements,
    event_id: i64,
) -> Result<LockedEvent, ApiError> {
    Ok(lock_event_then(tx, event_id, &[]).await?.0)
}

/// For a row that hangs off an event (`event_sql` selects its `event_id` by `$1` = `key`): the
/// account check, the event's lock and ledger (found through that row), then `row` (the row's
/// own lock, which must come after) and `after` (reads that must see what the locks waited
/// for), in order, in one round trip. Returns the caller's id, the event, the row and the rows
/// of `after`; `None` when there is no such row.
pub async fn lock_row_of(
    tx: &impl CachedStatements,
    caller: &Caller,
    event_sql: &str,
    key: &(dyn ToSql + Sync),
    row: Statement<'_>,
    after: &[Statement<'_>],
) -> Result<Option<(i64, LockedEvent, Row, Vec<Vec<Row>>)>, ApiError> {
    let mut next = vec![row];
    next.extend_from_slice(after);
    let Some((caller_id, event, mut rows)) =
        lock_event_found_by(tx, caller, event_sql, key, &next).await?
    else {
        return Ok(None);
    };
    let after_rows = rows.split_off(1);
    Ok(rows
        .pop()
        .and_then(|rows| rows.into_iter().next())
        .map(|row| (caller_id, event, row, after_rows)))
}

/// For a change on the event `event_sql` finds (it selects an `event_id` by `$1` = `key`): the
/// account check, the event's lock and ledger, then `next` (reads that must see what the lock
/// waited for), in order, in one round trip. Returns the caller's id, the event and the rows of
/// `next`; `None` when `event_sql` finds none.
pub async fn lock_event_found_by(
    tx: &impl CachedStatements,
    caller: &Caller,
    event_sql: &str,
    key: &(dyn ToSql + Sync),
    next: &[Statement<'_>],
) -> Result<Option<(i64, LockedEvent, Vec<Vec<Row>>)>, ApiError> {
    let (caller_id, locked) = crate::pipelined!(
        active_user_id(tx, caller),
        lock_event_rows(
            tx,
            &[],
            EventKey::Of {
                sql: event_sql,
                key
            },
            next
        )
    )?;
    Ok(locked.map(|(event, rows)| (caller_id, event, rows)))
}

/// `lock_event`, then the `next` statements (ones that must come after the event lock, such as
/// locking one of its rows), in order, in one round trip; returns their rows too.
pub async fn lock_event_then(
    tx: &impl CachedStatements,
    event_id: i64,
    next: &[Statement<'_>],
) -> Result<(LockedEvent, Vec<Vec<Row>>), ApiError> {
    lock_event_rows(tx, &[], EventKey::Id(event_id), next)
        .await?
        .ok_or_else(|| ApiError::not_found("The event"))
}

/// `before` (writes of a transaction that already holds the lock), the event lock, its seat
/// count and `next`, in order, in one round trip; `None` when there is no such event.
async fn lock_event_rows(
    tx: &impl CachedStatements,
    before: &[Statement<'_>],
    event: EventKey<'_>,
    next: &[Statement<'_>],
) -> Result<Option<(LockedEvent, Vec<Vec<Row>>)>, ApiError> {
    // The count is a separate statement on purpose: it takes a fresh snapshot after the lock
    // was granted, so it sees every seat change committed by the transaction we waited for.
    // Sent in order with the lock, in one round trip.
    let id_param;
    let (lock_sql, taken_sql, param): (Cow<str>, Cow<str>, [&(dyn ToSql + Sync); 1]) = match event {
        EventKey::Id(id) => {
            id_param = id;
            (LOCK_EVENT_SQL.into(), SEATS_TAKEN_SQL.into(), [&id_param])
        }
        // The event's id found through the row, inside each statement: no round trip of its own.
        EventKey::Of { sql, key } => {
            let by_row = format!("({sql})");
            (
                LOCK_EVENT_SQL.replace("$1", &by_row).into(),
                SEATS_TAKEN_SQL.replace("$1", &by_row).into(),
                [key],
            )
        }
    };
    let mut statements = before.to_vec();
    statements.push((&*lock_sql, &param[..]));
    statements.push((&*taken_sql, &param[..]));
    statements.extend_from_slice(next);
    let mut rows = tx.query_in_order(&statements).await?;
    let mut rows = rows.split_off(before.len());
    let next_rows = rows.split_off(2);
    let (Some(row), Some(taken)) = (rows[0].first(), rows[1].first()) else {
        return Ok(None);
    };
    let taken: i64 = taken.get("event_seats_taken");
    let capacity: i32 = row.get("capacity");
    let genders: Value = row.get("allowed_genders");
    let event = LockedEvent {
        id: row.get("id"),
        uuid: row.get("uuid"),
        host_id: row.get("host_id"),
        host_uuid: row.get("host_uuid"),
        capacity,
        is_paid: row.get("is_paid"),
        allow_plus_one: row.get("allow_plus_one"),
        requires_approval: row.get("requires_approval"),
        allowed_genders: serde_json::from_value(genders).unwrap_or_default(),
        is_open: row.get("is_open"),
        is_published: row.get("is_published"),
        is_active: row.get("is_active"),
        available: i64::from(capacity) - taken,
    };
    Ok(Some((event, next_rows)))
}

/// What admitting someone produced.
#[derive(Debug, Clone)]
pub enum Admission {
    /// A free event: the person is going, with a ticket.
    Attendee {
        /// Public id of the attendee (and of the ticket).
        attendee_id: Uuid,
    },
    /// A paid event: seats are held until `expires_at` while the person pays.
    Hold {
        /// The key the payment order names.
        reservation_key: Uuid,
        /// When the hold stops counting.
        expires_at: DateTime<Utc>,
    },
}

/// Who is being admitted and why.
#[derive(Debug, Clone, Copy)]
pub struct Admit {
    /// Internal user id.
    pub user_id: i64,
    /// Public user id.
    pub user_uuid: Uuid,
    /// Seats (1, or 2 with a plus-one).
    pub seats: i16,
    /// The request this comes from (by public id: it may have been written in this batch).
    pub request: Option<Uuid>,
    /// The invite this comes from.
    pub invite_id: Option<i64>,
}

/// Adds the writes that take seats on a locked event that has them to `writes`: an attendee
/// with a ticket (free) or a hold with its delayed expiry message and a "pay within N minutes"
/// notification (paid). Every id is made here, so nothing waits for the database: the writes
/// go out with the caller's others. Returns the admission and the outbox messages to publish.
pub fn admit(
    state: &AppState,
    event: &mut LockedEvent,
    who: Admit,
    writes: &mut Writes,
) -> Result<(Admission, Vec<OutboxMessage>), ApiError> {
    debug_assert!(i64::from(who.seats) <= event.available);
    event.available -= i64::from(who.seats);
    if !event.is_paid {
        let attendee_uuid = Uuid::new_v4();
        let (hash, salt) = tickets::new_secret(&state.config.attendance.ticket_key, attendee_uuid);
        writes
            .push(
                "WITH a AS (INSERT INTO event_attendee (uuid, event_id, user_id, seats, request_id, invite_id) \
                            VALUES ($6, $1, $2, $3, (SELECT id FROM event_request WHERE uuid = $4), $5)), \
                      c AS (UPDATE event SET going_count = going_count + $3 WHERE id = $1) \
                 SELECT 1",
                crate::owned_params![event.id, who.user_id, who.seats, who.request, who.invite_id, attendee_uuid],
            )
            .push(
                tickets::INSERT_FOR_ATTENDEE_SQL,
                crate::owned_params![attendee_uuid, hash, salt],
            );
        return Ok((
            Admission::Attendee {
                attendee_id: attendee_uuid,
            },
            Vec::new(),
        ));
    }
    // Microseconds, as Postgres keeps them, so the hold's end reads back as sent.
    let reservation_key = Uuid::new_v4();
    let hold_time = state.config.attendance.hold_time;
    let expires_at = DateTime::from_timestamp_micros(
        (Utc::now() + chrono::Duration::from_std(hold_time).map_err(anyhow::Error::from)?)
            .timestamp_micros(),
    )
    .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("hold end out of range")))?;
    let minutes = hold_time.as_secs().div_ceil(60);
    let expiry = OutboxMessage::new(
        Queue::ReservationExpiry,
        json!({ "kind": "hold_expiry", "reservation_key": reservation_key, "expires_at": expires_at }),
        hold_time.min(Duration::from_secs(900)),
    );
    let notice = notify::message(
        "hold_created",
        event.uuid,
        Some(event.host_uuid),
        &[who.user_uuid],
        json!({ "reservation_key": reservation_key, "expires_at": expires_at, "pay_within_minutes": minutes }),
    );
    writes
        .push(
            "INSERT INTO capacity_reservation (reservation_key, event_id, user_id, seats, request_id, invite_id, expires_at) \
             VALUES ($1, $2, $3, $4, (SELECT id FROM event_request WHERE uuid = $5), $6, $7)",
            crate::owned_params![reservation_key, event.id, who.user_id, who.seats, who.request, who.invite_id, expires_at],
        )
        .push_message(Some(&expiry))
        .push_message(notice.as_ref());
    let mut messages = vec![expiry];
    messages.extend(notice);
    // Counted when gathered: every caller commits what it gathered.
    crate::metrics::emit("seats_held");
    Ok((
        Admission::Hold {
            reservation_key,
            expires_at,
        },
        messages,
    ))
}

/// The head of event `$1`'s waitlist that fits in its free seats, first come first served:
/// the line stops at the first request that does not fit (its running total of seats is then
/// over, and so is every later one's).
const WAITLIST_HEAD_SQL: &str = "SELECT id, seats_requested, requester_id, requester_uuid, uuid FROM ( \
         SELECT r.id, r.seats_requested, u.id AS requester_id, u.uuid AS requester_uuid, r.uuid, r.created_at, \
                sum(r.seats_requested) OVER (ORDER BY r.created_at, r.id) AS running \
         FROM event_request r JOIN auth_user u ON u.id = r.requester_id \
         WHERE r.event_id = $1 AND r.status = 'waitlisted') line \
     WHERE running <= (SELECT capacity FROM event WHERE id = $1) - event_seats_taken($1) \
     ORDER BY created_at, id";

/// Promotes waitlisted requests, first come first served, while the head of the line fits:
/// runs the caller's seat-freeing writes `freed`, then locks the event and reads the head of
/// its waitlist, in one round trip, and adds the promotions to `writes`. Returns the outbox
/// messages to publish.
pub async fn promote_waitlist(
    tx: &impl CachedStatements,
    state: &AppState,
    event_id: i64,
    freed: &[Statement<'_>],
    writes: &mut Writes,
) -> Result<Vec<OutboxMessage>, ApiError> {
    let (mut event, waitlist) = lock_event_rows(
        tx,
        freed,
        EventKey::Id(event_id),
        &[(WAITLIST_HEAD_SQL, &[&event_id])],
    )
    .await?
    .ok_or_else(|| ApiError::not_found("The event"))?;
    let mut messages = Vec::new();
    if !event.is_open {
        return Ok(messages);
    }
    for head in &waitlist[0] {
        let (request_id, seats, user_id, user_uuid, request_uuid): (i64, i16, i64, Uuid, Uuid) = (
            head.get("id"),
            head.get("seats_requested"),
            head.get("requester_id"),
            head.get("requester_uuid"),
            head.get("uuid"),
        );
        if i64::from(seats) > event.available {
            break;
        }
        let (admission, admitted) = admit(
            state,
            &mut event,
            Admit {
                user_id,
                user_uuid,
                seats,
                request: Some(request_uuid),
                invite_id: None,
            },
            writes,
        )?;
        messages.extend(admitted);
        let notice = notify::message(
            "request_promoted",
            event.uuid,
            Some(event.host_uuid),
            &[user_uuid],
            json!({ "request_id": request_uuid }),
        );
        writes
            .push(
                "UPDATE event_request SET status = 'accepted', responded_at = now() WHERE id = $1",
                crate::owned_params![request_id],
            )
            .push_audit(&crate::audit::AuditEntry {
                actor: None,
                object_type: "event_request",
                object_id: request_uuid.to_string(),
                action: "promote",
                payload: json!({ "seats": seats, "paid": matches!(admission, Admission::Hold { .. }) }),
                request_id: None,
            })
            .push_message(notice.as_ref());
        messages.extend(notice);
    }
    Ok(messages)
}
