//! Phone OTP login, refresh rotation and logout, as a security reviewer would probe them.

use http::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with};

const PHONE: &str = "+919876543210";

async fn verify(
    app: &crate::helpers::TestApp,
    phone: &str,
    code: &str,
) -> crate::helpers::TestResponse {
    app.post(
        "/v1/auth/otp/verify",
        json!({ "phone_number": phone, "code": code }),
    )
    .await
}

fn wrong(code: &str) -> String {
    let n: u32 = code.parse().unwrap();
    format!("{:06}", (n + 1) % 1_000_000)
}

#[tokio::test]
async fn full_login_creates_the_account_and_its_profile_and_signs_in() {
    let app = spawn_app().await;
    let response = app
        .post("/v1/auth/otp", json!({ "phone_number": PHONE }))
        .await
        .expect_status(StatusCode::ACCEPTED);
    let expires_in = response.body["expires_in"].as_u64().unwrap();
    assert!(
        expires_in > 0 && expires_in <= 600,
        "codes live at most 10 minutes"
    );
    assert!(response.body["resend_after"].as_u64().unwrap() > 0);

    let code = app.sms.last_code(PHONE).expect("the code was sent by SMS");
    // Only a salted hash is stored.
    let row = app
        .db
        .query_one(
            "SELECT otp_hash, otp_salt FROM user_phone_otp WHERE phone_number = $1",
            &[&PHONE],
        )
        .await
        .unwrap();
    let (hash, salt): (String, String) = (row.get(0), row.get(1));
    assert!(!hash.contains(&code) && !salt.is_empty() && hash.len() >= 40);

    let response = verify(&app, PHONE, &code)
        .await
        .expect_status(StatusCode::OK);
    let body = &response.body;
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["expires_in"].as_u64().unwrap() <= 900);
    assert_eq!(body["user"]["is_new_user"], true);
    let refresh = body["refresh_token"].as_str().unwrap();
    assert!(
        refresh.len() >= 43,
        "refresh tokens carry at least 256 bits"
    );
    let user_id = body["user"]["user_id"].as_str().unwrap().to_owned();

    let row = app
        .db
        .query_one(
            "SELECT u.username, u.last_login IS NOT NULL, p.phone_number, p.is_verified \
             FROM auth_user u JOIN user_profile p ON p.user_id = u.id WHERE u.uuid::text = $1",
            &[&user_id],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), PHONE);
    assert!(row.get::<_, bool>(1));
    assert_eq!(row.get::<_, String>(2), PHONE);
    assert!(row.get::<_, bool>(3));
    let stored: i64 = app
        .value(
            "SELECT count(*) FROM refresh_token WHERE token_hash = sha256($1::text::bytea)",
            &[&refresh],
        )
        .await;
    assert_eq!(stored, 1, "the refresh token is stored only as its SHA-256");

    let me = app
        .request(Method::GET, "/v1/me")
        .bearer(body["access_token"].as_str().unwrap())
        .send()
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(me.body["user_id"], user_id.as_str());

    app.age_codes(PHONE, 120).await;
    let again = app.login(PHONE).await;
    assert_eq!(
        again.user_id.to_string(),
        user_id,
        "a second login finds the same account"
    );
}

#[tokio::test]
async fn five_wrong_codes_kill_the_code_even_for_the_right_one() {
    let app = spawn_app().await;
    let code = app.request_code(PHONE).await;
    for _ in 0..5 {
        let response = verify(&app, PHONE, &wrong(&code)).await;
        response.assert_problem(StatusCode::UNAUTHORIZED, "otp_invalid");
    }
    let response = verify(&app, PHONE, &code).await;
    response.assert_problem(StatusCode::UNAUTHORIZED, "otp_invalid");
    let attempts: i16 = app
        .value(
            "SELECT attempts FROM user_phone_otp WHERE phone_number = $1",
            &[&PHONE],
        )
        .await;
    assert_eq!(attempts, 5);
    let users: i64 = app.value("SELECT count(*) FROM auth_user", &[]).await;
    assert_eq!(users, 0);
}

#[tokio::test]
async fn four_wrong_codes_still_leave_the_right_one_working() {
    let app = spawn_app().await;
    let code = app.request_code(PHONE).await;
    for _ in 0..4 {
        assert_eq!(
            verify(&app, PHONE, &wrong(&code)).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(verify(&app, PHONE, &code).await.status, StatusCode::OK);
}

#[tokio::test]
async fn an_expired_code_fails() {
    let app = spawn_app().await;
    let code = app.request_code(PHONE).await;
    app.age_codes(PHONE, 601).await;
    let response = verify(&app, PHONE, &code).await;
    response.assert_problem(StatusCode::UNAUTHORIZED, "otp_invalid");
}

#[tokio::test]
async fn a_used_code_cannot_be_used_again() {
    let app = spawn_app().await;
    let code = app.request_code(PHONE).await;
    assert_eq!(verify(&app, PHONE, &code).await.status, StatusCode::OK);
    let response = verify(&app, PHONE, &code).await;
    response.assert_problem(StatusCode::UNAUTHORIZED, "otp_invalid");
}

#[tokio::test]
async fn a_new_code_supersedes_the_old_one() {
    let app = spawn_app().await;
    let first = app.request_code(PHONE).await;
    app.age_codes(PHONE, 60).await;
    let second = app.request_code(PHONE).await;
    if first != second {
        assert_eq!(
            verify(&app, PHONE, &first).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(verify(&app, PHONE, &second).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_second_code_too_soon_is_429_with_retry_after_and_no_sms() {
    let app = spawn_app().await;
    app.request_code(PHONE).await;
    let response = app
        .post("/v1/auth/otp", json!({ "phone_number": PHONE }))
        .await;
    response.assert_problem(StatusCode::TOO_MANY_REQUESTS, "otp_resend_too_soon");
    let retry: u64 = response.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=30).contains(&retry), "retry-after {retry}");
    assert_eq!(app.sms.count(), 1);
}

#[tokio::test]
async fn codes_per_number_per_hour_are_capped() {
    let app = spawn_app_with(|c| c.otp.max_per_number_per_hour = 3).await;
    for _ in 0..3 {
        app.request_code(PHONE).await;
        app.age_codes(PHONE, 40).await;
    }
    let response = app
        .post("/v1/auth/otp", json!({ "phone_number": PHONE }))
        .await;
    response.assert_problem(StatusCode::TOO_MANY_REQUESTS, "otp_number_rate_limited");
    let retry: u64 = response.header("retry-after").unwrap().parse().unwrap();
    assert!(
        retry > 3000 && retry <= 3600,
        "the oldest code leaves the window in ~{retry}s"
    );
    assert_eq!(app.sms.count(), 3);
}

#[tokio::test]
async fn codes_per_source_ip_per_hour_are_capped() {
    let app = spawn_app_with(|c| c.otp.max_per_ip_per_hour = 2).await;
    for phone in ["+919876543211", "+919876543212"] {
        let response = app.ask_code_from(phone, "203.0.113.9").await;
        assert_eq!(response.status, StatusCode::ACCEPTED);
    }
    let response = app.ask_code_from("+919876543213", "203.0.113.9").await;
    response.assert_problem(StatusCode::TOO_MANY_REQUESTS, "otp_ip_rate_limited");
    assert!(response.header("retry-after").is_some());
    let other_ip = app.ask_code_from("+919876543213", "203.0.113.10").await;
    assert_eq!(other_ip.status, StatusCode::ACCEPTED, "the cap is per IP");
    assert_eq!(app.sms.count(), 3);
}

#[tokio::test]
async fn codes_go_only_to_the_calling_codes_served() {
    let app = spawn_app().await;
    let response = app
        .post("/v1/auth/otp", json!({ "phone_number": "+14155552671" }))
        .await;
    crate::helpers::assert_invalid(&response, &["phone_number"]);
    assert_eq!(app.sms.count(), 0, "no SMS leaves for a number not served");

    let app = spawn_app_with(|c| c.otp.allowed_calling_codes = vec![91, 1]).await;
    app.post("/v1/auth/otp", json!({ "phone_number": "+14155552671" }))
        .await
        .expect_status(StatusCode::ACCEPTED);
}

#[tokio::test]
async fn the_hourly_sms_budget_caps_codes_to_every_number() {
    let app = spawn_app_with(|c| c.otp.sms_budget_per_hour = 2).await;
    for (i, phone) in ["+919876543211", "+919876543212"].iter().enumerate() {
        let response = app.ask_code_from(phone, &format!("203.0.113.{i}")).await;
        assert_eq!(response.status, StatusCode::ACCEPTED);
    }
    let response = app.ask_code_from("+919876543213", "203.0.113.50").await;
    response.assert_problem(StatusCode::TOO_MANY_REQUESTS, "otp_sms_budget_exhausted");
    assert!(response.header("retry-after").is_some());
    assert_eq!(app.sms.count(), 2);
}

#[tokio::test]
async fn verification_has_a_per_ip_limit() {
    let app = spawn_app_with(|c| c.otp.max_verify_failures_per_ip_per_hour = 2).await;
    let code = app.request_code(PHONE).await;
    for phone in [PHONE, "+919876543299"] {
        let response = app
            .request(Method::POST, "/v1/auth/otp/verify")
            .source_ip("203.0.113.9")
            .json(&json!({ "phone_number": phone, "code": wrong(&code) }))
            .send()
            .await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    }
    let limited = app
        .request(Method::POST, "/v1/auth/otp/verify")
        .source_ip("203.0.113.9")
        .json(&json!({ "phone_number": PHONE, "code": code }))
        .send()
        .await;
    limited.assert_problem(StatusCode::TOO_MANY_REQUESTS, "otp_verify_ip_rate_limited");
    assert!(limited.header("retry-after").is_some());
    app.request(Method::POST, "/v1/auth/otp/verify")
        .source_ip("203.0.113.10")
        .json(&json!({ "phone_number": PHONE, "code": code }))
        .send()
        .await
        .expect_status(StatusCode::OK);
}

#[tokio::test]
async fn guessing_at_a_number_without_a_live_code_never_locks_its_owner_out() {
    let app = spawn_app_with(|c| c.otp.max_failures_per_number_per_hour = 3).await;
    // An attacker from many addresses guesses codes for a number nobody asked a code for.
    for i in 0..6 {
        let response = app
            .request(Method::POST, "/v1/auth/otp/verify")
            .source_ip(&format!("198.51.100.{}", 20 + i))
            .json(&json!({ "phone_number": PHONE, "code": "123456" }))
            .send()
            .await;
        response.assert_problem(StatusCode::UNAUTHORIZED, "otp_invalid");
    }
    let code = app.request_code(PHONE).await;
    assert_eq!(verify(&app, PHONE, &code).await.status, StatusCode::OK);
}

#[tokio::test]
async fn token_answers_are_never_cached() {
    let app = spawn_app().await;
    let code = app.request_code(PHONE).await;
    let login = verify(&app, PHONE, &code).await;
    assert_eq!(login.header("cache-control"), Some("no-store"));
    let refreshed = app
        .refresh(&login.body["refresh_token"])
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(refreshed.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn failed_verifications_per_number_are_capped_across_codes() {
    let app = spawn_app_with(|c| c.otp.max_failures_per_number_per_hour = 3).await;
    let first = app.request_code(PHONE).await;
    assert_eq!(
        verify(&app, PHONE, &wrong(&first)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        verify(&app, PHONE, &wrong(&first)).await.status,
        StatusCode::UNAUTHORIZED
    );
    app.age_codes(PHONE, 60).await;
    let second = app.request_code(PHONE).await;
    assert_eq!(
        verify(&app, PHONE, &wrong(&second)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let response = verify(&app, PHONE, &second).await;
    response.assert_problem(StatusCode::TOO_MANY_REQUESTS, "otp_verify_rate_limited");
    assert!(response.header("retry-after").is_some());
}

#[tokio::test]
async fn known_and_unknown_numbers_get_the_same_answer() {
    let app = spawn_app().await;
    app.login(PHONE).await;
    app.age_codes(PHONE, 120).await;
    let known = app.ask_code_from(PHONE, "203.0.113.1").await;
    let unknown = app.ask_code_from("+919876543219", "203.0.113.2").await;
    assert_eq!(known.status, unknown.status);
    assert_eq!(known.text, unknown.text);
}

#[tokio::test]
async fn bad_input_names_every_field() {
    let app = spawn_app().await;
    let response = app
        .post("/v1/auth/otp", json!({ "phone_number": "98765 43210" }))
        .await;
    response.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(response.body["errors"][0]["field"], "phone_number");

    let response = app
        .post(
            "/v1/auth/otp/verify",
            json!({ "phone_number": "+91", "code": "12ab" }),
        )
        .await;
    response.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let fields: Vec<&str> = response.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["phone_number", "code"]);

    let response = app.post("/v1/auth/otp/verify", json!({})).await;
    let fields: Vec<&str> = response.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["phone_number", "code"]);

    let response = app
        .request(Method::POST, "/v1/auth/otp")
        .raw_body(b"{not json".to_vec())
        .send()
        .await;
    response.assert_problem(StatusCode::BAD_REQUEST, "malformed_request");
}

#[tokio::test]
async fn an_sms_failure_is_503_and_the_unsent_code_is_retired() {
    let app = spawn_app().await;
    app.sms
        .failing
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let response = app
        .post("/v1/auth/otp", json!({ "phone_number": PHONE }))
        .await;
    response.assert_problem(StatusCode::SERVICE_UNAVAILABLE, "service_unavailable");
    let live: i64 = app
        .value(
            "SELECT count(*) FROM user_phone_otp WHERE superseded_at IS NULL",
            &[],
        )
        .await;
    assert_eq!(live, 0);
}

#[tokio::test]
async fn refresh_rotates_and_reuse_of_a_rotated_token_revokes_the_family() {
    let app = spawn_app().await;
    let user = app.login(PHONE).await;

    let rotated = app
        .refresh(&user.refresh_token)
        .await
        .expect_status(StatusCode::OK);
    let second_refresh = rotated.body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(second_refresh, user.refresh_token);
    let access = rotated.body["access_token"].as_str().unwrap();
    assert_eq!(
        app.request(Method::GET, "/v1/me")
            .bearer(access)
            .send()
            .await
            .status,
        StatusCode::OK
    );

    // The first token was spent: presenting it again is theft. 401, and the live one dies too.
    let reuse = app.refresh(&user.refresh_token).await;
    reuse.assert_problem(StatusCode::UNAUTHORIZED, "invalid_refresh_token");
    let after = app.refresh(&second_refresh).await;
    after.assert_problem(StatusCode::UNAUTHORIZED, "invalid_refresh_token");
    let reasons: Vec<String> = app
        .column("SELECT DISTINCT revoked_reason FROM refresh_token", &[])
        .await;
    assert_eq!(reasons, vec!["reuse".to_owned()]);

    let garbage = app.refresh(&"not-a-token").await;
    garbage.assert_problem(StatusCode::UNAUTHORIZED, "invalid_refresh_token");
}

#[tokio::test]
async fn an_expired_refresh_token_fails() {
    let app = spawn_app().await;
    let user = app.login(PHONE).await;
    app.db
        .execute(
            "UPDATE refresh_token SET expires_at = now() - interval '1 second'",
            &[],
        )
        .await
        .unwrap();
    let response = app.refresh(&user.refresh_token).await;
    response.assert_problem(StatusCode::UNAUTHORIZED, "invalid_refresh_token");
}

#[tokio::test]
async fn logout_revokes_the_session_and_needs_the_owner() {
    let app = spawn_app().await;
    let user = app.login(PHONE).await;
    let other = app.login("+919876543211").await;

    let anonymous = app
        .post(
            "/v1/auth/logout",
            json!({ "refresh_token": user.refresh_token }),
        )
        .await;
    anonymous.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");

    // Someone else's token: nothing happens.
    let foreign = app
        .post_as(
            &other,
            "/v1/auth/logout",
            json!({ "refresh_token": user.refresh_token }),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NO_CONTENT);
    let still = app.refresh(&user.refresh_token).await;
    assert_eq!(
        still.status,
        StatusCode::OK,
        "another user cannot log me out"
    );
    let current = still.body["refresh_token"].as_str().unwrap().to_owned();

    let response = app
        .post_as(
            &user,
            "/v1/auth/logout",
            json!({ "refresh_token": current }),
        )
        .await;
    assert_eq!(response.status, StatusCode::NO_CONTENT);
    let after = app.refresh(&current).await;
    after.assert_problem(StatusCode::UNAUTHORIZED, "invalid_refresh_token");
}

#[tokio::test]
async fn forged_tokens_are_401_on_a_real_route() {
    let app = spawn_app().await;
    let user = app.login(PHONE).await;
    let mut tampered = user.access_token.clone();
    tampered.pop();
    tampered.push(if user.access_token.ends_with('A') {
        'B'
    } else {
        'A'
    });
    let expired = app.expired_access_token(&user);
    let wrong_audience = app.access_token_for_another_audience(&user);
    let none = {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let payload = user.access_token.split('.').nth(1).unwrap().to_owned();
        format!("{}.{payload}.", b64.encode(r#"{"alg":"none","typ":"JWT"}"#))
    };
    for (what, token) in [
        ("tampered", tampered),
        ("expired", expired),
        ("audience", wrong_audience),
        ("alg none", none),
    ] {
        let response = app
            .request(Method::GET, "/v1/me")
            .bearer(&token)
            .send()
            .await;
        response.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{what}");
    }
}

#[tokio::test]
async fn login_steps_are_audited_without_secrets() {
    let app = spawn_app().await;
    let code = app.request_code(PHONE).await;
    let login = verify(&app, PHONE, &code).await;
    let refresh = login.body["refresh_token"].as_str().unwrap().to_owned();
    let access = login.body["access_token"].as_str().unwrap().to_owned();
    let rotated = app.refresh(&refresh).await;
    let access2 = rotated.body["access_token"].as_str().unwrap().to_owned();
    app.request(Method::POST, "/v1/auth/logout")
        .bearer(&access2)
        .json(&json!({ "refresh_token": rotated.body["refresh_token"] }))
        .send()
        .await;
    let rows = app
        .db
        .query(
            "SELECT action, payload::text FROM audit_log ORDER BY id",
            &[],
        )
        .await
        .unwrap();
    let actions: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    assert_eq!(
        actions,
        vec!["request_otp", "login", "token_refresh", "logout"]
    );
    for row in &rows {
        let payload: String = row.get(1);
        for secret in [&code, &refresh, &access, &access2] {
            assert!(
                !payload.contains(secret.as_str()),
                "secret in audit payload {payload}"
            );
        }
        assert!(
            !payload.contains(PHONE),
            "phone number in audit payload {payload}"
        );
    }
}

#[tokio::test]
async fn the_code_never_reaches_the_logs() {
    let app = spawn_app().await;
    let code = app.request_code(PHONE).await;
    let response = verify(&app, PHONE, &wrong(&code)).await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    let login = verify(&app, PHONE, &code).await;
    let request_id = response.body["request_id"].as_str().unwrap().to_owned();
    let logs = crate::helpers::captured_logs();
    assert!(
        logs.contains(&request_id),
        "this test's requests were logged"
    );
    assert!(
        !logs.contains(&format!("{code} is your")),
        "the SMS text leaked into the logs"
    );
    for line in logs.lines().filter(|l| l.contains(&request_id)) {
        assert!(!line.contains(&code), "the code leaked: {line}");
    }
    assert!(!logs.contains(login.body["refresh_token"].as_str().unwrap()));
    assert!(!logs.contains(login.body["access_token"].as_str().unwrap()));
    // Nor the phone number, with or without its plus sign, on any line of the whole binary.
    assert!(
        !logs.contains(&PHONE[1..]),
        "a phone number reached the logs"
    );
}

#[tokio::test]
async fn an_empty_or_oversized_refresh_token_is_a_422_naming_it() {
    let app = spawn_app().await;
    let user = app.login(PHONE).await;
    for token in [String::new(), "x".repeat(201)] {
        let logout = app
            .post_as(&user, "/v1/auth/logout", json!({ "refresh_token": token }))
            .await;
        logout.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(logout.body["errors"][0]["field"], "refresh_token");
        let refresh = app.refresh(&token).await;
        refresh.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
}
