//! Logging in: phone, SMS code, tokens.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::otp_code::OtpCode;
use crate::domain::PhoneNumber;
use crate::http::Secret;

crate::request_body! {
    /// `POST /v1/auth/otp`.
    pub struct OtpRequest {
        /// E.164 phone number (an Indian mobile number in this market).
        required phone_number: PhoneNumber,
    }
}

/// A login code was sent.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct OtpSent {
    /// Seconds the code stays valid.
    pub expires_in: i64,
    /// Seconds before another code may be requested.
    pub resend_after: i64,
}

crate::request_body! {
    /// `POST /v1/auth/otp/verify`.
    pub struct OtpVerify {
        /// E.164 phone number (an Indian mobile number in this market).
        required phone_number: PhoneNumber,
        /// The 6 digits from the SMS.
        required code: OtpCode,
    }
}

crate::request_body! {
    /// A refresh token in a body.
    pub struct RefreshRequest {
        /// The refresh token from login or the last refresh.
        required refresh_token: Secret<200>,
    }
}

/// An access/refresh token pair.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct TokenPair {
    /// Bearer token for `Authorization`.
    pub access_token: String,
    /// Single-use token to get the next pair.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds the access token lives.
    pub expires_in: i64,
}

/// Who logged in.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct LoginUser {
    /// The user's id.
    pub user_id: uuid::Uuid,
    /// True on the first login (the app shows onboarding).
    pub is_new_user: bool,
}

/// A successful login.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Login {
    /// Bearer token for `Authorization`.
    pub access_token: String,
    /// Single-use token to get the next pair.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds the access token lives.
    pub expires_in: i64,
    /// Who logged in.
    pub user: LoginUser,
}
