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

/// Makes the account of `phone` (E.164; it must have logged in once) staff and superuser, with
/// an audit row: the first superuser of a new deployment (`make superuser PHONE=…` locally, an
/// invocation of this function with `{"superuser_phone": "…"}` in AWS). Returns the user's id.
pub async fn make_superuser(config: &Config, phone: &str) -> anyhow::Result<Value> {
    let phone = shared::domain::PhoneNumber::parse(phone)
        .map_err(|reason| anyhow::anyhow!("{phone:?} is not a phone number: {reason}"))?;
    let mut settings = config.database.clone();
    settings.pool_size = 1;
    let pool = shared::db::build_pool(&settings, &config.aws)?;
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
