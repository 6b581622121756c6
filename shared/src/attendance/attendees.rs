//! Attendees and tickets: the ticket code for its owner, check-in at the door, and cancelling
//! attendance (the guest list is in `guest_list`).

use super::attendee_status::AttendeeStatus;
use super::rules::organisers_only;
use super::store;
use crate::auth::Actor;
use crate::contract::schemas::{AttendeeCancelled, CheckedIn, Ticket, TicketSummary};
use crate::platform::error::ProblemCode;
use serde_json::json;
use uuid::Uuid;

use super::event_lock::EventLock;
use super::ledger;
use super::requests::Outcome;
use super::tickets;
use crate::app::state::AppState;
use crate::auth::{active_user_id, Caller};
use crate::notifications::notify;
use crate::payments::policy::RefundReason;
use crate::platform::audit::{self, AuditEntry};
use crate::platform::db::{CachedStatements, FromRow, PipelinedTransaction, Statement, Writes};
use crate::platform::error::{ApiError, FieldError};
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
        .query_opt(store::TICKET_OF_OWNER, &[&attendee, &caller_id])
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

/// Checks a guest in by ticket code at the door (host or co-host). Exactly one of two
/// simultaneous scans wins: the attendee row is locked.
pub async fn check_in(actor: &Actor<'_>, key: &str, code: &str) -> Result<CheckedIn, ApiError> {
    let Some((attendee, presented)) = tickets::parse(code) else {
        return Err(ApiError::client(
            http::StatusCode::UNPROCESSABLE_ENTITY,
            ProblemCode::InvalidTicketCode,
            "This is not a ticket code.",
        )
        .with_errors(vec![FieldError::new("ticket_code", "is not a ticket code")]));
    };
    let client = actor.state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    // The account check, the event with the &actor.caller's role in it and the ticket's attendee
    // (locked) go out together: one round trip. A &actor.caller who may not check in rolls back.
    let (caller_id, event, guest_row) = crate::pipelined!(
        active_user_id(&tx, &actor.caller),
        async {
            Ok(tx
                .query_opt(store::CHECK_IN_EVENT, &[&key, &actor.caller.user_id])
                .await?)
        },
        async {
            Ok(tx
                .query_opt(store::CHECK_IN_GUEST, &[&key, &attendee])
                .await?)
        }
    )?;
    let event = event.ok_or_else(|| ApiError::not_found("The event"))?;
    let (event_uuid, organiser, published): (Uuid, bool, bool) = (
        event.get("uuid"),
        event.get("organiser"),
        event.get("is_published"),
    );
    organisers_only(
        organiser,
        published,
        "Only the host or a co-host can check guests in.",
    )?;
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
        &actor.state.config.attendance.ticket_key,
        attendee,
        &salt,
        &hash,
        &presented,
    ) {
        return Err(not_found());
    }
    status.check_in(checked_in_at.as_deref())?;
    let entry = AuditEntry {
        actor: Some(actor.caller.user_id),
        object_type: "event_attendee",
        object_id: attendee.to_string(),
        action: "check_in",
        payload: json!({ "event_id": event_uuid, "seats": seats }),
        request_id: Some(actor.request_id),
    };
    let (checked_in_at, ()) = crate::pipelined!(
        async {
            Ok(tx
                .query_one(store::CHECK_IN, &[&attendee_id, &caller_id])
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
    let client = actor.state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let cutoff = actor.state.config.attendance.refund_cutoff.as_secs_f64();
    // The account check, the event's lock and the attendee's: one round trip.
    let (caller_id, locked) = EventLock::of(&store::ATTENDEE_EVENT, &attendee)
        .then(&[(
            store::LOCK_ATTENDEE,
            &[&attendee, &cutoff, &actor.caller.user_id],
        )])
        .run_for(&tx, &actor.caller)
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
    let mut freed: Vec<Statement> = vec![(store::CANCEL_ATTENDEE, &cancel_params)];
    if refund {
        freed.push((store::ORDER_REFUND_PENDING_OF_ATTENDEE, &refund_params));
    }
    let mut writes = Writes::new();
    ledger::promote_waitlist(&tx, actor.state, event.id, &freed, &mut writes).await?;
    if caller_id != user_id {
        let notice = notify::message(
            "event_changed",
            event.uuid,
            Some(actor.caller.user_id),
            &[guest],
            json!({ "changes": ["attendance_cancelled"] }),
        );
        writes.push_message(notice);
    }
    if refund {
        writes.push_message(Some(crate::payments::refunds::send_refunds_message()));
    }
    writes.push_audit(&AuditEntry {
        actor: Some(actor.caller.user_id),
        object_type: "event_attendee",
        object_id: attendee.to_string(),
        action: "cancel",
        payload: json!({ "seats": seats, "refund_queued": refund }),
        request_id: Some(actor.request_id),
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
    let rows = client
        .query(store::TICKETS_OF_USER, &[&user_id, &limit])
        .await?;
    crate::platform::db::json_rows(&rows, "ticket")
}
