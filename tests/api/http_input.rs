//! Request parsing: bodies (400 malformed, 413, 415, 422 naming every field), query limits and
//! keyset cursors.

use http::{Method, StatusCode};
use shared::contract::schemas::VenueCreate;
use shared::platform::cursor::{self, Page};
use shared::platform::http::{ApiRequest, RequestBody};

fn request(body: &[u8], content_type: Option<&str>) -> ApiRequest {
    let mut builder = http::Request::builder()
        .method(Method::POST)
        .uri("/v1/venues?limit=5&interest=a&interest=b");
    if let Some(ct) = content_type {
        builder = builder.header("content-type", ct);
    }
    ApiRequest::from_lambda(
        builder
            .body(lambda_http::Body::Binary(body.to_vec()))
            .unwrap(),
    )
}

fn fields(err: &shared::ApiError) -> Vec<String> {
    match err {
        shared::ApiError::Client(p) => p.errors.iter().map(|e| e.field.clone()).collect(),
        other => panic!("expected a client problem, got {other:?}"),
    }
}

fn venue(body: &[u8], content_type: Option<&str>) -> Result<VenueCreate, shared::ApiError> {
    VenueCreate::from_request(&request(body, content_type))
}

#[test]
fn malformed_json_is_400_naming_the_body() {
    let err = venue(b"{\"name\": ", Some("application/json")).unwrap_err();
    assert_eq!(err.status(), StatusCode::BAD_REQUEST);
    assert_eq!(fields(&err), vec!["body"]);

    let err = venue(b"", None).unwrap_err();
    assert_eq!(err.status(), StatusCode::BAD_REQUEST);

    let err = venue(b"[1, 2]", None).unwrap_err();
    assert_eq!(err.status(), StatusCode::BAD_REQUEST);
}

#[test]
fn a_wrong_type_or_missing_field_is_422_naming_it() {
    let err = venue(
        br#"{"name": "Hall", "latitude": "north", "longitude": 1}"#,
        None,
    )
    .unwrap_err();
    assert_eq!(err.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&err), vec!["latitude"]);

    let err = venue(br#"{"name": "Hall", "latitude": 1}"#, None).unwrap_err();
    assert_eq!(err.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&err), vec!["longitude"]);
}

#[test]
fn one_422_lists_every_bad_missing_and_unknown_field() {
    let err = venue(
        br#"{"name": 7, "capacity": 0, "latitude": 12.5, "country": "IND"}"#,
        Some("application/json; charset=utf-8"),
    )
    .unwrap_err();
    assert_eq!(err.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&err),
        vec!["name", "country", "longitude", "capacity"]
    );
    let read = venue(
        br#"{"name": " Hall ", "latitude": 12.5, "longitude": 77}"#,
        None,
    )
    .unwrap();
    assert_eq!(read.name.into_inner(), "Hall");
}

#[test]
fn oversized_bodies_are_413_and_other_media_types_415() {
    let big = vec![b' '; 64 * 1024 + 1];
    let err = venue(&big, None).unwrap_err();
    assert_eq!(err.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let err = venue(b"name=Hall", Some("application/x-www-form-urlencoded")).unwrap_err();
    assert_eq!(err.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[test]
fn query_parameters_repeat_and_limit_is_bounded() {
    let req = request(b"", None);
    assert_eq!(req.query_params("interest"), vec!["a", "b"]);
    assert_eq!(req.page_limit().unwrap(), 5);
    for bad in ["0", "101", "-1", "ten"] {
        let req = ApiRequest::from_lambda(
            http::Request::builder()
                .uri(format!("/v1/events?limit={bad}"))
                .body(lambda_http::Body::Empty)
                .unwrap(),
        );
        let err = req.page_limit().unwrap_err();
        assert_eq!(
            err.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "limit={bad}"
        );
        assert_eq!(fields(&err), vec!["limit"]);
    }
}

#[test]
fn cursors_round_trip_and_only_well_formed_ones_are_read() {
    let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T10:15:30.123456Z")
        .unwrap()
        .to_utc();
    let key = (at, uuid::Uuid::new_v4());
    let encoded = cursor::encode(&key);
    assert_eq!(cursor::decode(&encoded), Some(key));
    let pattern = regex::Regex::new(cursor::CURSOR_PATTERN).unwrap();
    assert!(pattern.is_match(&encoded), "{encoded}");
    let id = key.1.to_string();
    for forged in [
        String::new(),
        "!!!".to_owned(),
        format!("_{id}"),
        format!("12345678901234567_{id}"),
        format!("-5_{id}"),
        format!("1_{}", id.to_uppercase()),
        format!("1_{}", key.1.simple()),
        "1_not-a-uuid".to_owned(),
    ] {
        assert_eq!(cursor::decode(&forged), None, "{forged}");
        assert!(!pattern.is_match(&forged), "{forged}");
    }
}

#[test]
fn a_page_keeps_limit_rows_and_points_past_the_last() {
    let keys: Vec<_> = (1..=3)
        .map(|n| {
            (
                chrono::DateTime::from_timestamp(n * 60, 0).unwrap(),
                uuid::Uuid::new_v4(),
            )
        })
        .collect();
    let page = Page::from_rows(keys.clone(), 2, |k| *k);
    assert_eq!(page.items, keys[..2]);
    assert_eq!(
        cursor::decode(page.next_cursor.as_deref().unwrap()),
        Some(keys[1])
    );
    let last = Page::from_rows(keys[..2].to_vec(), 2, |k| *k);
    assert!(last.next_cursor.is_none());
}

#[tokio::test]
async fn nul_characters_are_refused_with_the_field_named_never_a_500() {
    let app = crate::helpers::spawn_app().await;
    let user = app.login("+919876543210").await;
    let response = app.send_as(&user, Method::PATCH, "/v1/me", &serde_json::json!({"bio": "hello\u{0}world", "profile_pictures": ["https://a.example/x\u{0}.jpg"]})).await;
    response.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let mut fields: Vec<&str> = response.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort();
    assert_eq!(fields, vec!["bio", "profile_pictures[0]"]);
    let response = app.get_as(&user, "/v1/events?q=abc%00def").await;
    response.assert_problem(StatusCode::BAD_REQUEST, "malformed_request");
    assert_eq!(response.body["errors"][0]["field"], "q");
}

#[tokio::test]
async fn a_body_that_is_not_utf8_is_a_400_problem_on_every_route_that_reads_one() {
    let app = crate::helpers::spawn_app().await;
    let user = app.quick_user("+919812340001", Some("female")).await;
    for (method, path) in [
        (Method::POST, "/v1/auth/otp"),
        (Method::POST, "/v1/auth/logout"),
        (Method::PATCH, "/v1/me"),
        (Method::PUT, "/v1/me/interests"),
        (Method::POST, "/v1/payments/webhooks/razorpay"),
    ] {
        let body = vec![0xff, 0xfe, 0x1d, b'{'];
        // The webhook checks its signature first (unsigned is 401), so this one is signed.
        let signature = crate::payments::hmac_hex(crate::payments::WEBHOOK_SECRET, &body);
        let response = app
            .request(method.clone(), path)
            .bearer(&user.access_token)
            .header("content-type", "application/json")
            .header("x-razorpay-signature", &signature)
            .raw_body(body)
            .send()
            .await;
        assert!(
            response.status == StatusCode::BAD_REQUEST,
            "{method} {path}: {} {}",
            response.status,
            response.text
        );
        assert_eq!(
            response.header("content-type"),
            Some("application/problem+json"),
            "{method} {path}"
        );
    }
}
