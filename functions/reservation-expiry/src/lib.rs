//! The reservation-expiry worker: invoked by its SQS queue (one delayed message per seat hold)
//! and by a one-minute schedule that sweeps what the queue missed.

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use lambda_runtime::LambdaEvent;
use serde_json::{json, Value};
use shared::attendance::expiry;
use shared::sqs_batch::process_batch;
use shared::AppState;

/// Handles an SQS batch (`Records`: answers with the failed message ids) or a scheduled sweep.
pub async fn handle(
    state: &AppState,
    event: LambdaEvent<Value>,
) -> Result<Value, lambda_runtime::Error> {
    if event.payload.get("Records").is_some() {
        let batch: SqsEvent = serde_json::from_value(event.payload)?;
        let response = process_batch(batch, |message| expire(state, message)).await;
        Ok(serde_json::to_value(response)?)
    } else {
        let (expired, sent) = expiry::sweep(state)
            .await
            .map_err(|e| lambda_runtime::Error::from(e.to_string()))?;
        tracing::info!(expired, sent, "scheduled sweep");
        Ok(json!({ "holds_expired": expired, "messages_sent": sent }))
    }
}

async fn expire(state: &AppState, message: SqsMessage) -> anyhow::Result<()> {
    let payload: Value = serde_json::from_str(message.body.as_deref().unwrap_or_default())?;
    expiry::on_message(state, &payload)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}
