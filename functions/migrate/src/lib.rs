//! Applies the schema migrations: `make migrate` runs it as a command; in AWS it is a Lambda
//! invoked once per deploy (never implicitly at another function's cold start).

pub mod custom_resource;

use serde_json::{json, Value};
use shared::config::Config;

/// A pool of one connection with the configured settings (TLS, IAM): this function does one
/// thing at a time.
fn one_connection_pool(config: &Config) -> anyhow::Result<shared::db::PgPool> {
    let mut settings = config.database.clone();
    settings.pool_size = 1;
    shared::db::build_pool(&settings, &config.aws)
}

/// Connects with the configured pool settings (TLS, IAM) and applies pending migrations.
pub async fn migrate(config: &Config) -> anyhow::Result<Value> {
    migrate_when_reachable(config, std::time::Duration::ZERO).await
}

/// `migrate`, waiting up to `patience` for the database to accept a connection (a new stack's
/// proxy can take minutes to reach its database); a migration that fails is never retried.
pub async fn migrate_when_reachable(
    config: &Config,
    patience: std::time::Duration,
) -> anyhow::Result<Value> {
    let pool = one_connection_pool(config)?;
    let deadline = std::time::Instant::now() + patience;
    let mut client = loop {
        match pool.get().await {
            Ok(client) => break client,
            // The server answered (no such database, a refused login): waiting will not help.
            Err(deadpool_postgres::PoolError::Backend(err)) if err.as_db_error().is_some() => {
                return Err(err.into())
            }
            Err(err) if std::time::Instant::now() < deadline => {
                tracing::warn!(error = %err, "the database is not reachable yet; trying again");
                tokio::time::sleep(std::time::Duration::from_secs(10)).await;
            }
            Err(err) => return Err(err.into()),
        }
    };
    let applied = shared::migrations::run(&mut client).await?;
    tracing::info!(?applied, "migrations applied");
    Ok(json!({ "applied": applied }))
}

/// Makes the account of `phone` (E.164; it must have logged in once) staff and superuser, with
/// an audit row: the first superuser of a new deployment (`make superuser PHONE=…` locally, an
/// invocation of this function with `{"superuser_phone": "…"}` in AWS). Returns the user's id.
pub async fn make_superuser(config: &Config, phone: &str) -> anyhow::Result<Value> {
    let phone = shared::domain::PhoneNumber::parse(phone)
        .map_err(|reason| anyhow::anyhow!("{phone:?} is not a phone number: {reason}"))?;
    let pool = one_connection_pool(config)?;
    let client = pool.get().await?;
    let row = client
        .query_opt(
            "WITH made AS (UPDATE auth_user SET is_staff = true, is_superuser = true \
                           WHERE username = $1 AND is_active RETURNING uuid) \
             INSERT INTO audit_log (object_type, object_id, action, payload) \
             SELECT 'auth_user', uuid::text, 'update', \
                    jsonb_build_object('is_staff', true, 'is_superuser', true, 'by', 'migrate superuser') \
             FROM made RETURNING object_id",
            &[&phone.as_str()],
        )
        .await?
        .ok_or_else(|| {
            anyhow::anyhow!("no active account has the number {}: log in with it once first", phone.as_str())
        })?;
    let user: String = row.get(0);
    tracing::info!(%user, "superuser made");
    Ok(json!({ "superuser": user }))
}
