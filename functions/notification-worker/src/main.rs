//! Lambda entry point of the notification worker: state built once, then the SQS loop.

use lambda_runtime::{service_fn, LambdaEvent};
use shared::AppState;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::telemetry::init();
    let state = AppState::load().await?;
    let state = &state;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| {
        notification_worker::handle(state, event)
    }))
    .await
}
