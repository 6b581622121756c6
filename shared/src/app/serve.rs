//! The body of every HTTP function's `main`: build the state once, then serve the router.

use std::convert::Infallible;
use std::sync::Arc;

use lambda_http::{service_fn, Request};

use crate::app::state::AppState;
use crate::platform::http::Router;

/// Initialises logging, builds `AppState` from the environment and runs the Lambda loop.
pub async fn serve(router: Router<AppState>) -> Result<(), lambda_http::Error> {
    crate::platform::telemetry::init();
    let state = Arc::new(AppState::load().await?);
    let router = Arc::new(router);
    lambda_http::run(service_fn(move |req: Request| {
        let state = Arc::clone(&state);
        let router = Arc::clone(&router);
        async move { Ok::<_, Infallible>(router.handle(state, req).await) }
    }))
    .await
}
