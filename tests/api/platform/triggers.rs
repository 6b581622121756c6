use crate::helpers::{insert_user, spawn_app};

#[tokio::test]
async fn updated_at_moves_on_every_update() {
    let app = spawn_app().await;
    let user = insert_user(&app.db, "+919000000001").await;
    // Backdate, then update: the trigger must stamp the new time whatever the UPDATE says.
    app.db
        .execute(
            "UPDATE auth_user SET updated_at = now() - interval '1 day' WHERE uuid = $1",
            &[&user],
        )
        .await
        .unwrap();
    let backdated: chrono::DateTime<chrono::Utc> = app
        .value("SELECT updated_at FROM auth_user WHERE uuid = $1", &[&user])
        .await;
    assert!(
        backdated > chrono::Utc::now() - chrono::Duration::minutes(1),
        "trigger overrides explicit values"
    );

    app.db
        .execute(
            "UPDATE user_profile SET updated_at = '2000-01-01', name = 'Asha' \
             WHERE user_id = (SELECT id FROM auth_user WHERE uuid = $1)",
            &[&user],
        )
        .await
        .unwrap();
    let (created, updated): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) = {
        let row = app
            .db
            .query_one(
                "SELECT created_at, updated_at FROM user_profile \
                 WHERE user_id = (SELECT id FROM auth_user WHERE uuid = $1)",
                &[&user],
            )
            .await
            .unwrap();
        (row.get(0), row.get(1))
    };
    assert!(
        updated >= created,
        "updated_at {updated} before created_at {created}"
    );
    assert!(updated.format("%Y").to_string() != "2000");
}

#[tokio::test]
async fn every_table_with_updated_at_has_the_trigger() {
    let app = spawn_app().await;
    let missing: Vec<String> = app
        .column(
            "SELECT c.table_name::text FROM information_schema.columns c \
             WHERE c.table_schema = 'public' AND c.column_name = 'updated_at' \
               AND NOT EXISTS (SELECT 1 FROM pg_trigger t \
                               WHERE t.tgrelid = c.table_name::regclass AND NOT t.tgisinternal \
                                 AND t.tgfoid = 'set_updated_at'::regproc)",
            &[],
        )
        .await;
    assert!(
        missing.is_empty(),
        "tables without the updated_at trigger: {missing:?}"
    );
}

#[tokio::test]
async fn audit_log_rejects_update_delete_and_truncate() {
    let app = spawn_app().await;
    app.db
        .execute(
            "INSERT INTO audit_log (object_type, object_id, action) VALUES ('event', 'e1', 'create')",
            &[],
        )
        .await
        .unwrap();
    for sql in [
        "UPDATE audit_log SET action = 'update'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let err = app.db.execute(sql, &[]).await.expect_err(sql);
        let message = err
            .as_db_error()
            .map(|e| e.message().to_owned())
            .unwrap_or_default();
        assert!(message.contains("append-only"), "{sql}: {message}");
    }
    let count: i64 = app.value("SELECT count(*) FROM audit_log", &[]).await;
    assert_eq!(count, 1);
}
