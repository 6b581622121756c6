//! The caller's own profile, public profiles and upload URLs.

use std::sync::Arc;

use http::StatusCode;
use shared::auth::{authenticate, Actor};
use shared::contract::schemas::{InterestsUpdate, UploadRequest};
use shared::platform::http::{
    json_response, no_content, ApiRequest, FieldReader, HandlerResult, RequestBody,
};
use shared::profiles::patch::ProfilePatch;
use shared::profiles::{deletion, service};
use shared::uploads;
use shared::{ApiError, AppState};

/// `GET /v1/me`.
pub async fn get(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let caller = authenticate(&state.tokens, &req)?;
    json_response(
        StatusCode::OK,
        &service::get_own(&state.pool, &caller).await?,
    )
}

/// `PATCH /v1/me`: partial update; every bad field is listed.
pub async fn update(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let caller = authenticate(&state.tokens, &req)?;
    let patch = ProfilePatch::parse(
        FieldReader::from_request(&req)?,
        state.config.uploads_public_base_url.as_deref(),
    )?;
    let profile = service::update(
        &state.pool,
        &caller,
        &patch,
        state.config.uploads_public_base_url.as_deref(),
        &req.request_id,
    )
    .await?;
    json_response(StatusCode::OK, &profile)
}

/// `DELETE /v1/me`: deactivate and anonymise the account.
pub async fn delete(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let actor = Actor::authenticate(&state, &req)?;
    let outbox = deletion::delete_account(&actor).await?;
    state.publish_outbox(&outbox).await;
    no_content()
}

/// `PUT /v1/me/interests` `{interests: [slug, ...]}` → the profile.
pub async fn set_interests(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let caller = authenticate(&state.tokens, &req)?;
    let body = InterestsUpdate::from_request(&req)?;
    let profile =
        service::set_interests(&state.pool, &caller, &body.interests.0, &req.request_id).await?;
    json_response(StatusCode::OK, &profile)
}

/// `GET /v1/users/{user_id}`: the public view, never phone number or birth date.
pub async fn public_profile(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let caller = authenticate(&state.tokens, &req)?;
    let user = req.path_uuid("user_id", "The user")?;
    json_response(
        StatusCode::OK,
        &service::get_public(&state.pool, &caller, user).await?,
    )
}

/// `POST /v1/uploads` `{purpose, content_type}` → 201 a presigned PUT.
pub async fn presign_upload(state: Arc<AppState>, req: ApiRequest) -> HandlerResult {
    let caller = authenticate(&state.tokens, &req)?;
    let body = UploadRequest::from_request(&req)?;
    let signer = state
        .uploads
        .as_deref()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("UPLOADS_BUCKET is not configured")))?;
    let upload = uploads::presign(
        &state.pool,
        signer,
        &state.config,
        caller.user_id,
        body.purpose,
        body.content_type,
        &req.request_id,
    )
    .await?;
    json_response(StatusCode::CREATED, &upload)
}
