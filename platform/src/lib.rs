//! The platform: what every function stands on, knowing no area of the product. The Postgres
//! pool and the one transaction API (`db`), HTTP requests, bodies, routing and answers (`http`),
//! the AWS clients (`aws`), configuration (`config`, with the token keys it reads), the one
//! error type and the problem-code enum (`error`), logs and metrics (`telemetry`, `metrics`),
//! TLS, cursors for pages, the transactional outbox (`outbox`), the audit trail (`audit`),
//! migrations, and the values that parse themselves (`domain`: phone numbers, money, GSTIN,
//! text, URLs).
//!
//! It is its own crate so the boundary holds by construction: nothing here can name an area,
//! the contract or the state a function builds; those live in `shared`, which builds on this.

#![warn(missing_docs)]

pub mod audit;
pub mod aws;
pub mod config;
pub mod cursor;
pub mod db;
pub mod domain;
pub mod error;
pub mod http;
pub mod metrics;
pub mod migrations;
pub mod outbox;
pub mod telemetry;
pub mod tls;
