//! The capacity ledger. Seats taken = attendees going or checked in + holds unconsumed and
//! unexpired. Every change of seats first locks the event row (`SELECT … FOR NO KEY UPDATE`,
//! which still lets foreign-key checks of new orders and attendees pass): a row
//! lock, rather than a conditional UPDATE, because "taken" spans two tables and a time-based
//! expiry that no single UPDATE predicate can see; the lock makes every seat change for one event
//! run one after another, while other events are unaffected. The database trigger
//! `event_capacity_guard` backs this up.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

use super::tickets;
use crate::auth::{active_user_id, Caller};
use crate::db::{CachedStatements, Statement};
use crate::error::ApiError;
use crate::notify;
use crate::outbox::{self, Queue};
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
    /// Free seats right now.
    pub available: i64,
}

/// Locks the event of the row `sql` finds (it selects that row's `event_id` by `$1`), before
/// the row itself: event first is the one lock order. `None` when there is no such row.
pub async fn lock_event_of(
    tx: &impl CachedStatements,
    sql: &str,
    key: &(dyn tokio_postgres::types::ToSql + Sync),
) -> Result<Option<LockedEvent>, ApiError> {
    match tx.query_opt(sql, &[key]).await? {
        Some(row) => Ok(Some(lock_event(tx, row.get(0)).await?)),
        None => Ok(None),
    }
}

/// Locks event `$1` for the rest of the transaction and reads what the seat rules need
/// (the seat-hold benchmark's pgbench script runs the same text).
pub const LOCK_EVENT_SQL: &str =
    "SELECT e.id, e.uuid, e.host_id, u.uuid, e.capacity, e.is_paid, e.allow_plus_one, e.requires_approval, \
            e.allowed_genders, e.is_published AND e.is_active AND e.starts_at > now(), e.is_published \
     FROM event e JOIN auth_user u ON u.id = e.host_id WHERE e.id = $1 FOR NO KEY UPDATE OF e";

/// Seats taken on event `$1`: attendees going or checked in, and live holds.
pub const SEATS_TAKEN_SQL: &str = "SELECT event_seats_taken($1)";

/// Locks an event row for the rest of the transaction and reads the ledger.
pub async fn lock_event(
    tx: &impl CachedStatements,
    event_id: i64,
) -> Result<LockedEvent, ApiError> {
    Ok(lock_event_then(tx, event_id, &[]).await?.0)
}

/// For a row that hangs off an event (`event_sql` selects its `event_id` by `$1` = `key`): the
/// account check with that lookup, then the event's lock and ledger followed by `row` (the
/// row's own lock, which must come after): two round trips. Returns the caller's id, the event
/// and the row; `None` when there is no such row.
pub async fn lock_row_of(
    tx: &impl CachedStatements,
    caller: &Caller,
    event_sql: &str,
    key: &(dyn ToSql + Sync),
    row: Statement<'_>,
) -> Result<Option<(i64, LockedEvent, Row)>, ApiError> {
    let (caller_id, event_row) = crate::pipelined!(active_user_id(tx, caller), async {
        Ok(tx.query_opt(event_sql, &[key]).await?)
    })?;
    let Some(event_row) = event_row else {
        return Ok(None);
    };
    let (event, rows) = lock_event_then(tx, event_row.get(0), &[row]).await?;
    Ok(rows
        .into_iter()
        .next()
        .and_then(|rows| rows.into_iter().next())
        .map(|row| (caller_id, event, row)))
}

/// `lock_event`, then the `next` statements (ones that must come after the event lock, such as
/// locking one of its rows), in order, in one round trip; returns their rows too.
pub async fn lock_event_then(
    tx: &impl CachedStatements,
    event_id: i64,
    next: &[Statement<'_>],
) -> Result<(LockedEvent, Vec<Vec<Row>>), ApiError> {
    // The count is a separate statement on purpose: it takes a fresh snapshot after the lock
    // was granted, so it sees every seat change committed by the transaction we waited for.
    // Sent in order with the lock, in one round trip.
    let event_param: [&(dyn ToSql + Sync); 1] = [&event_id];
    let mut statements = vec![
        (LOCK_EVENT_SQL, &event_param[..]),
        (SEATS_TAKEN_SQL, &event_param[..]),
    ];
    statements.extend_from_slice(next);
    let mut rows = tx.query_in_order(&statements).await?;
    let next_rows = rows.split_off(2);
    let (Some(row), Some(taken)) = (rows[0].first(), rows[1].first()) else {
        return Err(ApiError::not_found("The event"));
    };
    let taken: i64 = taken.get(0);
    let capacity: i32 = row.get(4);
    let genders: Value = row.get(8);
    let event = LockedEvent {
        id: row.get(0),
        uuid: row.get(1),
        host_id: row.get(2),
        host_uuid: row.get(3),
        capacity,
        is_paid: row.get(5),
        allow_plus_one: row.get(6),
        requires_approval: row.get(7),
        allowed_genders: serde_json::from_value(genders).unwrap_or_default(),
        is_open: row.get(9),
        is_published: row.get(10),
        available: i64::from(capacity) - taken,
    };
    Ok((event, next_rows))
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
    /// The request this comes from.
    pub request_id: Option<i64>,
    /// The invite this comes from.
    pub invite_id: Option<i64>,
}

/// Takes seats on a locked event that has them: an attendee with a ticket (free) or a hold with
/// its delayed expiry message and a "pay within N minutes" notification (paid). Returns the
/// admission and the outbox ids to publish.
pub async fn admit(
    tx: &impl CachedStatements,
    state: &AppState,
    event: &mut LockedEvent,
    who: Admit,
) -> Result<(Admission, Vec<i64>), ApiError> {
    debug_assert!(i64::from(who.seats) <= event.available);
    event.available -= i64::from(who.seats);
    if !event.is_paid {
        // The attendee's id is made here so its ticket can go right behind it: in order, one
        // round trip.
        let attendee_uuid = Uuid::new_v4();
        let (hash, salt) = tickets::new_secret(&state.config.attendance.ticket_key, attendee_uuid);
        tx.query_in_order(&[
            (
                "WITH a AS (INSERT INTO event_attendee (uuid, event_id, user_id, seats, request_id, invite_id) \
                            VALUES ($6, $1, $2, $3, $4, $5)), \
                      c AS (UPDATE event SET going_count = going_count + $3 WHERE id = $1) \
                 SELECT 1",
                &[&event.id, &who.user_id, &who.seats, &who.request_id, &who.invite_id, &attendee_uuid],
            ),
            (tickets::INSERT_FOR_ATTENDEE_SQL, &[&attendee_uuid, &hash, &salt]),
        ])
        .await?;
        return Ok((
            Admission::Attendee {
                attendee_id: attendee_uuid,
            },
            Vec::new(),
        ));
    }
    // The hold's key and end are made here, so the hold, its expiry message and the holder's
    // notification go out together: one round trip. Microseconds, as Postgres keeps them.
    let reservation_key = Uuid::new_v4();
    let hold_time = state.config.attendance.hold_time;
    let expires_at = DateTime::from_timestamp_micros(
        (Utc::now() + chrono::Duration::from_std(hold_time).map_err(anyhow::Error::from)?)
            .timestamp_micros(),
    )
    .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("hold end out of range")))?;
    let minutes = hold_time.as_secs().div_ceil(60);
    let holder = [who.user_uuid];
    let expiry_message = json!({ "kind": "hold_expiry", "reservation_key": reservation_key, "expires_at": expires_at });
    let ((), expiry, notified) = crate::pipelined!(
        async {
            tx.execute(
                "INSERT INTO capacity_reservation (reservation_key, event_id, user_id, seats, request_id, invite_id, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[&reservation_key, &event.id, &who.user_id, &who.seats, &who.request_id, &who.invite_id, &expires_at],
            )
            .await?;
            Ok(())
        },
        outbox::enqueue(
            tx,
            Queue::ReservationExpiry,
            &expiry_message,
            hold_time.min(Duration::from_secs(900)),
        ),
        notify::queue(
            tx,
            "hold_created",
            event.uuid,
            Some(event.host_uuid),
            &holder,
            json!({ "reservation_key": reservation_key, "expires_at": expires_at, "pay_within_minutes": minutes }),
        )
    )?;
    let mut outbox_ids = vec![expiry];
    outbox_ids.extend(notified);
    // Counted at the write: every caller commits right after.
    crate::metrics::emit("seats_held");
    Ok((
        Admission::Hold {
            reservation_key,
            expires_at,
        },
        outbox_ids,
    ))
}

/// Promotes waitlisted requests, first come first served, while the head of the line fits.
/// Locks the event itself; returns outbox ids to publish.
pub async fn promote_waitlist(
    tx: &impl CachedStatements,
    state: &AppState,
    event_id: i64,
) -> Result<Vec<i64>, ApiError> {
    let mut event = lock_event(tx, event_id).await?;
    let mut outbox_ids = Vec::new();
    if !event.is_open {
        return Ok(outbox_ids);
    }
    loop {
        let Some(head) = tx
            .query_opt(
                "SELECT r.id, r.seats_requested, u.id, u.uuid, r.uuid FROM event_request r JOIN auth_user u ON u.id = r.requester_id \
                 WHERE r.event_id = $1 AND r.status = 'waitlisted' ORDER BY r.created_at, r.id LIMIT 1",
                &[&event.id],
            )
            .await?
        else {
            break;
        };
        let (request_id, seats, user_id, user_uuid, request_uuid): (i64, i16, i64, Uuid, Uuid) = (
            head.get(0),
            head.get(1),
            head.get(2),
            head.get(3),
            head.get(4),
        );
        if i64::from(seats) > event.available {
            break;
        }
        let (admission, ids) = admit(
            tx,
            state,
            &mut event,
            Admit {
                user_id,
                user_uuid,
                seats,
                request_id: Some(request_id),
                invite_id: None,
            },
        )
        .await?;
        outbox_ids.extend(ids);
        tx.execute(
            "UPDATE event_request SET status = 'accepted', responded_at = now() WHERE id = $1",
            &[&request_id],
        )
        .await?;
        crate::audit::record(
            tx,
            &crate::audit::AuditEntry {
                actor: None,
                object_type: "event_request",
                object_id: request_uuid.to_string(),
                action: "promote",
                payload: json!({ "seats": seats, "paid": matches!(admission, Admission::Hold { .. }) }),
                request_id: None,
            },
        )
        .await?;
        outbox_ids.extend(
            notify::queue(
                tx,
                "request_promoted",
                event.uuid,
                Some(event.host_uuid),
                &[user_uuid],
                json!({ "request_id": request_uuid }),
            )
            .await?,
        );
    }
    Ok(outbox_ids)
}
