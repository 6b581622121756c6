//! The one runner of the queue workers (`notification-worker`, `reservation-expiry`): `main`
//! calls `run`, which builds the state once and answers every invocation. An SQS batch has each
//! message handled on its own and answers with only the ids of the failed ones, so SQS
//! redelivers those (and, after `maxReceiveCount`, moves them to the DLQ) while the rest are
//! deleted; any other event (an EventBridge schedule) runs the worker's sweep.

use std::future::Future;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use lambda_runtime::{service_fn, LambdaEvent};
use serde_json::Value;

use crate::app::state::AppState;

/// What a queue worker does with one message, and on its schedule. Domain code behind it
/// knows nothing of Lambda or SQS.
pub trait Worker: Sync {
    /// Handles one message's JSON body; an error leaves the message for redelivery.
    fn on_message(
        &self,
        state: &AppState,
        body: Value,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;

    /// Handles a scheduled invocation and says what it did; a worker without a schedule
    /// refuses one.
    fn on_schedule(&self, state: &AppState) -> impl Future<Output = anyhow::Result<Value>> + Send {
        let _ = state;
        async { anyhow::bail!("this worker runs on its queue only") }
    }
}

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

/// One SQS batch through `worker`: each body parsed as JSON (a body that is not fails alone).
pub async fn handle_batch(
    worker: &impl Worker,
    state: &AppState,
    batch: SqsEvent,
) -> SqsBatchResponse {
    process_batch(batch, |message| async move {
        let body: Value = serde_json::from_str(message.body.as_deref().unwrap_or_default())?;
        worker.on_message(state, body).await
    })
    .await
}

/// One invocation: an SQS batch (it has `Records`) or a scheduled run.
pub async fn handle(
    worker: &impl Worker,
    state: &AppState,
    event: Value,
) -> Result<Value, lambda_runtime::Error> {
    if event.get("Records").is_some() {
        let batch: SqsEvent = serde_json::from_value(event)?;
        Ok(serde_json::to_value(
            handle_batch(worker, state, batch).await,
        )?)
    } else {
        worker
            .on_schedule(state)
            .await
            .map_err(|e| lambda_runtime::Error::from(format!("{e:#}")))
    }
}

/// A worker's whole `main`: telemetry, the state built once, then the invocation loop.
pub async fn run(worker: impl Worker) -> Result<(), lambda_runtime::Error> {
    crate::platform::telemetry::init();
    let state = AppState::load().await?;
    let (worker, state) = (&worker, &state);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        handle(worker, state, event.payload)
    }))
    .await
}
