//! Authentication: phone login codes, access and refresh tokens, and the signed-in caller.
//!
//! Rules: a login code is six digits, lives five minutes, is kept only as a salted hash and is
//! spent on first use; sending is throttled per number, per IP and in all (the SMS budget), and
//! failed guesses per number and per IP. The first verified login creates the account. Access
//! tokens are EdDSA, short-lived and signed by the auth function alone; a refresh token is
//! single-use and rotates within its family, and presenting a spent one revokes the family. A
//! deactivated or deleted account gets 401 even with an unexpired token (`active_user_id`).

pub mod login;
pub mod otp_code;
pub mod otp_repo;
pub mod refresh;
pub mod store;
pub mod throttle;
pub mod token;
/// The token keys are read with the configuration, in the platform; auth signs and verifies
/// with them.
pub use crate::platform::config::token_keys;

pub use token::{AccessClaims, TokenKeys};

use crate::platform::db::CachedStatements;
use crate::platform::error::ApiError;
use crate::platform::http::ApiRequest;

/// The signed-in caller, as proven by a valid access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    /// The user's public uuid (`sub`).
    pub user_id: uuid::Uuid,
    /// The internal id, once this request has found the account active (an idempotency claim
    /// does, beside the claim): the operation after it need not ask again.
    active_id: Option<i64>,
}

impl Caller {
    /// The same caller, whose account this request found active under internal id `id`.
    fn found_active(self, id: i64) -> Self {
        Self {
            active_id: Some(id),
            ..self
        }
    }
}

/// Verifies the request's bearer token; 401 when missing, malformed, expired or not ours.
pub fn authenticate(keys: &TokenKeys, req: &ApiRequest) -> Result<Caller, ApiError> {
    let token = req
        .bearer_token()
        .ok_or_else(|| ApiError::unauthorized("A bearer access token is required."))?;
    let claims = keys.verify_access(token)?;
    tracing::Span::current().record("user_id", tracing::field::display(claims.sub));
    Ok(Caller {
        user_id: claims.sub,
        active_id: None,
    })
}

/// Who acts, and in which request: what every state change needs to find the database, check
/// the caller and name both in its audit row.
#[derive(Clone, Copy)]
pub struct Actor<'a> {
    /// The function's state (pool, clients, configuration).
    pub state: &'a crate::AppState,
    /// The signed-in caller.
    pub caller: Caller,
    /// The request's id, for the audit row.
    pub request_id: &'a str,
}

impl<'a> Actor<'a> {
    /// The caller the request's bearer token proves (401 otherwise), acting in that request.
    pub fn authenticate(state: &'a crate::AppState, req: &'a ApiRequest) -> Result<Self, ApiError> {
        Ok(Self {
            state,
            caller: authenticate(&state.tokens, req)?,
            request_id: &req.request_id,
        })
    }

    /// The same actor, whose account this request found active under internal id `id`.
    pub(crate) fn found_active(self, id: i64) -> Self {
        Self {
            caller: self.caller.found_active(id),
            ..self
        }
    }
}

/// The caller's internal id, if the account is still active; a deleted or deactivated account
/// gets 401 even with an unexpired token. Asked once per request: a caller this request already
/// found active (`Caller::found_active`) costs no statement.
pub async fn active_user_id(
    client: &impl CachedStatements,
    caller: &Caller,
) -> Result<i64, ApiError> {
    if let Some(id) = caller.active_id {
        return Ok(id);
    }
    client
        .query_opt(store::ACCOUNT_CHECK, &[&caller.user_id])
        .await?
        .map(|row| row.get("id"))
        .ok_or_else(|| ApiError::unauthorized("This account is no longer active."))
}
