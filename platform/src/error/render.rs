//! Rendering an `ApiError` as an RFC 9457 problem+json response.

use http::{header, StatusCode};
use lambda_http::{Body, Response};
use problem_details::ProblemDetails;
use serde::Serialize;

use super::{ApiError, FieldError};

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The members this API adds to every problem object.
#[derive(Serialize)]
struct ProblemExtensions {
    code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldError>,
    request_id: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    retryable: bool,
    #[serde(flatten)]
    extra: serde_json::Map<String, serde_json::Value>,
}

impl ApiError {
    /// Renders the problem response; logs the cause of a 5xx with the request id.
    pub fn into_response(self, request_id: &str) -> Response<Body> {
        let status = self.status();
        let code = self.code().to_owned();
        let mut ext = ProblemExtensions {
            code,
            errors: Vec::new(),
            request_id: request_id.to_owned(),
            retryable: false,
            extra: serde_json::Map::new(),
        };
        let mut retry_after = None;
        let mut allow = Vec::new();
        let detail = match self {
            ApiError::Client(p) => {
                let p = *p;
                ext.errors = p.errors;
                ext.extra = p.extra;
                retry_after = p.retry_after;
                allow = p.allow;
                p.detail
            }
            ApiError::Unavailable(cause) => {
                tracing::warn!(request_id, error = %format!("{cause:#}"), "dependency unavailable");
                ext.retryable = true;
                retry_after = Some(1);
                "The service is briefly unavailable; retry shortly.".to_owned()
            }
            ApiError::Internal(cause) => {
                tracing::error!(request_id, error = %format!("{cause:#}"), "internal error");
                "Something went wrong on our side.".to_owned()
            }
        };
        build(status, ext, detail, retry_after, &allow)
    }
}

fn build(
    status: StatusCode,
    ext: ProblemExtensions,
    detail: String,
    retry_after: Option<u64>,
    allow: &[http::Method],
) -> Response<Body> {
    let problem_type = format!("/problems/{}", ext.code)
        .parse::<http::Uri>()
        .unwrap_or_default();
    let problem = ProblemDetails::from_status_code(status)
        .with_type(problem_type)
        .with_detail(detail)
        .with_extensions(ext);
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    let mut builder = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, PROBLEM_JSON)
        .header(header::CACHE_CONTROL, "no-store");
    if let Some(secs) = retry_after {
        builder = builder.header(header::RETRY_AFTER, secs.to_string());
    }
    if !allow.is_empty() {
        let allow: Vec<&str> = allow.iter().map(|m| m.as_str()).collect();
        builder = builder.header(header::ALLOW, allow.join(", "));
    }
    builder
        .body(Body::from(body))
        .expect("static headers are valid")
}
