//! Logging in: phone, SMS code, tokens.

use crate::auth::otp_code::OtpCode;
use crate::domain::PhoneNumber;
use crate::platform::http::Secret;

// Answers built by the auth area, under their names in the document.
pub use crate::auth::login::{CodeSent as OtpSent, LoggedInUser as LoginUser, Login};
pub use crate::auth::refresh::TokenPair;

crate::request_body! {
    /// `POST /v1/auth/otp`.
    pub struct OtpRequest {
        /// E.164 phone number (an Indian mobile number in this market).
        required phone_number: PhoneNumber,
    }
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
