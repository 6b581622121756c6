//! Phone login (NIST SP 800-63B out-of-band codes): request a code by SMS, then verify it.

use super::store;
use super::throttle::{self, wait_secs, Window};
use crate::platform::error::ProblemCode;
use std::net::IpAddr;

use secrecy::SecretString;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::otp_code;
use super::otp_repo as repo;
use super::refresh::{self, TokenPair};
use super::TokenKeys;
use crate::domain::PhoneNumber;
use crate::platform::audit::{self, AuditEntry};
use crate::platform::aws::sns::{SmsPurpose, SmsSender};
use crate::platform::config::{OtpSettings, TokenSettings};
use crate::platform::db::{PgPool, PipelinedTransaction};
use crate::platform::error::ApiError;

/// The answer to a code request; identical whether or not the number has an account.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = OtpSent)]
pub struct CodeSent {
    /// Seconds the code stays valid.
    pub expires_in: u64,
    /// Seconds before another code may be requested.
    pub resend_after: u64,
}

/// Checks the throttles, stores a new code (superseding older ones) and sends it by SMS.
pub async fn request_code(
    pool: &PgPool,
    sms: &dyn SmsSender,
    settings: &OtpSettings,
    phone: &PhoneNumber,
    source_ip: Option<IpAddr>,
    request_id: &str,
) -> Result<CodeSent, ApiError> {
    if !settings
        .allowed_calling_codes
        .contains(&phone.country_code())
    {
        return Err(ApiError::validation(vec![
            crate::platform::error::FieldError::new(
                "phone_number",
                format!(
                    "login codes go to numbers with calling code {} only",
                    settings
                        .allowed_calling_codes
                        .iter()
                        .map(|code| format!("+{code}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        ]));
    }
    let code = otp_code::generate();
    let client = pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let throttles =
        repo::lock_and_read_throttles(&tx, phone, source_ip, settings.resend_after).await?;
    if throttles.resend_wait > 0.0 && throttles.number.0 > 0 {
        return Err(ApiError::rate_limited(
            ProblemCode::OtpResendTooSoon,
            wait_secs(throttles.resend_wait),
        ));
    }
    throttle::first_full(&[
        Window::of(
            throttles.number,
            settings.max_per_number_per_hour,
            ProblemCode::OtpNumberRateLimited,
        ),
        Window::of(
            throttles.ip,
            settings.max_per_ip_per_hour,
            ProblemCode::OtpIpRateLimited,
        ),
    ])?;
    if throttles.all.0 >= settings.sms_budget_per_hour {
        tracing::error!(
            budget = settings.sms_budget_per_hour,
            "the hourly SMS budget is spent: login codes are refused"
        );
        crate::platform::metrics::emit("otp_sms_budget_exhausted");
        return Err(ApiError::rate_limited(
            ProblemCode::OtpSmsBudgetExhausted,
            wait_secs(throttles.all.1),
        ));
    }
    // The alarm watches this count: one a code sent at 80 % of the budget or more.
    if (throttles.all.0 + 1) * 5 >= settings.sms_budget_per_hour * 4 {
        crate::platform::metrics::emit("otp_sms_budget_80_percent");
    }
    // Hashed only once no throttle refuses (Argon2 is the costly part of a request).
    let hashed = otp_code::hash(&code).await?;
    // The code's id is made here so the code, its audit row and COMMIT go in one round trip.
    let code_id = Uuid::new_v4();
    let country = i16::try_from(phone.country_code()).unwrap_or(i16::MAX);
    let ttl_secs = settings.ttl.as_secs_f64();
    let audited = AuditEntry {
        actor: None,
        object_type: "user_phone_otp",
        object_id: code_id.to_string(),
        action: "request_otp",
        payload: json!({ "country_code": phone.country_code() }),
        request_id: Some(request_id),
    };
    tx.commit_after(&[
        (
            store::INSERT_CODE,
            &[
                &code_id,
                &phone.as_str(),
                &hashed.hash,
                &hashed.salt,
                &ttl_secs,
                &source_ip,
                &country,
            ],
        ),
        (audit::INSERT_SQL, &audit::params(&audited)),
    ])
    .await?;

    let minutes = settings.ttl.as_secs().div_ceil(60);
    let text = format!(
        "{} is your EventHost code. It expires in {minutes} min. Never share it.",
        secrecy::ExposeSecret::expose_secret(&code)
    );
    if let Err(err) = sms.send(phone, &text, SmsPurpose::LoginCode).await {
        // The code never reached the phone: retire it so it cannot be guessed either.
        repo::retire(&client, code_id).await?;
        return Err(ApiError::Unavailable(err.context("sending the login code")));
    }
    crate::platform::metrics::emit("otp_sent");
    Ok(CodeSent {
        expires_in: settings.ttl.as_secs(),
        resend_after: settings.resend_after.as_secs(),
    })
}

/// The user a login signed in.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = LoginUser)]
pub struct LoggedInUser {
    /// Public user id.
    pub user_id: Uuid,
    /// Whether this login created the account (the app shows onboarding).
    pub is_new_user: bool,
}

/// A successful login: tokens plus the user.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Login {
    /// Access and refresh tokens.
    #[serde(flatten)]
    pub tokens: TokenPair,
    /// Who signed in.
    pub user: LoggedInUser,
}

fn invalid_code() -> ApiError {
    ApiError::client(
        http::StatusCode::UNAUTHORIZED,
        ProblemCode::OtpInvalid,
        "The code is wrong, expired or already used. Request a new one.",
    )
}

/// One try at a code: the number, the code given and where the try came from.
#[derive(Debug)]
pub struct CodeAttempt<'a> {
    /// The number the code was sent to.
    pub phone: &'a PhoneNumber,
    /// The code typed in.
    pub code: &'a SecretString,
    /// The caller's address, as API Gateway saw it.
    pub source_ip: Option<IpAddr>,
}

/// Verifies a code: single use, at most `max_attempts_per_code` wrong tries per code,
/// `max_failures_per_number_per_hour` per number (tries while it had a live code) and
/// `max_verify_failures_per_ip_per_hour` per source IP; the first success creates the account.
pub async fn verify_code(
    pool: &PgPool,
    keys: &TokenKeys,
    otp: &OtpSettings,
    tokens: &TokenSettings,
    attempt: CodeAttempt<'_>,
    request_id: &str,
) -> Result<Login, ApiError> {
    let CodeAttempt {
        phone,
        code,
        source_ip,
    } = attempt;
    let client = pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let read = repo::lock_and_read_codes(&tx, phone, source_ip, otp.max_attempts_per_code).await?;
    throttle::first_full(&[
        Window::of(
            read.ip_failures,
            otp.max_verify_failures_per_ip_per_hour,
            ProblemCode::OtpVerifyIpRateLimited,
        ),
        Window::of(
            read.number_failures,
            otp.max_failures_per_number_per_hour,
            ProblemCode::OtpVerifyRateLimited,
        ),
    ])?;
    let Some((code_id, stored)) = read.live else {
        repo::record_failure(&tx, phone, source_ip, false).await?;
        tx.commit().await?;
        return Err(invalid_code());
    };
    if !otp_code::matches(code, &stored).await? {
        let ((), ()) = crate::pipelined!(
            repo::count_wrong_try(&tx, code_id),
            repo::record_failure(&tx, phone, source_ip, true)
        )?;
        tx.commit().await?;
        return Err(invalid_code());
    }
    let ((), (user_id, user_uuid, is_new_user)) = crate::pipelined!(
        repo::mark_used(&tx, code_id),
        repo::login_account(&tx, phone)
    )?;
    let new = refresh::NewPair::new(keys, tokens.refresh_ttl, user_uuid, None)?;
    let audited = AuditEntry {
        actor: Some(user_uuid),
        object_type: "auth_user",
        object_id: user_uuid.to_string(),
        action: "login",
        payload: json!({ "is_new_user": is_new_user }),
        request_id: Some(request_id),
    };
    // The session's refresh token, the audit row and COMMIT: one round trip.
    tx.commit_after(&[
        (
            store::INSERT_REFRESH_TOKEN,
            &[&user_id, &new.family, &new.hash, &new.expires_at],
        ),
        (audit::INSERT_SQL, &audit::params(&audited)),
    ])
    .await?;
    Ok(Login {
        tokens: new.pair,
        user: LoggedInUser {
            user_id: user_uuid,
            is_new_user,
        },
    })
}
