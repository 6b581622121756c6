//! The reservation-expiry worker: invoked by its SQS queue (one delayed message per seat hold,
//! plus refunds to send and uploads to keep) and by a one-minute schedule that sweeps what the
//! queue missed.

use lambda_runtime::LambdaEvent;
use serde_json::{json, Value};
use shared::app::worker::{self, Worker};
use shared::attendance::expiry;
use shared::AppState;

/// The reservation-expiry queue's worker.
pub struct Expiry;

impl Worker for Expiry {
    async fn on_message(&self, state: &AppState, body: Value) -> anyhow::Result<()> {
        expiry::on_message(state, &body)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
    }

    async fn on_schedule(&self, state: &AppState) -> anyhow::Result<Value> {
        let (expired, sent) = expiry::sweep(state)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        tracing::info!(expired, sent, "scheduled sweep");
        Ok(json!({ "holds_expired": expired, "messages_sent": sent }))
    }
}

/// Handles an SQS batch (`Records`: answers with the failed message ids) or a scheduled sweep.
pub async fn handle(
    state: &AppState,
    event: LambdaEvent<Value>,
) -> Result<Value, lambda_runtime::Error> {
    worker::handle(&Expiry, state, event.payload).await
}
