//! SQL of phone login: codes, throttles, failures and first-login account creation.

use super::store;
use std::net::IpAddr;
use std::time::Duration;

use tokio_postgres::types::ToSql;
use uuid::Uuid;

use super::otp_code::HashedCode;
use crate::domain::PhoneNumber;
use crate::platform::db::CachedStatements;
use crate::platform::error::ApiError;

// Namespaces of the two-key advisory locks, so a phone lock never collides with an IP lock.
const LOCK_PHONE: i32 = 1;
const LOCK_IP: i32 = 2;

/// Counts in each throttle window and, for each, seconds until a slot frees up.
#[derive(Debug)]
pub struct Throttles {
    /// Seconds until the number may get another code (≤ 0: now).
    pub resend_wait: f64,
    /// Codes for the number in the last hour, and when the oldest leaves the window.
    pub number: (i64, f64),
    /// Codes for the IP in the last hour, and when the oldest leaves the window.
    pub ip: (i64, f64),
    /// Codes to any number in the last hour (the SMS budget), and when the oldest leaves.
    pub all: (i64, f64),
}

/// For a new code: takes the number's lock (and the source IP's), reads every throttle and
/// marks the number's live codes superseded, in that order, in one round trip (the caller
/// rolls back when a throttle refuses, superseding nothing).
pub async fn lock_and_read_throttles(
    tx: &impl CachedStatements,
    phone: &PhoneNumber,
    ip: Option<IpAddr>,
    resend_after: Duration,
) -> Result<Throttles, ApiError> {
    let resend_secs = resend_after.as_secs_f64();
    let number = phone.as_str();
    let ip_text = ip.map(|ip| ip.to_string());
    let phone_lock: [&(dyn ToSql + Sync); 2] = [&LOCK_PHONE, &number];
    let ip_lock: [&(dyn ToSql + Sync); 2] = [&LOCK_IP, &ip_text];
    let throttle_params: [&(dyn ToSql + Sync); 3] = [&number, &ip, &resend_secs];
    let supersede_params: [&(dyn ToSql + Sync); 1] = [&number];
    let mut statements = vec![(store::LOCK_PHONE_AND_IP, &phone_lock[..])];
    if ip.is_some() {
        statements.push((store::LOCK_PHONE_AND_IP, &ip_lock[..]));
    }
    statements.push((store::THROTTLES, &throttle_params[..]));
    statements.push((store::SUPERSEDE_CODES, &supersede_params[..]));
    let rows = tx.query_in_order(&statements).await?;
    let row = rows[statements.len() - 2]
        .first()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no throttle row")))?;
    Ok(Throttles {
        resend_wait: row.get("resend_wait"),
        number: (row.get("number_count"), row.get("number_frees_in")),
        ip: (row.get("ip_count"), row.get("ip_frees_in")),
        all: (row.get("all_count"), row.get("all_frees_in")),
    })
}

/// Retires a code whose SMS could not be sent.
pub async fn retire(client: &impl CachedStatements, code_id: Uuid) -> Result<(), ApiError> {
    client.execute(store::RETIRE_CODE, &[&code_id]).await?;
    Ok(())
}

/// What a verification reads first.
#[derive(Debug)]
pub struct VerifyState {
    /// Failed verifications of the number in the last hour that count against it (made while
    /// it had a live code), and seconds until the oldest leaves the window.
    pub number_failures: (i64, f64),
    /// Failed verifications from the source IP in the last hour, and seconds until the oldest
    /// leaves the window.
    pub ip_failures: (i64, f64),
    /// The number's newest usable code: its id and hash (locked).
    pub live: Option<(i64, HashedCode)>,
}

/// For a verification: takes the number's lock, then reads the failures that count against
/// the number and against the source IP in the last hour, and the number's newest code that
/// can still be used (unused, not superseded, unexpired, with tries left; locked until the
/// transaction ends), in that order, in one round trip.
pub async fn lock_and_read_codes(
    tx: &impl CachedStatements,
    phone: &PhoneNumber,
    ip: Option<IpAddr>,
    max_attempts: i16,
) -> Result<VerifyState, ApiError> {
    let number = phone.as_str();
    let rows = tx
        .query_in_order(&[
            (store::LOCK_PHONE_AND_IP, &[&LOCK_PHONE, &number]),
            (store::VERIFY_THROTTLES, &[&number, &ip]),
            (store::LIVE_CODES, &[&number, &max_attempts]),
        ])
        .await?;
    let failures = rows[1]
        .first()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no failure count")))?;
    let live = rows[2].first().map(|r| {
        (
            r.get("id"),
            HashedCode {
                hash: r.get("otp_hash"),
                salt: r.get("otp_salt"),
            },
        )
    });
    Ok(VerifyState {
        number_failures: (
            failures.get("number_count"),
            failures.get("number_frees_in"),
        ),
        ip_failures: (failures.get("ip_count"), failures.get("ip_frees_in")),
        live,
    })
}

/// Records one failed verification: against the number only when it had a live code (so
/// guessing at a number nobody asked a code for locks nobody out), always against the IP.
pub async fn record_failure(
    tx: &impl CachedStatements,
    phone: &PhoneNumber,
    ip: Option<IpAddr>,
    had_live_code: bool,
) -> Result<(), ApiError> {
    tx.execute(
        store::RECORD_VERIFY_FAILURE,
        &[&phone.as_str(), &ip, &had_live_code],
    )
    .await?;
    Ok(())
}

/// Counts a wrong try against a code.
pub async fn count_wrong_try(tx: &impl CachedStatements, code_id: i64) -> Result<(), ApiError> {
    tx.execute(store::COUNT_WRONG_TRY, &[&code_id]).await?;
    Ok(())
}

/// Spends a code.
pub async fn mark_used(tx: &impl CachedStatements, code_id: i64) -> Result<(), ApiError> {
    tx.execute(store::MARK_CODE_USED, &[&code_id]).await?;
    Ok(())
}

/// The active account of the number, created with its verified profile on first login; sets
/// `last_login`. One statement: the update finds an existing account, else the inserts make
/// one (the caller holds the number's lock, so no other login races it). Returns (internal id,
/// public id, created now).
pub async fn login_account(
    tx: &impl CachedStatements,
    phone: &PhoneNumber,
) -> Result<(i64, Uuid, bool), ApiError> {
    let row = tx
        .query_one(store::LOGIN_ACCOUNT, &[&phone.as_str()])
        .await?;
    Ok((row.get("id"), row.get("uuid"), row.get("created")))
}
