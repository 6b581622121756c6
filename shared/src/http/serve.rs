//! The body of every HTTP function's `main`: build the state once, then serve the router.

use std::convert::Infallible;
use std::sync::Arc;

use lambda_http::{service_fn, Request};

use super::request::ApiRequest;
use super::router::{HandlerResult, Router};
use crate::error::ApiError;
use crate::state::AppState;

/// Initialises logging, builds `AppState` from the environment and runs the Lambda loop.
pub async fn serve(router: Router<AppState>) -> Result<(), lambda_http::Error> {
    crate::telemetry::init();
    let state = Arc::new(AppState::from_env()?);
    let router = Arc::new(router);
    lambda_http::run(service_fn(move |req: Request| {
        let state = Arc::clone(&state);
        let router = Arc::clone(&router);
        async move { Ok::<_, Infallible>(router.handle(state, req).await) }
    }))
    .await
}

/// The handler of a route whose feature has not landed yet: 501 `not_implemented`.
pub async fn not_implemented(_state: Arc<AppState>, _req: ApiRequest) -> HandlerResult {
    Err(ApiError::not_implemented())
}
