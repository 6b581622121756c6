//! Authentication: access tokens and the signed-in caller.

pub mod token;

pub use token::{AccessClaims, TokenKeys};

use crate::error::ApiError;
use crate::http::ApiRequest;

/// The signed-in caller, as proven by a valid access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    /// The user's public uuid (`sub`).
    pub user_id: uuid::Uuid,
}

/// Verifies the request's bearer token; 401 when missing, malformed, expired or not ours.
pub fn authenticate(keys: &TokenKeys, req: &ApiRequest) -> Result<Caller, ApiError> {
    let token = req
        .bearer_token()
        .ok_or_else(|| ApiError::unauthorized("A bearer access token is required."))?;
    let claims = keys.verify_access(token)?;
    Ok(Caller {
        user_id: claims.sub,
    })
}
