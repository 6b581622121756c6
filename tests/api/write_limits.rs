//! Spam limits: join requests and invites per user per rolling hour answer 429 with
//! `Retry-After`, and the window rolls.

use http::StatusCode;
use serde_json::json;

use crate::attendance::request_join;
use crate::events::published_event;
use crate::helpers::spawn_app_with;

#[tokio::test]
async fn a_user_sending_too_many_join_requests_gets_429_until_the_hour_rolls() {
    let app = spawn_app_with(|config| config.attendance.requests_per_hour = 2).await;
    let host = app.host().await;
    let [guest] = app.guests().await;
    let mut events = Vec::new();
    for _ in 0..3 {
        events.push(published_event(&app, &host, json!({"capacity": 5})).await);
    }
    for event_id in &events[..2] {
        request_join(&app, &guest, event_id, 1)
            .await
            .expect_status(StatusCode::CREATED);
    }
    let third = request_join(&app, &guest, &events[2], 1).await;
    third.assert_problem(StatusCode::TOO_MANY_REQUESTS, "request_rate_limited");
    let retry_after: u64 = third.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=3600).contains(&retry_after), "{retry_after}");
    let pending: i64 = app.value("SELECT count(*) FROM event_request", &[]).await;
    assert_eq!(pending, 2, "the refused request wrote nothing");

    // Another user is not affected.
    let other = app.quick_user("+919800000003", Some("female")).await;
    request_join(&app, &other, &events[2], 1)
        .await
        .expect_status(StatusCode::CREATED);

    // An hour later the window has room again.
    app.db
        .execute(
            "UPDATE event_request SET created_at = created_at - interval '61 minutes'",
            &[],
        )
        .await
        .unwrap();
    request_join(&app, &guest, &events[2], 1)
        .await
        .expect_status(StatusCode::CREATED);
}

#[tokio::test]
async fn a_host_sending_too_many_invites_gets_429() {
    let app = spawn_app_with(|config| config.attendance.invites_per_hour = 1).await;
    let host = app.host().await;
    let [first, second] = app.guests().await;
    let event_id = published_event(&app, &host, json!({"capacity": 5})).await;
    let path = format!("/v1/events/{event_id}/invites");
    app.post_as(
        &host,
        &path,
        json!({"invite_type": "direct", "user_id": first.user_id}),
    )
    .await
    .expect_status(StatusCode::CREATED);
    let refused = app
        .post_as(
            &host,
            &path,
            json!({"invite_type": "direct", "user_id": second.user_id}),
        )
        .await;
    refused.assert_problem(StatusCode::TOO_MANY_REQUESTS, "invite_rate_limited");
    assert!(refused.header("retry-after").is_some());
}
