//! The notification worker: turns each queue message into inbox rows. A message that cannot be
//! delivered is reported failed, so SQS redelivers it and, after `maxReceiveCount`, parks it in
//! the DLQ; a redelivered message that was already written creates nothing new.

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent, SqsMessage};
use lambda_runtime::LambdaEvent;
use shared::sqs_batch::process_batch;
use shared::{inbox, AppState};

/// Handles one SQS batch; the response names only the failed messages.
pub async fn handle(
    state: &AppState,
    event: LambdaEvent<SqsEvent>,
) -> Result<SqsBatchResponse, lambda_runtime::Error> {
    Ok(process_batch(event.payload, |message| deliver(state, message)).await)
}

async fn deliver(state: &AppState, message: SqsMessage) -> anyhow::Result<()> {
    let body = message.body.as_deref().unwrap_or_default();
    let payload: serde_json::Value = serde_json::from_str(body)?;
    let client = state.pool.get().await?;
    inbox::deliver(&client, state.sms.as_ref(), &payload).await?;
    Ok(())
}
