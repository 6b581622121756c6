//! The notification worker: turns each queue message into inbox rows (and an SMS for the kinds
//! that send one). A message that cannot be delivered is reported failed, so SQS redelivers it
//! and, after `maxReceiveCount`, parks it in the DLQ; a redelivered message that was already
//! written creates nothing new.

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use lambda_runtime::LambdaEvent;
use serde_json::Value;
use shared::app::worker::{handle_batch, Worker};
use shared::notifications::inbox;
use shared::AppState;

/// The notification queue's worker.
pub struct Notifications;

impl Worker for Notifications {
    async fn on_message(&self, state: &AppState, body: Value) -> anyhow::Result<()> {
        let client = state.pool.get().await?;
        inbox::deliver(&client, state.sms.as_ref(), &body).await?;
        Ok(())
    }
}

/// Handles one SQS batch; the response names only the failed messages.
pub async fn handle(
    state: &AppState,
    event: LambdaEvent<SqsEvent>,
) -> Result<SqsBatchResponse, lambda_runtime::Error> {
    Ok(handle_batch(&Notifications, state, event.payload).await)
}
