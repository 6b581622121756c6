//! One integration-test binary: every module runs against real Postgres, each test on its own
//! fresh database.

mod helpers;
mod hostile_input;
mod platform;

mod account_deletion;
mod at_least_once_delivery;
mod attendance;
mod audit;
mod audit_trail;
mod auth;
mod authz_matrix;
mod cohost_powers;
mod constraints;
mod contract_rules;
mod discovery;
mod documented_problems;
mod event_keys;
mod events;
mod fixtures;
mod guest_list_csv;
mod http_input;
mod interests;
mod openapi;
mod payments;
mod problems;
mod problems_seen;
mod profile;
mod races;
mod refund_policy;
mod refund_races;
mod refusals;
mod retention;
mod sms;
mod stress;
mod superuser;
mod sweep_resilience;
mod tokens;
mod unseated_payments;
mod uploads;
mod waitlist;
mod workers;
mod write_limits;
