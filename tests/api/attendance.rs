//! Joining events: requests and their transitions, the rules on who may join, waitlists,
//! holds that expire without any worker, invites, tickets, check-in and cancelling.

use http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::events::{add_cohost_sql, assert_counters_true, published_event};
use crate::fixtures::{party, ticketed_guest, Party, Ticketed};
use crate::helpers::{spawn_app, TestApp, TestResponse, TestUser};

pub async fn request_join(
    app: &TestApp,
    user: &TestUser,
    event_id: &str,
    seats: i64,
) -> TestResponse {
    app.post_as(
        user,
        &format!("/v1/events/{event_id}/requests"),
        json!({"message": "Can I come?", "seats_requested": seats}),
    )
    .await
}

pub async fn accept(app: &TestApp, host: &TestUser, request_id: &str) -> TestResponse {
    app.post_as(
        host,
        &format!("/v1/requests/{request_id}/accept"),
        json!({"host_message": "Welcome!"}),
    )
    .await
}

/// `guest` asks for `seats` on `event_id` and `host` accepts; the host's answer.
pub async fn join_accepted(
    app: &TestApp,
    host: &TestUser,
    guest: &TestUser,
    event_id: &str,
    seats: i64,
) -> TestResponse {
    let asked = request_join(app, guest, event_id, seats)
        .await
        .expect_status(StatusCode::CREATED);
    accept(app, host, asked.body["request_id"].as_str().unwrap()).await
}

pub fn id(response: &TestResponse, field: &str) -> String {
    response.str_at(&format!("/{field}"))
}

/// A request's status, read from the database.
pub async fn request_status(app: &TestApp, request: &str) -> String {
    app.value(
        "SELECT status FROM event_request WHERE uuid::text = $1",
        &[&request],
    )
    .await
}

pub async fn seats_taken(app: &TestApp, event_id: &str) -> i64 {
    app.value(
        "SELECT event_seats_taken(id) FROM event WHERE uuid::text = $1",
        &[&event_id],
    )
    .await
}

#[tokio::test]
async fn a_free_request_accepted_becomes_an_attendee_with_a_ticket() {
    let Party {
        app,
        host,
        guests: [guest],
        event_id,
    } = party(json!({"capacity": 5})).await;

    let requested = request_join(&app, &guest, &event_id, 2)
        .await
        .expect_status(StatusCode::CREATED);
    assert_eq!(requested.body["status"], "pending");
    assert_eq!(
        requested.body["requester"]["user_id"],
        guest.user_id.to_string()
    );
    assert!(requested.body["requester"].get("phone_number").is_none());
    let detail = app.get_as(&host, &format!("/v1/events/{event_id}")).await;
    assert_eq!(detail.body["requests_count"], 1);
    let me = app.get_as(&guest, &format!("/v1/events/{event_id}")).await;
    assert_eq!(me.body["my_status"], "requested");

    let accepted = accept(&app, &host, &id(&requested, "request_id"))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(accepted.body["status"], "accepted");
    assert_eq!(accepted.body["host_message"], "Welcome!");
    let attendee_id = id(&accepted, "attendee_id");
    let detail = app.get_as(&guest, &format!("/v1/events/{event_id}")).await;
    assert_eq!(detail.body["my_status"], "going");
    assert_eq!(detail.body["going_count"], 2);
    assert_eq!(detail.body["requests_count"], 0);
    assert_eq!(detail.body["seats_left"], 3);
    let ticket = app
        .get_as(&guest, &format!("/v1/tickets/{attendee_id}"))
        .await;
    assert_eq!(ticket.status, StatusCode::OK);
    assert!(ticket.body["ticket_code"]
        .as_str()
        .unwrap()
        .starts_with("EH1."));
    assert_counters_true(&app).await;
    let kinds: Vec<String> = app
        .column(
            "SELECT payload->>'kind' FROM outbox_message ORDER BY id",
            &[],
        )
        .await;
    assert_eq!(kinds, vec!["request_received", "request_accepted"]);
}

#[tokio::test]
async fn a_paid_request_accepted_holds_seats_with_a_delayed_expiry_and_a_pay_now_notice() {
    let Party {
        app,
        host,
        guests: [guest],
        event_id,
    } = party(json!({"capacity": 3, "is_paid": true, "ticket_price": "499.00"})).await;
    let requested = request_join(&app, &guest, &event_id, 2).await;
    let accepted = accept(&app, &host, &id(&requested, "request_id"))
        .await
        .expect_status(StatusCode::OK);
    let hold = &accepted.body["hold"];
    assert_eq!(hold["status"], "held");
    assert_eq!(hold["seats"], 2);
    let expires: chrono::DateTime<chrono::Utc> =
        hold["expires_at"].as_str().unwrap().parse().unwrap();
    let minutes = (expires - chrono::Utc::now()).num_minutes();
    assert!(
        (13..=15).contains(&minutes),
        "a 15-minute hold, got {minutes}"
    );
    assert_eq!(
        accepted.body["attendee_id"],
        Value::Null,
        "no attendee until paid"
    );
    let detail = app.get_as(&guest, &format!("/v1/events/{event_id}")).await;
    assert_eq!(detail.body["my_status"], "holding");
    assert_eq!(detail.body["seats_left"], 1);
    let expiry = app
        .db
        .query_one(
            "SELECT payload, delay_seconds FROM outbox_message WHERE queue = 'reservation_expiry'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        expiry.get::<_, Value>(0)["reservation_key"],
        hold["reservation_key"]
    );
    assert_eq!(expiry.get::<_, i32>(1), 900);
    let notice: Value = app
        .value(
            "SELECT payload FROM outbox_message WHERE payload->>'kind' = 'hold_created'",
            &[],
        )
        .await;
    assert_eq!(notice["pay_within_minutes"], 15);
}

#[tokio::test]
async fn only_legal_transitions_happen_and_only_the_right_people_make_them() {
    let app = spawn_app().await;
    let host = app.host().await;
    let cohost = app.quick_user("+919800000002", Some("female")).await;
    let guest = app.quick_user("+919800000003", Some("male")).await;
    let stranger = app.quick_user("+919800000004", Some("male")).await;
    let event_id = published_event(&app, &host, json!({})).await;
    add_cohost_sql(&app, &event_id, &cohost).await;
    let request_id = id(
        &request_join(&app, &guest, &event_id, 1).await,
        "request_id",
    );
    let path = |action: &str| format!("/v1/requests/{request_id}/{action}");

    app.act_as(&stranger, &path("accept"))
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
    app.act_as(&guest, &path("accept"))
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    app.act_as(&stranger, &path("cancel"))
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
    app.act_as(&host, &path("cancel"))
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");

    let list = app
        .request(
            Method::GET,
            &format!("/v1/events/{event_id}/requests?status=pending"),
        )
        .bearer(&cohost.access_token)
        .send()
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    let forbidden = app
        .get_as(&guest, &format!("/v1/events/{event_id}/requests"))
        .await;
    forbidden.assert_problem(StatusCode::FORBIDDEN, "forbidden");

    let declined = app
        .post_as(
            &cohost,
            &path("decline"),
            json!({"host_message": "Sorry, full of friends"}),
        )
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(declined.body["status"], "declined");
    for action in ["accept", "decline"] {
        let again = app.act_as(&host, &path(action)).await;
        again.assert_problem(StatusCode::CONFLICT, "invalid_transition");
        assert_eq!(again.body["current_status"], "declined");
    }
    app.act_as(&guest, &path("cancel"))
        .await
        .assert_problem(StatusCode::CONFLICT, "invalid_transition");

    // A new request may follow a declined one; cancel it, then it cannot be answered.
    let second = id(
        &request_join(&app, &guest, &event_id, 1).await,
        "request_id",
    );
    let cancelled = app
        .act_as(&guest, &format!("/v1/requests/{second}/cancel"))
        .await;
    assert_eq!(cancelled.body["status"], "cancelled");
    accept(&app, &host, &second)
        .await
        .assert_problem(StatusCode::CONFLICT, "invalid_transition");
    assert_counters_true(&app).await;
}

#[tokio::test]
async fn who_may_request_gender_plus_one_and_duplicates() {
    let app = spawn_app().await;
    let host = app.host().await;
    let no_gender = app.quick_user("+919800000002", None).await;
    let man = app.quick_user("+919800000003", Some("male")).await;
    let woman = app.quick_user("+919800000004", Some("female")).await;
    let women_only = published_event(
        &app,
        &host,
        json!({"allowed_genders": ["female", "non_binary"], "allow_plus_one": false}),
    )
    .await;

    let incomplete = request_join(&app, &no_gender, &women_only, 1).await;
    incomplete.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "profile_incomplete");
    assert_eq!(incomplete.body["errors"][0]["field"], "gender");
    request_join(&app, &man, &women_only, 1)
        .await
        .assert_problem(StatusCode::FORBIDDEN, "gender_not_allowed");
    let plus_one = request_join(&app, &woman, &women_only, 2).await;
    plus_one.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(plus_one.body["errors"][0]["field"], "seats_requested");
    request_join(&app, &woman, &women_only, 3)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    request_join(&app, &host, &women_only, 1)
        .await
        .assert_problem(StatusCode::CONFLICT, "organiser_cannot_join");
    assert_eq!(
        request_join(&app, &woman, &women_only, 1).await.status,
        StatusCode::CREATED
    );
    request_join(&app, &woman, &women_only, 1)
        .await
        .assert_problem(StatusCode::CONFLICT, "already_requested");

    let draft = crate::events::create_event(&app, &host, crate::events::valid_event()).await;
    let draft_id = draft.body["event_id"].as_str().unwrap();
    request_join(&app, &woman, draft_id, 1)
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
    let cancelled = published_event(&app, &host, json!({"title": "Called off"})).await;
    app.act_as(&host, &format!("/v1/events/{cancelled}/cancel"))
        .await;
    request_join(&app, &woman, &cancelled, 1)
        .await
        .assert_problem(StatusCode::CONFLICT, "event_closed");
    assert_counters_true(&app).await;
}

#[tokio::test]
async fn without_approval_a_request_is_accepted_at_once() {
    let Party {
        app,
        host: _,
        guests: [guest],
        event_id,
    } = party(json!({"requires_approval": false})).await;
    let response = request_join(&app, &guest, &event_id, 1)
        .await
        .expect_status(StatusCode::CREATED);
    assert_eq!(response.body["status"], "accepted");
    assert!(response.body["attendee_id"].is_string());
    assert_counters_true(&app).await;
}

#[tokio::test]
async fn the_waitlist_is_promoted_first_come_first_served_on_each_trigger() {
    let Party {
        app,
        host,
        guests: [a, b, c],
        event_id,
    } = party(json!({"capacity": 1})).await;
    let ra = id(&request_join(&app, &a, &event_id, 1).await, "request_id");
    let rb = id(&request_join(&app, &b, &event_id, 1).await, "request_id");
    let rc = id(&request_join(&app, &c, &event_id, 1).await, "request_id");
    let first = accept(&app, &host, &ra).await;
    assert_eq!(first.body["status"], "accepted");
    assert_eq!(accept(&app, &host, &rb).await.body["status"], "waitlisted");
    assert_eq!(accept(&app, &host, &rc).await.body["status"], "waitlisted");
    assert_counters_true(&app).await;

    // Trigger 1: an attendee cancels → B (first in line) is promoted, C waits.
    app.act_as(
        &a,
        &format!("/v1/attendees/{}/cancel", id(&first, "attendee_id")),
    )
    .await
    .expect_status(StatusCode::OK);
    let status = |request: String| {
        let app = &app;
        async move { request_status(app, &request).await }
    };
    assert_eq!(status(rb.clone()).await, "accepted");
    assert_eq!(status(rc.clone()).await, "waitlisted");

    // Trigger 2: capacity goes up → C is promoted.
    app.send_as(
        &host,
        Method::PATCH,
        &format!("/v1/events/{event_id}"),
        &json!({"capacity": 2}),
    )
    .await
    .expect_status(StatusCode::OK);
    assert_eq!(status(rc).await, "accepted");
    let promoted: i64 = app
        .value(
            "SELECT count(*) FROM outbox_message WHERE payload->>'kind' = 'request_promoted'",
            &[],
        )
        .await;
    assert_eq!(promoted, 2);
    assert_eq!(seats_taken(&app, &event_id).await, 2);
    assert_counters_true(&app).await;
}

#[tokio::test]
async fn a_holder_cancelling_frees_the_hold_for_the_waitlist() {
    let Party {
        app,
        host,
        guests: [a, b],
        event_id,
    } = party(json!({"capacity": 1, "is_paid": true, "ticket_price": "100.00"})).await;
    let ra = id(&request_join(&app, &a, &event_id, 1).await, "request_id");
    let rb = id(&request_join(&app, &b, &event_id, 1).await, "request_id");
    accept(&app, &host, &ra).await;
    assert_eq!(accept(&app, &host, &rb).await.body["status"], "waitlisted");
    let cancelled = app
        .act_as(&a, &format!("/v1/requests/{ra}/cancel"))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(cancelled.body["hold"]["status"], "released");
    let b_now = app.get_as(&b, "/v1/me/requests").await;
    assert_eq!(b_now.body["items"][0]["status"], "accepted");
    assert_eq!(b_now.body["items"][0]["hold"]["status"], "held");
}

#[tokio::test]
async fn an_expired_hold_stops_counting_without_any_worker() {
    let Party {
        app,
        host,
        guests: [a, b],
        event_id,
    } = party(json!({"capacity": 1, "is_paid": true, "ticket_price": "100.00"})).await;
    let ra = id(&request_join(&app, &a, &event_id, 1).await, "request_id");
    let rb = id(&request_join(&app, &b, &event_id, 1).await, "request_id");
    accept(&app, &host, &ra).await;
    assert_eq!(seats_taken(&app, &event_id).await, 1);
    // Time passes (the hold's clock is moved back); no worker runs.
    app.db
        .execute("UPDATE capacity_reservation SET expires_at = now() - interval '1 second', created_at = now() - interval '20 minutes'", &[])
        .await
        .unwrap();
    assert_eq!(seats_taken(&app, &event_id).await, 0);
    let second = accept(&app, &host, &rb).await;
    assert_eq!(second.body["status"], "accepted", "{}", second.text);
    assert_eq!(second.body["hold"]["status"], "held");
    assert_eq!(seats_taken(&app, &event_id).await, 1);
}

#[tokio::test]
async fn invites_direct_and_by_share_link() {
    let app = spawn_app().await;
    let host = app.host().await;
    let [friend] = app.guests().await;
    let other = app.quick_user("+919800000003", Some("female")).await;
    let third = app.quick_user("+919800000004", Some("male")).await;
    let event_id = published_event(&app, &host, json!({"capacity": 10})).await;
    let invites = format!("/v1/events/{event_id}/invites");

    let direct = app
        .post_as(
            &host,
            &invites,
            json!({"invite_type": "direct", "user_id": friend.user_id, "message": "Come!"}),
        )
        .await
        .expect_status(StatusCode::CREATED);
    assert_eq!(direct.body["url"], Value::Null);
    app.post_as(
        &host,
        &invites,
        json!({"invite_type": "direct", "user_id": friend.user_id}),
    )
    .await
    .assert_problem(StatusCode::CONFLICT, "already_invited");
    let unknown = app
        .post_as(
            &host,
            &invites,
            json!({"invite_type": "direct", "user_id": uuid::Uuid::new_v4()}),
        )
        .await;
    assert_eq!(unknown.body["errors"][0]["field"], "user_id");
    app.post_as(&friend, &invites, json!({"invite_type": "share_link"}))
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");

    let direct_id = id(&direct, "invite_id");
    let mine = app.get_as(&friend, "/v1/me/invites").await;
    assert_eq!(mine.body["items"][0]["invite_id"], direct_id.as_str());
    app.act_as(&other, &format!("/v1/invites/{direct_id}/accept"))
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
    let accepted = app
        .act_as(&friend, &format!("/v1/invites/{direct_id}/accept"))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(accepted.body["status"], "accepted");
    assert!(accepted.body["attendee_id"].is_string());
    app.act_as(&friend, &format!("/v1/invites/{direct_id}/accept"))
        .await
        .assert_problem(StatusCode::CONFLICT, "invalid_transition");

    let link = app
        .post_as(&host, &invites, json!({"invite_type": "share_link"}))
        .await
        .expect_status(StatusCode::CREATED);
    let link_id = id(&link, "invite_id");
    assert_eq!(
        link.body["url"],
        format!("https://eventhost.app/i/{link_id}")
    );
    for user in [&other, &third] {
        let used = app
            .act_as(user, &format!("/v1/invites/{link_id}/accept"))
            .await;
        assert_eq!(used.body["status"], "accepted", "{}", used.text);
    }
    app.act_as(&other, &format!("/v1/invites/{link_id}/accept"))
        .await
        .assert_problem(StatusCode::CONFLICT, "already_attending");

    let too_long = app.post_as(&host, &invites, json!({"invite_type": "share_link", "expires_at": (chrono::Utc::now() + chrono::Duration::days(31)).to_rfc3339()})).await;
    assert_eq!(too_long.body["errors"][0]["field"], "expires_at");
    let short = app.post_as(&host, &invites, json!({"invite_type": "share_link", "expires_at": (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339()})).await;
    let short_id = id(&short, "invite_id");
    app.db.execute("UPDATE event_invite SET expires_at = now() - interval '1 second', created_at = now() - interval '2 hours' WHERE uuid::text = $1", &[&short_id]).await.unwrap();
    let late = app.quick_user("+919800000005", Some("male")).await;
    app.act_as(&late, &format!("/v1/invites/{short_id}/accept"))
        .await
        .assert_problem(StatusCode::CONFLICT, "invite_expired");

    let declinable = app
        .post_as(
            &host,
            &invites,
            json!({"invite_type": "direct", "user_id": late.user_id}),
        )
        .await;
    let declined = app
        .act_as(
            &late,
            &format!("/v1/invites/{}/decline", id(&declinable, "invite_id")),
        )
        .await;
    assert_eq!(declined.body["status"], "declined");
    assert_eq!(seats_taken(&app, &event_id).await, 3);
    assert_counters_true(&app).await;
}

pub(crate) async fn going_guest(
    app: &TestApp,
    host: &TestUser,
    event_id: &str,
    phone: &str,
) -> (TestUser, String) {
    let guest = app.quick_user(phone, Some("male")).await;
    let requested = request_join(app, &guest, event_id, 1).await;
    let accepted = accept(app, host, &id(&requested, "request_id")).await;
    let attendee = id(&accepted, "attendee_id");
    (guest, attendee)
}

pub(crate) async fn ticket_code(app: &TestApp, guest: &TestUser, attendee: &str) -> String {
    let ticket = app
        .get_as(guest, &format!("/v1/tickets/{attendee}"))
        .await
        .expect_status(StatusCode::OK);
    ticket.body["ticket_code"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn tickets_are_the_owners_refetchable_and_not_derivable_from_the_database() {
    let Ticketed {
        app,
        host,
        event_id,
        guest,
        attendee,
        ticket_code: code,
    } = ticketed_guest(json!({})).await;
    assert_eq!(
        ticket_code(&app, &guest, &attendee).await,
        code,
        "the same code on every fetch"
    );
    let stranger = app.quick_user("+919800000003", Some("male")).await;
    for user in [&stranger, &host] {
        let response = app.get_as(user, &format!("/v1/tickets/{attendee}")).await;
        response.assert_problem(StatusCode::NOT_FOUND, "not_found");
    }
    // Everything the database holds about the ticket does not make a code that works.
    let row = app
        .db
        .query_one("SELECT secret_salt, secret_hash FROM ticket_secret", &[])
        .await
        .unwrap();
    let (salt, hash): (String, String) = (row.get(0), row.get(1));
    assert!(!code.contains(&salt) && !code.contains(&hash));
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let hash_bytes = b64.decode(&hash).unwrap();
    let forged = format!(
        "EH1.{}.{}",
        uuid::Uuid::parse_str(&attendee).unwrap().simple(),
        b64.encode(&hash_bytes[..16])
    );
    let response = app.check_in(&host, &event_id, &forged).await;
    response.assert_problem(StatusCode::NOT_FOUND, "ticket_not_found");
    let with_salt = format!(
        "EH1.{}.{}",
        uuid::Uuid::parse_str(&attendee).unwrap().simple(),
        salt
    );
    let response = app.check_in(&host, &event_id, &with_salt).await;
    response.assert_problem(StatusCode::NOT_FOUND, "ticket_not_found");
}

#[tokio::test]
async fn check_in_once_at_the_right_event_by_an_organiser() {
    let app = spawn_app().await;
    let host = app.host().await;
    let cohost = app.quick_user("+919800000009", Some("female")).await;
    let event_id = published_event(&app, &host, json!({})).await;
    let other_event = published_event(&app, &host, json!({"title": "Another night"})).await;
    add_cohost_sql(&app, &event_id, &cohost).await;
    let (guest, attendee) = going_guest(&app, &host, &event_id, "+919800000002").await;
    let code = ticket_code(&app, &guest, &attendee).await;
    let check_in = |user: &TestUser, event: &str, code: &str| {
        let body = json!({"ticket_code": code});
        let path = format!("/v1/events/{event}/check-ins");
        let user = user.clone();
        let app = &app;
        async move { app.post_as(&user, &path, body).await }
    };

    check_in(&guest, &event_id, &code)
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    check_in(&host, &other_event, &code)
        .await
        .assert_problem(StatusCode::NOT_FOUND, "ticket_not_found");
    let garbage = check_in(&host, &event_id, "hello").await;
    garbage.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid_ticket_code");
    assert_eq!(garbage.body["errors"][0]["field"], "ticket_code");

    let first = check_in(&cohost, &event_id, &code)
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(first.body["seats"], 1);
    assert_eq!(first.body["name"], "Guest 0002");
    let second = check_in(&host, &event_id, &code).await;
    second.assert_problem(StatusCode::CONFLICT, "already_checked_in");
    assert_eq!(second.body["checked_in_at"], first.body["checked_in_at"]);
    let detail = app.get_as(&guest, &format!("/v1/events/{event_id}")).await;
    assert_eq!(detail.body["my_status"], "checked_in");

    let (guest2, attendee2) = going_guest(&app, &host, &event_id, "+919800000003").await;
    let code2 = ticket_code(&app, &guest2, &attendee2).await;
    app.act_as(&guest2, &format!("/v1/attendees/{attendee2}/cancel"))
        .await;
    check_in(&host, &event_id, &code2)
        .await
        .assert_problem(StatusCode::CONFLICT, "ticket_cancelled");
    assert_counters_true(&app).await;
}

#[tokio::test]
async fn the_guest_list_shows_a_check_in_as_the_door_answered_it() {
    let Ticketed {
        app,
        host,
        event_id,
        attendee,
        ticket_code: code,
        ..
    } = ticketed_guest(json!({})).await;
    let checked_in = app
        .check_in(&host, &event_id, &code)
        .await
        .expect_status(StatusCode::OK);
    let guests = app
        .get_as(&host, &format!("/v1/events/{event_id}/attendees"))
        .await
        .expect_status(StatusCode::OK);
    let listed = &guests.body["items"][0];
    assert_eq!(listed["attendee_id"], attendee.as_str());
    assert_eq!(listed["status"], "checked_in");
    assert_eq!(
        listed["checked_in_at"], checked_in.body["checked_in_at"],
        "one instant, written one way (RFC 3339 to the second) in every answer"
    );
}

#[tokio::test]
async fn cancelling_attendance_frees_seats_and_queues_the_refund_the_policy_allows() {
    let Party {
        app,
        host,
        guests: [],
        event_id,
    } = party(json!({"capacity": 4, "is_paid": true, "ticket_price": "250.00"})).await;
    // Two paid attendees (as payments will create them), each with a paid order.
    let mut attendees = Vec::new();
    for phone in ["+919800000002", "+919800000003"] {
        let guest = app.quick_user(phone, Some("male")).await;
        let attendee: uuid::Uuid = app.value("WITH a AS (INSERT INTO event_attendee (event_id, user_id, seats, is_paid, price_paid) \
                            SELECT e.id, u.id, 2, true, 500 FROM event e, auth_user u WHERE e.uuid::text = $1 AND u.uuid = $2 \
                            RETURNING id, uuid, event_id, user_id), \
                      o AS (INSERT INTO payment_order (order_reference, user_id, event_id, attendee_id, provider, seats, unit_price, \
                                                       base_amount, total_amount, status, paid_at, provider_payment_id) \
                            SELECT 'ORD-' || a.id, a.user_id, a.event_id, a.id, 'sandbox', 2, 250, 500, 500, 'paid', now(), 'pay_' || a.id FROM a), \
                      c AS (UPDATE event SET going_count = going_count + 2 WHERE uuid::text = $1) \
                 SELECT uuid FROM a",
                &[&event_id, &guest.user_id]).await;
        attendees.push((guest, attendee));
    }
    let stranger = app.quick_user("+919800000004", Some("male")).await;
    let (guest_a, attendee_a) = &attendees[0];
    app.act_as(&stranger, &format!("/v1/attendees/{attendee_a}/cancel"))
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
    let own = app
        .act_as(guest_a, &format!("/v1/attendees/{attendee_a}/cancel"))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(
        own.body["refund_queued"], true,
        "more than 24 h before the start: the ticket comes back (this order has no fee)"
    );
    assert_eq!(seats_taken(&app, &event_id).await, 2);
    app.act_as(guest_a, &format!("/v1/attendees/{attendee_a}/cancel"))
        .await
        .assert_problem(StatusCode::CONFLICT, "invalid_transition");

    // Inside the cutoff a guest gets nothing back, but the host cancelling always refunds.
    app.db.execute("UPDATE event SET event_date = (now() AT TIME ZONE timezone + interval '2 hours')::date, start_time = (now() AT TIME ZONE timezone + interval '2 hours')::time", &[]).await.unwrap();
    let (_, attendee_b) = &attendees[1];
    let by_host = app
        .act_as(&host, &format!("/v1/attendees/{attendee_b}/cancel"))
        .await;
    assert_eq!(by_host.body["refund_queued"], true, "{}", by_host.text);
    let order_statuses = || async {
        app.db
            .query("SELECT status FROM payment_order ORDER BY id", &[])
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect::<Vec<String>>()
    };
    // The route only marks the orders and queues a send_refunds message for the worker.
    assert_eq!(
        order_statuses().await,
        vec!["refund_pending", "refund_pending"]
    );
    assert_eq!(
        app.deliver_refund_messages().await,
        2,
        "one message per cancel"
    );
    // The sandbox refunds them at once: each order refunded in full by one processed refund.
    assert_eq!(order_statuses().await, vec!["refunded", "refunded"]);
    let refunds: Vec<String> = app
        .column(
            "SELECT reason || ':' || status FROM payment_refund ORDER BY id",
            &[],
        )
        .await;
    assert_eq!(
        refunds,
        vec!["guest_withdrew:processed", "attendee_cancelled:processed"],
        "a guest leaving in time withdrew; the host removing a guest cancelled the attendance"
    );
    assert_counters_true(&app).await;
}

#[tokio::test]
async fn a_late_guest_cancellation_queues_no_refund() {
    let app = spawn_app().await;
    let host = app.host().await;
    let [guest] = app.guests().await;
    published_event(
        &app,
        &host,
        json!({"is_paid": true, "ticket_price": "250.00"}),
    )
    .await;
    let attendee: uuid::Uuid = app.value("WITH a AS (INSERT INTO event_attendee (event_id, user_id, is_paid, price_paid) \
                        SELECT e.id, u.id, true, 250 FROM event e, auth_user u WHERE u.uuid = $1 RETURNING id, uuid, user_id, event_id), \
                  o AS (INSERT INTO payment_order (order_reference, user_id, event_id, attendee_id, provider, seats, unit_price, base_amount, \
                                                   total_amount, status, paid_at) \
                        SELECT 'ORD-L', user_id, event_id, id, 'sandbox', 1, 250, 250, 250, 'paid', now() FROM a), \
                  c AS (UPDATE event SET going_count = 1, event_date = (now() AT TIME ZONE timezone + interval '3 hours')::date, \
                                         start_time = (now() AT TIME ZONE timezone + interval '3 hours')::time) \
             SELECT uuid FROM a",
            &[&guest.user_id]).await;
    let response = app
        .act_as(&guest, &format!("/v1/attendees/{attendee}/cancel"))
        .await;
    assert_eq!(response.body["refund_queued"], false, "{}", response.text);
    let status: String = app.value("SELECT status FROM payment_order", &[]).await;
    assert_eq!(status, "paid");
}

#[tokio::test]
async fn the_guest_list_comes_as_json_or_csv_without_phone_numbers() {
    let Party {
        app,
        host,
        guests: [],
        event_id,
    } = party(json!({})).await;
    let (guest, _) = going_guest(&app, &host, &event_id, "+919800000002").await;
    app.db
        .execute("UPDATE user_profile SET name = 'Ravi, \"the\" Guest' WHERE user_id = (SELECT id FROM auth_user WHERE uuid = $1)", &[&guest.user_id])
        .await
        .unwrap();
    let json_list = app
        .get_as(&host, &format!("/v1/events/{event_id}/attendees"))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(json_list.body["items"][0]["name"], "Ravi, \"the\" Guest");
    assert!(!json_list.text.contains("9800000002"));
    let csv = app
        .request(Method::GET, &format!("/v1/events/{event_id}/attendees"))
        .bearer(&host.access_token)
        .header("accept", "text/csv")
        .send()
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let text = csv
        .text
        .strip_prefix('\u{feff}')
        .expect("the CSV starts with a UTF-8 byte-order mark");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("attendee_id,user_id,name,seats,status,is_paid,checked_in_at")
    );
    assert!(
        lines
            .next()
            .unwrap()
            .contains(",\"Ravi, \"\"the\"\" Guest\",1,going,false,"),
        "{}",
        csv.text
    );
    let forbidden = app
        .get_as(&guest, &format!("/v1/events/{event_id}/attendees"))
        .await;
    forbidden.assert_problem(StatusCode::FORBIDDEN, "forbidden");
    let tickets = app.get_as(&guest, "/v1/me/tickets").await;
    assert_eq!(tickets.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn an_idempotency_key_replays_the_accept_and_refuses_another_body() {
    let Party {
        app,
        host,
        guests: [guest],
        event_id,
    } = party(json!({})).await;
    let request_id = id(
        &request_join(&app, &guest, &event_id, 1).await,
        "request_id",
    );
    let send = |body: Value| {
        app.request(Method::POST, &format!("/v1/requests/{request_id}/accept"))
            .bearer(&host.access_token)
            .header("idempotency-key", "accept-1")
            .json(&body)
    };
    let first = send(json!({"host_message": "hi"}))
        .send()
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(first.header("idempotent-replayed"), Some("false"));
    let replay = send(json!({"host_message": "hi"})).send().await;
    assert_eq!(
        replay.status,
        StatusCode::OK,
        "the retry does not hit invalid_transition: {}",
        replay.text
    );
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    assert_eq!(replay.body, first.body);
    let other = send(json!({"host_message": "different"})).send().await;
    other.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused");
    let attendees: i64 = app.value("SELECT count(*) FROM event_attendee", &[]).await;
    assert_eq!(attendees, 1);
}

#[tokio::test]
async fn a_joining_body_names_every_bad_field_at_once() {
    let Party {
        app,
        host,
        guests: [guest],
        event_id,
    } = party(json!({})).await;
    let asked = app
        .post_as(
            &guest,
            &format!("/v1/events/{event_id}/requests"),
            json!({"message": 5, "seats_requested": 3, "colour": "red"}),
        )
        .await;
    crate::helpers::assert_invalid(&asked, &["message", "seats_requested", "colour"]);
    let invite = app
        .post_as(
            &host,
            &format!("/v1/events/{event_id}/invites"),
            json!({"invite_type": "direct", "user_id": guest.user_id}),
        )
        .await;
    let accepted = app
        .post_as(
            &guest,
            &format!("/v1/invites/{}/accept", invite.str_at("/invite_id")),
            json!({"seats_requested": 0, "note": "hi"}),
        )
        .await;
    crate::helpers::assert_invalid(&accepted, &["seats_requested", "note"]);
    let reply = app
        .post_as(
            &host,
            &format!("/v1/requests/{}/accept", uuid::Uuid::new_v4()),
            json!({"host_message": "x".repeat(501)}),
        )
        .await;
    crate::helpers::assert_invalid(&reply, &["host_message"]);
}
