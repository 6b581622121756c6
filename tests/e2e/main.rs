//! End-to-end tests over HTTP through `cargo lambda watch` and moto, the stack `make dev` runs.
//! They need that stack, so they are ignored by a plain `cargo test`; `make test` starts it
//! (scripts/e2e-stack.sh) and runs them with `--ignored`.

use serde_json::{json, Value};

fn base_url() -> String {
    std::env::var("E2E_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:9100".into())
}

fn moto_url() -> String {
    std::env::var("TEST_AWS_ENDPOINT_URL").unwrap_or_else(|_| "http://127.0.0.1:4566".into())
}

/// The newest code moto recorded for `phone`, read exactly as the phone would receive it.
async fn sms_code(http: &reqwest::Client, phone: &str) -> String {
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

fn unique_phone() -> String {
    // A fresh Indian mobile number per run, so earlier runs' SMS in moto never interfere.
    let n = uuid::Uuid::new_v4().as_u128() % 100_000_000;
    format!("+9198{n:08}")
}

#[tokio::test]
#[ignore = "needs the local stack; `make test` starts it and runs this"]
async fn a_phone_logs_in_with_the_sms_code_read_from_moto() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
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
