use http::{Method, StatusCode};

use serde_json::json;

use crate::events::{create_event, valid_event};
use crate::helpers::spawn_app;

#[tokio::test]
async fn get_interests_returns_the_active_catalogue_in_order() {
    let app = spawn_app().await;
    app.db
        .execute(
            "UPDATE event_interest SET is_active = false WHERE slug = 'tech'",
            &[],
        )
        .await
        .unwrap();

    let response = app.request(Method::GET, "/v1/interests").send().await;

    assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    assert_eq!(response.header("content-type"), Some("application/json"));
    let items = response.body["items"].as_array().expect("items array");
    let slugs: Vec<&str> = items.iter().map(|i| i["slug"].as_str().unwrap()).collect();
    assert_eq!(&slugs[..4], ["music", "travel", "party", "picnic"]);
    assert!(
        !slugs.contains(&"tech"),
        "inactive interests are hidden: {slugs:?}"
    );
    let expected: i64 = app
        .value("SELECT count(*) FROM event_interest WHERE is_active", &[])
        .await;
    assert_eq!(items.len() as i64, expected);
    let first = &items[0];
    assert!(first["interest_id"]
        .as_str()
        .unwrap()
        .parse::<uuid::Uuid>()
        .is_ok());
    assert_eq!(first["name"], "Music");
    assert!(
        first.get("id").is_none(),
        "internal ids never leave the database"
    );
}

#[tokio::test]
async fn an_unreachable_database_answers_503_problem_without_internals() {
    let mut config = crate::helpers::test_config("postgres");
    // Nothing listens on port 1: the pool cannot connect.
    config.database.url = "postgres://postgres@127.0.0.1:1/none?connect_timeout=1"
        .to_owned()
        .into();
    config.database.connect_timeout = std::time::Duration::from_secs(2);
    let state = std::sync::Arc::new(shared::AppState::from_config(config).unwrap());
    let request = http::Request::builder()
        .method(Method::GET)
        .uri("/v1/interests")
        .body(lambda_http::Body::Empty)
        .unwrap();
    let response = profile::router()
        .dispatch(
            state,
            shared::platform::http::ApiRequest::from_lambda(request),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "1");
    let body: serde_json::Value = match response.body() {
        lambda_http::Body::Binary(b) => serde_json::from_slice(b).unwrap(),
        other => panic!("unexpected body {other:?}"),
    };
    assert_eq!(body["code"], "service_unavailable");
    assert_eq!(body["retryable"], true);
    let text = body.to_string();
    assert!(
        !text.contains("127.0.0.1") && !text.contains("postgres"),
        "internals leaked: {text}"
    );
}

#[tokio::test]
async fn an_events_interests_can_change_to_a_set_that_keeps_some_of_them() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    let created = create_event(&app, &host, valid_event())
        .await
        .expect_status(StatusCode::CREATED);
    let path = format!("/v1/events/{}", created.str_at("/event_id"));

    // `outdoors` stays, `picnic` goes, `music` comes.
    let response = app
        .send_as(
            &host,
            Method::PATCH,
            &path,
            &json!({ "interests": ["outdoors", "music"] }),
        )
        .await;

    assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    let mut slugs: Vec<&str> = response.body["interests"]
        .as_array()
        .expect("interests array")
        .iter()
        .map(|i| i["slug"].as_str().unwrap())
        .collect();
    slugs.sort();
    assert_eq!(slugs, vec!["music", "outdoors"]);
}
