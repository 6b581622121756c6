//! Everything the Lambda functions share, in three layers. Functions stay thin: they parse the
//! contract's types, call an area and render its answer.
//!
//! - `platform`: db (pool, one transaction API), http, aws, config, error, telemetry, the outbox
//!   and the workers' runner. Knows no area's rules.
//! - the areas: `auth`, `profiles`, `interests`, `events`, `venues`, `attendance`, `payments`,
//!   `notifications`, `uploads`, `audit`, `retention`. Each opens with a doc of its rules; its
//!   rules are pure functions over typed values, its SQL named statements.
//! - `contract`: the request and response types, the route table, the problem codes and the
//!   OpenAPI document built from them.
//!
//! `domain` holds the values that parse themselves (phone numbers, money, GSTIN, text, URLs),
//! used by the contract and the areas alike.

#![warn(missing_docs)]

pub mod platform;

pub mod contract;
pub mod domain;

pub mod attendance;
pub mod audit;
pub mod auth;
pub mod events;
pub mod interests;
pub mod notifications;
pub mod payments;
pub mod profiles;
pub mod retention;
pub mod uploads;
pub mod venues;

pub use platform::config::Config;
pub use platform::error::ApiError;
pub use platform::state::AppState;
