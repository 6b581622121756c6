//! Deleting an account leaves nothing on sale that nobody can run and no money stranded:
//! - every upcoming event the user hosts is cancelled exactly as the host would cancel it
//!   (everyone affected told, paid guests refunded in full);
//! - the user's co-host roles end;
//! - the user's own seats and holds are released (paid orders refunded per the fee policy,
//!   `payments::policy`), their open requests cancelled and pending invites declined, and the
//!   waitlists of the events whose seats came free move up (a `promote_waitlist` message each);
//! - then the account is anonymised: sessions revoked, profile cleared, and nothing personal
//!   left in the provider answers stored with the user's orders.
//!
//! One transaction, three round trips: the account check with the events' locks and what the
//! change affects; every write with its notices, audit rows and COMMIT; the outbox.

use crate::auth::Actor;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::audit::AuditEntry;
use crate::auth::active_user_id;
use tokio_postgres::types::ToSql;

use crate::platform::db::{CachedStatements, PipelinedTransaction, Writes};
use crate::platform::error::ApiError;
use crate::platform::outbox::{OutboxMessage, Queue};

/// The user (`$1`, public id) as an internal id, inside each statement.
macro_rules! me {
    () => {
        "(SELECT id FROM auth_user WHERE uuid = $1)"
    };
}

/// Locks, in id order, every event whose seats the deletion changes: the upcoming events the
/// user hosts and those where the user holds seats.
const LOCK_EVENTS_SQL: &str = concat!(
    "SELECT e.id FROM event e WHERE e.id IN ( \
         SELECT id FROM event WHERE host_id = ",
    me!(),
    " AND is_active AND starts_at > now() \
         UNION SELECT event_id FROM event_attendee WHERE user_id = ",
    me!(),
    " AND status = 'going' \
         UNION SELECT event_id FROM capacity_reservation WHERE user_id = ",
    me!(),
    " AND status = 'held') \
     ORDER BY e.id FOR NO KEY UPDATE"
);

/// The upcoming events the user hosts, read behind their locks: id, public id, everyone a
/// cancellation tells (live requests, pending invites, holds, attendance) and how many paid
/// orders it refunds.
const HOSTED_SQL: &str = concat!(
    "SELECT e.id, e.uuid, \
            ARRAY(SELECT u.uuid FROM auth_user u WHERE u.id IN ( \
                SELECT requester_id FROM event_request WHERE event_id = e.id \
                   AND status IN ('pending', 'waitlisted', 'accepted') \
                UNION SELECT invited_user_id FROM event_invite WHERE event_id = e.id AND status = 'pending' \
                UNION SELECT user_id FROM capacity_reservation WHERE event_id = e.id AND status = 'held' \
                UNION SELECT user_id FROM event_attendee WHERE event_id = e.id \
                   AND status IN ('going', 'checked_in')) ORDER BY u.id) AS affected, \
            (SELECT count(*) FROM payment_order WHERE event_id = e.id \
                AND status IN ('paid', 'partially_refunded')) AS paid_orders \
     FROM event e WHERE e.host_id = ",
    me!(),
    " AND e.is_active AND e.starts_at > now() ORDER BY e.id"
);

/// What the user's own seats touch (`$2` the refund cut-off in seconds): the other events
/// whose seats come free, how many paid orders the policy refunds, open requests and live
/// sessions (for the audit row).
const OWN_SQL: &str = concat!(
    "SELECT ARRAY(SELECT e.uuid FROM event e WHERE e.host_id <> ",
    me!(),
    " AND e.id IN ( \
                SELECT event_id FROM event_attendee WHERE user_id = ",
    me!(),
    " AND status = 'going' \
                UNION SELECT event_id FROM capacity_reservation WHERE user_id = ",
    me!(),
    " AND status = 'held') ORDER BY e.id) AS freed_events, \
            (SELECT count(*) FROM payment_order o JOIN event_attendee a ON a.id = o.attendee_id \
                JOIN event e ON e.id = a.event_id \
             WHERE a.user_id = ",
    me!(),
    " AND a.status = 'going' AND o.status IN ('paid', 'partially_refunded') \
               AND e.starts_at - now() >= make_interval(secs => $2)) AS refunds, \
            (SELECT count(*) FROM event_request WHERE requester_id = ",
    me!(),
    " AND status IN ('pending', 'waitlisted', 'accepted')) AS open_requests, \
            (SELECT count(*) FROM refresh_token WHERE user_id = ",
    me!(),
    " AND revoked_at IS NULL) AS sessions"
);

/// Gives up the user's own seats (`$2` the refund cut-off in seconds): attendance cancelled
/// and counted off, paid orders refunded when the policy allows, holds released with their
/// unpaid orders, open requests cancelled (pending ones counted off), pending invites
/// declined, co-host roles ended.
const RELEASE_OWN_SQL: &str = concat!(
    "WITH att AS ( \
         UPDATE event_attendee SET status = 'cancelled', cancelled_at = now() \
         WHERE user_id = ",
    me!(),
    " AND status = 'going' RETURNING id, event_id, seats), \
     refunds AS ( \
         UPDATE payment_order o SET status = 'refund_pending', refund_reason = 'guest_withdrew' \
         FROM att JOIN event e ON e.id = att.event_id \
         WHERE o.attendee_id = att.id AND o.status IN ('paid', 'partially_refunded') \
           AND e.starts_at - now() >= make_interval(secs => $2)), \
     holds AS ( \
         UPDATE capacity_reservation SET status = 'released', released_at = now() \
         WHERE user_id = ",
    me!(),
    " AND status = 'held' RETURNING id), \
     unpaid AS ( \
         UPDATE payment_order SET status = 'expired' \
         WHERE reservation_id IN (SELECT id FROM holds) AND status = 'created'), \
     requests AS ( \
         UPDATE event_request r SET status = 'cancelled' FROM event_request old \
         WHERE r.id = old.id AND r.requester_id = ",
    me!(),
    " AND r.status IN ('pending', 'waitlisted', 'accepted') \
         RETURNING r.event_id, old.status AS was), \
     counted AS ( \
         UPDATE event e SET going_count = e.going_count - c.seats, requests_count = e.requests_count - c.pending \
         FROM (SELECT event_id, sum(seats)::int AS seats, sum(pending)::int AS pending \
               FROM (SELECT event_id, seats::int AS seats, 0 AS pending FROM att \
                     UNION ALL SELECT event_id, 0, 1 FROM requests WHERE was = 'pending') changed \
               GROUP BY event_id) c \
         WHERE e.id = c.event_id), \
     invites AS ( \
         UPDATE event_invite SET status = 'declined' WHERE invited_user_id = ",
    me!(),
    " AND status = 'pending') \
     DELETE FROM event_cohost WHERE user_id = ",
    me!()
);

/// Revokes every session of the user.
const REVOKE_SESSIONS_SQL: &str = concat!(
    "UPDATE refresh_token SET revoked_at = now(), revoked_reason = 'account_deleted' \
     WHERE user_id = ",
    me!(),
    " AND revoked_at IS NULL"
);

/// Keeps, in every provider answer stored with the user's orders (`$2` the payment fields
/// reconciliation needs), only those fields: no phone number, email, VPA or card.
const SCRUB_ORDERS_SQL: &str = concat!(
    "UPDATE payment_order SET provider_response = ( \
         SELECT jsonb_object_agg(part, CASE WHEN jsonb_typeof(doc) = 'object' THEN \
                    (SELECT coalesce(jsonb_object_agg(field, value), '{}'::jsonb) FROM jsonb_each(doc) f(field, value) \
                     WHERE field = ANY($2)) ELSE doc END) \
         FROM jsonb_each(provider_response) p(part, doc)) \
     WHERE user_id = ",
    me!(),
    " AND jsonb_typeof(provider_response) = 'object' AND provider_response <> '{}'::jsonb"
);

/// Deactivates and anonymises the account: frees the username and phone number, clears the
/// profile and interests. Payment and audit rows keep pointing at the (now anonymous) user.
const ANONYMISE_SQL: &str = concat!(
    "WITH account AS ( \
         UPDATE auth_user SET is_active = false, deactivated_at = now(), \
                username = 'deleted:' || uuid::text, email = NULL, first_name = '', last_name = '' \
         WHERE id = ",
    me!(),
    "), \
     profile AS ( \
         UPDATE user_profile SET name = NULL, bio = NULL, location = NULL, phone_number = NULL, \
                birth_date = NULL, gender = NULL, profile_pictures = '[]', is_verified = false \
         WHERE user_id = ",
    me!(),
    " RETURNING id) \
     DELETE FROM user_profile_event_interests WHERE user_profile_id IN (SELECT id FROM profile)"
);

/// The `kind` of the reservation-expiry message that moves an event's waitlist up after seats
/// came free outside a seat change of that event (an account deletion).
pub const PROMOTE_WAITLIST: &str = "promote_waitlist";

/// Deletes the caller's account (see the module doc). Returns the outbox messages to publish.
pub async fn delete_account(actor: &Actor<'_>) -> Result<Vec<OutboxMessage>, ApiError> {
    let (state, caller, request_id) = (actor.state, &actor.caller, actor.request_id);
    let client = state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let cutoff = state.config.attendance.refund_cutoff.as_secs_f64();
    let user: [&(dyn ToSql + Sync); 1] = [&caller.user_id];
    let user_and_cutoff: [&(dyn ToSql + Sync); 2] = [&caller.user_id, &cutoff];
    let (_, rows) = crate::pipelined!(active_user_id(&tx, caller), async {
        Ok::<_, ApiError>(
            tx.query_in_order(&[
                (LOCK_EVENTS_SQL, &user),
                (HOSTED_SQL, &user),
                (OWN_SQL, &user_and_cutoff),
            ])
            .await?,
        )
    })?;
    let own = rows[2]
        .first()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no row of the user's own seats")))?;
    let (freed_events, own_refunds, open_requests, sessions): (Vec<Uuid>, i64, i64, i64) = (
        own.get("freed_events"),
        own.get("refunds"),
        own.get("open_requests"),
        own.get("sessions"),
    );

    let mut writes = Writes::new();
    let mut refunds = own_refunds;
    for hosted in &rows[1] {
        let (event_id, event_uuid, affected, paid): (i64, Uuid, Vec<Uuid>, i64) = (
            hosted.get("id"),
            hosted.get("uuid"),
            hosted.get("affected"),
            hosted.get("paid_orders"),
        );
        refunds += paid;
        let notice = crate::notifications::notify::message(
            "event_cancelled",
            event_uuid,
            Some(caller.user_id),
            &affected,
            json!({ "reason": "host_account_deleted" }),
        );
        writes
            .push(
                crate::events::store::CANCEL_EVENT,
                crate::owned_params![event_id],
            )
            .push_message(notice)
            .push_audit(&AuditEntry {
                actor: Some(caller.user_id),
                object_type: "event",
                object_id: event_uuid.to_string(),
                action: "cancel",
                payload: json!({
                    "reason": "host_account_deleted",
                    "people_notified": affected.len(),
                    "refunds_queued": paid,
                }),
                request_id: Some(request_id),
            });
    }
    let fields: Vec<String> = crate::payments::webhook::RECONCILIATION_FIELDS
        .iter()
        .map(|field| (*field).to_owned())
        .collect();
    writes
        .push(
            RELEASE_OWN_SQL,
            crate::owned_params![caller.user_id, cutoff],
        )
        .push(REVOKE_SESSIONS_SQL, crate::owned_params![caller.user_id])
        .push(
            SCRUB_ORDERS_SQL,
            crate::owned_params![caller.user_id, fields],
        )
        .push(ANONYMISE_SQL, crate::owned_params![caller.user_id]);
    for event in &freed_events {
        let promote = OutboxMessage::new(
            Queue::ReservationExpiry,
            json!({ "kind": PROMOTE_WAITLIST, "event_id": event }),
            std::time::Duration::ZERO,
        );
        writes.push_message(Some(promote));
    }
    if refunds > 0 {
        writes.push_message(Some(crate::payments::refunds::send_refunds_message()));
    }
    writes.push_audit(&AuditEntry {
        actor: Some(caller.user_id),
        object_type: "auth_user",
        object_id: caller.user_id.to_string(),
        action: "deactivate",
        payload: deactivation_summary(
            rows[1].len(),
            freed_events.len(),
            open_requests,
            sessions,
            refunds,
        ),
        request_id: Some(request_id),
    });
    tx.commit_writes_with(&writes, |_| async { Ok(()) }).await?;
    Ok(writes.into_messages())
}

/// The deactivation's audit payload.
fn deactivation_summary(
    events_cancelled: usize,
    seats_released_on: usize,
    requests_cancelled: i64,
    sessions_revoked: i64,
    refunds_queued: i64,
) -> Value {
    json!({
        "events_cancelled": events_cancelled,
        "seats_released_on_events": seats_released_on,
        "requests_cancelled": requests_cancelled,
        "sessions_revoked": sessions_revoked,
        "refunds_queued": refunds_queued,
    })
}
