//! Successful responses.

use http::{header, StatusCode};
use lambda_http::{Body, Response};
use serde::Serialize;

use crate::error::ApiError;

/// A JSON response with the given status.
pub fn json_response<T: Serialize>(
    status: StatusCode,
    value: &T,
) -> Result<Response<Body>, ApiError> {
    let body = serde_json::to_vec(value)
        .map_err(|e| ApiError::Internal(anyhow::Error::new(e).context("serialising a response")))?;
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .map_err(|e| ApiError::Internal(e.into()))
}

/// A JSON response no cache may keep (`Cache-Control: no-store`): for answers that carry tokens.
pub fn no_store_json_response<T: Serialize>(
    status: StatusCode,
    value: &T,
) -> Result<Response<Body>, ApiError> {
    let mut response = json_response(status, value)?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// An empty 204 response.
pub fn no_content() -> Result<Response<Body>, ApiError> {
    Response::builder()
        .status(StatusCode::NO_CONTENT)
        .body(Body::Empty)
        .map_err(|e| ApiError::Internal(e.into()))
}
