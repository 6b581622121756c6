//! The platform: what every function stands on and no area's rules live in. The Postgres pool
//! and the one transaction API (`db`), HTTP requests, bodies, routing and answers (`http`), the
//! AWS clients (`aws`), configuration (`config`), the one error type (`error`), logs and
//! metrics (`telemetry`, `metrics`), TLS, cursors for pages, the transactional outbox
//! (`outbox`), `Idempotency-Key` replays (`idempotency`), migrations, the state a function
//! builds once at init (`state`) and the queue workers' runner (`worker`).

pub mod aws;
pub mod config;
pub mod cursor;
pub mod db;
pub mod error;
pub mod http;
pub mod idempotency;
pub mod metrics;
pub mod migrations;
pub mod outbox;
pub mod state;
pub mod telemetry;
pub mod tls;
pub mod worker;
