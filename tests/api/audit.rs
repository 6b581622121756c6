use serde_json::json;
use shared::platform::audit::{record, AuditEntry};

use crate::helpers::{insert_user, spawn_app};

#[tokio::test]
async fn the_audit_writer_commits_and_rolls_back_with_the_callers_transaction() {
    let app = spawn_app().await;
    let actor = insert_user(&app.db, "+919000000002").await;
    let mut client = app.state.pool.get().await.unwrap();

    let entry = |object_id: &str| AuditEntry {
        actor: Some(actor),
        object_type: "event",
        object_id: object_id.to_owned(),
        action: "create",
        payload: json!({"title": "Picnic"}),
        request_id: Some("req-1"),
    };

    let tx = client.transaction().await.unwrap();
    record(&tx, &entry("rolled-back")).await.unwrap();
    tx.rollback().await.unwrap();

    let tx = client.transaction().await.unwrap();
    record(&tx, &entry("committed")).await.unwrap();
    tx.commit().await.unwrap();

    let rows = app
        .db
        .query(
            "SELECT a.object_id, u.uuid, a.action, a.payload, a.request_id \
             FROM audit_log a JOIN auth_user u ON u.id = a.actor_id",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.get::<_, String>(0), "committed");
    assert_eq!(row.get::<_, uuid::Uuid>(1), actor);
    assert_eq!(row.get::<_, String>(2), "create");
    assert_eq!(
        row.get::<_, serde_json::Value>(3),
        json!({"title": "Picnic"})
    );
    assert_eq!(row.get::<_, String>(4), "req-1");
}

#[tokio::test]
async fn an_unknown_audit_action_is_refused_by_the_database() {
    let app = spawn_app().await;
    let client = app.state.pool.get().await.unwrap();
    let err = record(
        &client,
        &AuditEntry {
            actor: None,
            object_type: "event",
            object_id: "x".into(),
            action: "teleport",
            payload: json!({}),
            request_id: None,
        },
    )
    .await
    .expect_err("unknown action");
    assert_eq!(err.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
}
