//! Lambda entry point of the reservation-expiry worker.

use lambda_runtime::service_fn;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::telemetry::init();
    lambda_runtime::run(service_fn(reservation_expiry::handle)).await
}
