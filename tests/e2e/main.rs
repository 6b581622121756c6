//! End-to-end tests over HTTP through `cargo lambda watch` and moto, the stack `make dev` runs.
//! They need that stack, so they are ignored by a plain `cargo test`; `make test` starts it
//! (scripts/e2e-stack.sh) and runs them with `--ignored`.

mod isolation;
mod stories;

use serde_json::{json, Value};

pub(crate) fn base_url() -> String {
    std::env::var("E2E_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:9100".into())
}

fn moto_url() -> String {
    std::env::var("TEST_AWS_ENDPOINT_URL").unwrap_or_else(|_| "http://127.0.0.1:4566".into())
}

/// The newest code moto recorded for `phone`, read exactly as the phone would receive it.
pub(crate) async fn sms_code(http: &reqwest::Client, phone: &str) -> String {
    let data: Value = http
        .get(format!("{}/moto-api/data.json", moto_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let messages = data["sns"]["SMS"]
        .as_array()
        .expect("moto records SMS under sns.SMS");
    let text = messages
        .iter()
        .rev()
        .find(|m| m["phone_number"] == phone)
        .and_then(|m| m["message"].as_str())
        .unwrap_or_else(|| panic!("no SMS to {phone} in moto"));
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("the SMS carries a six-digit code")
        .to_owned()
}

pub(crate) fn unique_phone() -> String {
    // A fresh Indian mobile number per run, so earlier runs' SMS in moto never interfere.
    let n = uuid::Uuid::new_v4().as_u128() % 100_000_000;
    format!("+9198{n:08}")
}

#[tokio::test]
#[ignore = "needs the local stack; `make test` starts it and runs this"]
async fn a_phone_logs_in_with_the_sms_code_read_from_moto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let phone = unique_phone();

    let response = http
        .post(format!("{}/v1/auth/otp", base_url()))
        .json(&json!({ "phone_number": phone }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202, "{}", response.text().await.unwrap());

    let code = sms_code(&http, &phone).await;
    let response = http
        .post(format!("{}/v1/auth/otp/verify", base_url()))
        .json(&json!({ "phone_number": phone, "code": code }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let login: Value = response.json().await.unwrap();
    assert_eq!(login["user"]["is_new_user"], true);
    let token = login["access_token"].as_str().unwrap();

    let me: Value = http
        .get(format!("{}/v1/me", base_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["phone_number"], phone.as_str());
    assert_eq!(me["user_id"], login["user"]["user_id"]);

    let again = http
        .post(format!("{}/v1/auth/otp/verify", base_url()))
        .json(&json!({ "phone_number": phone, "code": code }))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 401, "the code was single-use");
    assert_eq!(
        again.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
}

pub(crate) struct Session {
    pub(crate) token: String,
}

pub(crate) async fn login(http: &reqwest::Client, phone: &str) -> Session {
    let response = http
        .post(format!("{}/v1/auth/otp", base_url()))
        .json(&json!({ "phone_number": phone }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let code = sms_code(http, phone).await;
    let login: Value = http
        .post(format!("{}/v1/auth/otp/verify", base_url()))
        .json(&json!({ "phone_number": phone, "code": code }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Session {
        token: login["access_token"].as_str().expect("a token").to_owned(),
    }
}

pub(crate) async fn call(
    http: &reqwest::Client,
    session: &Session,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = http
        .request(method, format!("{}{path}", base_url()))
        .bearer_auth(&session.token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
#[ignore = "needs the local stack; `make test` starts it and runs this"]
async fn an_unpaid_hold_expires_through_the_queue_and_the_guest_is_told() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let host = login(&http, &unique_phone()).await;
    let guest = login(&http, &unique_phone()).await;
    let (status, _) = call(
        &http,
        &guest,
        reqwest::Method::PATCH,
        "/v1/me",
        Some(json!({"name": "Guest", "gender": "male"})),
    )
    .await;
    assert_eq!(status, 200);
    let date = (chrono::Utc::now() + chrono::Duration::days(5))
        .date_naive()
        .to_string();
    let (status, event) = call(
        &http,
        &host,
        reqwest::Method::POST,
        "/v1/events",
        Some(json!({
            "title": "Queue test night", "mood": "music", "venue_text": "Somewhere", "event_date": date, "start_time": "20:00",
            "capacity": 2, "is_paid": true, "ticket_price": "250.00", "cover_images": ["https://cdn.example.com/c.jpg"],
            "interests": ["music"], "is_published": true
        })),
    )
    .await;
    assert_eq!(status, 201, "{event}");
    let event_id = event["event_id"].as_str().unwrap();
    let (_, request) = call(
        &http,
        &guest,
        reqwest::Method::POST,
        &format!("/v1/events/{event_id}/requests"),
        Some(json!({"seats_requested": 1})),
    )
    .await;
    let (status, accepted) = call(
        &http,
        &host,
        reqwest::Method::POST,
        &format!(
            "/v1/requests/{}/accept",
            request["request_id"].as_str().unwrap()
        ),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["hold"]["status"], "held");

    // The hold lasts 6 s here; its delayed message, the bridge and the two workers do the rest.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
    loop {
        let (_, inbox) = call(
            &http,
            &guest,
            reqwest::Method::GET,
            "/v1/me/notifications",
            None,
        )
        .await;
        let kinds: Vec<&str> = inbox["items"]
            .as_array()
            .map(|i| i.iter().filter_map(|n| n["type"].as_str()).collect())
            .unwrap_or_default();
        if kinds.contains(&"hold_expired") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no hold_expired notification arrived; inbox: {inbox}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    let (_, detail) = call(
        &http,
        &host,
        reqwest::Method::GET,
        &format!("/v1/events/{event_id}"),
        None,
    )
    .await;
    assert_eq!(detail["seats_left"], 2, "the seats are free again");
    let (_, host_inbox) = call(
        &http,
        &host,
        reqwest::Method::GET,
        "/v1/me/notifications",
        None,
    )
    .await;
    assert!(
        host_inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["type"] == "request_received"),
        "{host_inbox}"
    );
}
