//! `shared::platform::db::PipelinedTransaction` on a pool of one connection, so the next checkout is the
//! same connection: what is left unfinished is rolled back before anyone uses it again, a failed
//! last write commits nothing, and a commit with writes and a read does both.

use shared::platform::db::{CachedStatements, PipelinedTransaction};

use crate::helpers::{spawn_app_with, TestApp};

const INSERT_CHESS: &str =
    "INSERT INTO event_interest (name, slug, sort_order) VALUES ('Chess', 'chess', 99)";

async fn chess_rows(app: &TestApp) -> i64 {
    app.value(
        "SELECT count(*) FROM event_interest WHERE slug = 'chess'",
        &[],
    )
    .await
}

/// Whether the pooled connection is outside any transaction that wrote.
async fn connection_is_clean(app: &TestApp) -> bool {
    let client = app.state.pool.get().await.unwrap();
    client
        .query_one("SELECT pg_current_xact_id_if_assigned() IS NULL", &[])
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn a_transaction_dropped_unfinished_is_rolled_back_before_the_connection_is_reused() {
    let app = spawn_app_with(|config| config.database.pool_size = 1).await;
    {
        let client = app.state.pool.get().await.unwrap();
        let tx = PipelinedTransaction::begin(&client);
        tx.execute(INSERT_CHESS, &[]).await.unwrap();
        // Dropped here without a commit, as an early `?` drops it.
    }
    assert!(connection_is_clean(&app).await);
    assert_eq!(chess_rows(&app).await, 0);
}

#[tokio::test]
async fn a_failed_last_write_commits_nothing_of_the_transaction() {
    let app = spawn_app_with(|config| config.database.pool_size = 1).await;
    let client = app.state.pool.get().await.unwrap();
    let tx = PipelinedTransaction::begin(&client);
    tx.execute(INSERT_CHESS, &[]).await.unwrap();
    // The same slug again: the unique key refuses it, in the same round trip as COMMIT.
    let result = tx.commit_after(&[(INSERT_CHESS, &[])]).await;
    drop(client);

    assert!(result.is_err(), "the duplicate must fail");
    assert!(connection_is_clean(&app).await);
    assert_eq!(chess_rows(&app).await, 0);
}

#[tokio::test]
async fn a_commit_with_writes_and_a_read_stores_the_writes_and_reads_them() {
    let app = spawn_app_with(|config| config.database.pool_size = 1).await;
    let client = app.state.pool.get().await.unwrap();
    let tx = PipelinedTransaction::begin(&client);
    // The transaction is consumed by its commit: nothing can use it afterwards.
    let seen = tx
        .commit_after_with(&[(INSERT_CHESS, &[])], |db| async move {
            Ok(db
                .query_one(
                    "SELECT count(*) FROM event_interest WHERE slug = 'chess'",
                    &[],
                )
                .await?
                .get::<_, i64>(0))
        })
        .await
        .unwrap();
    drop(client);

    assert_eq!(seen, 1, "the read comes after the write");
    assert!(connection_is_clean(&app).await);
    assert_eq!(chess_rows(&app).await, 1);
}
