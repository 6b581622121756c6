//! The reservation-expiry worker: invoked by its SQS queue (one delayed message per seat hold)
//! and by a one-minute schedule. Until the holds feature lands, queue messages are reported
//! failed (kept by SQS, then parked in the DLQ) and the schedule does nothing.

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent, SqsMessage};
use lambda_runtime::LambdaEvent;
use serde_json::Value;
use shared::sqs_batch::process_batch;

/// Handles either an SQS batch (`Records`) or a scheduled sweep (any other payload).
pub async fn handle(event: LambdaEvent<Value>) -> Result<Value, lambda_runtime::Error> {
    if event.payload.get("Records").is_some() {
        let batch: SqsEvent = serde_json::from_value(event.payload)?;
        let response: SqsBatchResponse = process_batch(batch, expire).await;
        Ok(serde_json::to_value(response)?)
    } else {
        tracing::info!("scheduled sweep: nothing to do until seat holds land");
        Ok(Value::Null)
    }
}

async fn expire(message: SqsMessage) -> anyhow::Result<()> {
    anyhow::bail!(
        "hold expiry is not implemented yet (message {})",
        message.message_id.unwrap_or_default()
    )
}
