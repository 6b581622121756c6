//! Platform tests: configuration, the database (pool, TLS, transactions, migrations, grants,
//! round trips), AWS events and adapters, the template, routing and the supply chain. The
//! feature tests sit beside this folder, one module per area.

pub mod aws_events;
pub mod config;
pub mod database_tls;
pub mod deploy_migrations;
pub mod layout;
pub mod least_privilege;
pub mod migrations;
pub mod pool;
pub mod restart;
pub mod round_trips;
pub mod routing;
pub mod secrets;
pub mod sqs;
pub mod supply_chain;
pub mod telemetry;
pub mod template;
pub mod transactions;
pub mod triggers;
pub mod wire_counter;
