//! Retention of the rows that exist only to recognise a repeat: idempotency keys (API.md
//! keeps them at least 24 hours), Razorpay webhook deliveries (Razorpay stops retrying after
//! 24 hours; kept 30 days for disputes) and outbox messages already sent (kept 7 days for
//! tracing a notification), login codes (after 24 hours: a code lives minutes, the hourly
//! throttles look back one hour) and failed verifications (after 7 days). The one-minute sweep deletes a bounded batch of each, oldest first,
//! so no sweep runs long and a backlog drains over a few minutes.

use crate::platform::db::CachedStatements;
use crate::platform::error::ApiError;

/// Rows deleted per table per sweep at most.
pub const BATCH: i64 = 1000;

/// One statement per table: the oldest rows past their age, at most $1 of them (each walks an
/// index on that age and stops at the first row it must keep).
const PURGES: [&str; 5] = [
    "DELETE FROM idempotency_key WHERE id IN (SELECT id FROM idempotency_key \
     WHERE created_at < now() - interval '24 hours' ORDER BY created_at LIMIT $1)",
    "DELETE FROM payment_webhook_event WHERE id IN (SELECT id FROM payment_webhook_event \
     WHERE created_at < now() - interval '30 days' ORDER BY created_at LIMIT $1)",
    "DELETE FROM outbox_message WHERE id IN (SELECT id FROM outbox_message \
     WHERE published_at IS NOT NULL AND published_at < now() - interval '7 days' ORDER BY published_at LIMIT $1)",
    "DELETE FROM user_phone_otp WHERE id IN (SELECT id FROM user_phone_otp \
     WHERE created_at < now() - interval '24 hours' ORDER BY created_at LIMIT $1)",
    "DELETE FROM otp_verify_failure WHERE id IN (SELECT id FROM otp_verify_failure \
     WHERE created_at < now() - interval '7 days' ORDER BY created_at LIMIT $1)",
];

/// Rows one purge deleted, per table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    /// Idempotency keys older than 24 hours.
    pub idempotency_keys: u64,
    /// Webhook deliveries older than 30 days.
    pub webhook_events: u64,
    /// Outbox messages sent more than 7 days ago.
    pub sent_messages: u64,
    /// Login codes older than 24 hours.
    pub login_codes: u64,
    /// Failed verifications older than 7 days.
    pub verify_failures: u64,
}

/// Deletes one batch of each kind of expired row, the statements in one round trip
/// (each commits on its own: a purge has nothing to keep consistent between tables).
pub async fn purge(client: &impl CachedStatements) -> Result<Purged, ApiError> {
    let (idempotency_keys, webhook_events, sent_messages, login_codes, verify_failures) = crate::pipelined!(
        client.execute(PURGES[0], &[&BATCH]),
        client.execute(PURGES[1], &[&BATCH]),
        client.execute(PURGES[2], &[&BATCH]),
        client.execute(PURGES[3], &[&BATCH]),
        client.execute(PURGES[4], &[&BATCH]),
    )?;
    Ok(Purged {
        idempotency_keys,
        webhook_events,
        sent_messages,
        login_codes,
        verify_failures,
    })
}
