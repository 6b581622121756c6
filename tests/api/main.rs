//! One integration-test binary: every module runs against real Postgres, each test on its own
//! fresh database.

mod helpers;
mod hostile_input;

mod attendance;
mod audit;
mod audit_trail;
mod auth;
mod authz_matrix;
mod config;
mod constraints;
mod contract_rules;
mod discovery;
mod duplicates;
mod events;
mod http_input;
mod interests;
mod migrations;
mod openapi;
mod payments;
mod pool;
mod problems;
mod profile;
mod races;
mod refund_races;
mod restart;
mod retention;
mod round_trips;
mod routing;
mod secrets;
mod sqs;
mod stress;
mod telemetry;
mod template;
mod tokens;
mod transactions;
mod triggers;
mod waitlist;
mod wire_counter;
mod workers;
mod write_limits;
