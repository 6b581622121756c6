//! Lambda entry point: builds the state once, then serves this function's routes.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::http::serve(attendance::router()).await
}
