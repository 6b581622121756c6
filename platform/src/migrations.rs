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

/// The least-privileged role of migration V17, which the functions' login is a member of.
pub const APP_ROLE: &str = "eventhost_app";

/// Makes `user` a login with `password` in the app role (creating it, or setting its password
/// when it exists), so the functions connect with no more than V17 grants. Run as the owner,
/// after migrating. Refuses the connected role itself and any superuser, whose password this
/// must never change.
pub async fn ensure_app_login(
    client: &tokio_postgres::Client,
    user: &str,
    password: &str,
) -> anyhow::Result<()> {
    let row = client
        .query_one(
            "SELECT $1 = current_user OR EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1 AND rolsuper) AS refused, \
                    format(CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) \
                                THEN 'ALTER ROLE %I LOGIN PASSWORD %L' \
                                ELSE 'CREATE ROLE %I LOGIN PASSWORD %L' END, $1, $2::text) \
                    || format('; GRANT %I TO %I', $3::text, $1) AS statements",
            &[&user, &password, &APP_ROLE],
        )
        .await
        .context("preparing the app login")?;
    let (refused, statements): (bool, String) = (row.get("refused"), row.get("statements"));
    anyhow::ensure!(
        !refused,
        "the functions' login {user:?} is the owner or a superuser: give them a login of their own"
    );
    client
        .batch_execute(&statements)
        .await
        .with_context(|| format!("making {user:?} a login in {APP_ROLE}"))?;
    Ok(())
}
