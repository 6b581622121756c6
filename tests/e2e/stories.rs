//! Whole stories over HTTP on the local stack only: SMS codes read from moto, payments in the
//! sandbox, notifications delivered through the queues, the bridge and the worker.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

use crate::{call, login, unique_phone, Session};

async fn complete_profile(http: &reqwest::Client, session: &Session, name: &str) {
    let (status, body) = call(
        http,
        session,
        Method::PATCH,
        "/v1/me",
        Some(json!({"name": name, "gender": "female", "birth_date": "1994-03-02"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

async fn paid_event(http: &reqwest::Client, host: &Session, title: &str) -> String {
    let date = (chrono::Utc::now() + chrono::Duration::days(7))
        .date_naive()
        .to_string();
    let (status, event) = call(
        http,
        host,
        Method::POST,
        "/v1/events",
        Some(json!({
            "title": title, "mood": "dinner", "venue_text": "Rooftop, Indiranagar",
            "event_date": date, "start_time": "19:30", "capacity": 10, "is_paid": true,
            "ticket_price": "499.00", "allow_plus_one": true,
            "cover_images": ["https://cdn.example.com/dinner.jpg"], "interests": ["music"]
        })),
    )
    .await;
    assert_eq!(status, 201, "{event}");
    assert_eq!(event["status"], "draft");
    let event_id = event["event_id"].as_str().unwrap().to_owned();
    let (status, published) = call(
        http,
        host,
        Method::POST,
        &format!("/v1/events/{event_id}/publish"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{published}");
    assert_eq!(published["status"], "published");
    event_id
}

/// Request `seats`, have the host accept (with an idempotency key), pay in the sandbox and
/// verify; returns the verified order.
async fn join_and_pay(
    http: &reqwest::Client,
    host: &Session,
    guest: &Session,
    event_id: &str,
    seats: i64,
) -> Value {
    let (status, request) = call(
        http,
        guest,
        Method::POST,
        &format!("/v1/events/{event_id}/requests"),
        Some(json!({"seats_requested": seats, "message": "Can't wait"})),
    )
    .await;
    assert_eq!(status, 201, "{request}");
    let accept = http
        .post(format!(
            "{}/v1/requests/{}/accept",
            crate::base_url(),
            request["request_id"].as_str().unwrap()
        ))
        .bearer_auth(&host.token)
        .header("idempotency-key", uuid::Uuid::new_v4().to_string())
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(accept.status(), 200);
    let accepted: Value = accept.json().await.unwrap();
    let hold = &accepted["hold"];
    assert_eq!(hold["status"], "held", "{accepted}");
    assert_eq!(hold["seats"], seats);

    let (status, order) = call(
        http,
        guest,
        Method::POST,
        "/v1/payments/orders",
        Some(json!({"reservation_key": hold["reservation_key"]})),
    )
    .await;
    assert_eq!(status, 201, "{order}");
    // Two seats at 499.00: the base is 998.00, and the total adds the platform fee and its GST.
    assert_eq!(
        order["amounts"]["base_amount"],
        format!("{}.00", 499 * seats)
    );
    let order_id = order["order_id"].as_str().unwrap().to_owned();
    let (status, checkout) = call(
        http,
        guest,
        Method::POST,
        &format!("/v1/payments/sandbox/orders/{order_id}/pay"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{checkout}");
    let (status, paid) = call(
        http,
        guest,
        Method::POST,
        &format!("/v1/payments/orders/{order_id}/verify"),
        Some(json!({
            "provider_payment_id": checkout["razorpay_payment_id"],
            "provider_signature": checkout["razorpay_signature"],
        })),
    )
    .await;
    assert_eq!(status, 200, "{paid}");
    assert_eq!(paid["status"], "paid");
    paid
}

/// Polls the inbox until a notification of `kind` arrives (the queue and worker are async).
async fn wait_for_notification(http: &reqwest::Client, session: &Session, kind: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, inbox) = call(http, session, Method::GET, "/v1/me/notifications", None).await;
        if inbox["items"]
            .as_array()
            .is_some_and(|items| items.iter().any(|n| n["type"] == kind))
        {
            return;
        }
        assert!(Instant::now() < deadline, "no {kind} notification: {inbox}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test]
#[ignore = "needs the local stack; `make test` starts it and runs this"]
async fn a_paid_guest_with_a_plus_one_gets_in_once_and_a_cancelled_event_refunds() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let host = login(&http, &unique_phone()).await;
    let guest = login(&http, &unique_phone()).await;
    complete_profile(&http, &host, "Host").await;
    complete_profile(&http, &guest, "Guest").await;
    // Every function answers once before the 6-second holds start, so none compiles mid-story.
    for path in ["/v1/me/orders", "/v1/me/tickets", "/v1/me/events"] {
        let (status, body) = call(&http, &guest, Method::GET, path, None).await;
        assert_eq!(status, 200, "{path}: {body}");
    }

    let event_id = paid_event(&http, &host, "Supper club").await;
    let paid = join_and_pay(&http, &host, &guest, &event_id, 2).await;
    let attendee_id = paid["attendee_id"].as_str().unwrap().to_owned();

    // Both sides hear about it, through the notification queue and worker.
    wait_for_notification(&http, &host, "request_received").await;
    wait_for_notification(&http, &guest, "request_accepted").await;

    let (status, ticket) = call(
        &http,
        &guest,
        Method::GET,
        &format!("/v1/tickets/{attendee_id}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{ticket}");
    assert_eq!(ticket["seats"], 2);
    let code = ticket["ticket_code"].as_str().unwrap();
    let (status, _) = call(
        &http,
        &host,
        Method::GET,
        &format!("/v1/tickets/{attendee_id}"),
        None,
    )
    .await;
    assert_eq!(status, 404, "only the attendee sees the code");

    let scan = json!({ "ticket_code": code });
    let path = format!("/v1/events/{event_id}/check-ins");
    let (status, checked_in) = call(&http, &host, Method::POST, &path, Some(scan.clone())).await;
    assert_eq!(status, 200, "{checked_in}");
    assert_eq!(checked_in["status"], "checked_in");
    let (status, again) = call(&http, &host, Method::POST, &path, Some(scan)).await;
    assert_eq!(status, 409, "{again}");
    assert_eq!(again["code"], "already_checked_in");

    // A second event, paid for and then cancelled by the host: the guest is refunded.
    let second = paid_event(&http, &host, "Sunday brunch").await;
    let order = join_and_pay(&http, &host, &guest, &second, 1).await;
    let (status, cancelled) = call(
        &http,
        &host,
        Method::POST,
        &format!("/v1/events/{second}/cancel"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{cancelled}");
    let order_path = format!(
        "/v1/payments/orders/{}",
        order["order_id"].as_str().unwrap()
    );
    // The reservation-expiry worker sends the refund when the cancel's message reaches it.
    let deadline = Instant::now() + Duration::from_secs(60);
    let refunded = loop {
        let (status, order) = call(&http, &guest, Method::GET, &order_path, None).await;
        assert_eq!(status, 200, "{order}");
        if order["status"] == "refunded" {
            break order;
        }
        assert!(
            Instant::now() < deadline,
            "the order was never refunded: {order}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(
        refunded["amounts"]["amount_refunded"],
        refunded["amounts"]["total_amount"]
    );
    wait_for_notification(&http, &guest, "event_cancelled").await;
}
