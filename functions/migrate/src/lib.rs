//! Applies the schema migrations: `make migrate` runs it as a command; in AWS it is a Lambda
//! invoked once per deploy (never implicitly at another function's cold start).

pub mod custom_resource;

use serde_json::{json, Value};
use shared::config::Config;

/// Connects with the configured pool settings (TLS, IAM) and applies pending migrations.
pub async fn migrate(config: &Config) -> anyhow::Result<Value> {
    let mut settings = config.database.clone();
    settings.pool_size = 1;
    let pool = shared::db::build_pool(&settings, &config.aws)?;
    let mut client = pool.get().await?;
    let applied = shared::migrations::run(&mut client).await?;
    tracing::info!(?applied, "migrations applied");
    Ok(json!({ "applied": applied }))
}
