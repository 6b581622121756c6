//! The writes of the latency run: request create, accept (free) and check-in. A write changes
//! what it touches, so every call gets a subject of its own, seeded here before the bench
//! database is copied: calls 0 and 1 run on the copy (warm-up, then the recorded call whose
//! statements are replayed bare on the original, where that subject is still untouched), the
//! rest are the handler's measured calls on the original. Event 2 of the seed is free, published
//! and needs approval; user 1 hosts it.

use anyhow::Context;
use serde_json::json;
use shared::AppState;

use crate::latency::Call;

/// The event every write scenario acts on.
const EVENT_ID: i64 = 2;
/// First user of each scenario's block of subjects (blocks clear of the seed's attendees).
const REQUESTERS_FROM: i64 = 10_001;
const PENDING_FROM: i64 = 20_001;
const GUESTS_FROM: i64 = 30_001;

/// Seeds what `count` calls of each write need: pending requests to accept and attendees to
/// check in (their tickets are issued when the calls are built).
pub async fn seed(client: &tokio_postgres::Client, count: i64) -> anyhow::Result<()> {
    let sql = format!(
        "INSERT INTO event_request (event_id, requester_id, message) \
           SELECT {EVENT_ID}, g, 'bench' FROM generate_series({PENDING_FROM}, {PENDING_FROM} + {count} - 1) g;
         UPDATE event SET requests_count = requests_count + {count} WHERE id = {EVENT_ID};
         INSERT INTO event_attendee (event_id, user_id, seats) \
           SELECT {EVENT_ID}, g, 1 FROM generate_series({GUESTS_FROM}, {GUESTS_FROM} + {count} - 1) g;
         UPDATE event SET going_count = going_count + {count} WHERE id = {EVENT_ID};"
    );
    client
        .batch_execute(&sql)
        .await
        .context("seeding the write scenarios")
}

/// Issues the tickets of the seeded guests (the secret needs the app's ticket key, so through
/// the app's own code).
pub async fn issue_tickets(state: &AppState) -> anyhow::Result<()> {
    let client = state.pool.get().await?;
    let guests = client
        .query(
            "SELECT a.uuid FROM event_attendee a WHERE a.event_id = $1 AND a.user_id >= $2 \
             AND NOT EXISTS (SELECT 1 FROM ticket_secret t WHERE t.attendee_id = a.id)",
            &[&EVENT_ID, &GUESTS_FROM],
        )
        .await?;
    for guest in guests {
        shared::attendance::tickets::issue(
            &client,
            &state.config.attendance.ticket_key,
            guest.get("uuid"),
        )
        .await?;
    }
    Ok(())
}

/// The three write scenarios' calls, `count` each, in subject order: (name, function, calls).
pub async fn calls(
    state: &AppState,
    count: i64,
) -> anyhow::Result<Vec<(&'static str, &'static str, Vec<Call>)>> {
    let client = state.pool.get().await?;
    let now = chrono::Utc::now();
    let event: uuid::Uuid = client
        .query_one("SELECT uuid FROM event WHERE id = $1", &[&EVENT_ID])
        .await?
        .get("uuid");
    let host_id: uuid::Uuid = client
        .query_one("SELECT uuid FROM auth_user WHERE id = 1", &[])
        .await?
        .get("uuid");
    let host = state.tokens.issue_access(host_id, now)?;
    let requesters = client
        .query(
            "SELECT uuid FROM auth_user WHERE id >= $1 ORDER BY id LIMIT $2",
            &[&REQUESTERS_FROM, &count],
        )
        .await?;
    let mut create = Vec::new();
    for requester in requesters {
        create.push(Call {
            method: "POST",
            path: format!("/v1/events/{event}/requests"),
            query: "",
            body: Some(json!({ "message": "May I come?", "seats_requested": 1 })),
            token: state.tokens.issue_access(requester.get("uuid"), now)?,
        });
    }
    let pending = client
        .query(
            "SELECT uuid FROM event_request WHERE event_id = $1 AND requester_id >= $2 \
             AND status = 'pending' ORDER BY requester_id LIMIT $3",
            &[&EVENT_ID, &PENDING_FROM, &count],
        )
        .await?;
    let accept = pending
        .iter()
        .map(|request| Call {
            method: "POST",
            path: format!(
                "/v1/requests/{}/accept",
                request.get::<_, uuid::Uuid>("uuid")
            ),
            query: "",
            body: None,
            token: host.clone(),
        })
        .collect();
    let tickets = client
        .query(
            "SELECT a.uuid, t.secret_salt FROM event_attendee a JOIN ticket_secret t ON t.attendee_id = a.id \
             WHERE a.event_id = $1 AND a.user_id >= $2 AND a.status = 'going' ORDER BY a.user_id LIMIT $3",
            &[&EVENT_ID, &GUESTS_FROM, &count],
        )
        .await?;
    let check_in = tickets
        .iter()
        .map(|ticket| Call {
            method: "POST",
            path: format!("/v1/events/{event}/check-ins"),
            query: "",
            body: Some(json!({
                "ticket_code": shared::attendance::tickets::code(
                    &state.config.attendance.ticket_key,
                    ticket.get("uuid"),
                    ticket.get("secret_salt"),
                )
            })),
            token: host.clone(),
        })
        .collect();
    Ok(vec![
        ("request create", "attendance", create),
        ("accept (free)", "attendance", accept),
        ("check-in", "attendance", check_in),
    ])
}
