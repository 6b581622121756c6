//! The capacity ledger. Seats taken = attendees going or checked in + holds unconsumed and
//! unexpired. Every change of seats first locks the event row (`SELECT … FOR NO KEY UPDATE`,
//! which still lets foreign-key checks of new orders and attendees pass): a row
//! lock, rather than a conditional UPDATE, because "taken" spans two tables and a time-based
//! expiry that no single UPDATE predicate can see; the lock makes every seat change for one event
//! run one after another, while other events are unaffected. The database trigger
//! `event_capacity_guard` backs this up.

use super::store;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use super::event_lock::{EventLock, Locked};
use super::tickets;
use crate::app::state::AppState;
use crate::notifications::notify;
use crate::platform::db::{CachedStatements, Statement, Writes};
use crate::platform::error::ApiError;
use crate::platform::outbox::{OutboxMessage, Queue};

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
/// go out with the caller's others, the messages among them.
pub fn admit(
    state: &AppState,
    event: &mut LockedEvent,
    who: Admit,
    writes: &mut Writes,
) -> Result<Admission, ApiError> {
    debug_assert!(i64::from(who.seats) <= event.available);
    event.available -= i64::from(who.seats);
    if !event.is_paid {
        let attendee_uuid = Uuid::new_v4();
        let (hash, salt) = tickets::new_secret(&state.config.attendance.ticket_key, attendee_uuid);
        writes
            .push(
                store::INSERT_ATTENDEE,
                crate::owned_params![
                    event.id,
                    who.user_id,
                    who.seats,
                    who.request,
                    who.invite_id,
                    attendee_uuid
                ],
            )
            .push(
                store::INSERT_TICKET_SECRET,
                crate::owned_params![attendee_uuid, hash, salt],
            );
        return Ok(Admission::Attendee {
            attendee_id: attendee_uuid,
        });
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
            store::INSERT_HOLD,
            crate::owned_params![
                reservation_key,
                event.id,
                who.user_id,
                who.seats,
                who.request,
                who.invite_id,
                expires_at
            ],
        )
        .push_message(Some(expiry))
        .push_message(notice);
    // Counted when gathered: every caller commits what it gathered.
    crate::platform::metrics::emit("seats_held");
    Ok(Admission::Hold {
        reservation_key,
        expires_at,
    })
}

/// Promotes waitlisted requests, first come first served, while the head of the line fits:
/// runs the caller's seat-freeing writes `freed`, then locks the event and reads the head of
/// its waitlist, in one round trip, and adds the promotions (with their messages) to `writes`.
pub async fn promote_waitlist(
    tx: &impl CachedStatements,
    state: &AppState,
    event_id: i64,
    freed: &[Statement<'_>],
    writes: &mut Writes,
) -> Result<(), ApiError> {
    let Locked {
        mut event,
        rows: waitlist,
    } = EventLock::by_id(&event_id)
        .after(freed)
        .then(&[(store::WAITLIST_HEAD, &[&event_id])])
        .run(tx)
        .await?
        .ok_or_else(|| ApiError::not_found("The event"))?;
    if !event.is_open {
        return Ok(());
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
        let admission = admit(
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
        let notice = notify::message(
            "request_promoted",
            event.uuid,
            Some(event.host_uuid),
            &[user_uuid],
            json!({ "request_id": request_uuid }),
        );
        writes
            .push(
                store::ACCEPT_REQUEST,
                crate::owned_params![request_id],
            )
            .push_audit(&crate::platform::audit::AuditEntry {
                actor: None,
                object_type: "event_request",
                object_id: request_uuid.to_string(),
                action: "promote",
                payload: json!({ "seats": seats, "paid": matches!(admission, Admission::Hold { .. }) }),
                request_id: None,
            })
            .push_message(notice);
    }
    Ok(())
}
