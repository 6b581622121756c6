//! The notification worker: consumes the notification queue in batches. Until the
//! notifications feature lands every message is reported failed, so SQS keeps it (and
//! eventually parks it in the DLQ) instead of it being lost.

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent, SqsMessage};
use lambda_runtime::LambdaEvent;
use shared::sqs_batch::process_batch;

/// Handles one SQS batch; the response names only the failed messages.
pub async fn handle(
    event: LambdaEvent<SqsEvent>,
) -> Result<SqsBatchResponse, lambda_runtime::Error> {
    Ok(process_batch(event.payload, deliver).await)
}

async fn deliver(message: SqsMessage) -> anyhow::Result<()> {
    anyhow::bail!(
        "notification delivery is not implemented yet (message {})",
        message.message_id.unwrap_or_default()
    )
}
