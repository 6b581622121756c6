//! The Postgres pool, built to sit behind RDS Proxy: a pool of 1–2 connections per Lambda
//! instance, `RecyclingMethod::Fast` (no round trip on checkout), TLS when asked, and no
//! session state (`SET`, SQL `PREPARE`, session advisory locks) so the proxy never pins.

mod iam;
mod statements;
mod text_enum;
mod tls;
mod transaction;
mod writes;

use std::str::FromStr;

use anyhow::Context;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime, Timeouts};
use secrecy::ExposeSecret;

use crate::config::{DatabaseSettings, DatabaseTls};
use crate::error::ApiError;

pub use deadpool_postgres::{Client, GenericClient};
pub use iam::rds_auth_token;
/// Rows are read into structs by column name: `#[derive(FromRow)]`, then `T::try_from_row(&row)`.
pub use postgres_from_row::FromRow;
pub use statements::{CachedStatements, Statement};
pub use transaction::PipelinedTransaction;
pub use writes::{OwnedParam, Writes};

/// The first of `rows` read as a `T`, for a statement that always returns a row (`what` names
/// it in the internal error when it did not).
pub fn first_row<T: FromRow>(rows: &[tokio_postgres::Row], what: &str) -> Result<T, ApiError> {
    let row = rows
        .first()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("{what}: no row")))?;
    Ok(T::try_from_row(row)?)
}

/// A JSON column read into the answer type it documents (`#[serde(deny_unknown_fields)]` on
/// the type makes a member the SQL adds and the type lacks an error, not a silent drop).
pub fn json_column<T: serde::de::DeserializeOwned>(
    row: &tokio_postgres::Row,
    column: &str,
) -> Result<T, ApiError> {
    let tokio_postgres::types::Json(value) = row
        .try_get(column)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("reading {column}: {e}")))?;
    Ok(value)
}

/// One JSON column of every row, each read into its answer type (`json_column`).
pub fn json_rows<T: serde::de::DeserializeOwned>(
    rows: &[tokio_postgres::Row],
    column: &str,
) -> Result<Vec<T>, ApiError> {
    rows.iter().map(|row| json_column(row, column)).collect()
}

/// The pool type every function holds.
pub type PgPool = Pool;

/// Builds the pool. Connections are opened lazily, on the first request, not at cold start.
pub fn build_pool(
    settings: &DatabaseSettings,
    aws: &crate::config::AwsSettings,
) -> anyhow::Result<PgPool> {
    let mut pg_config = tokio_postgres::Config::from_str(settings.url.expose_secret())
        .context("DATABASE_URL is not a valid Postgres URL")?;
    if settings.tls == DatabaseTls::VerifyFull {
        // TLS or nothing: without this, a server (or a man in the middle) answering "no TLS"
        // to the client's request would get the login in plain text (sslmode=prefer).
        pg_config.ssl_mode(tokio_postgres::config::SslMode::Require);
    }
    let manager_config = ManagerConfig {
        recycling_method: RecyclingMethod::Fast,
    };
    let manager = match (settings.tls, settings.iam_auth) {
        (DatabaseTls::Disable, false) => {
            Manager::from_config(pg_config, tokio_postgres::NoTls, manager_config)
        }
        (DatabaseTls::VerifyFull, false) => Manager::from_config(
            pg_config,
            tls::make_connector(settings.ca_bundle.as_deref())?,
            manager_config,
        ),
        (tls_mode, true) => {
            anyhow::ensure!(
                tls_mode == DatabaseTls::VerifyFull,
                "DATABASE_IAM_AUTH requires DATABASE_TLS=verify-full"
            );
            let connect = iam::IamConnect::new(
                tls::make_connector(settings.ca_bundle.as_deref())?,
                aws.region.clone(),
            );
            Manager::from_connect(pg_config, connect, manager_config)
        }
    };
    Pool::builder(manager)
        .max_size(settings.pool_size.max(1))
        .runtime(Runtime::Tokio1)
        .timeouts(Timeouts {
            wait: Some(settings.connect_timeout),
            create: Some(settings.connect_timeout),
            recycle: Some(settings.connect_timeout),
        })
        .build()
        .context("building the Postgres pool")
}

/// Takes a connection from the pool; a pool that cannot reach Postgres answers 503.
pub async fn connection(pool: &PgPool) -> Result<Client, ApiError> {
    Ok(pool.get().await?)
}
