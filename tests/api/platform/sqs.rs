//! The SQS publisher goes through the real aws-sdk code path to the local moto server.

use std::time::Duration;

use shared::platform::aws::sdk_config;
use shared::platform::aws::sqs::{QueuePublisher, SqsPublisher};

use crate::helpers::test_config;

#[tokio::test]
async fn the_publisher_sends_through_the_endpoint_override() {
    let config = test_config("postgres");
    let sqs = aws_sdk_sqs::Client::new(&sdk_config(&config.aws).await);
    let queue_name = format!("test-{}", uuid::Uuid::new_v4().simple());
    let queue_url = sqs
        .create_queue()
        .queue_name(&queue_name)
        .send()
        .await
        .unwrap_or_else(|e| {
            panic!(
                "moto must be running at {:?} (`make test` starts it): {e:?}",
                config.aws.endpoint_url
            )
        })
        .queue_url
        .unwrap();

    let publisher = SqsPublisher::new(config.aws.clone());
    let message_id = publisher
        .publish(&queue_url, r#"{"kind":"hold_expired"}"#, Duration::ZERO)
        .await
        .unwrap();
    assert!(!message_id.is_empty());

    let received = sqs
        .receive_message()
        .queue_url(&queue_url)
        .wait_time_seconds(2)
        .send()
        .await
        .unwrap();
    let messages = received.messages.unwrap_or_default();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].message_id.as_deref(), Some(message_id.as_str()));
    assert_eq!(
        messages[0].body.as_deref(),
        Some(r#"{"kind":"hold_expired"}"#)
    );
}

#[tokio::test]
async fn a_delay_longer_than_sqs_allows_is_capped_at_15_minutes() {
    let config = test_config("postgres");
    let sqs = aws_sdk_sqs::Client::new(&sdk_config(&config.aws).await);
    let queue_url = sqs
        .create_queue()
        .queue_name(format!("test-{}", uuid::Uuid::new_v4().simple()))
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    // SQS rejects DelaySeconds > 900; the publisher must cap rather than fail.
    SqsPublisher::new(config.aws.clone())
        .publish(&queue_url, "later", Duration::from_secs(3600))
        .await
        .expect("a long delay is capped, not rejected");
    let visible = sqs
        .receive_message()
        .queue_url(&queue_url)
        .send()
        .await
        .unwrap();
    assert!(
        visible.messages.unwrap_or_default().is_empty(),
        "the message is delayed"
    );
}
