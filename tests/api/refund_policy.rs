//! The fee policy and refunds that fail: what each way of leaving gives back (and what the
//! attendee row says was kept), retries with backoff that never hold up another refund, the
//! last try marking a refund failed for staff, and a provider's `refund.failed` that never
//! puts a cancelled attendance's order back to `paid`. Every refund state change is audited.

use http::StatusCode;
use serde_json::json;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::helpers::{spawn_app, TestApp};
use crate::payments::razorpay_stub::razorpay_app;
use crate::payments::{hold, paid_order, webhook, Held};
use shared::payments::refunds::process_pending;

/// The paid attendee's id (the only one).
async fn attendee_id(app: &TestApp) -> String {
    app.value("SELECT uuid::text FROM event_attendee", &[])
        .await
}

/// (order status, refund amounts as text, the attendee's price_paid and platform_fee).
async fn money(app: &TestApp) -> (String, Vec<String>, String, String) {
    let row = app
        .db
        .query_one(
            "SELECT o.status, ARRAY(SELECT amount::text FROM payment_refund ORDER BY id), \
                    a.price_paid::text, a.platform_fee::text \
             FROM payment_order o JOIN event_attendee a ON a.id = o.attendee_id",
            &[],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1), row.get(2), row.get(3))
}

async fn refund_audit_actions(app: &TestApp) -> Vec<String> {
    app.strings("SELECT action FROM audit_log WHERE object_type = 'payment_refund' ORDER BY id")
        .await
}

async fn paid(app: &TestApp) -> Held {
    let held = hold(app, 5, 1).await;
    paid_order(app, &held).await;
    held
}

#[tokio::test]
async fn a_guest_who_withdraws_in_time_gets_the_ticket_and_gst_back_and_the_fee_is_kept() {
    let app = spawn_app().await;
    let held = paid(&app).await;
    assert_eq!(
        money(&app).await,
        ("paid".into(), vec![], "588.82".into(), "11.78".into()),
        "what was paid: ticket and GST, platform fee and its GST"
    );
    let attendee = attendee_id(&app).await;
    app.act_as(&held.guest, &format!("/v1/attendees/{attendee}/cancel"))
        .await
        .expect_status(StatusCode::OK);
    app.deliver_refund_messages().await;
    assert_eq!(
        money(&app).await,
        (
            "partially_refunded".into(),
            vec!["588.82".into()],
            "0.00".into(),
            "11.78".into()
        ),
        "the platform keeps its fee; the attendee row says so"
    );
    assert_eq!(refund_audit_actions(&app).await, vec!["refund_sent"]);
}

#[tokio::test]
async fn the_host_cancelling_gives_everything_back() {
    let app = spawn_app().await;
    let held = paid(&app).await;
    app.act_as(&held.host, &format!("/v1/events/{}/cancel", held.event_id))
        .await
        .expect_status(StatusCode::OK);
    app.deliver_refund_messages().await;
    assert_eq!(
        money(&app).await,
        (
            "refunded".into(),
            vec!["600.60".into()],
            "0.00".into(),
            "0.00".into()
        )
    );
}

#[tokio::test]
async fn a_failing_refund_backs_off_and_never_holds_up_the_others() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path_regex(r"^/v1/payments/pay_bad_\d+/refund$"))
        .respond_with(
            ResponseTemplate::new(502).set_body_json(json!({"error": {"description": "gateway"}})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/payments/pay_good/refund"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "rfnd_GOOD", "status": "processed"})),
        )
        .mount(&server)
        .await;
    let app = razorpay_app(&server).await;
    let host = app.host().await;
    crate::events::published_event(
        &app,
        &host,
        json!({"is_paid": true, "ticket_price": "100.00"}),
    )
    .await;
    // 100 refunds that keep failing, opened first, and one good one opened last.
    app.db
        .batch_execute(
            "WITH orders AS ( \
                 INSERT INTO payment_order (order_reference, user_id, event_id, provider, seats, unit_price, base_amount, \
                                            total_amount, status, paid_at, provider_payment_id, amount_refunded) \
                 SELECT 'ORD-' || g, (SELECT id FROM auth_user), (SELECT id FROM event), 'razorpay', 1, 100, 100, 100, \
                        'refunded', now(), CASE WHEN g <= 100 THEN 'pay_bad_' || g ELSE 'pay_good' END, 100 \
                 FROM generate_series(1, 101) g RETURNING id, order_reference) \
             INSERT INTO payment_refund (payment_order_id, amount, reason, idempotency_key) \
             SELECT id, 100, 'host', order_reference || '-R1' FROM orders ORDER BY id",
        )
        .await
        .unwrap();

    process_pending(&app.state).await.unwrap();
    process_pending(&app.state).await.unwrap();

    let good: String = app
        .value(
            "SELECT status FROM payment_refund WHERE idempotency_key = 'ORD-101-R1'",
            &[],
        )
        .await;
    assert_eq!(
        good, "processed",
        "the good refund went out past the failing ones"
    );
    let calls = server.received_requests().await.unwrap();
    assert_eq!(
        calls.len(),
        101,
        "each failing refund was tried once, then waited for its backoff"
    );
    let waiting = app
        .db
        .query_one(
            "SELECT count(*), min(attempts), max(attempts), bool_and(next_attempt_at > now() + interval '50 seconds'), \
                    bool_and(last_error IS NOT NULL) \
             FROM payment_refund WHERE status = 'pending'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(waiting.get::<_, i64>(0), 100);
    assert_eq!((waiting.get::<_, i16>(1), waiting.get::<_, i16>(2)), (1, 1));
    assert!(waiting.get::<_, bool>(3) && waiting.get::<_, bool>(4));

    // The last try: each failing refund is marked failed for staff, and audited.
    app.db
        .execute(
            "UPDATE payment_refund SET attempts = $1::smallint - 1, next_attempt_at = now() WHERE status = 'pending'",
            &[&shared::payments::policy::MAX_REFUND_ATTEMPTS],
        )
        .await
        .unwrap();
    process_pending(&app.state).await.unwrap();
    let failed: i64 = app
        .value(
            "SELECT count(*) FROM payment_refund WHERE status = 'failed'",
            &[],
        )
        .await;
    assert_eq!(failed, 100);
    let actions = refund_audit_actions(&app).await;
    assert_eq!(actions.iter().filter(|a| *a == "refund_retry").count(), 100);
    assert_eq!(
        actions.iter().filter(|a| *a == "refund_failed").count(),
        100
    );
    assert_eq!(actions.iter().filter(|a| *a == "refund_sent").count(), 1);
    // A failed refund is not sent again by the sweep.
    process_pending(&app.state).await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 201);
}

#[tokio::test]
async fn a_failed_refund_of_a_cancelled_attendance_never_puts_the_order_back_to_paid() {
    let app = spawn_app().await;
    let held = paid(&app).await;
    let attendee = attendee_id(&app).await;
    app.act_as(&held.host, &format!("/v1/attendees/{attendee}/cancel"))
        .await;
    app.deliver_refund_messages().await;
    // Razorpay answered "pending" at first, then reports the refund failed.
    let provider_refund: String = app
        .value(
            "UPDATE payment_refund SET status = 'pending' RETURNING provider_refund_id",
            &[],
        )
        .await;
    let failed = json!({"event": "refund.failed", "payload": {"refund": {"entity": {"id": provider_refund, "status": "failed"}}}});
    assert_eq!(
        webhook(&app, "evt_rf", &failed, None).await.status,
        StatusCode::OK
    );
    let row: (String, String, String, String) = app
        .row(
            "SELECT o.status, o.amount_refunded::text, r.status, a.status \
             FROM payment_order o JOIN payment_refund r ON r.payment_order_id = o.id \
             JOIN event_attendee a ON a.id = o.attendee_id",
            &[],
        )
        .await;
    assert_eq!(
        row,
        (
            "refunded".into(),
            "600.60".into(),
            "failed".into(),
            "cancelled".into()
        ),
        "the money is still owed to the buyer: the failed refund waits for staff"
    );
    assert_eq!(
        refund_audit_actions(&app).await,
        vec!["refund_sent", "refund_failed"]
    );
}
