//! The floor of the AWS-shaped cold start: the smallest function that reads its configuration
//! from Secrets Manager at init, through the same code the functions use
//! (`shared::platform::aws::secrets`), then answers with the event. What any function that keeps its
//! keys in Secrets Manager pays, so the table can show what ours add to it.

use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::Value;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let arn = std::env::var("APP_SECRET_ARN")?;
    let aws = shared::platform::config::AwsSettings {
        region: std::env::var("AWS_REGION").ok(),
        endpoint_url: std::env::var("AWS_ENDPOINT_URL").ok(),
    };
    let values =
        shared::platform::aws::secrets::fetch_all_secret_values(&aws, &[arn.as_str()]).await?;
    let count = values.len();
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        Ok::<Value, Error>(serde_json::json!({ "secret_values": count, "event": event.payload }))
    }))
    .await
}
