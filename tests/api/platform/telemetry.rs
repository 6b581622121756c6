//! Log lines are JSON when Lambda asks for JSON, and carry the request's fields.

use http::Method;
use shared::platform::telemetry::LogFormat;

#[test]
fn the_lambda_log_format_setting_selects_json() {
    assert_eq!(LogFormat::from_setting(Some("JSON")), LogFormat::Json);
    assert_eq!(LogFormat::from_setting(Some("json")), LogFormat::Json);
    assert_eq!(LogFormat::from_setting(Some("Text")), LogFormat::Text);
    assert_eq!(LogFormat::from_setting(None), LogFormat::Text);
}

#[tokio::test]
async fn a_handled_request_logs_one_json_line_with_its_request_id_route_and_status() {
    crate::helpers::capture_logs();
    let request = http::Request::builder()
        .method(Method::GET)
        .uri("/v1/nowhere")
        .body(lambda_http::Body::Empty)
        .unwrap();
    let state = std::sync::Arc::new(
        shared::AppState::from_config(crate::helpers::test_config("postgres")).unwrap(),
    );
    let mut api_request = shared::platform::http::ApiRequest::from_lambda(request);
    let request_id = uuid::Uuid::new_v4().to_string();
    api_request.request_id = request_id.clone();
    profile::router().dispatch(state, api_request).await;

    let logs = crate::helpers::captured_logs();
    let handled: serde_json::Value = logs
        .lines()
        .filter(|l| l.contains(&request_id))
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))
        })
        .find(|l| l["message"] == "handled")
        .unwrap_or_else(|| panic!("no 'handled' line for {request_id}"));
    assert_eq!(handled["span"]["request_id"], request_id.as_str());
    assert_eq!(handled["status"], 404);
    assert_eq!(handled["level"], "INFO");
}

#[tokio::test]
async fn every_line_of_an_authenticated_request_names_the_request_and_the_user() {
    let app = crate::helpers::spawn_app().await;
    let user = app.login("+919876543210").await;
    let response = app.get_as(&user, "/v1/me").await;
    assert_eq!(response.status, http::StatusCode::OK);
    let logs = crate::helpers::captured_logs();
    let handled: Vec<serde_json::Value> = logs
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|l| {
            l["message"] == "handled"
                && l["span"]["route"] == "/v1/me"
                && l["span"]["user_id"] == user.user_id.to_string()
        })
        .collect();
    assert_eq!(
        handled.len(),
        1,
        "one handled line for this user's GET /v1/me"
    );
    let line = &handled[0];
    assert!(line["span"]["request_id"]
        .as_str()
        .is_some_and(|id| !id.is_empty()));
    assert_eq!(line["status"], 200);
    let text = line.to_string();
    assert!(
        !text.contains(&user.phone) && !text.contains(&user.access_token),
        "no phone or token in logs: {text}"
    );
}
