//! Handlers: parse the body, call `shared::auth`, render.

use std::sync::Arc;

use http::StatusCode;
use shared::auth::{authenticate, login, refresh};
use shared::contract::schemas::{OtpRequest, OtpVerify, RefreshRequest};
use shared::platform::http::{
    json_response, no_content, no_store_json_response, ApiRequest, HandlerResult, RequestBody,
};
use shared::AppState;

/// `POST /v1/auth/otp` `{phone_number}` → 202 `{expires_in, resend_after}`.
pub async fn request_code(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let body = OtpRequest::from_request(&req)?;
    let sent = login::request_code(
        &state.pool,
        state.sms.as_ref(),
        &state.config.otp,
        &body.phone_number,
        req.source_ip,
        &req.request_id,
    )
    .await?;
    json_response(StatusCode::ACCEPTED, &sent)
}

/// `POST /v1/auth/otp/verify` `{phone_number, code}` → 200 tokens and the user.
pub async fn verify_code(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let body = OtpVerify::from_request(&req)?;
    let login = login::verify_code(
        &state.pool,
        &state.tokens,
        &state.config.otp,
        &state.config.tokens,
        login::CodeAttempt {
            phone: &body.phone_number,
            code: body.code.secret(),
            source_ip: req.source_ip,
        },
        &req.request_id,
    )
    .await?;
    no_store_json_response(StatusCode::OK, &login)
}

/// `POST /v1/auth/refresh` `{refresh_token}` → 200 a new pair (the old token is spent).
pub async fn refresh(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let token = RefreshRequest::from_request(&req)?
        .refresh_token
        .into_inner();
    let (pair, _user) = refresh::rotate(
        &state.pool,
        &state.tokens,
        state.config.tokens.refresh_ttl,
        &token,
        &req.request_id,
    )
    .await?;
    no_store_json_response(StatusCode::OK, &pair)
}

/// `POST /v1/auth/logout` `{refresh_token}` → 204; the session is revoked.
pub async fn logout(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let caller = authenticate(&state.tokens, &req)?;
    let token = RefreshRequest::from_request(&req)?
        .refresh_token
        .into_inner();
    refresh::logout(&state.pool, caller.user_id, &token, &req.request_id).await?;
    no_content()
}

/// `GET /v1/openapi.json`: the API's OpenAPI 3.1 document (built on first use, then kept).
pub async fn openapi_document(_state: Arc<AppState>, _req: ApiRequest) -> HandlerResult {
    static DOCUMENT: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    json_response(
        StatusCode::OK,
        DOCUMENT.get_or_init(shared::contract::document),
    )
}
