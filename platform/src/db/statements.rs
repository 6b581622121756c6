//! Every repository statement runs through the connection's statement cache: the first use of
//! a statement on a connection prepares it (one round trip), every later use binds and executes
//! it (one round trip) where a plain `query(&str)` would prepare it again each time (two). A
//! Lambda instance keeps its 1–2 connections warm, so requests pay the one. RDS Proxy
//! multiplexes the extended protocol's named statements, so the cache pins nothing.

use std::future::Future;

use tokio_postgres::types::ToSql;
use tokio_postgres::{Error, Row};

/// The statements repositories run, on a pooled connection or a transaction.
pub trait CachedStatements: Sync {
    /// Runs `sql` and returns its rows.
    fn query(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> impl Future<Output = Result<Vec<Row>, Error>> + Send;

    /// Runs `sql`, which must return exactly one row.
    fn query_one(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> impl Future<Output = Result<Row, Error>> + Send;

    /// Runs `sql`, which returns at most one row.
    fn query_opt(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> impl Future<Output = Result<Option<Row>, Error>> + Send;

    /// Runs `sql` and returns how many rows it changed.
    fn execute(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> impl Future<Output = Result<u64, Error>> + Send;

    /// Runs `statements` in the order given, in one round trip, and returns each one's rows;
    /// for statements that must not overtake each other (a lock before a count, a delete before
    /// an insert). All are prepared before any is sent, so the order holds on a connection's
    /// first use too (which waits for the preparations).
    fn query_in_order(
        &self,
        statements: &[Statement<'_>],
    ) -> impl Future<Output = Result<Vec<Vec<Row>>, Error>> + Send;
}

/// A statement and its parameters, for `query_in_order`.
pub type Statement<'a> = (&'a str, &'a [&'a (dyn ToSql + Sync)]);

impl<C: deadpool_postgres::GenericClient> CachedStatements for C {
    async fn query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, Error> {
        let statement = self.prepare_cached(sql).await?;
        deadpool_postgres::GenericClient::query(self, &statement, params).await
    }

    async fn query_one(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Row, Error> {
        let statement = self.prepare_cached(sql).await?;
        deadpool_postgres::GenericClient::query_one(self, &statement, params).await
    }

    async fn query_opt(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>, Error> {
        let statement = self.prepare_cached(sql).await?;
        deadpool_postgres::GenericClient::query_opt(self, &statement, params).await
    }

    async fn execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64, Error> {
        let statement = self.prepare_cached(sql).await?;
        deadpool_postgres::GenericClient::execute(self, &statement, params).await
    }

    async fn query_in_order(&self, statements: &[Statement<'_>]) -> Result<Vec<Vec<Row>>, Error> {
        let prepared = prepare_all(self, statements).await?;
        run_in_order(self, statements, &prepared).await
    }
}

/// Prepares every statement through the connection's cache (only a first use waits), so none
/// of them can be held back by its preparation once they are sent.
pub(super) async fn prepare_all<C: deadpool_postgres::GenericClient>(
    client: &C,
    statements: &[Statement<'_>],
) -> Result<Vec<tokio_postgres::Statement>, Error> {
    let mut prepared = Vec::with_capacity(statements.len());
    for (sql, _) in statements {
        prepared.push(client.prepare_cached(sql).await?);
    }
    Ok(prepared)
}

/// Runs statements `prepare_all` prepared, in order, and collects each one's rows: each query
/// is queued when first polled, and `try_join_all` polls them in order.
pub(super) fn run_in_order<'a, C: deadpool_postgres::GenericClient>(
    client: &'a C,
    statements: &'a [Statement<'a>],
    prepared: &'a [tokio_postgres::Statement],
) -> impl Future<Output = Result<Vec<Vec<Row>>, Error>> + 'a {
    futures_util::future::try_join_all(statements.iter().zip(prepared).map(
        |((_, params), statement)| {
            deadpool_postgres::GenericClient::query(client, statement, params)
        },
    ))
}
