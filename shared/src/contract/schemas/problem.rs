//! The problem+json body every error response carries.

use serde::Serialize;
use utoipa::ToSchema;

/// One bad field of a request (the error type's own schema).
pub use crate::platform::error::FieldError as FieldProblem;

/// An RFC 9457 problem: every error response of the API.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short, human-readable summary.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What happened, for a human.
    pub detail: Option<String>,
    /// Stable machine word (`event_full`, `already_checked_in`, `validation_failed`, …).
    pub code: String,
    /// Every bad field, for 422 `validation_failed`.
    pub errors: Option<Vec<FieldProblem>>,
    /// The request id, as in the logs.
    pub request_id: String,
    /// Present and true when retrying the same request later may succeed (503).
    pub retryable: Option<bool>,
}
