//! Secrets come from Secrets Manager at init: the real aws-sdk call against moto, overlaid on
//! the environment.

use std::collections::HashMap;

use secrecy::ExposeSecret;
use shared::platform::aws::sdk_config;
use shared::platform::aws::secrets::{config_with_secret, fetch_secret_values};

use crate::helpers::test_config;

#[tokio::test]
async fn the_app_secret_is_read_from_secrets_manager_and_wins_over_the_environment() {
    let config = test_config("postgres");
    let client = aws_sdk_secretsmanager::Client::new(&sdk_config(&config.aws).await);
    let created = client
        .create_secret()
        .name(format!("eventhost-test-{}", uuid::Uuid::new_v4().simple()))
        .secret_string(
            r#"{"TOKEN_SIGNING_KEY": "from-secrets:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA", "PAYMENT_SANDBOX_WEBHOOK_SECRET": "whsec"}"#,
        )
        .send()
        .await
        .expect("moto must be running (`make test` starts it)");
    let arn = created.arn().unwrap();

    let values = fetch_secret_values(&config.aws, arn).await.unwrap();
    let env: HashMap<&str, &str> = HashMap::from([
        ("DATABASE_URL", "postgres://app@127.0.0.1/app"),
        (
            "TOKEN_SIGNING_KEY",
            "from-env:ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5_gIGCg4Q",
        ),
    ]);
    let loaded = config_with_secret(|name| env.get(name).map(|v| v.to_string()), &values).unwrap();
    assert_eq!(
        loaded.tokens.signing_key.map(|key| key.kid).as_deref(),
        Some("from-secrets")
    );
    assert_eq!(loaded.payments.webhook_secret.expose_secret(), "whsec");
}

#[tokio::test]
async fn a_missing_secret_fails_init_with_context() {
    let config = test_config("postgres");
    let missing = "arn:aws:secretsmanager:ap-south-1:123456789012:secret:absent-AbCdEf";
    let error = fetch_secret_values(&config.aws, missing).await.unwrap_err();
    assert!(
        format!("{error:#}").contains("reading the app secret from Secrets Manager"),
        "{error:#}"
    );
}

#[tokio::test]
async fn several_secrets_are_fetched_together_and_a_later_one_wins() {
    let config = test_config("postgres");
    let client = aws_sdk_secretsmanager::Client::new(&sdk_config(&config.aws).await);
    let mut arns = Vec::new();
    for body in [
        r#"{"TOKEN_SIGNING_KEY": "first-secret-0123456789abcdef0123", "RAZORPAY_KEY_ID": "rzp_first"}"#,
        r#"{"TOKEN_SIGNING_KEY": "second-secret-0123456789abcdef012"}"#,
    ] {
        let created = client
            .create_secret()
            .name(format!("eventhost-test-{}", uuid::Uuid::new_v4().simple()))
            .secret_string(body)
            .send()
            .await
            .expect("moto must be running (`make test` starts it)");
        arns.push(created.arn().unwrap().to_owned());
    }
    let arns: Vec<&str> = arns.iter().map(String::as_str).collect();
    let values = shared::platform::aws::secrets::fetch_all_secret_values(&config.aws, &arns)
        .await
        .unwrap();
    assert_eq!(
        values["TOKEN_SIGNING_KEY"],
        "second-secret-0123456789abcdef012"
    );
    assert_eq!(values["RAZORPAY_KEY_ID"], "rzp_first");
}
