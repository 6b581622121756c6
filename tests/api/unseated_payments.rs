//! Payments that cannot become a seat: an event cancelled, unpublished or started while the
//! buyer paid, and a second payment captured on an order that is already paid. The money goes
//! back whole, the buyer is told, the audit row says why, and nothing happens twice.

use http::StatusCode;
use serde_json::Value;

use crate::events::assert_counters_true;
use crate::helpers::TestApp;
use crate::payments::{
    captured, counts, hmac_hex, hold, open_order, paid_order, verify, webhook, Held, SANDBOX_SECRET,
};

/// A valid checkout signature for `payment_id` on `provider_order`, as Razorpay would sign it.
fn signed(provider_order: &str, payment_id: &str) -> String {
    hmac_hex(
        SANDBOX_SECRET,
        format!("{provider_order}|{payment_id}").as_bytes(),
    )
}

/// The order's status and refund reason, and the refunds of the order as `reason:status:amount`.
async fn order_and_refunds(app: &TestApp) -> (String, Option<String>, Vec<String>) {
    let order = app
        .db
        .query_one("SELECT status, refund_reason FROM payment_order", &[])
        .await
        .unwrap();
    let refunds = app
        .column(
            "SELECT reason || ':' || status || ':' || amount::text FROM payment_refund ORDER BY id",
            &[],
        )
        .await;
    (order.get(0), order.get(1), refunds)
}

/// The `why` the audit trail gives for the order's unseated payment.
async fn audited_why(app: &TestApp) -> Value {
    app.db
        .query_one(
            "SELECT payload FROM audit_log WHERE object_type = 'payment_order' AND action = 'pay'",
            &[],
        )
        .await
        .unwrap()
        .get::<_, Value>(0)["why"]
        .clone()
}

/// The payment_refunded notices written for the buyer.
async fn refund_notices(app: &TestApp, held: &Held) -> i64 {
    app.value(
        "SELECT count(*) FROM outbox_message WHERE payload->>'kind' = 'payment_refunded' \
             AND payload->'recipient_ids' ? $1",
        &[&held.guest.user_id.to_string()],
    )
    .await
}

#[tokio::test]
async fn paying_for_an_event_the_host_cancelled_refunds_everything_and_seats_nobody() {
    let app = crate::helpers::spawn_app().await;
    let held = hold(&app, 5, 1).await;
    let (order_id, provider_order) = open_order(&app, &held).await;
    app.act_as(&held.host, &format!("/v1/events/{}/cancel", held.event_id))
        .await
        .expect_status(StatusCode::OK);

    // The buyer's checkout completes anyway and the app verifies it.
    let verified = verify(
        &app,
        &held.guest,
        &order_id,
        "pay_LATE1",
        &signed(&provider_order, "pay_LATE1"),
    )
    .await
    .expect_status(StatusCode::OK);
    assert_eq!(verified.body["settled"], "refund_queued");
    assert!(verified.body.get("ticket_code").is_none());
    assert_eq!(counts(&app).await, (0, 0, "refund_pending".into()));
    assert_eq!(audited_why(&app).await, "cancelled");

    app.deliver_refund_messages().await;
    let (status, reason, refunds) = order_and_refunds(&app).await;
    assert_eq!(
        (status.as_str(), reason.as_deref()),
        ("refunded", Some("event_closed"))
    );
    assert_eq!(
        refunds,
        vec!["event_closed:processed:600.60"],
        "ticket, GST, fee and its GST"
    );
    assert_eq!(refund_notices(&app, &held).await, 1, "the buyer is told");
    assert_counters_true(&app).await;
}

#[tokio::test]
async fn a_captured_webhook_for_an_unpublished_event_is_refunded_in_full() {
    let app = crate::helpers::spawn_app().await;
    let held = hold(&app, 5, 1).await;
    let (_, provider_order) = open_order(&app, &held).await;
    // Staff took the event down while the buyer was paying.
    app.db
        .execute("UPDATE event SET is_published = false", &[])
        .await
        .unwrap();
    webhook(&app, "evt_u1", &captured(&provider_order, "pay_U1"), None)
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(counts(&app).await, (0, 0, "refund_pending".into()));
    assert_eq!(audited_why(&app).await, "unpublished");
    let hold_status: String = app
        .value("SELECT status FROM capacity_reservation", &[])
        .await;
    assert_eq!(hold_status, "released", "the hold never became a seat");
    app.deliver_refund_messages().await;
    let (status, _, refunds) = order_and_refunds(&app).await;
    assert_eq!(status, "refunded");
    assert_eq!(refunds, vec!["event_closed:processed:600.60"]);
    assert_counters_true(&app).await;
}

#[tokio::test]
async fn a_payment_after_the_event_started_is_refunded_not_seated() {
    let app = crate::helpers::spawn_app().await;
    let held = hold(&app, 5, 1).await;
    let (_, provider_order) = open_order(&app, &held).await;
    crate::fixtures::start_every_event(&app).await;
    webhook(&app, "evt_s1", &captured(&provider_order, "pay_S1"), None)
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(counts(&app).await, (0, 0, "refund_pending".into()));
    assert_eq!(audited_why(&app).await, "started");
    app.deliver_refund_messages().await;
    let (status, reason, _) = order_and_refunds(&app).await;
    assert_eq!(
        (status.as_str(), reason.as_deref()),
        ("refunded", Some("event_closed"))
    );
}

#[tokio::test]
async fn a_second_captured_payment_on_a_paid_order_is_refunded_once() {
    let app = crate::helpers::spawn_app().await;
    let held = hold(&app, 5, 1).await;
    let order_id = paid_order(&app, &held).await;
    let provider_order: String = app
        .value("SELECT provider_order_id FROM payment_order", &[])
        .await;

    // The buyer paid twice (two tabs): Razorpay captures the second payment too, says so by
    // webhook (twice, under two event ids) and the app verifies it as well.
    for event_id in ["evt_d1", "evt_d2"] {
        webhook(
            &app,
            event_id,
            &captured(&provider_order, "pay_TWICE"),
            None,
        )
        .await
        .expect_status(StatusCode::OK);
    }
    let verified = verify(
        &app,
        &held.guest,
        &order_id,
        "pay_TWICE",
        &signed(&provider_order, "pay_TWICE"),
    )
    .await
    .expect_status(StatusCode::OK);
    assert_eq!(verified.body["settled"], "duplicate_refund_queued");
    assert!(
        verified.body["ticket_code"].is_string(),
        "the order keeps its ticket"
    );

    assert_eq!(app.deliver_refund_messages().await, 3);
    let row = app
        .db
        .query_one(
            "SELECT count(*), min(r.reason), min(r.provider_payment_id), min(r.amount)::text, min(r.status), \
                    min(r.provider_response->>'payment_id'), min(o.status), min(o.amount_refunded)::text \
             FROM payment_refund r JOIN payment_order o ON o.id = r.payment_order_id",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 1, "one refund, whatever the repeats");
    assert_eq!(row.get::<_, String>(1), "duplicate_payment");
    assert_eq!(row.get::<_, String>(2), "pay_TWICE");
    assert_eq!(row.get::<_, String>(3), "600.60");
    assert_eq!(row.get::<_, String>(4), "processed");
    assert_eq!(
        row.get::<_, String>(5),
        "pay_TWICE",
        "the provider refunded the second payment, not the first"
    );
    assert_eq!(
        (row.get::<_, String>(6), row.get::<_, String>(7)),
        ("paid".into(), "0.00".into()),
        "the order stays paid: its own payment is untouched"
    );
    assert_eq!(counts(&app).await, (1, 1, "paid".into()));
    let order = app
        .get_as(&held.guest, &format!("/v1/payments/orders/{order_id}"))
        .await;
    assert_eq!(order.body["status"], "paid");
}
