//! Schema migrations from `migrations/`, embedded at compile time and applied by refinery.
//! They run only from the `migrate` entry point (`make migrate`, or the migrate Lambda in AWS),
//! never implicitly at cold start.

use anyhow::Context;

mod embedded {
    refinery::embed_migrations!("../migrations");
}

/// Applies every pending migration on `client`'s database; returns the versions applied.
pub async fn run(client: &mut tokio_postgres::Client) -> anyhow::Result<Vec<i32>> {
    let report = embedded::migrations::runner()
        .set_grouped(false)
        .run_async(client)
        .await
        .context("applying migrations")?;
    Ok(report
        .applied_migrations()
        .iter()
        .map(|m| m.version())
        .collect())
}
