//! SQS workers are called with built events, without a runtime.

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use lambda_runtime::{Context, LambdaEvent};
use serde_json::json;
use shared::sqs_batch::process_batch;

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
    let failed: Vec<&str> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    assert_eq!(failed, vec!["m2", "m4"]);
}

#[tokio::test]
async fn the_notification_worker_keeps_messages_it_cannot_deliver_yet() {
    let event = LambdaEvent::new(
        batch(vec![message("n1", "{}"), message("n2", "{}")]),
        Context::default(),
    );
    let response = notification_worker::handle(event).await.unwrap();
    let failed: Vec<&str> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    assert_eq!(
        failed,
        vec!["n1", "n2"],
        "undeliverable messages go back to SQS, never dropped"
    );
}

#[tokio::test]
async fn reservation_expiry_takes_sqs_batches_and_scheduled_sweeps() {
    let sqs = serde_json::to_value(batch(vec![message("h1", "{}")])).unwrap();
    let response = reservation_expiry::handle(LambdaEvent::new(sqs, Context::default()))
        .await
        .unwrap();
    assert_eq!(
        response["batchItemFailures"],
        json!([{"itemIdentifier": "h1"}])
    );

    let sweep = json!({"kind": "sweep"});
    let response = reservation_expiry::handle(LambdaEvent::new(sweep, Context::default()))
        .await
        .unwrap();
    assert!(response.is_null());
}
