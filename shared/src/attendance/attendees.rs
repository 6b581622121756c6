//! Attendees and tickets: the ticket code for its owner, check-in at the door, and cancelling
//! attendance (the guest list is in `guest_list`).

use super::attendee_status::AttendeeStatus;
use crate::auth::Actor;
use crate::contract::schemas::{AttendeeCancelled, CheckedIn, Ticket, TicketSummary};
use crate::platform::error::ProblemCode;
use serde_json::json;
use uuid::Uuid;

use super::event_lock::{EventLock, EventLookup};
use super::ledger;
use super::requests::{Outcome, ORGANISER_IS_ME};
use super::tickets;
use crate::audit::{self, AuditEntry};
use crate::auth::{active_user_id, Caller};
use crate::events::key::{EVENT_ID_OF_KEY_1, EVENT_IS_KEY_1};
use crate::notifications::notify;
use crate::payments::policy::RefundReason;
use crate::platform::db::{CachedStatements, FromRow, PipelinedTransaction, Statement, Writes};
use crate::platform::error::{ApiError, FieldError};
use crate::platform::state::AppState;
use const_format::concatcp;
use tokio_postgres::types::ToSql;

/// A ticket's row, as `ticket` reads it.
#[derive(FromRow)]
struct TicketRow {
    attendee_id: Uuid,
    event_id: Uuid,
    event_title: String,
    starts_at: String,
    seats: i16,
    status: AttendeeStatus,
    secret_salt: String,
    is_redeemed: bool,
    redeemed_at: Option<String>,
}

/// The ticket of an attendee, for its owner only (404 for anyone else).
pub async fn ticket(state: &AppState, caller: &Caller, attendee: Uuid) -> Result<Ticket, ApiError> {
    let client = state.pool.get().await?;
    let caller_id = active_user_id(&client, caller).await?;
    let row = client
        .query_opt(
            "SELECT a.uuid AS attendee_id, e.uuid AS event_id, e.title AS event_title, rfc3339(e.starts_at) AS starts_at, \
                    a.seats, a.status, t.secret_salt, t.is_redeemed, rfc3339(t.redeemed_at) AS redeemed_at \
             FROM event_attendee a JOIN event e ON e.id = a.event_id JOIN ticket_secret t ON t.attendee_id = a.id \
             WHERE a.uuid = $1 AND a.user_id = $2",
            &[&attendee, &caller_id],
        )
        .await?
        .ok_or_else(|| ApiError::not_found("The ticket"))?;
    let row = TicketRow::try_from_row(&row)?;
    Ok(Ticket {
        attendee_id: row.attendee_id,
        event_id: row.event_id,
        event_title: row.event_title,
        starts_at: row.starts_at,
        seats: row.seats.into(),
        status: row.status.as_str().to_owned(),
        ticket_code: tickets::code(
            &state.config.attendance.ticket_key,
            attendee,
            &row.secret_salt,
        ),
        is_redeemed: row.is_redeemed,
        redeemed_at: row.redeemed_at,
    })
}

/// The event the path's `{event_id}` (`$1`) names, with whether the caller (`$2`, public id)
/// organises it: who may check guests in.
const CHECK_IN_EVENT: &str = concatcp!(
    "SELECT e.id, e.uuid, ",
    ORGANISER_IS_ME,
    " AS organiser, e.is_published \
     FROM event e CROSS JOIN (SELECT id FROM auth_user WHERE uuid = $2) me WHERE ",
    EVENT_IS_KEY_1
);

/// Attendee `$2` (public id) of the event the path's `{event_id}` (`$1`) names, with their
/// ticket's secret, locked for the check-in.
const CHECK_IN_GUEST: &str = concatcp!(
    "SELECT a.id, a.status, rfc3339(a.checked_in_at) AS checked_in_at, a.seats, p.name, \
            t.secret_salt, t.secret_hash, u.uuid AS guest_uuid \
     FROM event_attendee a JOIN ticket_secret t ON t.attendee_id = a.id JOIN auth_user u ON u.id = a.user_id \
     LEFT JOIN user_profile p ON p.user_id = u.id \
     WHERE a.uuid = $2 AND a.event_id = ", EVENT_ID_OF_KEY_1, " FOR UPDATE OF a, t"
);

/// Checks a guest in by ticket code at the door (host or co-host). Exactly one of two
/// simultaneous scans wins: the attendee row is locked.
pub async fn check_in(actor: &Actor<'_>, key: &str, code: &str) -> Result<CheckedIn, ApiError> {
    let (state, caller, request_id) = (actor.state, &actor.caller, actor.request_id);
    let Some((attendee, presented)) = tickets::parse(code) else {
        return Err(ApiError::client(
            http::StatusCode::UNPROCESSABLE_ENTITY,
            ProblemCode::InvalidTicketCode,
            "This is not a ticket code.",
        )
        .with_errors(vec![FieldError::new("ticket_code", "is not a ticket code")]));
    };
    let client = state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    // The account check, the event with the caller's role in it and the ticket's attendee
    // (locked) go out together: one round trip. A caller who may not check in rolls back.
    let (caller_id, event, guest_row) = crate::pipelined!(
        active_user_id(&tx, caller),
        async {
            Ok(tx
                .query_opt(CHECK_IN_EVENT, &[&key, &caller.user_id])
                .await?)
        },
        async { Ok(tx.query_opt(CHECK_IN_GUEST, &[&key, &attendee],).await?) }
    )?;
    let event = event.ok_or_else(|| ApiError::not_found("The event"))?;
    let (event_uuid, organiser, published): (Uuid, bool, bool) = (
        event.get("uuid"),
        event.get("organiser"),
        event.get("is_published"),
    );
    if !organiser {
        // A draft is invisible to anyone but its organisers: 404, as if it did not exist.
        return Err(if published {
            ApiError::forbidden("Only the host or a co-host can check guests in.")
        } else {
            ApiError::not_found("The event")
        });
    }
    let not_found = || {
        ApiError::client(
            http::StatusCode::NOT_FOUND,
            ProblemCode::TicketNotFound,
            "No valid ticket for this event has this code.",
        )
    };
    let row = guest_row.ok_or_else(not_found)?;
    let (attendee_id, status, checked_in_at, seats, name, salt, hash, guest): (
        i64,
        AttendeeStatus,
        Option<String>,
        i16,
        Option<String>,
        String,
        String,
        Uuid,
    ) = (
        row.get("id"),
        row.get("status"),
        row.get("checked_in_at"),
        row.get("seats"),
        row.get("name"),
        row.get("secret_salt"),
        row.get("secret_hash"),
        row.get("guest_uuid"),
    );
    if !tickets::verify(
        &state.config.attendance.ticket_key,
        attendee,
        &salt,
        &hash,
        &presented,
    ) {
        return Err(not_found());
    }
    status.check_in(checked_in_at.as_deref())?;
    let entry = AuditEntry {
        actor: Some(caller.user_id),
        object_type: "event_attendee",
        object_id: attendee.to_string(),
        action: "check_in",
        payload: json!({ "event_id": event_uuid, "seats": seats }),
        request_id: Some(request_id),
    };
    let (checked_in_at, ()) = crate::pipelined!(
        async {
            Ok(tx
                .query_one(
                    "WITH t AS (UPDATE ticket_secret SET is_redeemed = true, redeemed_at = now() WHERE attendee_id = $1) \
                     UPDATE event_attendee SET status = 'checked_in', checked_in_at = now(), checked_in_by = $2 WHERE id = $1 \
                     RETURNING rfc3339(checked_in_at) AS checked_in_at",
                    &[&attendee_id, &caller_id],
                )
                .await?
                .get::<_, String>("checked_in_at"))
        },
        audit::record(&tx, &entry),
    )?;
    tx.commit().await?;
    crate::platform::metrics::emit("check_in");
    Ok(CheckedIn {
        attendee_id: attendee,
        user_id: guest,
        name,
        seats: seats.into(),
        status: AttendeeStatus::CheckedIn.as_str().to_owned(),
        checked_in_at,
    })
}

/// The event of attendee `$1`.
const ATTENDEE_EVENT: EventLookup =
    crate::event_lookup!("(SELECT event_id FROM event_attendee WHERE uuid = $1)");

/// Locks attendee `$1` (after its event) with whether the refund cut-off (`$2` seconds before
/// the start) is still ahead and whether user `$3` (public id) organises the event.
const LOCK_ATTENDEE_SQL: &str = concat!(
    "SELECT a.id, a.user_id, a.status, a.seats, a.is_paid, \
            e.starts_at - now() >= make_interval(secs => $2) AS before_cutoff, u.uuid AS guest, \
            coalesce(",
    organiser_is!("me.id"),
    ", false) AS is_organiser \
     FROM event_attendee a JOIN event e ON e.id = a.event_id JOIN auth_user u ON u.id = a.user_id \
     LEFT JOIN (SELECT id FROM auth_user WHERE uuid = $3) me ON true \
     WHERE a.uuid = $1 FOR UPDATE OF a"
);

/// The attendee being cancelled, locked, with the caller's standing.
#[derive(FromRow)]
struct CancelledAttendee {
    id: i64,
    user_id: i64,
    status: AttendeeStatus,
    seats: i16,
    is_paid: bool,
    /// Whether the refund cut-off before the start is still ahead.
    before_cutoff: bool,
    guest: Uuid,
    is_organiser: bool,
}

/// Cancels attendance (the attendee, or the host): seats freed, the waitlist promoted, and for a
/// paid ticket the refund the policy allows is queued (the reservation-expiry worker sends it).
pub async fn cancel(
    actor: &Actor<'_>,
    attendee: Uuid,
) -> Result<Outcome<AttendeeCancelled>, ApiError> {
    let (state, caller, request_id) = (actor.state, &actor.caller, actor.request_id);
    let client = state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let cutoff = state.config.attendance.refund_cutoff.as_secs_f64();
    // The account check, the event's lock and the attendee's: one round trip.
    let (caller_id, locked) = EventLock::of(&ATTENDEE_EVENT, &attendee)
        .then(&[(LOCK_ATTENDEE_SQL, &[&attendee, &cutoff, &caller.user_id])])
        .run_for(&tx, caller)
        .await?;
    let not_found = || ApiError::not_found("The attendee");
    let locked = locked.ok_or_else(not_found)?;
    let CancelledAttendee {
        id: attendee_id,
        user_id,
        status,
        seats,
        is_paid,
        before_cutoff: refundable,
        guest,
        is_organiser: organiser,
    } = locked.first(0)?.ok_or_else(not_found)?;
    let event = locked.event;
    let host_id = event.host_id;
    if caller_id != user_id && caller_id != host_id {
        return Err(if organiser {
            ApiError::forbidden("Only the guest or the host can cancel attendance.")
        } else {
            ApiError::not_found("The attendee")
        });
    }
    status.cancel()?;
    // The host cancelling a guest always refunds; a guest gets the refund the policy allows.
    let refund = is_paid && (caller_id == host_id || refundable);
    // The seats come free (and the refund is queued) in the round trip that reads the
    // waitlist; the promotions, the notice and the audit row go with COMMIT.
    let seats_freed = i32::from(seats);
    let cancel_params: [&(dyn ToSql + Sync); 3] = [&attendee_id, &seats_freed, &event.id];
    // The host removing a guest gives everything back; a guest leaving in time keeps the fee
    // with the platform (payments::policy).
    let refund_reason = if caller_id == host_id {
        RefundReason::AttendeeCancelled
    } else {
        RefundReason::GuestWithdrew
    }
    .as_str();
    let refund_params: [&(dyn ToSql + Sync); 2] = [&attendee_id, &refund_reason];
    let mut freed: Vec<Statement> = vec![(
        "WITH a AS (UPDATE event_attendee SET status = 'cancelled', cancelled_at = now() WHERE id = $1) \
         UPDATE event SET going_count = going_count - $2::int WHERE id = $3",
        &cancel_params,
    )];
    if refund {
        freed.push((
            "UPDATE payment_order SET status = 'refund_pending', refund_reason = $2 \
             WHERE attendee_id = $1 AND status IN ('paid', 'partially_refunded')",
            &refund_params,
        ));
    }
    let mut writes = Writes::new();
    ledger::promote_waitlist(&tx, state, event.id, &freed, &mut writes).await?;
    if caller_id != user_id {
        let notice = notify::message(
            "event_changed",
            event.uuid,
            Some(caller.user_id),
            &[guest],
            json!({ "changes": ["attendance_cancelled"] }),
        );
        writes.push_message(notice);
    }
    if refund {
        writes.push_message(Some(crate::payments::refunds::send_refunds_message()));
    }
    writes.push_audit(&AuditEntry {
        actor: Some(caller.user_id),
        object_type: "event_attendee",
        object_id: attendee.to_string(),
        action: "cancel",
        payload: json!({ "seats": seats, "refund_queued": refund }),
        request_id: Some(request_id),
    });
    tx.commit_writes_with(&writes, |_| async { Ok(()) }).await?;
    Ok(Outcome {
        body: AttendeeCancelled {
            attendee_id: attendee,
            status: AttendeeStatus::Cancelled.as_str().to_owned(),
            refund_queued: refund,
        },
        outbox: writes.into_messages(),
    })
}

/// The caller's tickets (attendances), soonest event first.
pub async fn my_tickets(
    client: &impl CachedStatements,
    user_id: i64,
    limit: i64,
) -> Result<Vec<TicketSummary>, ApiError> {
    client
        .query(
            "SELECT jsonb_build_object('attendee_id', a.uuid, 'event_id', e.uuid, 'event_title', e.title, \
                    'starts_at', rfc3339(e.starts_at), 'seats', a.seats, 'status', a.status, 'is_paid', a.is_paid, \
                    'checked_in_at', rfc3339(a.checked_in_at)) \
                    AS ticket \
             FROM event_attendee a JOIN event e ON e.id = a.event_id WHERE a.user_id = $1 \
             ORDER BY e.starts_at, a.id LIMIT $2",
            &[&user_id, &limit],
        )
        .await?
        .iter()
        .map(|row| crate::platform::db::json_column(row, "ticket"))
        .collect()
}
