use http::{Method, StatusCode};
use shared::platform::error::{ApiError, FieldError, ProblemCode};

use serde_json::json;
use uuid::Uuid;

use crate::fixtures::party;
use crate::helpers::{insert_user, spawn_app};

fn body_of(response: &lambda_http::Response<lambda_http::Body>) -> serde_json::Value {
    match response.body() {
        lambda_http::Body::Binary(b) => serde_json::from_slice(b).unwrap(),
        lambda_http::Body::Text(t) => serde_json::from_str(t).unwrap(),
        lambda_http::Body::Empty => serde_json::Value::Null,
        _ => panic!("unexpected body"),
    }
}

#[tokio::test]
async fn an_unknown_route_is_a_404_problem() {
    let app = spawn_app().await;
    let response = app
        .request(Method::GET, "/v1/interests/nope/deeper")
        .send()
        .await;
    response.assert_problem(StatusCode::NOT_FOUND, "route_not_found");
}

#[tokio::test]
async fn a_wrong_method_is_a_405_problem_with_allow() {
    let app = spawn_app().await;
    let response = app.request(Method::DELETE, "/v1/interests").send().await;
    response.assert_problem(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    assert_eq!(response.header("allow"), Some("GET"));

    let response = app.request(Method::GET, "/v1/me").send().await;
    response.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    let response = app.request(Method::PUT, "/v1/me").send().await;
    response.assert_problem(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    assert_eq!(response.header("allow"), Some("GET, PATCH, DELETE"));
}

#[test]
fn a_validation_problem_lists_every_field_and_the_request_id() {
    let response = ApiError::validation(vec![
        FieldError::new("title", "is required"),
        FieldError::new("capacity", "must be from 1 to 10000"),
    ])
    .into_response("req-42");
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body = body_of(&response);
    assert_eq!(body["type"], "/problems/validation_failed");
    assert_eq!(body["title"], "Unprocessable Entity");
    assert_eq!(body["status"], 422);
    assert_eq!(body["code"], "validation_failed");
    assert_eq!(body["request_id"], "req-42");
    assert_eq!(
        body["errors"],
        serde_json::json!([
            {"field": "title", "message": "is required"},
            {"field": "capacity", "message": "must be from 1 to 10000"}
        ])
    );
}

#[test]
fn a_rate_limit_problem_carries_retry_after_and_a_conflict_its_extra_members() {
    let response = ApiError::rate_limited(ProblemCode::OtpNumberRateLimited, 42).into_response("r");
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "42");

    let response = ApiError::conflict(ProblemCode::AlreadyCheckedIn, "Already checked in.")
        .with_extra("checked_in_at", serde_json::json!("2026-11-25T10:00:00Z"))
        .into_response("r");
    let body = body_of(&response);
    assert_eq!(body["code"], "already_checked_in");
    assert_eq!(body["checked_in_at"], "2026-11-25T10:00:00Z");
}

#[test]
fn an_internal_error_never_returns_its_cause() {
    let cause = anyhow::anyhow!("password=hunter2 at db.internal:5432");
    let response = ApiError::Internal(cause).into_response("req-500");
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = body_of(&response);
    assert_eq!(body["code"], "internal_error");
    assert_eq!(body["request_id"], "req-500");
    let text = body.to_string();
    assert!(
        !text.contains("hunter2") && !text.contains("db.internal"),
        "leaked: {text}"
    );
}

#[tokio::test]
async fn a_known_unique_violation_maps_to_its_409_and_an_unknown_one_to_500() {
    let party = party::<1>(json!({})).await;
    let client = party.app.state.pool.get().await.unwrap();
    let [guest] = &party.guests;
    let make_cohost = "INSERT INTO event_cohost (event_id, user_id) \
         SELECT e.id, u.id FROM event e, auth_user u WHERE e.uuid::text = $1 AND u.uuid = $2";
    let params: [&(dyn tokio_postgres::types::ToSql + Sync); 2] = [&party.event_id, &guest.user_id];
    client.execute(make_cohost, &params).await.unwrap();
    let err: ApiError = client
        .execute(make_cohost, &params)
        .await
        .unwrap_err()
        .into();
    assert_eq!(err.status(), StatusCode::CONFLICT);
    assert_eq!(err.code(), "already_cohost");

    // Two first logins of one number cannot race (the number is locked), so the username's
    // constraint is not a client's to trip: were it ever violated, that is a bug, a 500.
    insert_user(&party.app.db, "+919000000003").await;
    let err: ApiError = client
        .execute(
            "INSERT INTO auth_user (username) VALUES ('+919000000003')",
            &[],
        )
        .await
        .unwrap_err()
        .into();
    assert_eq!(
        err.status(),
        StatusCode::INTERNAL_SERVER_ERROR,
        "unlisted constraints are bugs"
    );
}

/// An operation whose only input is an id in its path cannot answer 422: an id that does not
/// parse names nothing, so it is a 404, and the document does not promise a 422
/// `validation_failed` it never sends.
#[tokio::test]
async fn an_id_that_does_not_parse_is_a_404_and_such_routes_document_no_422() {
    use shared::contract::operations::{Caller, OPERATIONS};
    let app = spawn_app().await;
    let user = app.login("+919876543210").await;
    let document = shared::contract::document();
    let path_only = OPERATIONS.iter().filter(|op| {
        op.caller == Caller::SignedIn
            && op.path.contains('{')
            && op.body.is_none()
            && op.query.is_empty()
            && !op.idempotent
    });
    let mut checked = 0;
    for op in path_only {
        let path = with_ids(op.path, || "not-an-id".to_owned());
        let method: Method = op.method.parse().unwrap();
        let response = app
            .request(method.clone(), &path)
            .bearer(&user.access_token)
            .send()
            .await;
        assert_eq!(
            response.status,
            StatusCode::NOT_FOUND,
            "{} {path}",
            op.method
        );
        let documented = &document["paths"][op.path][op.method.to_lowercase()]["responses"];
        assert!(documented.get("404").is_some(), "{}", op.operation_id);
        let unprocessable = documented["422"]["description"].as_str().unwrap_or("");
        assert!(
            !unprocessable.contains("validation_failed"),
            "{}",
            op.operation_id
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} such operations");
}

/// The route's path with each `{parameter}` replaced by what `id` makes.
fn with_ids(path: &str, mut id: impl FnMut() -> String) -> String {
    regex::Regex::new(r"\{[a-z_]+\}")
        .unwrap()
        .replace_all(path, |_: &regex::Captures| id())
        .into_owned()
}

/// The route's path with each `{parameter}` replaced by a fresh id.
fn with_fresh_ids(path: &str) -> String {
    with_ids(path, || Uuid::new_v4().to_string())
}

/// Every idempotent route answers a key still running with 409 `idempotency_in_progress` and a
/// key used with another request with 422 `idempotency_key_reused`, before anything else.
#[tokio::test]
async fn every_idempotent_route_refuses_a_running_key_and_a_reused_one() {
    use sha2::{Digest, Sha256};
    use shared::contract::operations::OPERATIONS;
    let app = spawn_app().await;
    let user = app.login("+919876543210").await;
    let user_id: i64 = app
        .value("SELECT id FROM auth_user WHERE uuid = $1", &[&user.user_id])
        .await;
    let idempotent: Vec<_> = OPERATIONS.iter().filter(|op| op.idempotent).collect();
    assert!(idempotent.len() >= 4);
    for op in idempotent {
        let path = with_fresh_ids(op.path);
        // What the server hashes: method, path and body (empty here), NUL-separated.
        let running_hash = Sha256::digest(format!("{}\0{path}\0", op.method)).to_vec();
        let stored = |key: &str, hash: Vec<u8>, status: Option<i16>| {
            let (key, path) = (key.to_owned(), path.clone());
            let db = &app.db;
            async move {
                db.execute(
                    "INSERT INTO idempotency_key (user_id, idempotency_key, route, request_hash, response_status, response_body) \
                     VALUES ($1, $2, $3, $4, $5, CASE WHEN $5::smallint IS NULL THEN NULL ELSE '{}' END)",
                    &[&user_id, &key, &path, &hash, &status],
                )
                .await
                .unwrap();
            }
        };
        let key = |name: &str| format!("{}-{name}", op.operation_id);
        stored(&key("running"), running_hash, None).await;
        stored(&key("reused"), vec![0; 32], Some(200)).await;
        let method: Method = op.method.parse().unwrap();
        let send = |name: &str| {
            app.request(method.clone(), &path)
                .bearer(&user.access_token)
                .header("idempotency-key", &key(name))
                .send()
        };
        send("running")
            .await
            .assert_problem(StatusCode::CONFLICT, "idempotency_in_progress");
        send("reused")
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused");
    }
}

/// Every list answers a `limit` out of range with 422 `validation_failed` naming it.
#[tokio::test]
async fn every_list_refuses_a_limit_out_of_range() {
    use shared::contract::operations::{Caller, OPERATIONS};
    let party = party::<0>(json!({})).await;
    let (app, host) = (&party.app, &party.host);
    let lists: Vec<_> = OPERATIONS
        .iter()
        .filter(|op| op.caller == Caller::SignedIn && op.query.iter().any(|q| q.name == "limit"))
        .collect();
    assert!(lists.len() >= 6);
    for op in lists {
        // The host's own event, so a list on an event reaches its query.
        let path = op.path.replace("{event_id}", &party.event_id);
        let response = app
            .request(Method::GET, &format!("{}?limit=0", with_fresh_ids(&path)))
            .bearer(&host.access_token)
            .send()
            .await;
        crate::helpers::assert_invalid(&response, &["limit"]);
    }
}
