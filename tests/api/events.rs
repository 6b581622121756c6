//! Hosting events: create and update (every rule named), visibility, roles, the rules on change,
//! publish, unpublish and cancel.

use http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{problem_fields, spawn_app, TestApp, TestResponse, TestUser};

/// A complete, valid event body (a future free picnic with a free-text venue).
pub fn valid_event() -> Value {
    let date = (chrono::Utc::now() + chrono::Duration::days(10)).date_naive();
    json!({
        "title": "Sunday Picnic",
        "description": "Bring a mat.",
        "mood": "picnic",
        "venue_text": "Cubbon Park, Bengaluru",
        "event_date": date.to_string(),
        "start_time": "10:00",
        "duration": "PT3H",
        "capacity": 20,
        "allow_plus_one": true,
        "cover_images": ["https://cdn.example.com/picnic.jpg"],
        "interests": ["picnic", "outdoors"]
    })
}

pub fn with(mut body: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        if v.is_null() {
            body.as_object_mut().unwrap().remove(k);
        } else {
            body[k] = v.clone();
        }
    }
    body
}

pub async fn create_event(app: &TestApp, host: &TestUser, body: Value) -> TestResponse {
    app.send_as(host, Method::POST, "/v1/events", &body).await
}

/// Creates and publishes a valid event; returns its id.
pub async fn published_event(app: &TestApp, host: &TestUser, changes: Value) -> String {
    let body = with(with(valid_event(), json!({"is_published": true})), changes);
    let response = create_event(app, host, body)
        .await
        .expect_status(StatusCode::CREATED);
    response.body["event_id"].as_str().unwrap().to_owned()
}

/// Asserts going_count and requests_count equal what they count.
pub async fn assert_counters_true(app: &TestApp) {
    let wrong: Vec<String> = app.column("SELECT e.slug FROM event e WHERE e.going_count <> (SELECT coalesce(sum(seats), 0) FROM event_attendee a \
                 WHERE a.event_id = e.id AND a.status IN ('going', 'checked_in')) \
               OR e.requests_count <> (SELECT count(*) FROM event_request r WHERE r.event_id = e.id AND r.status = 'pending')",
            &[]).await;
    assert!(wrong.is_empty(), "counters out of step for {wrong:?}");
}

#[tokio::test]
async fn a_host_creates_a_draft_with_a_slug_and_sees_it() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    let response = create_event(&app, &host, valid_event())
        .await
        .expect_status(StatusCode::CREATED);
    let body = &response.body;
    assert_eq!(body["status"], "draft");
    assert_eq!(body["slug"], "sunday-picnic");
    assert_eq!(body["my_status"], "host");
    assert_eq!(body["host"]["user_id"], host.user_id.to_string());
    assert_eq!(body["ticket_price"], Value::Null);
    assert_eq!(body["duration_seconds"], 10_800);
    assert_eq!(body["timezone"], "Asia/Kolkata");
    assert!(
        body["starts_at"].as_str().unwrap().ends_with("04:30:00Z"),
        "10:00 IST is 04:30 UTC: {}",
        body["starts_at"]
    );
    let interests: Vec<&str> = body["interests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["slug"].as_str().unwrap())
        .collect();
    assert_eq!(interests, vec!["picnic", "outdoors"]);

    let again = create_event(&app, &host, valid_event()).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_ne!(again.body["slug"], "sunday-picnic", "slugs are unique");
    assert!(again.body["slug"]
        .as_str()
        .unwrap()
        .starts_with("sunday-picnic-"));

    let by_slug = app.get_as(&host, "/v1/events/sunday-picnic").await;
    assert_eq!(by_slug.status, StatusCode::OK);
    assert_eq!(by_slug.body["event_id"], body["event_id"]);
    assert_counters_true(&app).await;
}

#[tokio::test]
async fn a_paid_event_keeps_its_price_exact() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    let response = create_event(
        &app,
        &host,
        with(valid_event(), json!({"is_paid": true, "ticket_price": "499.00", "gst_percent": 18, "gstin": "27AAPFU0939F1ZV"})),
    )
    .await.expect_status(StatusCode::CREATED);
    assert_eq!(response.body["ticket_price"], "499.00");
    assert_eq!(response.body["gst_percent"], 18);
    assert_eq!(
        response.body["gstin"], "27AAPFU0939F1ZV",
        "the host sees the GSTIN"
    );
    let stored: String = app.value("SELECT ticket_price::text FROM event", &[]).await;
    assert_eq!(stored, "499.00");
}

#[tokio::test]
async fn each_event_rule_names_its_field() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    let past = (chrono::Utc::now() - chrono::Duration::days(1))
        .date_naive()
        .to_string();
    let cases: Vec<(Value, &str)> = vec![
        (json!({"title": "ab"}), "title"),
        (json!({"title": "x".repeat(121)}), "title"),
        (json!({"title": null}), "title"),
        (json!({"description": "d".repeat(5001)}), "description"),
        (json!({"mood": "rave"}), "mood"),
        (
            json!({"venue_id": "00000000-0000-4000-8000-000000000000", "venue_text": "Here"}),
            "venue_id",
        ),
        (json!({"venue_text": null}), "venue_id"),
        (
            json!({"venue_text": null, "venue_id": "not-a-uuid"}),
            "venue_id",
        ),
        (json!({"event_date": past}), "event_date"),
        (json!({"event_date": "01/12/2030"}), "event_date"),
        (json!({"start_time": "25:00"}), "start_time"),
        (json!({"timezone": "Mars/Olympus"}), "timezone"),
        (json!({"duration": "3 hours"}), "duration"),
        (json!({"duration": "PT5M"}), "duration"),
        (json!({"capacity": 0}), "capacity"),
        (json!({"capacity": 10001}), "capacity"),
        (json!({"capacity": "ten"}), "capacity"),
        (json!({"is_paid": true}), "ticket_price"),
        (
            json!({"is_paid": true, "ticket_price": "0.99"}),
            "ticket_price",
        ),
        (
            json!({"is_paid": true, "ticket_price": 499.0}),
            "ticket_price",
        ),
        (json!({"ticket_price": "10.00"}), "ticket_price"),
        (
            json!({"is_paid": true, "ticket_price": "100.00", "gst_percent": 7, "gstin": "27AAPFU0939F1ZV"}),
            "gst_percent",
        ),
        (
            json!({"is_paid": true, "ticket_price": "100.00", "gst_percent": 18}),
            "gstin",
        ),
        (
            json!({"is_paid": true, "ticket_price": "100.00", "gst_percent": 18, "gstin": "27AAPFU0939F1ZW"}),
            "gstin",
        ),
        (
            json!({"gst_percent": 5, "gstin": "27AAPFU0939F1ZV"}),
            "gst_percent",
        ),
        (json!({"allowed_genders": []}), "allowed_genders"),
        (json!({"allowed_genders": ["robot"]}), "allowed_genders[0]"),
        (
            json!({"allowed_genders": ["male", "male"]}),
            "allowed_genders",
        ),
        (json!({"cover_images": []}), "cover_images"),
        (
            json!({"cover_images": ["https://a/1", "https://a/2", "https://a/3", "https://a/4"]}),
            "cover_images",
        ),
        (
            json!({"cover_images": ["http://a.example/1.jpg"]}),
            "cover_images[0]",
        ),
        (json!({"interests": []}), "interests"),
        (
            json!({"interests": ["a", "b", "c", "d", "e", "f"]}),
            "interests",
        ),
        (
            json!({"interests": ["picnic", "quidditch"]}),
            "interests[1]",
        ),
        (json!({"interests": ["picnic", "picnic"]}), "interests[1]"),
        (json!({"mood": null}), "mood"),
        (json!({"capacity": null}), "capacity"),
        (json!({"surprise": true}), "surprise"),
    ];
    for (changes, field) in cases {
        let response = create_event(&app, &host, with(valid_event(), changes.clone())).await;
        response.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(
            problem_fields(&response),
            vec![field.to_owned()],
            "for {changes}"
        );
    }
    // A member of the wrong type does not hide the rules across the others.
    let response = create_event(
        &app,
        &host,
        with(
            valid_event(),
            json!({"title": 5, "capacity": "many", "is_paid": true, "ticket_price": "0.50"}),
        ),
    )
    .await;
    assert_eq!(
        problem_fields(&response),
        vec!["title", "capacity", "ticket_price"]
    );
    let response = create_event(&app, &host, json!({})).await;
    assert_eq!(
        problem_fields(&response),
        vec![
            "title",
            "mood",
            "event_date",
            "start_time",
            "capacity",
            "interests",
            "venue_id"
        ]
    );
    let count: i64 = app.value("SELECT count(*) FROM event", &[]).await;
    assert_eq!(count, 0, "nothing was written");
}

#[tokio::test]
async fn drafts_are_invisible_to_everyone_but_the_host_and_cohosts() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    let cohost = app.login("+919876543211").await;
    let stranger = app.login("+919876543212").await;
    let created = create_event(&app, &host, valid_event()).await;
    let event_id = created.body["event_id"].as_str().unwrap();
    add_cohost_sql(&app, event_id, &cohost).await;

    let path = format!("/v1/events/{event_id}");
    let as_cohost = app.get_as(&cohost, &path).await;
    assert_eq!(as_cohost.status, StatusCode::OK);
    assert_eq!(as_cohost.body["my_status"], "cohost");
    let as_stranger = app.get_as(&stranger, &path).await;
    as_stranger.assert_problem(StatusCode::NOT_FOUND, "not_found");
    let patch = app
        .send_as(
            &stranger,
            Method::PATCH,
            &path,
            &json!({"title": "Mine now"}),
        )
        .await;
    patch.assert_problem(StatusCode::NOT_FOUND, "not_found");
    let anonymous = app.request(Method::GET, &path).send().await;
    anonymous.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    let unknown = app.get_as(&host, "/v1/events/no-such-event").await;
    unknown.assert_problem(StatusCode::NOT_FOUND, "not_found");

    let publish = app
        .call_as(&host, Method::POST, &format!("{path}/publish"))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(publish.body["status"], "published");
    let now_visible = app.get_as(&stranger, &path).await;
    assert_eq!(now_visible.status, StatusCode::OK);
    assert_eq!(now_visible.body["my_status"], "none");
    assert_eq!(now_visible.body["gstin"], Value::Null);
}

pub async fn add_cohost_sql(app: &TestApp, event_id: &str, cohost: &TestUser) {
    app.db
        .execute(
            "INSERT INTO event_cohost (event_id, user_id) SELECT e.id, u.id FROM event e, auth_user u \
             WHERE e.uuid::text = $1 AND u.uuid = $2",
            &[&event_id, &cohost.user_id],
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn host_cohost_and_stranger_on_every_mutating_route() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    let cohost = app.login("+919876543211").await;
    let stranger = app.login("+919876543212").await;
    let event_id = published_event(&app, &host, json!({})).await;
    add_cohost_sql(&app, &event_id, &cohost).await;
    let path = format!("/v1/events/{event_id}");

    let patch = |user: &TestUser| {
        app.request(Method::PATCH, &path)
            .bearer(&user.access_token)
            .json(&json!({"description": "Updated"}))
    };
    patch(&stranger)
        .send()
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(
        patch(&cohost).send().await.status,
        StatusCode::OK,
        "a co-host may edit"
    );
    assert_eq!(patch(&host).send().await.status, StatusCode::OK);

    for action in ["unpublish", "cancel", "publish"] {
        for user in [&stranger, &cohost] {
            let response = app
                .call_as(user, Method::POST, &format!("{path}/{action}"))
                .await;
            response.assert_problem(StatusCode::FORBIDDEN, "forbidden");
        }
    }
    let unpublish = app
        .call_as(&host, Method::POST, &format!("{path}/unpublish"))
        .await;
    assert_eq!(unpublish.status, StatusCode::OK);
    assert_eq!(unpublish.body["status"], "draft");
    let audit: Vec<String> = app
        .column(
            "SELECT action FROM audit_log WHERE object_type = 'event' ORDER BY id",
            &[],
        )
        .await;
    assert_eq!(audit, vec!["create", "update", "update", "unpublish"]);
}

async fn add_attendee_sql(app: &TestApp, event_id: &str, phone: &str, seats: i16) {
    let user = crate::helpers::insert_user(&app.db, phone).await;
    app.db
        .execute(
            "WITH a AS (INSERT INTO event_attendee (event_id, user_id, seats) \
                        SELECT e.id, u.id, $3::int FROM event e, auth_user u WHERE e.uuid::text = $1 AND u.uuid = $2) \
             UPDATE event SET going_count = going_count + $3::int WHERE uuid::text = $1",
            &[&event_id, &user, &(seats as i32)],
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn capacity_cannot_drop_below_the_seats_taken() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    let event_id = published_event(&app, &host, json!({"capacity": 5})).await;
    add_attendee_sql(&app, &event_id, "+919800000101", 2).await;
    add_attendee_sql(&app, &event_id, "+919800000102", 1).await;
    app.db
        .execute(
            "INSERT INTO capacity_reservation (event_id, user_id, seats, expires_at) \
             SELECT e.id, e.host_id, 1, now() + interval '10 minutes' FROM event e",
            &[],
        )
        .await
        .unwrap();
    let path = format!("/v1/events/{event_id}");
    let response = app
        .send_as(&host, Method::PATCH, &path, &json!({"capacity": 3}))
        .await;
    response.assert_problem(StatusCode::CONFLICT, "capacity_below_taken");
    assert_eq!(response.body["seats_taken"], 4);
    let ok = app
        .send_as(&host, Method::PATCH, &path, &json!({"capacity": 4}))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(ok.body["capacity"], 4);
    assert_eq!(ok.body["seats_left"], 0);
    assert_counters_true(&app).await;
}

#[tokio::test]
async fn pricing_is_locked_once_an_order_exists() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    let event_id = published_event(
        &app,
        &host,
        json!({"is_paid": true, "ticket_price": "499.00", "gst_percent": 18, "gstin": "27AAPFU0939F1ZV"}),
    )
    .await;
    let path = format!("/v1/events/{event_id}");
    let before_orders = app
        .send_as(
            &host,
            Method::PATCH,
            &path,
            &json!({"ticket_price": "599.00"}),
        )
        .await;
    assert_eq!(
        before_orders.status,
        StatusCode::OK,
        "{}",
        before_orders.text
    );
    app.db
        .execute(
            "INSERT INTO payment_order (order_reference, user_id, event_id, provider, seats, unit_price, base_amount, total_amount) \
             SELECT 'ORD-P1', e.host_id, e.id, 'sandbox', 1, 599, 599, 599 FROM event e",
            &[],
        )
        .await
        .unwrap();
    for change in [
        json!({"ticket_price": "699.00"}),
        json!({"gst_percent": 5}),
        json!({"is_paid": false, "ticket_price": null, "gst_percent": 0}),
    ] {
        let response = app.send_as(&host, Method::PATCH, &path, &change).await;
        response.assert_problem(StatusCode::CONFLICT, "pricing_locked");
    }
    let title = app
        .send_as(
            &host,
            Method::PATCH,
            &path,
            &json!({"title": "Jazz Night II"}),
        )
        .await;
    assert_eq!(title.status, StatusCode::OK, "other fields stay editable");
    assert_eq!(title.body["ticket_price"], "599.00");
}

#[tokio::test]
async fn a_new_date_or_venue_notifies_everyone_going_after_commit() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    let event_id = published_event(&app, &host, json!({})).await;
    add_attendee_sql(&app, &event_id, "+919800000101", 1).await;
    let path = format!("/v1/events/{event_id}");
    let description_only = app
        .send_as(
            &host,
            Method::PATCH,
            &path,
            &json!({"description": "More snacks"}),
        )
        .await;
    assert_eq!(description_only.status, StatusCode::OK);
    let messages: i64 = app.value("SELECT count(*) FROM outbox_message", &[]).await;
    assert_eq!(messages, 0, "a description change notifies nobody");

    let new_date = (chrono::Utc::now() + chrono::Duration::days(20))
        .date_naive()
        .to_string();
    app.send_as(
        &host,
        Method::PATCH,
        &path,
        &json!({"event_date": new_date, "venue_text": "Lalbagh"}),
    )
    .await
    .expect_status(StatusCode::OK);
    let payload: Value = app.value("SELECT payload FROM outbox_message", &[]).await;
    assert_eq!(payload["kind"], "event_changed");
    assert_eq!(payload["event_id"], event_id.as_str());
    assert_eq!(payload["changes"], json!(["event_date", "venue"]));
    assert_eq!(payload["recipient_ids"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn publishing_needs_a_venue_a_cover_and_a_future_date() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    let response = create_event(
        &app,
        &host,
        with(valid_event(), json!({"cover_images": null})),
    )
    .await;
    assert_eq!(response.status, StatusCode::CREATED);
    let event_id = response.body["event_id"].as_str().unwrap();
    let publish = app
        .call_as(
            &host,
            Method::POST,
            &format!("/v1/events/{event_id}/publish"),
        )
        .await;
    publish.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "event_incomplete");
    assert_eq!(problem_fields(&publish), vec!["cover_images"]);

    let immediate = create_event(
        &app,
        &host,
        with(
            valid_event(),
            json!({"cover_images": null, "is_published": true}),
        ),
    )
    .await;
    immediate.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(problem_fields(&immediate), vec!["cover_images"]);
}

#[tokio::test]
async fn cancelling_cancels_everything_queues_refunds_and_notifies_everyone() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    let event_id = published_event(
        &app,
        &host,
        json!({"is_paid": true, "ticket_price": "499.00"}),
    )
    .await;
    add_attendee_sql(&app, &event_id, "+919800000101", 2).await;
    let requester = crate::helpers::insert_user(&app.db, "+919800000102").await;
    app.db
        .batch_execute(&format!(
            "INSERT INTO event_request (event_id, requester_id) SELECT e.id, u.id FROM event e, auth_user u WHERE u.uuid = '{requester}';
             UPDATE event SET requests_count = 1;
             INSERT INTO capacity_reservation (event_id, user_id, seats, expires_at)
               SELECT e.id, u.id, 1, now() + interval '10 minutes' FROM event e, auth_user u WHERE u.uuid = '{requester}';
             INSERT INTO payment_order (order_reference, user_id, event_id, provider, seats, unit_price, base_amount, total_amount, status, paid_at)
               SELECT 'ORD-C1', a.user_id, a.event_id, 'sandbox', 2, 499, 998, 998, 'paid', now() FROM event_attendee a;"
        ))
        .await
        .unwrap();
    let path = format!("/v1/events/{event_id}");
    let response = app
        .call_as(&host, Method::POST, &format!("{path}/cancel"))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(response.body["status"], "cancelled");
    assert_eq!(response.body["going_count"], 0);

    let row = app
        .db
        .query_one(
            "SELECT (SELECT status FROM event_request), (SELECT status FROM capacity_reservation), \
                    (SELECT status FROM event_attendee), (SELECT status FROM payment_order), (SELECT is_active FROM event)",
            &[],
        )
        .await
        .unwrap();
    let statuses: (String, String, String, String, bool) =
        (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
    assert_eq!(
        statuses,
        (
            "cancelled".into(),
            "released".into(),
            "cancelled".into(),
            "refund_pending".into(),
            false
        )
    );
    // The refund goes out when the worker gets the cancel's send_refunds message.
    assert_eq!(app.deliver_refund_messages().await, 1);
    let order: String = app.value("SELECT status FROM payment_order", &[]).await;
    assert_eq!(order, "refunded");
    let payload: Value = app
        .value(
            "SELECT payload FROM outbox_message WHERE queue = 'notification'",
            &[],
        )
        .await;
    assert_eq!(payload["kind"], "event_cancelled");
    assert_eq!(
        payload["recipient_ids"].as_array().unwrap().len(),
        2,
        "the attendee and the requester"
    );
    assert_counters_true(&app).await;

    let again = app
        .call_as(&host, Method::POST, &format!("{path}/cancel"))
        .await;
    again.assert_problem(StatusCode::CONFLICT, "event_cancelled");
    let edit = app
        .send_as(&host, Method::PATCH, &path, &json!({"title": "Back on"}))
        .await;
    edit.assert_problem(StatusCode::CONFLICT, "event_cancelled");
}

#[tokio::test]
async fn an_event_with_guests_cannot_be_unpublished() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    let event_id = published_event(&app, &host, json!({})).await;
    add_attendee_sql(&app, &event_id, "+919800000101", 1).await;
    let response = app
        .call_as(
            &host,
            Method::POST,
            &format!("/v1/events/{event_id}/unpublish"),
        )
        .await;
    response.assert_problem(StatusCode::CONFLICT, "event_has_guests");
}

#[tokio::test]
async fn a_rolled_back_write_leaves_no_outbox_message() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    let event_id = published_event(&app, &host, json!({"capacity": 2})).await;
    add_attendee_sql(&app, &event_id, "+919800000101", 2).await;
    // A date change (which would notify) together with an impossible capacity: all or nothing.
    let new_date = (chrono::Utc::now() + chrono::Duration::days(30))
        .date_naive()
        .to_string();
    let response = app
        .send_as(
            &host,
            Method::PATCH,
            &format!("/v1/events/{event_id}"),
            &json!({"event_date": new_date, "capacity": 1}),
        )
        .await;
    response.assert_problem(StatusCode::CONFLICT, "capacity_below_taken");
    let messages: i64 = app.value("SELECT count(*) FROM outbox_message", &[]).await;
    assert_eq!(messages, 0);
    let date: chrono::NaiveDate = app.value("SELECT event_date FROM event", &[]).await;
    assert_ne!(date.to_string(), new_date);
}

#[tokio::test]
async fn cancelling_a_paid_event_refunds_on_a_pool_of_one_connection() {
    // Lambda instances hold one or two connections: the cancel and its refunds must never
    // need two at once (found by the end-to-end story, where the pool has two).
    let app = crate::helpers::spawn_app_with(|config| config.database.pool_size = 1).await;
    let host = app.login("+919876543210").await;
    let event_id = published_event(
        &app,
        &host,
        json!({"is_paid": true, "ticket_price": "499.00"}),
    )
    .await;
    add_attendee_sql(&app, &event_id, "+919800000101", 1).await;
    app.db
        .batch_execute(
            "INSERT INTO payment_order (order_reference, user_id, event_id, provider, provider_payment_id, seats, \
                                        unit_price, base_amount, total_amount, status, paid_at, attendee_id)
               SELECT 'ORD-P1', a.user_id, a.event_id, 'sandbox', 'pay_sandbox_1', 1, 499, 499, 499, 'paid', now(), a.id
               FROM event_attendee a;",
        )
        .await
        .unwrap();
    app.call_as(
        &host,
        Method::POST,
        &format!("/v1/events/{event_id}/cancel"),
    )
    .await
    .expect_status(StatusCode::OK);
    // The worker sends the refund, on the same pool of one.
    assert_eq!(app.deliver_refund_messages().await, 1);
    let row = app
        .db
        .query_one(
            "SELECT (SELECT status FROM payment_order), (SELECT status FROM payment_refund), \
                    (SELECT provider_refund_id IS NOT NULL FROM payment_refund)",
            &[],
        )
        .await
        .unwrap();
    let (order, refund, sent): (String, String, bool) = (row.get(0), row.get(1), row.get(2));
    assert_eq!(order, "refunded");
    assert_eq!(refund, "processed");
    assert!(sent, "the provider was called");
}
