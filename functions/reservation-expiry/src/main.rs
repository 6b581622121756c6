//! Lambda entry point of the reservation-expiry worker: state built once, then the loop.

use lambda_runtime::{service_fn, LambdaEvent};
use shared::AppState;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::telemetry::init();
    let state = AppState::load().await?;
    let state = &state;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| {
        reservation_expiry::handle(state, event)
    }))
    .await
}
