//! The functions fed events made by AWS's own generator (`sam local generate-event`, written by
//! scripts/sam-events.sh, which `make test` runs first): every route answers behind a named
//! stage and behind `$default`; a base64 body, cookies and a repeated query parameter arrive
//! as API Gateway sends them.

use std::sync::Arc;

use http::StatusCode;
use lambda_http::request::LambdaRequest;
use lambda_http::Body;
use serde_json::Value;
use shared::platform::http::ApiRequest;

use crate::helpers::{function_for, routers, spawn_app, TestApp};

fn sam_event(name: &str) -> Value {
    let path = format!(
        "{}/fixtures/sam-events/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (scripts/sam-events.sh writes it)"));
    serde_json::from_str(&text).unwrap()
}

/// `event` without the generator's sample query string (`parameter1` twice, which a route
/// refuses as a repeated single-valued parameter; `a_repeated_query_parameter…` reads it).
fn without_query(mut event: Value) -> Value {
    event["rawQueryString"] = "".into();
    event
        .as_object_mut()
        .unwrap()
        .remove("queryStringParameters");
    event
}

/// The request lambda_http makes of `event`, as the function's runtime would.
fn lambda_request(event: Value) -> ApiRequest {
    let request: LambdaRequest = serde_json::from_value(event).expect("an API Gateway v2 event");
    ApiRequest::from_lambda(lambda_http::Request::from(request))
}

/// Sends `event` to the function that owns its path and returns (status, body).
async fn dispatch(app: &TestApp, event: Value) -> (StatusCode, Value) {
    let request = lambda_request(event);
    let function = function_for(&request.path)
        .unwrap_or_else(|| panic!("no function serves {}", request.path));
    let response = routers()[function]
        .dispatch(Arc::clone(&app.state), request)
        .await;
    let status = response.status();
    let body = match response.into_body() {
        Body::Text(text) => serde_json::from_str(&text).unwrap_or(Value::Null),
        Body::Binary(bytes) => serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        _ => Value::Null,
    };
    (status, body)
}

#[tokio::test]
async fn a_route_answers_behind_a_named_stage_and_behind_default() {
    let app = spawn_app().await;
    for name in ["get-interests-prod-stage", "get-interests-default-stage"] {
        let (status, body) = dispatch(&app, without_query(sam_event(name))).await;
        assert_eq!(status, StatusCode::OK, "{name}: {body}");
        assert!(
            body["items"]
                .as_array()
                .is_some_and(|items| !items.is_empty()),
            "{name}: {body}"
        );
    }
    let (status, body) = dispatch(&app, without_query(sam_event("get-events-staging-stage"))).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized")),
        "routed to events, which asks for a token: {body}"
    );
}

#[tokio::test]
async fn a_base64_body_with_cookies_arrives_whole() {
    let app = spawn_app().await;
    let mut event = without_query(sam_event("post-otp-prod-stage"));
    assert_eq!(event["isBase64Encoded"], true);
    assert!(event["cookies"].as_array().is_some_and(|c| !c.is_empty()));
    event["headers"]["content-type"] = "application/json".into();
    let (status, body) = dispatch(&app, event).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert!(
        app.sms.last_code("+919800000077").is_some(),
        "the code went out"
    );
}

#[test]
fn a_repeated_query_parameter_keeps_every_value_and_the_source_ip_parses() {
    let request = lambda_request(sam_event("get-events-staging-stage"));
    assert_eq!(request.path, "/v1/events");
    assert_eq!(request.query_params("parameter1"), vec!["value1", "value2"]);
    assert_eq!(request.query_param("parameter2"), Some("value"));
    assert_eq!(request.source_ip, "192.168.0.1".parse().ok());
    assert!(request
        .header("cookie")
        .is_some_and(|c| c.contains("cookie1")));
}

#[tokio::test]
async fn every_route_answers_behind_the_stage_whether_or_not_raw_path_carries_it() {
    let app = spawn_app().await;
    let template = without_query(sam_event("get-interests-prod-stage"));
    let id = uuid::Uuid::new_v4().to_string();
    for (function, router) in routers() {
        for (method, route) in router.routes() {
            let path = route
                .split('/')
                .map(|segment| {
                    if segment.starts_with('{') {
                        id.as_str()
                    } else {
                        segment
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            // API Gateway's rawPath for a named stage may carry the stage or not.
            for raw_path in [path.clone(), format!("/prod{path}")] {
                let mut event = template.clone();
                event["rawPath"] = raw_path.clone().into();
                event["requestContext"]["http"]["path"] = raw_path.clone().into();
                event["requestContext"]["http"]["method"] = method.as_str().into();
                event["isBase64Encoded"] = false.into();
                event["body"] = "{}".into();
                let request = lambda_request(event);
                assert_eq!(request.path, path, "{method} {raw_path}");
                let response = router.dispatch(Arc::clone(&app.state), request).await;
                let code = match response.body() {
                    Body::Text(text) => serde_json::from_str::<Value>(text).ok(),
                    Body::Binary(bytes) => serde_json::from_slice::<Value>(bytes).ok(),
                    _ => None,
                }
                .and_then(|body| body["code"].as_str().map(str::to_owned));
                assert_ne!(
                    code.as_deref(),
                    Some("route_not_found"),
                    "{function}: {method} {raw_path} is not routed"
                );
            }
        }
    }
}
