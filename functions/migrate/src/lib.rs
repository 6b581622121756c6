//! Applies the schema migrations: `make migrate` runs it as a command; in AWS it is a Lambda
//! invoked once per deploy (never implicitly at another function's cold start).

pub mod custom_resource;

use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Value};
use shared::platform::config::{AwsSettings, Config};

/// A pool of one connection with the configured settings (TLS, IAM): this function does one
/// thing at a time.
fn one_connection_pool(config: &Config) -> anyhow::Result<shared::platform::db::PgPool> {
    let mut settings = config.database.clone();
    settings.pool_size = 1;
    shared::platform::db::build_pool(&settings, &config.aws)
}

/// The login the functions connect as, made a member of the app role after migrating.
pub struct AppLogin {
    /// The role name.
    pub user: String,
    /// Its password (the proxy logs in with it in AWS; the local stacks put it in their URL).
    pub password: SecretString,
}

impl AppLogin {
    /// The functions' login: the user and password of the proxy's secret for it when
    /// `secret_arn` is set (AWS: `APP_DB_LOGIN_SECRET_ARN`, keys `username` and `password`), or
    /// those of the functions' `DATABASE_URL` when migrations connect as another role
    /// (`owner_url`, the local stacks). `None` when the functions connect as the owner.
    pub async fn resolve(
        aws: &AwsSettings,
        secret_arn: Option<&str>,
        functions_url: &str,
        owner_url: Option<&str>,
    ) -> anyhow::Result<Option<Self>> {
        if let Some(arn) = secret_arn {
            let mut values = shared::platform::aws::secrets::fetch_secret_values(aws, arn).await?;
            let user = values
                .remove("username")
                .context("the app login secret has no username")?;
            let password = values
                .remove("password")
                .context("the app login secret has no password")?;
            return Ok(Some(Self {
                user,
                password: password.into(),
            }));
        }
        if owner_url.is_none() {
            return Ok(None);
        }
        let url: tokio_postgres::Config = functions_url
            .parse()
            .context("DATABASE_URL is not a Postgres URL")?;
        let user = url.get_user().context("DATABASE_URL names no user")?;
        let password = url
            .get_password()
            .context("DATABASE_URL has no password for the app login")?;
        Ok(Some(Self {
            user: user.to_owned(),
            password: String::from_utf8(password.to_vec())
                .context("the app login's password is not UTF-8")?
                .into(),
        }))
    }
}

/// Connects with the configured pool settings (TLS, IAM), applies pending migrations and makes
/// `app_login` a login in the app role.
pub async fn migrate(config: &Config, app_login: Option<&AppLogin>) -> anyhow::Result<Value> {
    migrate_when_reachable(config, app_login, std::time::Duration::ZERO).await
}

/// `migrate`, waiting up to `patience` for the database to accept a connection (a new stack's
/// proxy can take minutes to reach its database); a migration that fails is never retried.
pub async fn migrate_when_reachable(
    config: &Config,
    app_login: Option<&AppLogin>,
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
    let applied = shared::platform::migrations::run(&mut client).await?;
    tracing::info!(?applied, "migrations applied");
    if let Some(login) = app_login {
        shared::platform::migrations::ensure_app_login(
            &client,
            &login.user,
            login.password.expose_secret(),
        )
        .await?;
        tracing::info!(user = %login.user, "the functions' login is in the app role");
    }
    Ok(json!({ "applied": applied, "app_login": app_login.map(|login| &login.user) }))
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
    let user: String = row.get("object_id");
    tracing::info!(%user, "superuser made");
    Ok(json!({ "superuser": user }))
}
