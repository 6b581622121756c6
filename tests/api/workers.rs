//! The SQS workers, called with built events and no runtime: notification delivery, hold expiry
//! and the scheduled sweep; plus the inbox as its owner reads it.

use std::sync::Arc;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use http::StatusCode;
use lambda_runtime::{Context, LambdaEvent};
use serde_json::{json, Value};
use shared::app::worker::process_batch;

use crate::attendance::{accept, join_accepted, request_join};
use crate::events::{assert_counters_true, published_event};
use crate::fixtures::{party, Party};
use crate::helpers::spawn_app;

fn message(id: &str, body: &str) -> SqsMessage {
    let mut message = SqsMessage::default();
    message.message_id = Some(id.to_owned());
    message.body = Some(body.to_owned());
    message
}

fn batch(messages: Vec<SqsMessage>) -> SqsEvent {
    let mut event = SqsEvent::default();
    event.records = messages;
    event
}

fn failed_ids(response: &aws_lambda_events::event::sqs::SqsBatchResponse) -> Vec<&str> {
    response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect()
}

#[tokio::test]
async fn a_batch_reports_exactly_the_failed_message_ids() {
    let event = batch(vec![
        message("m1", "ok"),
        message("m2", "fail"),
        message("m3", "ok"),
        message("m4", "fail"),
    ]);
    let response = process_batch(event, |m| async move {
        if m.body.as_deref() == Some("fail") {
            anyhow::bail!("cannot process")
        }
        Ok(())
    })
    .await;
    assert_eq!(failed_ids(&response), vec!["m2", "m4"]);
}

/// The outbox messages a scenario queued, as the workers would receive them.
async fn queued(app: &crate::helpers::TestApp, queue: &str) -> Vec<(String, String)> {
    app.db
        .query(
            "SELECT uuid::text, (payload || jsonb_build_object('message_id', uuid))::text FROM outbox_message WHERE queue = $1 ORDER BY id",
            &[&queue],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[tokio::test]
async fn notifications_are_written_once_per_message_and_bad_messages_fail_alone() {
    let Party {
        app,
        host,
        guests: [guest],
        event_id,
    } = party(json!({})).await;
    request_join(&app, &guest, &event_id, 1).await;
    let messages = queued(&app, "notification").await;
    assert_eq!(messages.len(), 1, "request_received for the host");
    let (id, body) = &messages[0];
    // Delivered three times (SQS is at-least-once), next to a broken message.
    let event = batch(vec![
        message(id, body),
        message("broken", "{not json"),
        message(id, body),
        message("odd", r#"{"kind":"mystery","message_id":"x"}"#),
        message(id, body),
    ]);
    let response =
        notification_worker::handle(&app.state, LambdaEvent::new(event, Context::default()))
            .await
            .unwrap();
    assert_eq!(failed_ids(&response), vec!["broken", "odd"]);
    let rows = app
        .db
        .query("SELECT u.uuid, n.notification_type, n.title FROM notification n JOIN auth_user u ON u.id = n.recipient_id", &[])
        .await
        .unwrap();
    assert_eq!(
        rows.len(),
        1,
        "one notification however often the message came"
    );
    assert_eq!(rows[0].get::<_, uuid::Uuid>(0), host.user_id);
    assert_eq!(rows[0].get::<_, String>(1), "request_received");

    let inbox = app
        .get_as(&host, "/v1/me/notifications")
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(inbox.body["unread_count"], 1);
    assert_eq!(inbox.body["items"][0]["type"], "request_received");
    assert_eq!(
        inbox.body["items"][0]["sender"]["user_id"],
        guest.user_id.to_string()
    );
    let notification = inbox.body["items"][0]["notification_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let others = app.get_as(&guest, "/v1/me/notifications").await;
    assert_eq!(
        others.body["items"],
        json!([]),
        "a user sees only their own"
    );
    app.act_as(&guest, &format!("/v1/me/notifications/{notification}/read"))
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
    let read = app
        .act_as(&host, &format!("/v1/me/notifications/{notification}/read"))
        .await;
    assert_eq!(read.status, StatusCode::NO_CONTENT);
    let unread = app.get_as(&host, "/v1/me/notifications?unread=true").await;
    assert_eq!(unread.body["items"], json!([]));
    assert_eq!(unread.body["unread_count"], 0);
    assert_eq!(
        app.act_as(&host, "/v1/me/notifications/read-all")
            .await
            .status,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn hold_expiry_releases_once_promotes_the_waitlist_and_ignores_consumed_holds() {
    let Party {
        app,
        host,
        guests: [a, b],
        event_id,
    } = party(json!({"capacity": 1, "is_paid": true, "ticket_price": "100.00"})).await;
    let ra = request_join(&app, &a, &event_id, 1).await;
    let rb = request_join(&app, &b, &event_id, 1).await;
    accept(&app, &host, ra.body["request_id"].as_str().unwrap()).await;
    assert_eq!(
        accept(&app, &host, rb.body["request_id"].as_str().unwrap())
            .await
            .body["status"],
        "waitlisted"
    );
    let (_, hold_message) = queued(&app, "reservation_expiry").await.remove(0);
    let sqs = |body: &str| serde_json::to_value(batch(vec![message("h1", body)])).unwrap();

    // Too early: nothing expires, the message is re-queued for the rest of the hold.
    let response = reservation_expiry::handle(
        &app.state,
        LambdaEvent::new(sqs(&hold_message), Context::default()),
    )
    .await
    .unwrap();
    assert_eq!(response["batchItemFailures"], json!([]));
    assert_eq!(
        queued(&app, "reservation_expiry").await.len(),
        2,
        "one more delayed message for the rest of A's hold"
    );
    let held: String = app
        .value(
            "SELECT status FROM capacity_reservation ORDER BY id LIMIT 1",
            &[],
        )
        .await;
    assert_eq!(held, "held");

    // Due: the hold expires, the request expires, B is promoted; a second delivery changes nothing.
    app.db.execute("UPDATE capacity_reservation SET expires_at = now(), created_at = now() - interval '1 hour'", &[]).await.unwrap();
    for _ in 0..2 {
        reservation_expiry::handle(
            &app.state,
            LambdaEvent::new(sqs(&hold_message), Context::default()),
        )
        .await
        .unwrap();
    }
    let statuses: Vec<String> = app
        .column("SELECT status FROM capacity_reservation ORDER BY id", &[])
        .await;
    assert_eq!(
        statuses,
        vec!["expired", "held"],
        "A's hold expired once, B now holds the seat"
    );
    let expired: i64 = app
        .value(
            "SELECT count(*) FROM audit_log WHERE action = 'expire'",
            &[],
        )
        .await;
    assert_eq!(expired, 1);
    let kinds: i64 = app
        .value(
            "SELECT count(*) FROM outbox_message WHERE payload->>'kind' = 'hold_expired'",
            &[],
        )
        .await;
    assert_eq!(kinds, 1);

    // A consumed hold: its expiry message does nothing.
    app.db.execute("UPDATE capacity_reservation SET status = 'consumed', consumed_at = now() WHERE status = 'held'", &[]).await.unwrap();
    app.db
        .execute(
            "UPDATE capacity_reservation SET expires_at = now() WHERE status = 'consumed'",
            &[],
        )
        .await
        .unwrap();
    let b_key: uuid::Uuid = app
        .value(
            "SELECT reservation_key FROM capacity_reservation WHERE status = 'consumed'",
            &[],
        )
        .await;
    let (_, b_message) = queued(&app, "reservation_expiry")
        .await
        .into_iter()
        .find(|(_, body)| body.contains(&b_key.to_string()))
        .expect("B's hold has its own expiry message");
    reservation_expiry::handle(
        &app.state,
        LambdaEvent::new(sqs(&b_message), Context::default()),
    )
    .await
    .unwrap();
    let statuses: Vec<String> = app
        .column("SELECT status FROM capacity_reservation ORDER BY id", &[])
        .await;
    assert_eq!(statuses, vec!["expired", "consumed"]);
    assert_counters_true(&app).await;
}

/// A publisher that fails its first call, as SQS might, then sends for real.
struct FlakyPublisher {
    calls: std::sync::atomic::AtomicUsize,
    sent: std::sync::Mutex<Vec<String>>,
}

impl shared::platform::aws::sqs::QueuePublisher for FlakyPublisher {
    fn publish<'a>(
        &'a self,
        _queue_url: &'a str,
        body: &'a str,
        _delay: std::time::Duration,
    ) -> shared::platform::aws::BoxFuture<'a, anyhow::Result<String>> {
        Box::pin(async move {
            if self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                anyhow::bail!("SQS is having a moment");
            }
            self.sent.lock().unwrap().push(body.to_owned());
            Ok("msg".into())
        })
    }
}

#[tokio::test]
async fn the_sweep_republishes_what_failed_and_expires_what_the_queue_missed() {
    let app = spawn_app().await;
    let publisher = Arc::new(FlakyPublisher {
        calls: Default::default(),
        sent: Default::default(),
    });
    let mut config = app.state.config.clone();
    config.queues.notification_queue_url = Some("http://queue/notification".into());
    config.queues.reservation_expiry_queue_url = Some("http://queue/expiry".into());
    let mut state = shared::AppState::from_config(config).unwrap();
    state.queue = publisher.clone();
    let state = Arc::new(state);

    let host = app.host().await;
    let event_id = published_event(
        &app,
        &host,
        json!({"capacity": 2, "is_paid": true, "ticket_price": "100.00"}),
    )
    .await;
    let [guest] = app.guests().await;
    join_accepted(&app, &host, &guest, &event_id, 1).await;
    // The app's own publisher has no queue configured, so nothing was sent after commit; this
    // publisher's first try fails too, and the failure is recorded on the message.
    let unsent = shared::platform::outbox::unsent(&state.pool.get().await.unwrap(), -1.0, 1)
        .await
        .unwrap();
    let attempts = |id: uuid::Uuid| {
        let app = &app;
        async move {
            app.db
                .query_one(
                    "SELECT attempts FROM outbox_message WHERE uuid = $1",
                    &[&id],
                )
                .await
                .unwrap()
                .get::<_, i32>(0)
        }
    };
    let before = attempts(unsent[0].uuid).await;
    let sent = shared::platform::outbox::publish(
        &state.pool,
        state.queue.as_ref(),
        &state.config.queues,
        &unsent,
    )
    .await;
    assert_eq!(sent, 0);
    assert_eq!(attempts(unsent[0].uuid).await, before + 1);

    app.db
        .execute(
            "UPDATE outbox_message SET created_at = now() - interval '5 minutes'",
            &[],
        )
        .await
        .unwrap();
    app.db.execute("UPDATE capacity_reservation SET expires_at = now(), created_at = now() - interval '1 hour'", &[]).await.unwrap();
    let sweep = reservation_expiry::handle(
        &state,
        LambdaEvent::new(json!({"kind": "sweep"}), Context::default()),
    )
    .await
    .unwrap();
    assert_eq!(sweep["holds_expired"], 1);
    let unsent: i64 = app
        .value(
            "SELECT count(*) FROM outbox_message WHERE published_at IS NULL",
            &[],
        )
        .await;
    assert_eq!(unsent, 0, "everything committed was sent in the end");
    let bodies = publisher.sent.lock().unwrap().clone();
    assert!(
        bodies.iter().any(|b| b.contains("hold_expired")),
        "{bodies:?}"
    );
    assert!(bodies
        .iter()
        .all(|b| serde_json::from_str::<Value>(b).unwrap()["message_id"].is_string()));
}

#[tokio::test]
async fn the_pay_now_notice_also_goes_by_sms_once() {
    let Party {
        app,
        host,
        guests: [guest],
        event_id,
    } = party(json!({"is_paid": true, "ticket_price": "100.00"})).await;
    let request = request_join(&app, &guest, &event_id, 1).await;
    accept(&app, &host, request.body["request_id"].as_str().unwrap()).await;
    let messages: Vec<SqsMessage> = queued(&app, "notification")
        .await
        .iter()
        .map(|(id, body)| message(id, body))
        .collect();
    let redelivered: Vec<SqsMessage> = messages.iter().chain(messages.iter()).cloned().collect();
    let response = notification_worker::handle(
        &app.state,
        LambdaEvent::new(batch(redelivered), Context::default()),
    )
    .await
    .unwrap();
    assert!(response.batch_item_failures.is_empty());
    let sent = app.sms.sent.lock().unwrap().clone();
    assert_eq!(
        sent.len(),
        1,
        "only the hold notice goes by SMS, and only once: {sent:?}"
    );
    assert_eq!(sent[0].0, "+919800000002");
    assert!(sent[0].1.contains("pay within 15 minutes"), "{}", sent[0].1);

    // A failing SMS fails the message: no row is kept, so the retry sends it.
    let Party {
        app,
        host,
        guests: [guest],
        event_id,
    } = party(json!({"is_paid": true, "ticket_price": "100.00"})).await;
    join_accepted(&app, &host, &guest, &event_id, 1).await;
    let hold_notice: Vec<SqsMessage> = queued(&app, "notification")
        .await
        .iter()
        .filter(|(_, body)| body.contains("hold_created"))
        .map(|(id, body)| message(id, body))
        .collect();
    app.sms
        .failing
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let response = notification_worker::handle(
        &app.state,
        LambdaEvent::new(batch(hold_notice.clone()), Context::default()),
    )
    .await
    .unwrap();
    assert_eq!(response.batch_item_failures.len(), 1);
    app.sms
        .failing
        .store(false, std::sync::atomic::Ordering::SeqCst);
    let response = notification_worker::handle(
        &app.state,
        LambdaEvent::new(batch(hold_notice), Context::default()),
    )
    .await
    .unwrap();
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(app.sms.count(), 1);
    let rows: i64 = app
        .value(
            "SELECT count(*) FROM notification WHERE notification_type = 'hold_created'",
            &[],
        )
        .await;
    assert_eq!(rows, 1);
}

#[tokio::test]
async fn reminders_go_out_24_hours_and_2_hours_before_once_each() {
    let Party {
        app,
        host,
        guests: [guest],
        event_id,
    } = party(json!({})).await;
    join_accepted(&app, &host, &guest, &event_id, 1).await;
    let reminders = || async {
        app.db
            .query("SELECT payload->>'before' FROM outbox_message WHERE payload->>'kind' = 'event_reminder' ORDER BY id", &[])
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect::<Vec<_>>()
    };
    shared::attendance::expiry::queue_reminders(&app.state)
        .await
        .unwrap();
    assert!(reminders().await.is_empty(), "ten days out: nothing yet");
    let move_to = |hours: i64| {
        let app = &app;
        async move {
            app.db
                .execute(
                    "UPDATE event SET timezone = 'UTC', event_date = (now() + make_interval(hours => $1::int))::date, \
                            start_time = (now() + make_interval(hours => $1::int))::time",
                    &[&(hours as i32)],
                )
                .await
                .unwrap();
        }
    };
    move_to(20).await;
    for _ in 0..2 {
        shared::attendance::expiry::queue_reminders(&app.state)
            .await
            .unwrap();
    }
    assert_eq!(reminders().await, vec!["24h"]);
    move_to(1).await;
    for _ in 0..2 {
        shared::attendance::expiry::queue_reminders(&app.state)
            .await
            .unwrap();
    }
    assert_eq!(reminders().await, vec!["24h", "2h"]);
}
