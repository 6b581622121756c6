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
    fn config(&self, database: &str) -> shared::platform::config::Config {
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
    app.value("SELECT current_database()", &[]).await
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
    let [guest] = app.guests().await;
    crate::attendance::request_join(&app, &guest, &event_id, 1)
        .await
        .expect_status(StatusCode::CREATED);

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

/// A role's attributes and stored password verifier, read as the superuser.
async fn role(db: &tokio_postgres::Client, name: &str) -> (bool, bool, bool, Option<String>) {
    let row = db
        .query_one(
            "SELECT rolcanlogin, rolsuper OR rolcreaterole OR rolcreatedb, \
                    pg_has_role(oid, 'eventhost_app', 'MEMBER'), rolpassword \
             FROM pg_authid WHERE rolname = $1",
            &[&name],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1), row.get(2), row.get(3))
}

#[tokio::test]
async fn migrate_makes_the_functions_login_a_member_of_the_app_role_and_refuses_the_owner() {
    let database = crate::helpers::create_empty_database().await;
    let config = test_config(&database);
    let name = format!("test_login_{}", uuid::Uuid::new_v4().simple());
    let login = migrate::AppLogin {
        user: name.clone(),
        password: "first-password".to_owned().into(),
    };
    let report = migrate::migrate(&config, Some(&login)).await.unwrap();
    assert_eq!(report["app_login"], name.as_str());
    let db = crate::helpers::connect(&database).await;
    let (can_login, powerful, in_app_role, first) = role(&db, &name).await;
    assert!(can_login && in_app_role && !powerful);
    assert!(first
        .as_deref()
        .is_some_and(|p| p.starts_with("SCRAM-SHA-256$")));

    // A later deploy sets the password the secret holds now (the proxy logs in with it).
    let rotated = migrate::AppLogin {
        user: name.clone(),
        password: "second-password".to_owned().into(),
    };
    migrate::migrate(&config, Some(&rotated)).await.unwrap();
    let (_, _, in_app_role, second) = role(&db, &name).await;
    assert!(in_app_role);
    assert_ne!(first, second);

    // The owner's (or any superuser's) password is never touched.
    let owner = migrate::AppLogin {
        user: "postgres".to_owned(),
        password: "hijacked".to_owned().into(),
    };
    let refused = migrate::migrate(&config, Some(&owner)).await.unwrap_err();
    assert!(
        format!("{refused:#}").contains("owner or a superuser"),
        "{refused:#}"
    );
    db.batch_execute(&format!("DROP ROLE IF EXISTS {name}"))
        .await
        .unwrap();
}

#[tokio::test]
async fn the_functions_login_comes_from_the_proxys_secret_or_the_local_database_url() {
    let config = test_config("postgres");
    let owner = Some("postgres://postgres@127.0.0.1/eventhost");
    let local = migrate::AppLogin::resolve(
        &config.aws,
        None,
        "postgres://eventhost_local:local-password@127.0.0.1:5432/eventhost",
        owner,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(local.user, "eventhost_local");
    assert_eq!(
        secrecy::ExposeSecret::expose_secret(&local.password),
        "local-password"
    );
    // Migrations and functions as one role (the tests): nothing to make.
    assert!(migrate::AppLogin::resolve(
        &config.aws,
        None,
        "postgres://postgres@127.0.0.1/eventhost",
        None
    )
    .await
    .unwrap()
    .is_none());
    // In AWS: the secret the proxy reads for the login (RDS Proxy's username/password shape).
    let secrets =
        aws_sdk_secretsmanager::Client::new(&shared::platform::aws::sdk_config(&config.aws).await);
    let created = secrets
        .create_secret()
        .name(format!(
            "eventhost-test-login-{}",
            uuid::Uuid::new_v4().simple()
        ))
        .secret_string(r#"{"username": "eventhost_api", "password": "from-the-secret"}"#)
        .send()
        .await
        .expect("moto must be running (`make test` starts it)");
    let from_secret = migrate::AppLogin::resolve(
        &config.aws,
        created.arn(),
        "postgres://eventhost_api@proxy.example/eventhost",
        owner,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(from_secret.user, "eventhost_api");
    assert_eq!(
        secrecy::ExposeSecret::expose_secret(&from_secret.password),
        "from-the-secret"
    );
}
