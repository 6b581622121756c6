//! Publishing to SQS: the `QueuePublisher` port and its aws-sdk-sqs adapter.

use std::time::Duration;

use anyhow::Context;
use tokio::sync::OnceCell;

use super::{sdk_config, BoxFuture};
use crate::config::AwsSettings;

/// SQS caps a message delay at 15 minutes; longer waits are re-enqueued by the consumer.
pub const MAX_DELAY: Duration = Duration::from_secs(900);

/// Sends messages to a queue.
pub trait QueuePublisher: Send + Sync {
    /// Sends `body` to `queue_url`, visible after `delay` (capped at 15 minutes); returns the message id.
    fn publish<'a>(
        &'a self,
        queue_url: &'a str,
        body: &'a str,
        delay: Duration,
    ) -> BoxFuture<'a, anyhow::Result<String>>;
}

/// The aws-sdk-sqs adapter; the client is built on first use.
pub struct SqsPublisher {
    settings: AwsSettings,
    client: OnceCell<aws_sdk_sqs::Client>,
}

impl SqsPublisher {
    /// An adapter for the given AWS settings (endpoint override honoured).
    pub fn new(settings: AwsSettings) -> Self {
        Self {
            settings,
            client: OnceCell::new(),
        }
    }

    /// The SDK client, built once.
    pub async fn client(&self) -> &aws_sdk_sqs::Client {
        self.client
            .get_or_init(|| async { aws_sdk_sqs::Client::new(&sdk_config(&self.settings).await) })
            .await
    }
}

impl QueuePublisher for SqsPublisher {
    fn publish<'a>(
        &'a self,
        queue_url: &'a str,
        body: &'a str,
        delay: Duration,
    ) -> BoxFuture<'a, anyhow::Result<String>> {
        Box::pin(async move {
            let delay_seconds = delay.min(MAX_DELAY).as_secs() as i32;
            let output = self
                .client()
                .await
                .send_message()
                .queue_url(queue_url)
                .message_body(body)
                .delay_seconds(delay_seconds)
                .send()
                .await
                .with_context(|| format!("sending a message to {queue_url}"))?;
            Ok(output.message_id().unwrap_or_default().to_owned())
        })
    }
}
