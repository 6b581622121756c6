//! Retention: the one-minute sweep deletes idempotency keys after 24 hours, webhook deliveries
//! after 30 days, sent outbox messages after 7 days, login codes after 24 hours and failed
//! verifications after 7 days, a bounded batch at a time, and keeps everything younger (and
//! every message not sent yet).

use crate::helpers::{spawn_app, TestApp};

/// Rows of each kind, one past its retention and one within it (ages in hours).
async fn seed_rows(app: &TestApp) {
    app.quick_user("+919800000001", None).await;
    app.db
        .batch_execute(
            "INSERT INTO idempotency_key (user_id, idempotency_key, route, request_hash, created_at) \
               SELECT (SELECT min(id) FROM auth_user), k, 'POST /v1/payments/orders', '\\x00', now() - a * interval '1 hour' \
               FROM (VALUES ('old-key', 25), ('young-key', 23)) v(k, a); \
             INSERT INTO payment_webhook_event (provider, event_id, event_type, payload, created_at) \
               SELECT 'razorpay', e, 'payment.captured', '{}', now() - a * interval '1 hour' \
               FROM (VALUES ('evt_old', 31 * 24), ('evt_young', 29 * 24)) v(e, a); \
             INSERT INTO outbox_message (queue, payload, published_at, created_at) \
               SELECT 'notification', jsonb_build_object('name', n), \
                      CASE WHEN sent THEN now() - a * interval '1 hour' END, now() - a * interval '1 hour' \
               FROM (VALUES ('sent_old', true, 8 * 24), ('sent_young', true, 6 * 24), ('unsent_old', false, 8 * 24)) v(n, sent, a); \
             INSERT INTO user_phone_otp (phone_number, otp_hash, otp_salt, expires_at, country_code, created_at) \
               SELECT n, 'h', 's', now() - a * interval '1 hour' + interval '5 minutes', 91, now() - a * interval '1 hour' \
               FROM (VALUES ('+919800000011', 25), ('+919800000012', 23)) v(n, a); \
             INSERT INTO otp_verify_failure (phone_number, created_at) \
               SELECT n, now() - a * interval '1 day' FROM (VALUES ('+919800000021', 8), ('+919800000022', 6)) v(n, a);",
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn the_sweep_deletes_rows_past_their_retention_and_keeps_the_rest() {
    let app = spawn_app().await;
    seed_rows(&app).await;

    app.sweep().await;

    assert_eq!(
        app.strings("SELECT idempotency_key FROM idempotency_key")
            .await,
        vec!["young-key"]
    );
    assert_eq!(
        app.strings("SELECT event_id FROM payment_webhook_event")
            .await,
        vec!["evt_young"]
    );
    assert_eq!(
        app.strings(
            "SELECT payload->>'name' FROM outbox_message WHERE payload ? 'name' ORDER BY 1"
        )
        .await,
        vec!["sent_young", "unsent_old"],
        "a message not sent yet is never purged"
    );
    assert_eq!(
        app.strings("SELECT phone_number FROM user_phone_otp").await,
        vec!["+919800000012"]
    );
    assert_eq!(
        app.strings("SELECT phone_number FROM otp_verify_failure")
            .await,
        vec!["+919800000022"]
    );
}

#[tokio::test]
async fn a_backlog_is_purged_a_bounded_batch_per_sweep() {
    let app = spawn_app().await;
    let backlog = shared::retention::BATCH + 5;
    app.db
        .execute(
            "INSERT INTO payment_webhook_event (provider, event_id, event_type, payload, created_at) \
             SELECT 'razorpay', 'evt_' || g, 'payment.captured', '{}', now() - interval '40 days' \
             FROM generate_series(1, $1::bigint) g",
            &[&backlog],
        )
        .await
        .unwrap();
    let client = app.state.pool.get().await.unwrap();

    let first = shared::retention::purge(&client).await.unwrap();
    let second = shared::retention::purge(&client).await.unwrap();
    let third = shared::retention::purge(&client).await.unwrap();

    assert_eq!(
        [
            first.webhook_events,
            second.webhook_events,
            third.webhook_events
        ],
        [shared::retention::BATCH as u64, 5, 0]
    );
}
