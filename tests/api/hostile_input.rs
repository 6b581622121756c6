//! Hostile input, as a curious or malicious client sends it: every case is a 4xx
//! problem+json naming what is wrong, never a 5xx, and nothing is written.

use http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::events::{create_event, valid_event, with};
use crate::helpers::{problem_fields, spawn_app};

#[tokio::test]
async fn a_body_over_64_kib_is_413_before_it_is_parsed() {
    let app = spawn_app().await;
    let host = app.host().await;
    let mut body = valid_event();
    body["description"] = Value::String("x".repeat(64 * 1024));
    let response = create_event(&app, &host, body).await;
    response.assert_problem(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
}

#[tokio::test]
async fn deeply_nested_json_is_a_400_naming_the_body() {
    let app = spawn_app().await;
    let host = app.host().await;
    let nested = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000));
    let response = app
        .request(Method::POST, "/v1/events")
        .bearer(&host.access_token)
        .header("content-type", "application/json")
        .raw_body(format!(r#"{{"title": {nested}}}"#).into_bytes())
        .send()
        .await;
    response.assert_problem(StatusCode::BAD_REQUEST, "malformed_request");
    assert_eq!(problem_fields(&response), vec!["body"]);
}

#[tokio::test]
async fn huge_negative_and_fractional_numbers_are_422_naming_the_field() {
    let app = spawn_app().await;
    let host = app.host().await;
    for capacity in [
        json!(1e300),
        json!(-5),
        json!(0),
        json!(2.5),
        json!(i64::MAX),
        json!(u64::MAX),
        json!("12"),
    ] {
        let response = create_event(
            &app,
            &host,
            with(valid_event(), json!({ "capacity": capacity })),
        )
        .await;
        response.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(
            problem_fields(&response),
            vec!["capacity"],
            "capacity {capacity}"
        );
    }
    for price in ["-1.00", "1e9", "99999999999999999999.00", "0.001", "NaN"] {
        let response = create_event(
            &app,
            &host,
            with(
                valid_event(),
                json!({"is_paid": true, "ticket_price": price}),
            ),
        )
        .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "price {price}: {}",
            response.text
        );
        assert!(
            problem_fields(&response).contains(&"ticket_price".to_owned()),
            "price {price}: {}",
            response.text
        );
    }
    let events: i64 = app.value("SELECT count(*) FROM event", &[]).await;
    assert_eq!(events, 0, "nothing was written");
}

#[tokio::test]
async fn absurd_dates_and_times_are_422_naming_the_field() {
    let app = spawn_app().await;
    let host = app.host().await;
    for date in [
        "0001-01-01",
        "9999-12-31",
        "2026-02-30",
        "yesterday",
        "+275760-09-13",
    ] {
        let response = create_event(
            &app,
            &host,
            with(valid_event(), json!({ "event_date": date })),
        )
        .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{date}: {}",
            response.text
        );
        assert!(
            problem_fields(&response).contains(&"event_date".to_owned()),
            "{date}: {}",
            response.text
        );
    }
    for time in ["25:00", "12:60", "noon", "-01:00"] {
        let response = create_event(
            &app,
            &host,
            with(valid_event(), json!({ "start_time": time })),
        )
        .await;
        assert_eq!(problem_fields(&response), vec!["start_time"], "{time}");
    }
    let feed = app
        .get_as(&host, "/v1/events?from=99999-01-01&to=0000-00-00")
        .await;
    feed.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(problem_fields(&feed), vec!["from", "to"]);
}

#[tokio::test]
async fn sql_metacharacters_are_data_not_code() {
    let app = spawn_app().await;
    let host = app.host().await;
    let title = "Robert'); DROP TABLE event;--";
    let created = create_event(&app, &host, with(valid_event(), json!({ "title": title })))
        .await
        .expect_status(StatusCode::CREATED);
    assert_eq!(created.body["title"], title);
    for query in [
        "q=%27%20OR%201%3D1--",
        "q=%25%25%25",
        "q=%5C",
        "mood=party%27%3B--",
        "interest=%27%29%29%3B--",
    ] {
        let response = app.get_as(&host, &format!("/v1/events?{query}")).await;
        assert!(
            response.status.is_success() || response.status.is_client_error(),
            "{query}: {}",
            response.status
        );
        assert!(response.status != StatusCode::INTERNAL_SERVER_ERROR);
    }
    let still_there: i64 = app.value("SELECT count(*) FROM event", &[]).await;
    assert_eq!(still_there, 1);
}

#[tokio::test]
async fn an_idempotency_key_that_is_too_long_is_a_4xx_naming_the_header() {
    let app = spawn_app().await;
    let guest = app.host().await;
    let response = app
        .request(Method::POST, "/v1/payments/orders")
        .bearer(&guest.access_token)
        .header("idempotency-key", &"k".repeat(300))
        .json(&json!({"reservation_key": "nope"}))
        .send()
        .await;
    assert_eq!(
        response.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        response.text
    );
    assert_eq!(problem_fields(&response), vec!["Idempotency-Key"]);
}
