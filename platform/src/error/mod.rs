//! The one API error type. Every handler returns `Result<_, ApiError>`; rendering turns it into
//! RFC 9457 `application/problem+json` with a stable `code` and the `request_id`. Causes of
//! 5xx answers are logged, never returned.

mod constraints;
mod render;

/// Every problem code is one enum, here beside the error that carries it; the contract
/// documents each operation's codes with it (`shared::contract::operations`).
pub mod problem_codes;
pub use problem_codes::ProblemCode;
pub use render::PROBLEM_JSON;

use http::StatusCode;
use serde::Serialize;

pub use constraints::constraint_violation;

/// One bad field of a request: its JSON name (or query parameter) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = FieldProblem)]
pub struct FieldError {
    /// The field's name as the client sent it (`title`, `interests[2]`, `cursor`).
    pub field: String,
    /// A human-readable reason.
    pub message: String,
}

impl FieldError {
    /// Builds a field error.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// A client-side problem (4xx): status, machine code, human detail and optional field errors.
#[derive(Debug, Clone)]
pub struct ClientProblem {
    /// HTTP status (4xx).
    pub status: StatusCode,
    /// Stable machine word (`event_full`, `validation_failed`, ...).
    pub code: ProblemCode,
    /// Human-readable explanation, safe to show.
    pub detail: String,
    /// Bad fields, for 400/422.
    pub errors: Vec<FieldError>,
    /// Seconds to wait, for 429 (`Retry-After`).
    pub retry_after: Option<u64>,
    /// Allowed methods, for 405 (`Allow`).
    pub allow: Vec<http::Method>,
    /// Extra members of the problem object (e.g. `checked_in_at`).
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A 4xx answer.
    #[error("{} {}: {}", .0.status, .0.code, .0.detail)]
    Client(Box<ClientProblem>),
    /// The database (or another dependency) is briefly unreachable: 503, retryable.
    #[error("service unavailable: {0:#}")]
    Unavailable(anyhow::Error),
    /// A bug or an unexpected failure: 500, cause logged only.
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl ApiError {
    /// A 4xx problem with no field errors.
    pub fn client(status: StatusCode, code: ProblemCode, detail: impl Into<String>) -> Self {
        Self::Client(Box::new(ClientProblem {
            status,
            code,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
            allow: Vec::new(),
            extra: serde_json::Map::new(),
        }))
    }

    /// 400: the body or a parameter is malformed.
    pub fn bad_request(code: ProblemCode, detail: impl Into<String>) -> Self {
        Self::client(StatusCode::BAD_REQUEST, code, detail)
    }

    /// 400 with the malformed fields named.
    pub fn malformed(errors: Vec<FieldError>) -> Self {
        Self::client(
            StatusCode::BAD_REQUEST,
            ProblemCode::MalformedRequest,
            "The request is malformed.",
        )
        .with_errors(errors)
    }

    /// 401: no token, or a token that is invalid or expired.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::client(StatusCode::UNAUTHORIZED, ProblemCode::Unauthorized, detail)
    }

    /// 403: signed in but not allowed.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::client(StatusCode::FORBIDDEN, ProblemCode::Forbidden, detail)
    }

    /// 404: absent or not visible to the caller.
    pub fn not_found(what: &str) -> Self {
        Self::client(
            StatusCode::NOT_FOUND,
            ProblemCode::NotFound,
            format!("{what} was not found."),
        )
    }

    /// 409: the resource's state forbids this.
    pub fn conflict(code: ProblemCode, detail: impl Into<String>) -> Self {
        Self::client(StatusCode::CONFLICT, code, detail)
    }

    /// 422: one or more fields are invalid; every bad field is listed.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        Self::client(
            StatusCode::UNPROCESSABLE_ENTITY,
            ProblemCode::ValidationFailed,
            "One or more fields are invalid.",
        )
        .with_errors(errors)
    }

    /// 429 with `Retry-After`.
    pub fn rate_limited(code: ProblemCode, retry_after_secs: u64) -> Self {
        let mut err = Self::client(
            StatusCode::TOO_MANY_REQUESTS,
            code,
            "Too many requests; try again later.",
        );
        if let Self::Client(p) = &mut err {
            p.retry_after = Some(retry_after_secs.max(1));
        }
        err
    }

    /// Adds field errors to a client problem.
    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        if let Self::Client(p) = &mut self {
            p.errors = errors;
        }
        self
    }

    /// Adds an extra member to a client problem (e.g. `checked_in_at`); the standard members
    /// (`type`, `title`, `status`, `detail`, `code`, `errors`, `request_id`) cannot be overridden.
    pub fn with_extra(mut self, key: &str, value: serde_json::Value) -> Self {
        const RESERVED: &[&str] = &[
            "type",
            "title",
            "status",
            "detail",
            "instance",
            "code",
            "errors",
            "request_id",
            "retryable",
        ];
        assert!(!RESERVED.contains(&key), "problem member {key} is reserved");
        if let Self::Client(p) = &mut self {
            p.extra.insert(key.to_owned(), value);
        }
        self
    }

    /// The HTTP status this error renders with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Client(p) => p.status,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine code this error renders with.
    pub fn code(&self) -> &'static str {
        self.problem_code().as_str()
    }

    /// The problem code this error renders with.
    pub fn problem_code(&self) -> ProblemCode {
        match self {
            Self::Client(p) => p.code,
            Self::Unavailable(_) => ProblemCode::ServiceUnavailable,
            Self::Internal(_) => ProblemCode::InternalError,
        }
    }
}

impl From<tokio_postgres::Error> for ApiError {
    fn from(err: tokio_postgres::Error) -> Self {
        if let Some(db) = err.as_db_error() {
            if let Some(problem) = db.constraint().and_then(constraint_violation) {
                return problem;
            }
        }
        // A deadlock or serialization failure is transient: the client may simply retry.
        if matches!(
            err.code(),
            Some(&tokio_postgres::error::SqlState::T_R_DEADLOCK_DETECTED)
                | Some(&tokio_postgres::error::SqlState::T_R_SERIALIZATION_FAILURE)
        ) {
            return Self::Unavailable(anyhow::Error::new(err).context("transaction conflict"));
        }
        if err.is_closed() || err.as_db_error().is_none() && err.code().is_none() {
            // No server answer at all: the connection broke (restart, failover). Retryable.
            return Self::Unavailable(anyhow::Error::new(err).context("database connection"));
        }
        Self::Internal(anyhow::Error::new(err).context("database query"))
    }
}

impl From<deadpool_postgres::PoolError> for ApiError {
    fn from(err: deadpool_postgres::PoolError) -> Self {
        Self::Unavailable(anyhow::Error::new(err).context("database pool"))
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(err: anyhow::Error) -> Self {
        Self::Internal(err)
    }
}
