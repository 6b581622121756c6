//! Everything the Lambda functions share: configuration, the Postgres pool, the error type,
//! HTTP plumbing, authentication, SQL repositories and AWS adapters. Functions stay thin;
//! the rules live here and know nothing of Lambda beyond the request/response types.

#![warn(missing_docs)]

pub mod attendance;
pub mod audit;
pub mod auth;
pub mod aws;
pub mod config;
pub mod cursor;
pub mod db;
pub mod domain;
pub mod error;
pub mod events;
pub mod http;
pub mod idempotency;
pub mod inbox;
pub mod interests;
pub mod metrics;
pub mod migrations;
pub mod notify;
pub mod openapi;
pub mod outbox;
pub mod payments;
pub mod profiles;
pub mod retention;

pub mod state;
pub mod telemetry;
pub mod tls;
pub mod uploads;
pub mod venues;
pub mod worker;

pub use config::Config;
pub use error::ApiError;
pub use state::AppState;
