//! The bridge against the local SQS (moto): succeeded messages are deleted, failed ones come back
//! after the visibility timeout and, after `maxReceiveCount` receives, land in the DLQ.

use std::time::Duration;

use serde_json::{json, Value};
use sqs_bridge::mapping::QueueSource;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

#[tokio::test]
async fn failed_messages_are_redelivered_then_parked_in_the_dlq() {
    std::env::set_var("AWS_ACCESS_KEY_ID", "test");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "test");
    let _ = rustls::crypto::ring::default_provider().install_default();
    let endpoint =
        std::env::var("TEST_AWS_ENDPOINT_URL").unwrap_or_else(|_| "http://127.0.0.1:4566".into());
    let settings = shared::platform::config::AwsSettings {
        region: Some("ap-south-1".into()),
        endpoint_url: Some(endpoint),
    };
    let sqs = aws_sdk_sqs::Client::new(&shared::platform::aws::sdk_config(&settings).await);
    let name = format!("bridge-{}", uuid::Uuid::new_v4().simple());
    let dlq = sqs
        .create_queue()
        .queue_name(format!("{name}-dlq"))
        .send()
        .await
        .expect("moto runs (make test starts it)")
        .queue_url
        .unwrap();
    let dlq_arn = sqs
        .get_queue_attributes()
        .queue_url(&dlq)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap()[&aws_sdk_sqs::types::QueueAttributeName::QueueArn]
        .clone();
    let queue = sqs
        .create_queue()
        .queue_name(&name)
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout,
            "1",
        )
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::RedrivePolicy,
            json!({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"}).to_string(),
        )
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    for body in ["good", "bad"] {
        sqs.send_message()
            .queue_url(&queue)
            .message_body(body)
            .send()
            .await
            .unwrap();
    }

    // The "function": reports every message whose body is "bad" as failed.
    let function = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2015-03-31/functions/worker/invocations"))
        .respond_with(|request: &Request| {
            let event: Value = serde_json::from_slice(&request.body).unwrap();
            let failures: Vec<Value> = event["Records"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["body"] == "bad")
                .map(|r| json!({"itemIdentifier": r["messageId"]}))
                .collect();
            ResponseTemplate::new(200).set_body_json(json!({"batchItemFailures": failures}))
        })
        .mount(&function)
        .await;

    let http = reqwest::Client::new();
    let source = QueueSource {
        logical_id: "TestQueue".into(),
        local_name: name.clone(),
        function: "worker".into(),
        batch_size: 10,
    };
    for _ in 0..6 {
        sqs_bridge::pump(&sqs, &http, &function.uri(), &queue, &source)
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(1200)).await;
    }
    let parked = sqs
        .receive_message()
        .queue_url(&dlq)
        .max_number_of_messages(10)
        .send()
        .await
        .unwrap()
        .messages
        .unwrap_or_default();
    let bodies: Vec<&str> = parked.iter().filter_map(|m| m.body.as_deref()).collect();
    assert_eq!(bodies, vec!["bad"], "only the failing message is parked");
    let left = sqs
        .receive_message()
        .queue_url(&queue)
        .send()
        .await
        .unwrap()
        .messages
        .unwrap_or_default();
    assert!(
        left.is_empty(),
        "the good one was deleted, the bad one moved"
    );
    let deliveries = function.received_requests().await.unwrap().len();
    assert!(
        deliveries >= 2,
        "the bad message was delivered again before parking ({deliveries} invocations)"
    );
}
