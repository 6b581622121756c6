//! Everything the Lambda functions share, in three layers. Functions stay thin: they parse the
//! contract's types, call an area and render its answer.
//!
//! - `platform` (its own crate, re-exported here): db (pool, one transaction API), http, aws,
//!   config, error, telemetry, the outbox and the audit trail. Knows no area.
//! - `app`: the state a function builds once, the HTTP and queue runners, `Idempotency-Key`.
//! - the areas: `auth`, `profiles`, `interests`, `events`, `venues`, `attendance`, `payments`,
//!   `notifications`, `uploads`, `retention`. Each opens with a doc of its rules; its
//!   rules are pure functions over typed values, its SQL named statements.
//! - `contract`: the request and response types, the route table, the problem codes and the
//!   OpenAPI document built from them.
//!
//! `domain` (in the platform crate) holds the values that parse themselves (phone numbers,
//! money, GSTIN, text, URLs), used by the contract and the areas alike.

#![warn(missing_docs)]

/// The platform crate, under the path the areas have always used (`crate::platform::db`).
pub use platform;
pub use platform::domain;
pub use platform::{owned_params, pipelined, request_body, string_field, text_enum};

pub mod app;
pub mod contract;

pub mod attendance;
pub mod auth;
pub mod events;
pub mod interests;
pub mod notifications;
pub mod payments;
pub mod profiles;
pub mod retention;
pub mod uploads;
pub mod venues;

pub use app::state::AppState;
pub use platform::config::Config;
pub use platform::error::ApiError;
