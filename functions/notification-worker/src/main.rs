//! Lambda entry point of the notification-worker worker: the shared worker runner (state built once,
//! then the invocation loop).

// An instance serves one invocation at a time: a current-thread runtime starts no worker
// threads at init, a shorter cold start (make bench measures it).
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::app::worker::run(notification_worker::Notifications).await
}
