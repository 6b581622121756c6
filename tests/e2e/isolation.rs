//! The end-to-end stack has queues and a bucket of its own, so a `make dev` running beside
//! `make test` on the same moto never takes the tests' messages (nor the tests its).

use std::collections::HashMap;

fn env_file(name: &str) -> HashMap<String, String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../.local/").to_owned() + name;
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (scripts/e2e-stack.sh writes it)"))
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

#[tokio::test]
#[ignore = "needs the local stack; `make test` starts it and runs this"]
async fn the_test_stack_shares_no_queue_or_bucket_with_make_dev() {
    let dev = env_file("aws.env");
    let e2e = env_file("e2e.env");
    for name in [
        "NOTIFICATION_QUEUE_URL",
        "RESERVATION_EXPIRY_QUEUE_URL",
        "UPLOADS_BUCKET",
    ] {
        assert_ne!(dev[name], e2e[name], "{name} is shared");
        assert!(
            e2e[name].contains("eventhost-e2e-"),
            "{name}: {}",
            e2e[name]
        );
    }
    assert_eq!(e2e["LOCAL_QUEUE_PREFIX"], "eventhost-e2e-");
    // Both stacks' queues exist side by side in moto.
    let aws = shared::platform::config::AwsSettings {
        region: Some("ap-south-1".into()),
        endpoint_url: Some(crate::moto_url()),
    };
    let config = aws_sdk_sqs::config::Builder::from(&shared::platform::aws::sdk_config(&aws).await)
        .credentials_provider(aws_sdk_sqs::config::Credentials::new(
            "test", "test", None, None, "moto",
        ))
        .build();
    let sqs = aws_sdk_sqs::Client::from_conf(config);
    let listed = sqs
        .list_queues()
        .queue_name_prefix("eventhost-")
        .send()
        .await
        .unwrap();
    let urls = listed.queue_urls();
    for url in [
        &dev["NOTIFICATION_QUEUE_URL"],
        &e2e["NOTIFICATION_QUEUE_URL"],
    ] {
        assert!(urls.contains(url), "{url} not in {urls:?}");
    }
}
