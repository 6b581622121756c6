//! The functions' database role (eventhost_app, V17) can run the app and nothing more: no
//! change to audit rows, no disabling their trigger, no DDL, no migration history.

use http::StatusCode;
use serde_json::json;

use crate::events::published_event;
use crate::helpers::{spawn_app, test_config, TestApp};

/// A login role in eventhost_app (cluster-wide, so named uniquely and dropped at the end).
struct AppLogin {
    name: String,
}

impl AppLogin {
    async fn create(app: &TestApp) -> Self {
        let name = format!("test_app_{}", uuid::Uuid::new_v4().simple());
        app.db
            .batch_execute(&format!(
                "CREATE ROLE {name} LOGIN PASSWORD 'unused-with-trust-auth' IN ROLE eventhost_app"
            ))
            .await
            .unwrap();
        Self { name }
    }

    /// The app's configuration on the same database, connecting as this role.
    fn config(&self, database: &str) -> shared::config::Config {
        let mut config = test_config(database);
        let admin = crate::helpers::admin_url();
        let host = admin.split('@').nth(1).unwrap().split('/').next().unwrap();
        config.database.url = format!(
            "postgres://{}:unused@{host}/{database}?connect_timeout=5",
            self.name
        )
        .into();
        config
    }

    async fn connect(&self, database: &str) -> tokio_postgres::Client {
        let url =
            secrecy::ExposeSecret::expose_secret(&self.config(database).database.url).to_owned();
        let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .expect("the app role logs in");
        tokio::spawn(connection);
        client
    }
}

async fn database_of(app: &TestApp) -> String {
    app.db
        .query_one("SELECT current_database()", &[])
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn the_app_role_runs_the_app_but_cannot_rewrite_history_or_change_the_schema() {
    let owner = spawn_app().await;
    let database = database_of(&owner).await;
    let login = AppLogin::create(&owner).await;

    // The app works as eventhost_app: a login, an event, a join request (with their audit rows).
    let app = TestApp::from_config(
        login.config(&database),
        crate::helpers::connect(&database).await,
    );
    let host = app.login("+919800000001").await;
    let event_id = published_event(&app, &host, json!({})).await;
    let guest = app.quick_user("+919800000002", Some("male")).await;
    let requested = crate::attendance::request_join(&app, &guest, &event_id, 1).await;
    assert_eq!(requested.status, StatusCode::CREATED, "{}", requested.text);

    let db = login.connect(&database).await;
    let audited: i64 = db
        .query_one("SELECT count(*) FROM audit_log", &[])
        .await
        .unwrap()
        .get(0);
    assert!(audited >= 3, "the app writes and reads audit rows");
    for (what, sql) in [
        (
            "update an audit row",
            "UPDATE audit_log SET action = 'read'",
        ),
        ("delete an audit row", "DELETE FROM audit_log"),
        ("truncate the audit log", "TRUNCATE audit_log"),
        (
            "disable the audit trigger",
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_or_delete",
        ),
        ("create a table", "CREATE TABLE intruder (id int)"),
        ("drop a table", "DROP TABLE event_cohost"),
        (
            "read the migration history",
            "SELECT * FROM refinery_schema_history",
        ),
        ("make a role", "CREATE ROLE intruder"),
    ] {
        let error = db.batch_execute(sql).await.expect_err(what);
        let code = error.code().map(|c| c.code().to_owned());
        assert!(
            matches!(code.as_deref(), Some("42501")),
            "{what}: expected permission denied, got {error}"
        );
    }
    drop(db);
    drop(app);
    owner
        .db
        .batch_execute(&format!("DROP ROLE IF EXISTS {}", login.name))
        .await
        .ok();
}
