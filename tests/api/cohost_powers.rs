//! What a co-host may do: answer requests, see the guest list and check guests in; never change
//! the money, the capacity or who gets in, nor cancel the event. And the door answers a caller
//! who cannot even see the event with 404.

use http::{Method, StatusCode};
use serde_json::json;

use crate::attendance::{going_guest, ticket_code};
use crate::events::{add_cohost_sql, create_event, published_event, valid_event, with};
use crate::fixtures::{party, Party};
use crate::helpers::{problem_fields, spawn_app, TestApp, TestUser};

async fn patch(
    app: &TestApp,
    user: &TestUser,
    event_id: &str,
    body: serde_json::Value,
) -> crate::helpers::TestResponse {
    app.send_as(
        user,
        Method::PATCH,
        &format!("/v1/events/{event_id}"),
        &body,
    )
    .await
}

#[tokio::test]
async fn a_cohost_cannot_change_price_paid_gst_capacity_or_approval_nor_cancel() {
    let Party {
        app,
        host,
        guests: [cohost],
        event_id,
    } = party(json!({"is_paid": true, "ticket_price": "499.00", "gst_percent": 18, "gstin": "27AAPFU0939F1ZV"})).await;
    add_cohost_sql(&app, &event_id, &cohost).await;

    let refused = patch(
        &app,
        &cohost,
        &event_id,
        json!({"ticket_price": "1.00", "capacity": 500, "is_paid": false, "gst_percent": 5,
               "gstin": null, "requires_approval": false, "title": "Cheaper now"}),
    )
    .await;
    refused.assert_problem(StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(
        problem_fields(&refused),
        vec![
            "is_paid",
            "ticket_price",
            "gstin",
            "gst_percent",
            "capacity",
            "requires_approval"
        ]
    );
    let unchanged = app
        .db
        .query_one("SELECT ticket_price::text, capacity, title FROM event", &[])
        .await
        .unwrap();
    assert_eq!(
        (
            unchanged.get::<_, String>(0),
            unchanged.get::<_, i32>(1),
            unchanged.get::<_, String>(2)
        ),
        ("499.00".into(), 20, "Sunday Picnic".into()),
        "nothing of a refused change is written"
    );

    // The same values again are no change; the title is the co-host's to edit.
    patch(
        &app,
        &cohost,
        &event_id,
        json!({"ticket_price": "499.00", "capacity": 20, "title": "Sunday Picnic by the lake"}),
    )
    .await
    .expect_status(StatusCode::OK);

    let cancel = app
        .act_as(&cohost, &format!("/v1/events/{event_id}/cancel"))
        .await;
    cancel.assert_problem(StatusCode::FORBIDDEN, "forbidden");

    patch(&app, &host, &event_id, json!({"capacity": 30}))
        .await
        .expect_status(StatusCode::OK);
}

#[tokio::test]
async fn a_cohost_checks_guests_in_and_a_stranger_cannot_even_see_a_draft() {
    let app = spawn_app().await;
    let host = app.host().await;
    let cohost = app.quick_user("+919800000003", Some("male")).await;
    let stranger = app.quick_user("+919800000004", Some("male")).await;
    let event_id = published_event(&app, &host, json!({})).await;
    add_cohost_sql(&app, &event_id, &cohost).await;
    let (guest, attendee) = going_guest(&app, &host, &event_id, "+919800000002").await;
    let code = ticket_code(&app, &guest, &attendee).await;

    let by_stranger = app.check_in(&stranger, &event_id, &code).await;
    by_stranger.assert_problem(StatusCode::FORBIDDEN, "forbidden");
    app.check_in(&cohost, &event_id, &code)
        .await
        .expect_status(StatusCode::OK);

    let draft = create_event(
        &app,
        &host,
        with(valid_event(), json!({"title": "Secret party"})),
    )
    .await;
    let draft_id = draft.body["event_id"].as_str().unwrap();
    let unseen = app.check_in(&stranger, draft_id, &code).await;
    unseen.assert_problem(StatusCode::NOT_FOUND, "not_found");
}
