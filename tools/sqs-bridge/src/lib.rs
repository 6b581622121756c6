//! The local event-source bridge's delivery logic (the binary in `main.rs` runs it in a loop).

pub mod mapping;

use std::time::Duration;

use aws_sdk_sqs::types::DeleteMessageBatchRequestEntry;
use serde_json::{json, Value};

/// Invokes a function through `cargo lambda watch`'s Lambda invoke endpoint.
pub async fn invoke(
    http: &reqwest::Client,
    base: &str,
    function: &str,
    payload: &Value,
) -> anyhow::Result<Value> {
    let response = http
        .post(format!(
            "{base}/2015-03-31/functions/{function}/invocations"
        ))
        .json(payload)
        .timeout(Duration::from_secs(120))
        .send()
        .await?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    anyhow::ensure!(status.is_success(), "{function} answered {status}: {body}");
    Ok(body)
}

/// Receives one batch from `url`, invokes the mapped function with it as an SQS event, and
/// deletes only the messages the function did not report as failed.
pub async fn pump(
    sqs: &aws_sdk_sqs::Client,
    http: &reqwest::Client,
    base: &str,
    url: &str,
    source: &mapping::QueueSource,
) -> anyhow::Result<()> {
    let received = sqs
        .receive_message()
        .queue_url(url)
        .max_number_of_messages(source.batch_size.clamp(1, 10))
        .wait_time_seconds(1)
        .send()
        .await?;
    let messages = received.messages.unwrap_or_default();
    if messages.is_empty() {
        return Ok(());
    }
    let records: Vec<Value> = messages
        .iter()
        .map(|m| {
            json!({
                "messageId": m.message_id, "receiptHandle": m.receipt_handle, "body": m.body,
                "attributes": {}, "messageAttributes": {}, "md5OfBody": m.md5_of_body,
                "eventSource": "aws:sqs", "eventSourceARN": format!("arn:aws:sqs:local:000000000000:{}", source.local_name),
                "awsRegion": "local"
            })
        })
        .collect();
    // A failed invocation fails the whole batch: nothing is deleted, everything comes back.
    let response = invoke(http, base, &source.function, &json!({ "Records": records })).await?;
    let failed: Vec<String> = response["batchItemFailures"]
        .as_array()
        .map(|f| {
            f.iter()
                .filter_map(|i| i["itemIdentifier"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let done: Vec<DeleteMessageBatchRequestEntry> = messages
        .iter()
        .filter(|m| {
            !failed
                .iter()
                .any(|f| Some(f.as_str()) == m.message_id.as_deref())
        })
        .enumerate()
        .filter_map(|(i, m)| {
            DeleteMessageBatchRequestEntry::builder()
                .id(i.to_string())
                .receipt_handle(m.receipt_handle.clone()?)
                .build()
                .ok()
        })
        .collect();
    if !done.is_empty() {
        sqs.delete_message_batch()
            .queue_url(url)
            .set_entries(Some(done))
            .send()
            .await?;
    }
    Ok(())
}
