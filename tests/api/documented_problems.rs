//! Each operation on an event answers the refusals it documents: 404 for an event that does not
//! exist, 403 for someone whose role does not allow the change, 409 `event_cancelled` once the
//! event is cancelled. The calls come from one table; the method of each comes from the route
//! table, and `problems_seen` checks every answer against the operation's documented codes.

use http::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::events::add_cohost_sql;
use crate::fixtures::{party, Party};
use crate::helpers::{TestApp, TestResponse, TestUser};

/// An operation on an event: its id, its path on the event and a body otherwise valid.
struct EventCall {
    operation: &'static str,
    path: String,
    body: Option<Value>,
}

fn call(operation: &'static str, path: String, body: Option<Value>) -> EventCall {
    EventCall {
        operation,
        path,
        body,
    }
}

/// The operations that change an event or read its organisers' lists, on event `event`, image
/// `image` and user `user`.
fn event_calls(event: &str, image: Uuid, user: Uuid) -> Vec<EventCall> {
    let on = |tail: &str| format!("/v1/events/{event}{tail}");
    vec![
        call("publishEvent", on("/publish"), None),
        call("unpublishEvent", on("/unpublish"), None),
        call("cancelEvent", on("/cancel"), None),
        call(
            "addCohost",
            on("/cohosts"),
            Some(json!({ "user_id": user })),
        ),
        call("removeCohost", on(&format!("/cohosts/{user}")), None),
        call(
            "addEventImage",
            on("/images"),
            Some(json!({ "image_url": "https://img.example/cake.jpg" })),
        ),
        call(
            "reorderEventImages",
            on("/images"),
            Some(json!({ "image_ids": [image] })),
        ),
        call("deleteEventImage", on(&format!("/images/{image}")), None),
        call("listAttendees", on("/attendees"), None),
        call("listEventRequests", on("/requests"), None),
        call(
            "createInvite",
            on("/invites"),
            Some(json!({ "invite_type": "share_link" })),
        ),
        call("getEventCalendar", on("/calendar.ics"), None),
    ]
}

async fn send(app: &TestApp, user: &TestUser, event_call: &EventCall) -> TestResponse {
    let op = shared::contract::routes::operation(event_call.operation);
    let method: Method = op.method.parse().unwrap();
    match &event_call.body {
        Some(body) => app.send_as(user, method, &event_call.path, body).await,
        None => app.call_as(user, method, &event_call.path).await,
    }
}

fn named<'a>(calls: &'a [EventCall], operation: &str) -> &'a EventCall {
    calls
        .iter()
        .find(|c| c.operation == operation)
        .unwrap_or_else(|| panic!("no call for {operation}"))
}

/// Runs the calls named in `expected` as `user` and checks each answer's status and code.
async fn expect(
    app: &TestApp,
    user: &TestUser,
    calls: &[EventCall],
    expected: &[(&str, StatusCode, &str)],
) {
    for (operation, status, code) in expected {
        let response = send(app, user, named(calls, operation)).await;
        assert_eq!(response.status, *status, "{operation}: {}", response.text);
        response.assert_problem(*status, code);
    }
}

#[tokio::test]
async fn every_operation_on_an_event_that_does_not_exist_is_404() {
    let Party { app, host, .. } = party::<0>(json!({})).await;
    let calls = event_calls(&Uuid::new_v4().to_string(), Uuid::new_v4(), host.user_id);
    let expected: Vec<(&str, StatusCode, &str)> = calls
        .iter()
        .map(|c| (c.operation, StatusCode::NOT_FOUND, "not_found"))
        .collect();
    expect(&app, &host, &calls, &expected).await;
}

#[tokio::test]
async fn a_cohost_may_not_do_the_hosts_work_and_a_guest_may_not_do_the_organisers() {
    let Party {
        app,
        host,
        guests: [cohost, stranger],
        event_id,
    } = party(json!({})).await;
    add_cohost_sql(&app, &event_id, &cohost).await;
    let calls = event_calls(&event_id, Uuid::new_v4(), host.user_id);
    let forbidden = |operation| (operation, StatusCode::FORBIDDEN, "forbidden");
    let host_only = [
        "publishEvent",
        "unpublishEvent",
        "cancelEvent",
        "addCohost",
        "removeCohost",
        "createInvite",
    ];
    expect(&app, &cohost, &calls, &host_only.map(forbidden)).await;
    let organisers_only = [
        "addEventImage",
        "reorderEventImages",
        "deleteEventImage",
        "listAttendees",
        "listEventRequests",
    ];
    expect(&app, &stranger, &calls, &organisers_only.map(forbidden)).await;
}

#[tokio::test]
async fn a_cancelled_event_takes_no_more_changes() {
    let Party {
        app,
        host,
        guests: [friend],
        event_id,
    } = party(json!({})).await;
    let calls = event_calls(&event_id, Uuid::new_v4(), friend.user_id);
    send(&app, &host, named(&calls, "cancelEvent"))
        .await
        .expect_status(StatusCode::OK);
    let refused = [
        "publishEvent",
        "unpublishEvent",
        "cancelEvent",
        "addCohost",
        "removeCohost",
        "addEventImage",
        "reorderEventImages",
        "deleteEventImage",
    ]
    .map(|operation| (operation, StatusCode::CONFLICT, "event_cancelled"));
    expect(&app, &host, &calls, &refused).await;
}

#[tokio::test]
async fn only_an_organiser_answers_a_request_and_an_unknown_invite_is_404() {
    let Party {
        app,
        guests: [guest],
        event_id,
        ..
    } = party(json!({})).await;
    let asked = crate::attendance::request_join(&app, &guest, &event_id, 1).await;
    let declined = app
        .act_as(
            &guest,
            &format!("/v1/requests/{}/decline", asked.str_at("/request_id")),
        )
        .await;
    declined.assert_problem(StatusCode::FORBIDDEN, "forbidden");
    let unknown = app
        .call_as(
            &guest,
            Method::POST,
            &format!("/v1/invites/{}/decline", Uuid::new_v4()),
        )
        .await;
    unknown.assert_problem(StatusCode::NOT_FOUND, "not_found");
}
