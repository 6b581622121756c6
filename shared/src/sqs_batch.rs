//! Processing an SQS batch with partial failures: each message is handled on its own and only
//! the ids of the failed ones are returned, so SQS redelivers those (and, after
//! `maxReceiveCount`, moves them to the DLQ) while the rest are deleted.

use std::future::Future;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};

/// Runs `handle` on every message; returns the batch response naming the failed ones.
pub async fn process_batch<F, Fut>(event: SqsEvent, handle: F) -> SqsBatchResponse
where
    F: Fn(SqsMessage) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let mut failures = Vec::new();
    for message in event.records {
        let message_id = message.message_id.clone().unwrap_or_default();
        if let Err(err) = handle(message).await {
            tracing::warn!(%message_id, error = %format!("{err:#}"), "message failed; left for redelivery");
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = message_id;
            failures.push(failure);
        }
    }
    let mut response = SqsBatchResponse::default();
    response.batch_item_failures = failures;
    response
}
