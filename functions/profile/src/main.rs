//! Lambda entry point: builds the state once, then serves this function's routes.

// An instance serves one invocation at a time: a current-thread runtime starts no worker
// threads at init, a shorter cold start (make bench measures it).
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::app::serve(profile::router()).await
}
