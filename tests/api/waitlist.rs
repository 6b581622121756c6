//! The waitlist's line: promotions go strictly in the order people joined it, so a request
//! needing more seats than are free holds back the ones behind it; one trigger may promote
//! several at once.

use http::{Method, StatusCode};
use serde_json::json;

use crate::attendance::{accept, id, request_join, request_status as status, seats_taken};
use crate::events::{assert_counters_true, published_event};
use crate::helpers::spawn_app;

#[tokio::test]
async fn a_head_that_does_not_fit_holds_the_line_and_one_trigger_promotes_all_that_fit() {
    let app = spawn_app().await;
    let host = app.host().await;
    let [first, pair, single] = app.guests().await;
    let event_id =
        published_event(&app, &host, json!({"capacity": 1, "allow_plus_one": true})).await;
    let going = id(
        &request_join(&app, &first, &event_id, 1).await,
        "request_id",
    );
    let two_seats = id(&request_join(&app, &pair, &event_id, 2).await, "request_id");
    let one_seat = id(
        &request_join(&app, &single, &event_id, 1).await,
        "request_id",
    );
    assert_eq!(accept(&app, &host, &going).await.body["status"], "accepted");
    assert_eq!(
        accept(&app, &host, &two_seats).await.body["status"],
        "waitlisted"
    );
    assert_eq!(
        accept(&app, &host, &one_seat).await.body["status"],
        "waitlisted"
    );

    let set_capacity = |capacity: i32| {
        let (app, host, event_id) = (&app, &host, &event_id);
        async move {
            app.send_as(
                host,
                Method::PATCH,
                &format!("/v1/events/{event_id}"),
                &json!({ "capacity": capacity }),
            )
            .await
            .expect_status(StatusCode::OK);
        }
    };
    // One seat comes free: the head wants two, so nobody moves, not even the one behind it
    // who would fit.
    set_capacity(2).await;
    assert_eq!(status(&app, &two_seats).await, "waitlisted");
    assert_eq!(status(&app, &one_seat).await, "waitlisted");
    assert_eq!(seats_taken(&app, &event_id).await, 1);

    // Three seats free: the head and the one behind it are both promoted by this one change.
    set_capacity(4).await;
    assert_eq!(status(&app, &two_seats).await, "accepted");
    assert_eq!(status(&app, &one_seat).await, "accepted");
    assert_eq!(seats_taken(&app, &event_id).await, 4);
    let promoted: i64 = app.value("SELECT count(*) FROM audit_log WHERE object_type = 'event_request' AND action = 'promote'",
            &[]).await;
    assert_eq!(promoted, 2);
    assert_counters_true(&app).await;
}
