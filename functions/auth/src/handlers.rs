//! Handlers: parse the body, call `shared::auth`, render.

use std::sync::Arc;

use http::StatusCode;
use secrecy::SecretString;
use shared::auth::{authenticate, login, otp_code, refresh};
use shared::domain::PhoneNumber;
use shared::http::{
    json_response, no_content, no_store_json_response, ApiRequest, FieldReader, HandlerResult,
};
use shared::AppState;

fn phone_field(reader: &mut FieldReader) -> Option<PhoneNumber> {
    let raw: String = reader.required("phone_number")?;
    match PhoneNumber::parse(&raw) {
        Ok(phone) => Some(phone),
        Err(message) => {
            reader.error("phone_number", message);
            None
        }
    }
}

fn secret_field(reader: &mut FieldReader, name: &str) -> Option<SecretString> {
    let value = reader.required::<String>(name)?;
    if value.is_empty() || value.chars().count() > 200 {
        reader.error(name, "must be 1 to 200 characters");
        return None;
    }
    Some(SecretString::from(value))
}

/// `POST /v1/auth/otp` `{phone_number}` → 202 `{expires_in, resend_after}`.
pub async fn request_code(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let mut reader = FieldReader::from_request(&req)?;
    let phone = phone_field(&mut reader);
    reader.finish()?;
    let phone = phone.expect("finish() returned Ok, so the field parsed");
    let sent = login::request_code(
        &state.pool,
        state.sms.as_ref(),
        &state.config.otp,
        &phone,
        req.source_ip,
        &req.request_id,
    )
    .await?;
    json_response(StatusCode::ACCEPTED, &sent)
}

/// `POST /v1/auth/otp/verify` `{phone_number, code}` → 200 tokens and the user.
pub async fn verify_code(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let mut reader = FieldReader::from_request(&req)?;
    let phone = phone_field(&mut reader);
    let code = secret_field(&mut reader, "code");
    if let Some(code) = &code {
        reader.check(
            otp_code::is_well_formed(secrecy::ExposeSecret::expose_secret(code)),
            "code",
            "must be the 6 digits from the SMS",
        );
    }
    reader.finish()?;
    let (phone, code) = (phone.expect("parsed"), code.expect("parsed"));
    let login = login::verify_code(
        &state.pool,
        &state.tokens,
        &state.config.otp,
        &state.config.tokens,
        login::CodeAttempt {
            phone: &phone,
            code: &code,
            source_ip: req.source_ip,
        },
        &req.request_id,
    )
    .await?;
    no_store_json_response(StatusCode::OK, &login)
}

/// `POST /v1/auth/refresh` `{refresh_token}` → 200 a new pair (the old token is spent).
pub async fn refresh(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let mut reader = FieldReader::from_request(&req)?;
    let token = secret_field(&mut reader, "refresh_token");
    reader.finish()?;
    let (pair, _user) = refresh::rotate(
        &state.pool,
        &state.tokens,
        state.config.tokens.refresh_ttl,
        &token.expect("parsed"),
        &req.request_id,
    )
    .await?;
    no_store_json_response(StatusCode::OK, &pair)
}

/// `POST /v1/auth/logout` `{refresh_token}` → 204; the session is revoked.
pub async fn logout(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let caller = authenticate(&state.tokens, &req)?;
    let mut reader = FieldReader::from_request(&req)?;
    let token = secret_field(&mut reader, "refresh_token");
    reader.finish()?;
    refresh::logout(
        &state.pool,
        caller.user_id,
        &token.expect("parsed"),
        &req.request_id,
    )
    .await?;
    no_content()
}

/// `GET /v1/openapi.json`: the API's OpenAPI 3.1 document (built on first use, then kept).
pub async fn openapi_document(_state: Arc<AppState>, _req: ApiRequest) -> HandlerResult {
    static DOCUMENT: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    json_response(
        StatusCode::OK,
        DOCUMENT.get_or_init(shared::openapi::document),
    )
}
