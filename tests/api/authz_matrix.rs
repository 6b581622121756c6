//! The authorization matrix, generated from the route table: every signed-in route refuses a
//! missing, expired, foreign-audience or deactivated caller with 401; another user's request,
//! ticket, order or notification is 404 to a stranger; no response about another user carries
//! their phone number or birth date.

use http::{Method, StatusCode};
use serde_json::{json, Value};
use shared::contract::operations::{Caller, OPERATIONS};

use crate::attendance::{accept, join_accepted, request_join};
use crate::events::published_event;
use crate::helpers::{spawn_app, TestApp, TestResponse, TestUser};

/// The operation's path with every `{param}` replaced by a fresh random uuid.
fn path_with_random_ids(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                uuid::Uuid::new_v4().to_string()
            } else {
                segment.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn send_as(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: bool,
) -> TestResponse {
    let mut request = app.request(method.parse::<Method>().unwrap(), path);
    if let Some(token) = token {
        request = request.bearer(token);
    }
    if body {
        request = request.json(&json!({}));
    }
    request.send().await
}

#[tokio::test]
async fn every_signed_in_route_refuses_bad_callers_with_401() {
    let app = spawn_app().await;
    let user = app.host().await;
    let [gone] = app.guests().await;
    app.db
        .execute(
            "UPDATE auth_user SET is_active = false, deactivated_at = now() WHERE uuid = $1",
            &[&gone.user_id],
        )
        .await
        .unwrap();
    let expired = app.expired_access_token(&user);
    let foreign = app.access_token_for_another_audience(&user);
    let callers: [(&str, Option<&str>); 4] = [
        ("anonymous", None),
        ("expired token", Some(&expired)),
        ("token for another audience", Some(&foreign)),
        ("deactivated user", Some(&gone.access_token)),
    ];
    let mut checked = 0;
    let mut wrong = Vec::new();
    for op in OPERATIONS.iter().filter(|op| op.caller == Caller::SignedIn) {
        let path = path_with_random_ids(op.path);
        for (who, token) in callers {
            let response = send_as(&app, op.method, &path, token, op.body.is_some()).await;
            // A deactivated account's token is still a valid JWT, so a body is read (and an
            // empty one refused with 422, which reveals nothing) before the account is
            // looked up; anything else must be the 401.
            if who == "deactivated user" && response.status == StatusCode::UNPROCESSABLE_ENTITY {
                response.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
                checked += 1;
                continue;
            }
            if response.status != StatusCode::UNAUTHORIZED
                || response.body["code"] != "unauthorized"
            {
                wrong.push(format!(
                    "{} {} as {who}: {}",
                    op.method, op.path, response.status
                ));
            }
            checked += 1;
        }
    }
    assert!(wrong.is_empty(), "not 401:\n{}", wrong.join("\n"));
    assert!(checked >= 4 * 40, "only {checked} cases");
}

struct World {
    guest: TestUser,
    request_id: String,
    attendee_id: String,
    order_id: String,
    notification_id: String,
}

/// A guest with a pending request, a ticket, an order and a notification of their own.
async fn world(app: &TestApp) -> World {
    let host = app.host().await;
    let [guest] = app.guests().await;
    app.db
        .execute(
            "UPDATE user_profile SET birth_date = '1993-07-14' \
             WHERE user_id = (SELECT id FROM auth_user WHERE uuid = $1)",
            &[&guest.user_id],
        )
        .await
        .unwrap();
    let free = published_event(app, &host, json!({"capacity": 5})).await;
    let asked = request_join(app, &guest, &free, 1).await;
    let accepted = accept(app, &host, asked.body["request_id"].as_str().unwrap()).await;
    let pending_event = published_event(app, &host, json!({"capacity": 5})).await;
    let pending = request_join(app, &guest, &pending_event, 1).await;
    let paid = published_event(
        app,
        &host,
        json!({"capacity": 5, "is_paid": true, "ticket_price": "300.00"}),
    )
    .await;
    let held = join_accepted(app, &host, &guest, &paid, 1).await;
    let order = app
        .post_as(
            &guest,
            "/v1/payments/orders",
            json!({"reservation_key": held.body["hold"]["reservation_key"]}),
        )
        .await
        .expect_status(StatusCode::CREATED);
    let notification: uuid::Uuid = app
        .value(
            "INSERT INTO notification (recipient_id, notification_type, title) \
             SELECT id, 'system', 'Hello' FROM auth_user WHERE uuid = $1 RETURNING uuid",
            &[&guest.user_id],
        )
        .await;
    World {
        request_id: pending.body["request_id"].as_str().unwrap().to_owned(),
        attendee_id: accepted.body["attendee_id"].as_str().unwrap().to_owned(),
        order_id: order.body["order_id"].as_str().unwrap().to_owned(),
        notification_id: notification.to_string(),
        guest,
    }
}

#[tokio::test]
async fn another_users_request_ticket_order_and_notification_are_404_to_a_stranger() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let stranger = app.quick_user("+919800000009", Some("female")).await;
    let swaps: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/v1/tickets/{}", w.attendee_id), None),
        (
            Method::POST,
            format!("/v1/attendees/{}/cancel", w.attendee_id),
            None,
        ),
        (
            Method::POST,
            format!("/v1/requests/{}/cancel", w.request_id),
            None,
        ),
        (
            Method::POST,
            format!("/v1/requests/{}/accept", w.request_id),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/v1/requests/{}/decline", w.request_id),
            Some(json!({})),
        ),
        (
            Method::GET,
            format!("/v1/payments/orders/{}", w.order_id),
            None,
        ),
        (
            Method::POST,
            format!("/v1/payments/orders/{}/verify", w.order_id),
            Some(json!({"provider_payment_id": "pay_x", "provider_signature": "sig"})),
        ),
        (
            Method::POST,
            format!("/v1/payments/orders/{}/refund", w.order_id),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/v1/me/notifications/{}/read", w.notification_id),
            None,
        ),
    ];
    for (method, path, body) in swaps {
        let mut request = app
            .request(method.clone(), &path)
            .bearer(&stranger.access_token);
        if let Some(body) = &body {
            request = request.json(body);
        }
        let response = request.send().await;
        assert_eq!(
            response.status,
            StatusCode::NOT_FOUND,
            "{method} {path}: {}",
            response.text
        );
    }
    // Nothing changed for the owner.
    let row = app
        .db
        .query_one(
            "SELECT (SELECT status FROM event_request WHERE uuid::text = $1), \
                    (SELECT status FROM payment_order WHERE uuid::text = $2), \
                    (SELECT is_read FROM notification WHERE uuid::text = $3)",
            &[&w.request_id, &w.order_id, &w.notification_id],
        )
        .await
        .unwrap();
    let state: (String, String, bool) = (row.get(0), row.get(1), row.get(2));
    assert_eq!(state, ("pending".into(), "created".into(), false));
}

#[tokio::test]
async fn no_response_about_another_user_carries_their_phone_or_birth_date() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let host_token = {
        // The host is the first user the world made.
        let host: uuid::Uuid = app
            .value("SELECT uuid FROM auth_user ORDER BY id LIMIT 1", &[])
            .await;
        app.state
            .tokens
            .issue_access(host, chrono::Utc::now())
            .unwrap()
    };
    let events: Vec<String> = app.column("SELECT uuid::text FROM event", &[]).await;
    let mut paths = vec![
        format!("/v1/users/{}", w.guest.user_id),
        "/v1/events".to_owned(),
        "/v1/me/events?role=hosting".to_owned(),
    ];
    for event in &events {
        paths.push(format!("/v1/events/{event}"));
        paths.push(format!("/v1/events/{event}/requests"));
        paths.push(format!("/v1/events/{event}/attendees"));
    }
    let national = w.guest.phone.trim_start_matches("+91").to_owned();
    for path in paths {
        let response = app
            .request(Method::GET, &path)
            .bearer(&host_token)
            .send()
            .await;
        assert!(response.status.is_success(), "{path}: {}", response.text);
        for secret in [w.guest.phone.as_str(), national.as_str(), "1993-07-14"] {
            assert!(
                !response.text.contains(secret),
                "{path} shows the guest's {secret}"
            );
        }
    }
    let csv = app
        .request(Method::GET, &format!("/v1/events/{}/attendees", events[0]))
        .bearer(&host_token)
        .header("accept", "text/csv")
        .send()
        .await;
    assert!(
        !csv.text.contains(&national),
        "the CSV shows a phone number"
    );
}
