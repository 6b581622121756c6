//! Duplicates and disorder: SQS is at-least-once and unordered, Razorpay retries webhooks and
//! sends them in any order, and a guest's verify call can race the webhook. Every message kind
//! is delivered three times, shuffled, in concurrent batches; every webhook kind three times in
//! reverse order; verify races the webhook. Each must have exactly one effect.

use std::sync::Arc;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use http::StatusCode;
use lambda_runtime::{Context, LambdaEvent};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde_json::{json, Value};

use crate::attendance::join_accepted;
use crate::events::{assert_counters_true, published_event};
use crate::helpers::{spawn_app, TestApp};
use crate::payments::{
    captured, counts, hmac_hex, hold, open_order, paid_order, verify, webhook, SANDBOX_SECRET,
};

/// Every notification kind the inbox knows (shared::notifications::inbox::wording).
const NOTIFICATION_KINDS: &[&str] = &[
    "request_received",
    "request_accepted",
    "request_declined",
    "request_waitlisted",
    "request_promoted",
    "invite_received",
    "hold_created",
    "hold_expired",
    "payment_succeeded",
    "payment_refunded",
    "event_changed",
    "event_cancelled",
    "event_reminder",
];

fn sqs_message(id: String, body: String) -> SqsMessage {
    let mut message = SqsMessage::default();
    message.message_id = Some(id);
    message.body = Some(body);
    message
}

/// Each message three times (each delivery its own SQS message id), shuffled with a fixed
/// seed, cut into batches of 10 as an event source mapping would.
fn three_times_shuffled(bodies: &[String], seed: u64) -> Vec<SqsEvent> {
    let mut deliveries: Vec<SqsMessage> = (0..3)
        .flat_map(|copy| {
            bodies
                .iter()
                .enumerate()
                .map(move |(n, body)| sqs_message(format!("m{n}-copy{copy}"), body.clone()))
        })
        .collect();
    deliveries.shuffle(&mut StdRng::seed_from_u64(seed));
    deliveries
        .chunks(10)
        .map(|chunk| {
            let mut batch = SqsEvent::default();
            batch.records = chunk.to_vec();
            batch
        })
        .collect()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.value(sql, &[]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_notification_kind_three_times_shuffled_is_written_and_texted_once() {
    let app = Arc::new(spawn_app().await);
    let host = app.host().await;
    let guests = [
        app.quick_user("+919800000002", Some("male")).await,
        app.quick_user("+919800000003", Some("female")).await,
    ];
    let event_id = published_event(&app, &host, json!({})).await;
    let bodies: Vec<String> = NOTIFICATION_KINDS
        .iter()
        .map(|kind| {
            json!({
                "kind": kind,
                "event_id": event_id,
                "sender_id": host.user_id,
                "recipient_ids": [guests[0].user_id, guests[1].user_id],
                "message_id": uuid::Uuid::new_v4(),
                "pay_within_minutes": 15,
            })
            .to_string()
        })
        .collect();

    // Concurrent batches, as several worker instances would take them.
    let mut workers = Vec::new();
    for batch in three_times_shuffled(&bodies, 11) {
        let app = app.clone();
        workers.push(tokio::spawn(async move {
            notification_worker::handle(&app.state, LambdaEvent::new(batch, Context::default()))
                .await
                .unwrap()
        }));
    }
    for worker in workers {
        let response = worker.await.unwrap();
        assert!(
            response.batch_item_failures.is_empty(),
            "a duplicate is a success, not a failure: {:?}",
            response.batch_item_failures
        );
    }

    let expected = (NOTIFICATION_KINDS.len() * guests.len()) as i64;
    assert_eq!(
        count(&app, "SELECT count(*) FROM notification").await,
        expected
    );
    for kind in NOTIFICATION_KINDS {
        let rows: i64 = app
            .value(
                "SELECT count(*) FROM notification WHERE notification_type = $1",
                &[kind],
            )
            .await;
        assert_eq!(rows, 2, "{kind}: one row per recipient");
    }
    let sms_kinds = shared::notifications::inbox::SMS_KINDS.len() * guests.len();
    assert_eq!(
        app.sms.count(),
        sms_kinds,
        "each SMS kind texted once per guest"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hold_expiry_messages_three_times_shuffled_expire_each_hold_once() {
    let app = Arc::new(spawn_app().await);
    let host = app.host().await;
    let event_id = published_event(
        &app,
        &host,
        json!({"capacity": 3, "is_paid": true, "ticket_price": "100.00"}),
    )
    .await;
    // Three guests hold the three seats; two more wait.
    for n in 0..5 {
        let guest = app
            .quick_user(&format!("+91980000010{n}"), Some("male"))
            .await;
        join_accepted(&app, &host, &guest, &event_id, 1).await;
    }
    let bodies: Vec<String> = app
        .column(
            "SELECT (payload || jsonb_build_object('message_id', uuid))::text FROM outbox_message \
             WHERE queue = 'reservation_expiry' ORDER BY id",
            &[],
        )
        .await;
    assert_eq!(bodies.len(), 3, "one expiry message per hold");
    app.db
        .execute(
            "UPDATE capacity_reservation SET expires_at = now() - interval '1 second'",
            &[],
        )
        .await
        .unwrap();

    let mut workers = Vec::new();
    for batch in three_times_shuffled(&bodies, 12) {
        let app = app.clone();
        let batch = serde_json::to_value(batch).unwrap();
        workers.push(tokio::spawn(async move {
            reservation_expiry::handle(&app.state, LambdaEvent::new(batch, Context::default()))
                .await
                .unwrap()
        }));
    }
    // The one-minute sweep runs three times alongside.
    for _ in 0..3 {
        let app = app.clone();
        workers.push(tokio::spawn(async move {
            reservation_expiry::handle(&app.state, LambdaEvent::new(json!({}), Context::default()))
                .await
                .unwrap()
        }));
    }
    for worker in workers {
        let response = worker.await.unwrap();
        assert_eq!(
            response
                .get("batchItemFailures")
                .cloned()
                .unwrap_or(json!([])),
            json!([])
        );
    }

    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM capacity_reservation WHERE status = 'expired'"
        )
        .await,
        3,
        "each of the three holds expired once"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'expire'"
        )
        .await,
        3
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM outbox_message WHERE payload->>'kind' = 'hold_expired'"
        )
        .await,
        3,
        "one 'hold expired' notice per hold"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM capacity_reservation WHERE status = 'held'"
        )
        .await,
        2,
        "the two waiting guests were promoted once each"
    );
    assert_counters_true(&app).await;
}

#[tokio::test]
async fn payment_webhooks_three_times_in_reverse_order_settle_once() {
    let app = spawn_app().await;
    let held = hold(&app, 5, 1).await;
    let (_, provider_order) = open_order(&app, &held).await;
    // What happened: a first attempt failed, a second was captured, the order was paid.
    let failed = json!({"event": "payment.failed", "payload": {"payment": {"entity": {"id": "pay_A", "order_id": provider_order, "status": "failed"}}}});
    let paid = json!({"event": "order.paid", "payload": {"order": {"entity": {"id": provider_order}}, "payment": {"entity": {"id": "pay_B", "order_id": provider_order}}}});
    let in_order: [(&str, Value); 3] = [
        ("evt_1", failed),
        ("evt_2", captured(&provider_order, "pay_B")),
        ("evt_3", paid),
    ];
    // Delivered newest first, each three times.
    for (event_id, body) in in_order.iter().rev() {
        for _ in 0..3 {
            assert_eq!(
                webhook(&app, event_id, body, None).await.status,
                StatusCode::OK
            );
        }
    }
    assert_eq!(
        counts(&app).await,
        (1, 1, "paid".into()),
        "a late 'failed' for an earlier attempt never undoes the capture"
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM payment_webhook_event").await,
        3
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM outbox_message WHERE payload->>'kind' = 'payment_succeeded'"
        )
        .await,
        1
    );
    assert_counters_true(&app).await;
}

#[tokio::test]
async fn refund_webhooks_three_times_change_the_refund_once() {
    let app = spawn_app().await;
    let held = hold(&app, 5, 1).await;
    let order_id = paid_order(&app, &held).await;
    app.post_as(
        &held.host,
        &format!("/v1/payments/orders/{order_id}/refund"),
        json!({"amount": "100.00"}),
    )
    .await
    .expect_status(StatusCode::OK);
    assert_eq!(app.deliver_refund_messages().await, 1);
    // Razorpay answered "pending" at first (the sandbox answers "processed" at once).
    let provider_refund: String = app
        .value(
            "UPDATE payment_refund SET status = 'pending' RETURNING provider_refund_id",
            &[],
        )
        .await;
    let refunded_before: String = app
        .value("SELECT amount_refunded::text FROM payment_order", &[])
        .await;
    assert_eq!(refunded_before, "100.00");
    let failed = json!({"event": "refund.failed", "payload": {"refund": {"entity": {"id": provider_refund, "status": "failed"}}}});
    for _ in 0..3 {
        assert_eq!(
            webhook(&app, "evt_r1", &failed, None).await.status,
            StatusCode::OK
        );
    }
    // Redelivered under new event ids too: the refund's own status guards the money.
    for n in 0..3 {
        assert_eq!(
            webhook(&app, &format!("evt_r1_again{n}"), &failed, None)
                .await
                .status,
            StatusCode::OK
        );
    }
    let row: (String, String, String) = app.row("SELECT (SELECT status FROM payment_refund), (SELECT amount_refunded::text FROM payment_order), \
                    (SELECT status FROM payment_order)",
            &[]).await;
    assert_eq!(
        row,
        (
            "failed".into(),
            "100.00".into(),
            "partially_refunded".into()
        ),
        "the refund failed once; the 100.00 stays owed to the buyer (staff settle it)"
    );
    let audited: i64 = app.value("SELECT count(*) FROM audit_log WHERE object_type = 'payment_refund' AND action = 'refund_failed'",
            &[]).await;
    assert_eq!(audited, 1, "one state change, one audit row");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn verify_racing_the_webhook_gives_one_ticket_each_time() {
    let app = Arc::new(spawn_app().await);
    let held = hold(&app, 50, 1).await;
    let (order_id, provider_order) = open_order(&app, &held).await;
    let payment_id = "pay_RACE00000001";
    let signature = hmac_hex(
        SANDBOX_SECRET,
        format!("{provider_order}|{payment_id}").as_bytes(),
    );
    let body = captured(&provider_order, payment_id);
    let (a, b, c, d) = tokio::join!(
        verify(&app, &held.guest, &order_id, payment_id, &signature),
        webhook(&app, "evt_race_1", &body, None),
        verify(&app, &held.guest, &order_id, payment_id, &signature),
        webhook(&app, "evt_race_2", &body, None),
    );
    for response in [&a, &b, &c, &d] {
        assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    }
    assert_eq!(counts(&app).await, (1, 1, "paid".into()));
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM outbox_message WHERE payload->>'kind' = 'payment_succeeded'"
        )
        .await,
        1,
        "one 'payment received' notice"
    );
    assert_counters_true(&app).await;
}
