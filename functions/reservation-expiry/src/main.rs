//! Lambda entry point of the reservation-expiry worker: state built once, then the loop.

use lambda_runtime::{service_fn, LambdaEvent};
use shared::AppState;

// An instance serves one invocation at a time: a current-thread runtime starts no worker
// threads at init, a shorter cold start (make bench measures it).
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::telemetry::init();
    let state = AppState::load().await?;
    let state = &state;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| {
        reservation_expiry::handle(state, event)
    }))
    .await
}
