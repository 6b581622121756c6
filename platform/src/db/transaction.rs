//! Transactions that spend no round trip of their own. tokio-postgres waits for BEGIN's answer
//! before the first statement goes out, and for COMMIT's after the last; here BEGIN is queued
//! without waiting, so it travels with the first statement, and COMMIT can travel with the read
//! that builds the answer. A transaction dropped unfinished (an early `?`) queues ROLLBACK the
//! same way, before the connection goes back to the pool.

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Waker};

use deadpool_postgres::Client;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Error, Row};

use super::statements::{prepare_all, run_in_order, Statement};
use super::{CachedStatements, Writes};
use crate::error::ApiError;

/// A transaction on a pooled connection whose BEGIN and COMMIT ride with its statements.
pub struct PipelinedTransaction<'c> {
    client: &'c Client,
    finished: AtomicBool,
}

impl<'c> PipelinedTransaction<'c> {
    /// Opens a transaction: BEGIN is queued on the connection now and answered with the first
    /// statement's round trip.
    pub fn begin(client: &'c Client) -> Self {
        queue_without_waiting(client, "BEGIN");
        Self {
            client,
            finished: AtomicBool::new(false),
        }
    }

    /// Commits: one round trip.
    pub async fn commit(self) -> Result<(), ApiError> {
        self.finished.store(true, Ordering::SeqCst);
        self.client.batch_execute("COMMIT").await?;
        Ok(())
    }

    /// Runs the transaction's last `writes` in order and commits, all in one round trip (the
    /// writes are prepared first, so none can come after COMMIT); returns each write's rows. A
    /// failed write leaves COMMIT nothing to commit: the transaction is rolled back and the
    /// write's error returned.
    pub async fn commit_after(self, writes: &[Statement<'_>]) -> Result<Vec<Vec<Row>>, ApiError> {
        Ok(self.finish(writes, async { Ok(()) }).await?.0)
    }

    /// `commit_after` with `read` in the same round trip, as `commit_with` has it.
    pub async fn commit_after_with<T, F>(
        self,
        writes: &[Statement<'_>],
        read: impl FnOnce(&'c Client) -> F,
    ) -> Result<T, ApiError>
    where
        F: Future<Output = Result<T, ApiError>>,
    {
        let read = read(self.client);
        Ok(self.finish(writes, read).await?.1)
    }

    async fn finish<T>(
        &self,
        writes: &[Statement<'_>],
        read: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<(Vec<Vec<Row>>, T), ApiError> {
        let prepared = prepare_all(self.client, writes).await?;
        self.finished.store(true, Ordering::SeqCst);
        let (written, value, committed) = tokio::join!(
            biased;
            run_in_order(self.client, writes, &prepared),
            read,
            self.client.batch_execute("COMMIT"),
        );
        let written = written?;
        committed?;
        Ok((written, value?))
    }

    /// `commit_after_with` for writes gathered in a `Writes`.
    pub async fn commit_writes_with<T, F>(
        self,
        writes: &Writes,
        read: impl FnOnce(&'c Client) -> F,
    ) -> Result<T, ApiError>
    where
        F: Future<Output = Result<T, ApiError>>,
    {
        let params = writes.params();
        self.commit_after_with(&writes.statements(&params), read)
            .await
    }

    /// Commits in the same round trip as `read`, a read of what the transaction wrote (for the
    /// answer), given the transaction's connection to read through. `read` is queued first; should it need a
    /// statement prepared first, its rows come after COMMIT instead, which a read of committed
    /// rows does not mind. Never write in `read`: await writes before committing. Every commit
    /// takes the transaction by value, so nothing can use it once it is committed.
    pub async fn commit_with<T, F>(self, read: impl FnOnce(&'c Client) -> F) -> Result<T, ApiError>
    where
        F: Future<Output = Result<T, ApiError>>,
    {
        self.commit_after_with(&[], read).await
    }
}

impl Drop for PipelinedTransaction<'_> {
    fn drop(&mut self) {
        if !self.finished.load(Ordering::SeqCst) {
            queue_without_waiting(self.client, "ROLLBACK");
        }
    }
}

/// Puts a simple query on the connection's queue and does not wait for its answer (the
/// connection task reads and drops it), as tokio-postgres's own transaction does with its
/// ROLLBACK on drop. The first poll of `batch_execute` queues the query before anything awaits.
fn queue_without_waiting(client: &Client, sql: &str) {
    let mut sending = pin!(client.batch_execute(sql));
    let _ = sending
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()));
}

impl CachedStatements for PipelinedTransaction<'_> {
    async fn query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, Error> {
        CachedStatements::query(self.client, sql, params).await
    }

    async fn query_one(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Row, Error> {
        CachedStatements::query_one(self.client, sql, params).await
    }

    async fn query_opt(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>, Error> {
        CachedStatements::query_opt(self.client, sql, params).await
    }

    async fn execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64, Error> {
        CachedStatements::execute(self.client, sql, params).await
    }

    async fn query_in_order(&self, statements: &[Statement<'_>]) -> Result<Vec<Vec<Row>>, Error> {
        CachedStatements::query_in_order(self.client, statements).await
    }
}

/// Awaits the given statement futures together, so their statements go out in one round trip:
/// `tokio::try_join!` in biased mode. Each future queues its first statement when first polled,
/// in the order given; when several fail, the error is the first one's in that order, because a
/// later one may have failed only since the transaction was already aborted. Only the last
/// future may go on to further statements: one from an earlier future would leave while later
/// answers may or may not be in, and the round trips a route takes would vary.
#[macro_export]
macro_rules! pipelined {
    ($($statements:expr),+ $(,)?) => {
        tokio::try_join!(biased; $($statements),+)
    };
}
