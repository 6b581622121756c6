//! Answering and withdrawing requests: the host or a co-host accepts (seats, a hold or the
//! waitlist) or declines; the requester cancels. Only legal transitions: pending → accepted |
//! waitlisted | declined | cancelled; waitlisted → accepted | declined | cancelled; accepted
//! (still holding, unpaid) → cancelled.

use super::request_status::{IllegalMove, RequestStatus, Withdrawal};
use super::store;
use crate::auth::Actor;
use crate::contract::schemas::JoinRequest;
use crate::platform::error::ProblemCode;
use serde_json::json;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

use super::event_lock::EventLock;
use super::ledger::{self, Admit, LockedEvent};
use super::requests::{commit_answering, decide, Outcome};
use super::rules::decision;
use crate::auth::Caller;
use crate::notifications::notify;
use crate::platform::audit::AuditEntry;
use crate::platform::db::{CachedStatements, FromRow, PipelinedTransaction, Writes};
use crate::platform::error::ApiError;

/// A request locked for a transition, with the caller's relation to it (`store::LOCK_REQUEST`).
#[derive(FromRow)]
struct LockedRequest {
    id: i64,
    uuid: Uuid,
    status: RequestStatus,
    #[from_row(rename = "seats_requested")]
    seats: i16,
    requester_id: i64,
    requester_uuid: Uuid,
    caller_is_organiser: bool,
}

/// Locks the request's event, then the request (the one lock order), with the account check:
/// one round trip. Returns the caller's id too; 404 to anyone but the requester and the
/// event's organisers.
async fn lock_request(
    tx: &impl CachedStatements,
    request: Uuid,
    caller: &Caller,
) -> Result<(i64, LockedRequest, LockedEvent), ApiError> {
    let (caller_id, locked) = EventLock::of(&store::REQUEST_EVENT, &request)
        .then(&[(store::LOCK_REQUEST, &[&request, &caller.user_id])])
        .run_for(tx, caller)
        .await?;
    let not_found = || ApiError::not_found("The request");
    let locked = locked.ok_or_else(not_found)?;
    let request: LockedRequest = locked.first(0)?.ok_or_else(not_found)?;
    if !request.caller_is_organiser && request.requester_id != caller_id {
        return Err(not_found());
    }
    Ok((caller_id, request, locked.event))
}

/// Host or co-host accepts (or, without seats, waitlists) a pending or waitlisted request.
pub async fn accept(
    actor: &Actor<'_>,
    request: Uuid,
    host_message: Option<String>,
) -> Result<Outcome<JoinRequest>, ApiError> {
    respond(actor, request, host_message, true).await
}

/// Host or co-host declines a pending or waitlisted request.
pub async fn decline(
    actor: &Actor<'_>,
    request: Uuid,
    host_message: Option<String>,
) -> Result<Outcome<JoinRequest>, ApiError> {
    respond(actor, request, host_message, false).await
}

async fn respond(
    actor: &Actor<'_>,
    request: Uuid,
    host_message: Option<String>,
    accept: bool,
) -> Result<Outcome<JoinRequest>, ApiError> {
    let client = actor.state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let (caller_id, locked, mut event) = lock_request(&tx, request, &actor.caller).await?;
    if !locked.caller_is_organiser {
        return Err(ApiError::forbidden(
            "Only the host or a co-host can answer a request.",
        ));
    }
    // Refused before anything else is looked at: a request answered already stays as it is.
    // The new actor.state is known before any write: what `decide` will make of it.
    let status = locked.status.answer(if accept {
        decision(&event, locked.seats)
    } else {
        RequestStatus::Declined
    })?;
    let was_pending = locked.status == RequestStatus::Pending;
    if accept && !event.is_open {
        return Err(ApiError::conflict(
            ProblemCode::EventClosed,
            "This event is no longer open.",
        ));
    }
    let kind = match status {
        RequestStatus::Accepted => "request_accepted",
        RequestStatus::Waitlisted => "request_waitlisted",
        _ => "request_declined",
    };
    let notice = notify::message(
        kind,
        event.uuid,
        Some(actor.caller.user_id),
        &[locked.requester_uuid],
        json!({ "actor.request_id": locked.uuid, "host_message": host_message }),
    );
    // Every write goes out with COMMIT: the answer, the notice, then the decision.
    let mut writes = Writes::new();
    writes
        .push(
            store::REQUEST_ANSWERED_BY,
            crate::owned_params![locked.id, host_message, caller_id],
        )
        .push_message(notice);
    if accept {
        let who = Admit {
            user_id: locked.requester_id,
            user_uuid: locked.requester_uuid,
            seats: locked.seats,
            request: Some(locked.uuid),
            invite_id: None,
        };
        decide(
            actor.state,
            &mut event,
            locked.uuid,
            who,
            was_pending,
            &mut writes,
        )?;
    } else {
        if was_pending {
            writes.push(
                store::EVENT_REQUESTS_COUNT_DOWN,
                crate::owned_params![event.id],
            );
        }
        writes.push(store::DECLINE_REQUEST, crate::owned_params![locked.id]);
    }
    let audited = AuditEntry {
        actor: Some(actor.caller.user_id),
        object_type: "event_request",
        object_id: locked.uuid.to_string(),
        action: match status {
            RequestStatus::Accepted => "accept",
            RequestStatus::Waitlisted => "waitlist",
            _ => "decline",
        },
        payload: json!({ "from": locked.status, "to": status }),
        request_id: Some(actor.request_id),
    };
    commit_answering(tx, writes, &audited, locked.uuid).await
}

/// The requester withdraws a pending or waitlisted request, or an accepted one still holding
/// unpaid seats (the hold is released and the waitlist moves up).
pub async fn cancel(actor: &Actor<'_>, request: Uuid) -> Result<Outcome<JoinRequest>, ApiError> {
    let client = actor.state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let (caller_id, locked, event) = lock_request(&tx, request, &actor.caller).await?;
    if locked.requester_id != caller_id {
        return Err(ApiError::forbidden(
            "Only the requester can cancel a request.",
        ));
    }
    let mut writes = Writes::new();
    match locked.status.withdraw()? {
        Withdrawal::Unanswered { was_pending } => {
            if was_pending {
                writes.push(
                    store::EVENT_REQUESTS_COUNT_DOWN,
                    crate::owned_params![event.id],
                );
            }
            writes.push(store::CANCEL_REQUEST, crate::owned_params![locked.id]);
        }
        Withdrawal::ReleasesHold => {
            // The seats come free first (the waitlist's promotion reads them), in one round
            // trip with the check that no attendee stands on them; a failed check rolls all
            // of it back.
            let request_param: [&(dyn ToSql + Sync); 1] = [&locked.id];
            let freed = tx
                .query_in_order(&[
                    (store::REQUEST_HAS_ATTENDEE, &request_param),
                    (store::RELEASE_HOLD_OF_REQUEST, &request_param),
                    (store::EXPIRE_ORDERS_OF_REQUEST, &request_param),
                    (store::CANCEL_REQUEST, &request_param),
                ])
                .await?;
            let attending = freed[0]
                .first()
                .is_some_and(|row| row.get::<_, bool>("attending"));
            if attending {
                return Err(IllegalMove {
                    from: RequestStatus::Accepted,
                    action: "cancelled here; cancel the attendance instead",
                }
                .into());
            }
            ledger::promote_waitlist(&tx, actor.state, event.id, &[], &mut writes).await?;
        }
    }
    let audited = AuditEntry {
        actor: Some(actor.caller.user_id),
        object_type: "event_request",
        object_id: locked.uuid.to_string(),
        action: "cancel",
        payload: json!({ "from": locked.status }),
        request_id: Some(actor.request_id),
    };
    commit_answering(tx, writes, &audited, locked.uuid).await
}
