//! Profiles: own view, updates (every bad field named), interests, public view, uploads and
//! account deletion.

use http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{problem_fields, spawn_app, TestApp, TestResponse, TestUser};

pub async fn patch_me(app: &TestApp, user: &TestUser, body: Value) -> TestResponse {
    app.send_as(user, Method::PATCH, "/v1/me", &body).await
}

async fn put_interests(app: &TestApp, user: &TestUser, body: Value) -> TestResponse {
    app.send_as(user, Method::PUT, "/v1/me/interests", &body)
        .await
}

/// The slugs of the profile's interests, in the order the response lists them.
fn interest_slugs(profile: &TestResponse) -> Vec<&str> {
    profile.body["interests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["slug"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_new_user_sees_their_own_profile_with_phone_and_no_interests() {
    let app = spawn_app().await;
    let user = app.login("+919876543210").await;
    let response = app.get_as(&user, "/v1/me").await;
    assert_eq!(response.status, StatusCode::OK);
    let body = &response.body;
    assert_eq!(body["user_id"], user.user_id.to_string());
    assert_eq!(body["phone_number"], user.phone);
    assert_eq!(body["is_verified"], true);
    assert_eq!(body["is_complete"], false);
    assert_eq!(body["interests"], json!([]));
    assert_eq!(body["profile_pictures"], json!([]));
}

#[tokio::test]
async fn each_profile_validation_error_names_its_field() {
    let app = spawn_app().await;
    let user = app.login("+919876543210").await;
    let under_18 = (chrono::Utc::now().date_naive() - chrono::Duration::days(365 * 17)).to_string();
    let cases: Vec<(Value, &str)> = vec![
        (json!({"name": ""}), "name"),
        (json!({"name": "x".repeat(81)}), "name"),
        (json!({"name": null}), "name"),
        (json!({"name": 42}), "name"),
        (json!({"bio": "b".repeat(501)}), "bio"),
        (json!({"location": "l".repeat(121)}), "location"),
        (json!({"birth_date": under_18}), "birth_date"),
        (json!({"birth_date": "12/03/1990"}), "birth_date"),
        (json!({"birth_date": "2999-01-01"}), "birth_date"),
        (json!({"gender": "robot"}), "gender"),
        (
            json!({"profile_pictures": "https://a.example/1.jpg"}),
            "profile_pictures",
        ),
        (
            json!({"profile_pictures": (0..7).map(|i| format!("https://a.example/{i}.jpg")).collect::<Vec<_>>()}),
            "profile_pictures",
        ),
        (
            json!({"profile_pictures": ["https://a.example/1.jpg", "http://a.example/2.jpg"]}),
            "profile_pictures[1]",
        ),
        (json!({"phone_number": "+919999999999"}), "phone_number"),
        (json!({"is_verified": true}), "is_verified"),
    ];
    for (body, field) in cases {
        let response = patch_me(&app, &user, body.clone()).await;
        response.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(
            problem_fields(&response),
            vec![field.to_owned()],
            "for {body}"
        );
    }
    let response = patch_me(
        &app,
        &user,
        json!({"name": "", "gender": "robot", "birth_date": "nope"}),
    )
    .await;
    assert_eq!(
        problem_fields(&response),
        vec!["name", "birth_date", "gender"],
        "all bad fields at once"
    );
    let name: Option<String> = app.value("SELECT name FROM user_profile", &[]).await;
    assert_eq!(name, None, "nothing was half-written");
}

#[tokio::test]
async fn a_valid_patch_updates_only_what_it_names_and_completes_the_profile() {
    let app = spawn_app().await;
    let user = app.login("+919876543210").await;
    let response = patch_me(
        &app,
        &user,
        json!({"name": "  Asha  ", "bio": "Jazz lover", "birth_date": "1995-04-01", "gender": "female"}),
    )
    .await.expect_status(StatusCode::OK);
    assert_eq!(response.body["name"], "Asha");
    assert_eq!(response.body["is_complete"], false, "no picture yet");

    let response = patch_me(
        &app,
        &user,
        json!({"profile_pictures": ["https://cdn.example.com/a.jpg"], "bio": null}),
    )
    .await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        response.body["name"], "Asha",
        "untouched fields keep their values"
    );
    assert_eq!(response.body["bio"], Value::Null, "null clears");
    assert_eq!(response.body["birth_date"], "1995-04-01");
    assert_eq!(response.body["is_complete"], true);

    let payloads: Vec<Value> = app
        .column(
            "SELECT payload FROM audit_log WHERE action = 'update' ORDER BY id",
            &[],
        )
        .await;
    assert_eq!(
        payloads[0],
        json!({"fields": ["name", "bio", "birth_date", "gender"]})
    );
    assert_eq!(payloads[1], json!({"fields": ["bio", "profile_pictures"]}));
}

#[tokio::test]
async fn interests_are_set_by_slug_and_unknown_slugs_are_named() {
    let app = spawn_app().await;
    let user = app.login("+919876543210").await;
    let response = put_interests(
        &app,
        &user,
        json!({"interests": ["music", "quidditch", "travel", "zorbing"]}),
    )
    .await;
    response.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(
        problem_fields(&response),
        vec!["interests[1]", "interests[3]"]
    );

    let response = put_interests(
        &app,
        &user,
        json!({"interests": ["travel", "music", "music"]}),
    )
    .await
    .expect_status(StatusCode::OK);
    let slugs = interest_slugs(&response);
    assert_eq!(
        slugs,
        vec!["music", "travel"],
        "deduplicated, in catalogue order"
    );

    let response = put_interests(&app, &user, json!({"interests": ["food"]})).await;
    let slugs = interest_slugs(&response);
    assert_eq!(slugs, vec!["food"], "PUT replaces");

    let response = put_interests(&app, &user, json!({"interests": "music"})).await;
    assert_eq!(problem_fields(&response), vec!["interests"]);
}

#[tokio::test]
async fn the_public_profile_never_shows_phone_or_birth_date() {
    let app = spawn_app().await;
    let asha = app.login("+919876543210").await;
    let ravi = app.login("+919876543211").await;
    patch_me(
        &app,
        &asha,
        json!({"name": "Asha", "birth_date": "1995-04-01", "gender": "female"}),
    )
    .await;

    let response = app
        .get_as(&ravi, &format!("/v1/users/{}", asha.user_id))
        .await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.body["name"], "Asha");
    assert!(response.body.get("phone_number").is_none());
    assert!(response.body.get("birth_date").is_none());
    assert!(
        !response.text.contains("9876543210") && !response.text.contains("1995"),
        "{}",
        response.text
    );

    for path in [
        format!("/v1/users/{}", uuid::Uuid::new_v4()),
        "/v1/users/not-a-uuid".to_owned(),
    ] {
        let response = app.get_as(&ravi, &path).await;
        response.assert_problem(StatusCode::NOT_FOUND, "not_found");
    }
    let anonymous = app
        .request(Method::GET, &format!("/v1/users/{}", asha.user_id))
        .send()
        .await;
    anonymous.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
}

#[tokio::test]
async fn one_user_cannot_change_another_users_profile() {
    let app = spawn_app().await;
    let asha = app.login("+919876543210").await;
    let ravi = app.login("+919876543211").await;
    patch_me(&app, &asha, json!({"name": "Asha"})).await;

    // Every profile mutation acts on the token's user only; Ravi's token never touches Asha.
    patch_me(&app, &ravi, json!({"name": "Mallory"})).await;
    app.send_as(
        &ravi,
        Method::PUT,
        "/v1/me/interests",
        &json!({"interests": ["music"]}),
    )
    .await;
    let forged_path = app
        .send_as(
            &ravi,
            Method::PATCH,
            &format!("/v1/users/{}", asha.user_id),
            &json!({"name": "Mallory"}),
        )
        .await;
    forged_path.assert_problem(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    app.call_as(&ravi, Method::DELETE, "/v1/me").await;

    let me = app.get_as(&asha, "/v1/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["name"], "Asha");
    assert_eq!(me.body["interests"], json!([]));
}

#[tokio::test]
async fn deleting_the_account_frees_the_number_keeps_payments_and_ends_sessions() {
    let app = spawn_app().await;
    let host = app.login("+919876543211").await;
    let user = app.login("+919876543210").await;
    patch_me(
        &app,
        &user,
        json!({"name": "Ravi", "birth_date": "1990-01-01", "gender": "male"}),
    )
    .await;
    // A paid order, a pending request (counted on the event) and an audit trail exist.
    app.db
        .batch_execute(&format!(
            "INSERT INTO event (host_id, title, slug, mood, event_date, start_time, capacity, requests_count)
               SELECT id, 'Jazz Night', 'jazz-night', 'music', current_date + 7, '20:00', 10, 1
               FROM auth_user WHERE uuid = '{host}';
             INSERT INTO event_request (event_id, requester_id)
               SELECT e.id, u.id FROM event e, auth_user u WHERE u.uuid = '{user}';
             INSERT INTO payment_order (order_reference, user_id, event_id, provider, seats, unit_price,
                                        base_amount, total_amount, status, paid_at)
               SELECT 'ORD-DEL-1', u.id, e.id, 'sandbox', 1, 499, 499, 499, 'paid', now()
               FROM event e, auth_user u WHERE u.uuid = '{user}';",
            host = host.user_id,
            user = user.user_id
        ))
        .await
        .unwrap();

    app.call_as(&user, Method::DELETE, "/v1/me")
        .await
        .expect_status(StatusCode::NO_CONTENT);

    let row: (bool, bool, bool, bool, bool) = app.row("SELECT u.is_active, u.username <> $2, p.phone_number IS NULL, p.name IS NULL, p.birth_date IS NULL \
             FROM auth_user u JOIN user_profile p ON p.user_id = u.id WHERE u.uuid = $1",
            &[&user.user_id, &user.phone]).await;
    assert_eq!(row, (false, true, true, true, true));
    let (status, requests_count): (String, i32) = {
        let row = app
            .db
            .query_one("SELECT r.status, e.requests_count FROM event_request r JOIN event e ON e.id = r.event_id", &[])
            .await
            .unwrap();
        (row.get(0), row.get(1))
    };
    assert_eq!((status.as_str(), requests_count), ("cancelled", 0));
    let orders: i64 = app.value("SELECT count(*) FROM payment_order", &[]).await;
    assert_eq!(orders, 1, "money records stay");
    let audited: i64 = app
        .value(
            "SELECT count(*) FROM audit_log WHERE action = 'deactivate'",
            &[],
        )
        .await;
    assert_eq!(audited, 1);

    // Old credentials are dead.
    let me = app.get_as(&user, "/v1/me").await;
    me.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    let refresh = app.refresh(&user.refresh_token).await;
    refresh.assert_problem(StatusCode::UNAUTHORIZED, "invalid_refresh_token");
    let public = app
        .get_as(&host, &format!("/v1/users/{}", user.user_id))
        .await;
    assert_eq!(public.status, StatusCode::NOT_FOUND);

    // The number is free: logging in again makes a brand-new account.
    app.age_codes(&user.phone, 120).await;
    let code = app.request_code(&user.phone).await;
    let again = app
        .post(
            "/v1/auth/otp/verify",
            json!({ "phone_number": user.phone, "code": code }),
        )
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(again.body["user"]["is_new_user"], true);
    assert_ne!(again.body["user"]["user_id"], user.user_id.to_string());
}

#[tokio::test]
async fn setting_the_same_interests_again_keeps_them() {
    // Found by the contract fuzz: one statement deleting and re-inserting the same rows could
    // meet the old row first and answer 409.
    let app = spawn_app().await;
    let user = app.login("+919876543210").await;
    for _ in 0..3 {
        let response =
            put_interests(&app, &user, json!({"interests": ["art", "music", "art"]})).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text);
        let slugs = interest_slugs(&response);
        assert_eq!(slugs, vec!["music", "art"]);
    }
}
