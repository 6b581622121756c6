//! The deploy's migration step: CloudFormation's custom-resource request to the migrate
//! function applies the migrations and answers SUCCESS on the presigned URL; a failure answers
//! FAILED (so the stack update stops before any function changes); a Delete changes nothing.

use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::helpers::{connect, create_empty_database, test_config};

fn request(kind: &str, response_url: String) -> Value {
    json!({
        "RequestType": kind,
        "ResponseURL": response_url,
        "StackId": "arn:aws:cloudformation:ap-south-1:123456789012:stack/eventhost/1",
        "RequestId": format!("req-{kind}"),
        "LogicalResourceId": "MigrationRun",
        "ResourceType": "Custom::Migrations",
        "ResourceProperties": {"MigrationsVersion": "abc"},
    })
}

async fn answers(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

#[tokio::test]
async fn a_create_request_migrates_and_answers_success() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/response"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let database = create_empty_database().await;
    let config = test_config(&database);
    let event = request("Create", format!("{}/response", server.uri()));
    assert!(migrate::custom_resource::is_custom_resource(&event));

    migrate::custom_resource::handle(&config, None, &event)
        .await
        .unwrap();

    let sent = answers(&server).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["Status"], "SUCCESS", "{}", sent[0]);
    assert_eq!(sent[0]["RequestId"], "req-Create");
    let tables: i64 = connect(&database)
        .await
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('event', 'payment_refund')",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(tables, 2, "the schema exists before any function needs it");

    // A Delete (the stack going away) leaves the schema alone and still answers.
    let delete = request("Delete", format!("{}/response", server.uri()));
    migrate::custom_resource::handle(&config, None, &delete)
        .await
        .unwrap();
    assert_eq!(answers(&server).await[1]["Status"], "SUCCESS");
}

#[tokio::test]
async fn a_failed_migration_answers_failed_so_the_deploy_stops() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    // A database that does not exist: the migration cannot run.
    let config = test_config("test_no_such_database");
    let event = request("Update", format!("{}/response", server.uri()));
    migrate::custom_resource::handle(&config, None, &event)
        .await
        .unwrap();
    let sent = answers(&server).await;
    assert_eq!(sent[0]["Status"], "FAILED", "{}", sent[0]);
    assert!(sent[0]["Reason"].as_str().is_some_and(|r| !r.is_empty()));
}

#[tokio::test]
async fn a_database_that_comes_up_late_is_waited_for() {
    // A port nothing listens on yet; a forwarder to Postgres opens there after 3 seconds, as a
    // new stack's proxy starts answering after a while.
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let database = create_empty_database().await;
    let mut config = test_config(&database);
    config.database.url =
        format!("postgres://postgres:postgres@127.0.0.1:{port}/{database}?connect_timeout=2")
            .into();
    config.database.connect_timeout = std::time::Duration::from_secs(2);
    let admin: tokio_postgres::Config = crate::helpers::admin_url().parse().unwrap();
    let upstream = format!("127.0.0.1:{}", admin.get_ports()[0]);
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        while let Ok((mut inbound, _)) = listener.accept().await {
            let upstream = upstream.clone();
            tokio::spawn(async move {
                let mut outbound = tokio::net::TcpStream::connect(upstream).await.unwrap();
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            });
        }
    });
    let applied =
        migrate::migrate_when_reachable(&config, None, std::time::Duration::from_secs(60))
            .await
            .expect("migrations ran once the database answered");
    assert!(applied["applied"].as_array().is_some_and(|a| !a.is_empty()));
}
