//! Deleting an account that hosts, co-hosts and attends: the hosted events are cancelled as
//! the host would cancel them (guests told, paid guests refunded in full), the co-host roles
//! end, the user's own seats come free (refunded per the policy, the waitlist moving up), and
//! nothing personal stays on the user's orders.

use http::{Method, StatusCode};
use serde_json::json;

use crate::attendance::{accept, request_join, request_status};
use crate::events::{add_cohost_sql, assert_counters_true, published_event};
use crate::helpers::{spawn_app, TestApp, TestUser};
use crate::payments::{hold, paid_order};

async fn delete_account(app: &TestApp, user: &TestUser) {
    app.call_as(user, Method::DELETE, "/v1/me")
        .await
        .expect_status(StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_host_who_deletes_the_account_cancels_their_events_and_refunds_the_guests() {
    let app = spawn_app().await;
    let held = hold(&app, 5, 1).await;
    paid_order(&app, &held).await;
    // A payment entity stored before personal fields were dropped at the door.
    app.db
        .execute(
            "UPDATE payment_order SET provider_response = provider_response || \
             '{\"payment\": {\"id\": \"pay_X\", \"method\": \"upi\", \"amount\": 60060, \"status\": \"captured\", \
               \"email\": \"host@example.com\", \"contact\": \"+919800000001\", \"vpa\": \"host@upi\"}}'::jsonb",
            &[],
        )
        .await
        .unwrap();

    delete_account(&app, &held.host).await;

    let event = app
        .db
        .query_one("SELECT is_active FROM event", &[])
        .await
        .unwrap();
    assert!(!event.get::<_, bool>(0), "the hosted event is cancelled");
    let order_status: String = app.value("SELECT status FROM payment_order", &[]).await;
    assert_eq!(
        order_status, "refund_pending",
        "the paid guest's order is refunding"
    );
    let notified: i64 = app
        .value(
            "SELECT count(*) FROM outbox_message WHERE payload->>'kind' = 'event_cancelled' \
             AND payload->'recipient_ids' ? $1",
            &[&held.guest.user_id.to_string()],
        )
        .await;
    assert_eq!(notified, 1, "the guest is told");
    assert_eq!(app.deliver_refund_messages().await, 1);
    let refund: (String, String) = app
        .db
        .query_one("SELECT reason, amount::text FROM payment_refund", &[])
        .await
        .map(|row| (row.get(0), row.get(1)))
        .unwrap();
    assert_eq!(refund, ("event_cancelled".into(), "600.60".into()));

    // Nobody can join any more.
    let newcomer = app.quick_user("+919800000009", Some("male")).await;
    let refused = app
        .post_as(
            &newcomer,
            &format!("/v1/events/{}/requests", held.event_id),
            json!({"seats_requested": 1}),
        )
        .await;
    assert!(
        refused.status == StatusCode::CONFLICT || refused.status == StatusCode::NOT_FOUND,
        "{}",
        refused.text
    );
    assert_counters_true(&app).await;
}

#[tokio::test]
async fn a_guest_who_deletes_the_account_frees_their_seats_and_ends_their_roles() {
    let app = spawn_app().await;
    let held = hold(&app, 1, 1).await;
    paid_order(&app, &held).await;
    // The guest also co-hosts another event, and someone waits for the guest's seat.
    let other_host = app.quick_user("+919800000005", Some("female")).await;
    let other_event = published_event(&app, &other_host, json!({})).await;
    add_cohost_sql(&app, &other_event, &held.guest).await;
    let waiting = app.quick_user("+919800000006", Some("male")).await;
    let waiting_request = request_join(&app, &waiting, &held.event_id, 1).await;
    let waiting_request = waiting_request.body["request_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        accept(&app, &held.host, &waiting_request).await.body["status"],
        "waitlisted"
    );
    app.db
        .execute(
            "UPDATE payment_order SET provider_response = provider_response || \
             '{\"payment\": {\"id\": \"pay_Y\", \"email\": \"guest@example.com\", \"contact\": \"+919800000002\"}}'::jsonb",
            &[],
        )
        .await
        .unwrap();

    delete_account(&app, &held.guest).await;

    let row = app
        .db
        .query_one(
            "SELECT (SELECT status FROM event_attendee WHERE user_id = (SELECT id FROM auth_user WHERE uuid = $1)), \
                    (SELECT status FROM payment_order), (SELECT refund_reason FROM payment_order), \
                    (SELECT count(*) FROM event_cohost), (SELECT provider_response::text FROM payment_order)",
            &[&held.guest.user_id],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "cancelled");
    assert_eq!(
        (row.get::<_, String>(1), row.get::<_, Option<String>>(2)),
        ("refund_pending".into(), Some("guest_withdrew".into())),
        "refunded per the policy: withdrawn well before the start"
    );
    assert_eq!(row.get::<_, i64>(3), 0, "the co-host role ended");
    let stored: String = row.get(4);
    assert!(stored.contains("pay_Y"), "{stored}");
    assert!(
        !stored.contains("guest@example.com") && !stored.contains("9800000002"),
        "nothing personal is left on the order: {stored}"
    );
    app.deliver_refund_messages().await;
    let refund: String = app
        .value("SELECT amount::text FROM payment_refund", &[])
        .await;
    assert_eq!(refund, "588.82", "the ticket and its GST; the fee is kept");

    // The freed seat goes to the waitlist once the worker takes the message.
    assert_eq!(app.deliver_expiry_messages("promote_waitlist").await, 1);
    assert_eq!(request_status(&app, &waiting_request).await, "accepted");
    assert_counters_true(&app).await;

    // The deleted account is gone for good.
    let me = app.get_as(&held.guest, "/v1/me").await;
    me.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
}
