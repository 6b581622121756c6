use std::collections::HashMap;

use shared::platform::config::{Config, ConfigError, DatabaseTls};

fn lookup(vars: &[(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<&str, &str> = vars.iter().copied().collect();
    move |name| map.get(name).map(|v| v.to_string())
}

const MINIMAL: &[(&str, &str)] = &[
    (
        "DATABASE_URL",
        "postgres://app:s3cret-pass@db.internal:5432/app",
    ),
    (
        "TOKEN_SIGNING_KEY",
        "k1:c2lnbmluZy1rZXktc2VlZC10aGF0LWlzLTMyLWJ5dGU",
    ),
];

#[test]
fn a_missing_required_variable_is_named() {
    let err = Config::from_lookup(lookup(&[(
        "TOKEN_SIGNING_KEY",
        "k1:c2lnbmluZy1rZXktc2VlZC10aGF0LWlzLTMyLWJ5dGU",
    )]))
    .unwrap_err();
    assert!(matches!(err, ConfigError::Missing("DATABASE_URL")));
    assert!(err.to_string().contains("DATABASE_URL"));

    // Neither a signing key nor a public key: nothing could verify a token.
    let err = Config::from_lookup(lookup(&[("DATABASE_URL", "postgres://x")])).unwrap_err();
    assert!(err.to_string().contains("TOKEN_VERIFY_KEYS"), "{err}");
}

#[test]
fn invalid_values_are_named_too() {
    let mut vars = MINIMAL.to_vec();
    vars.push(("DATABASE_POOL_SIZE", "many"));
    let err = Config::from_lookup(lookup(&vars)).unwrap_err();
    assert!(err.to_string().contains("DATABASE_POOL_SIZE"), "{err}");

    let mut vars = MINIMAL.to_vec();
    vars.push(("DATABASE_TLS", "maybe"));
    assert!(Config::from_lookup(lookup(&vars))
        .unwrap_err()
        .to_string()
        .contains("DATABASE_TLS"));

    let err = Config::from_lookup(lookup(&[
        ("DATABASE_URL", "postgres://x"),
        ("TOKEN_SIGNING_KEY", "short"),
    ]))
    .unwrap_err();
    assert!(err.to_string().contains("TOKEN_SIGNING_KEY"));
}

#[test]
fn defaults_suit_rds_proxy_and_secrets_are_redacted_in_debug() {
    let config = Config::from_lookup(lookup(MINIMAL)).unwrap();
    assert_eq!(config.database.pool_size, 2);
    assert_eq!(
        config.database.tls,
        DatabaseTls::VerifyFull,
        "TLS unless explicitly disabled"
    );
    assert!(!config.database.iam_auth);
    assert_eq!(config.tokens.access_ttl.as_secs(), 900);
    let debug = format!("{config:?}");
    assert!(
        !debug.contains("s3cret-pass"),
        "database password leaked: {debug}"
    );
    assert!(
        !debug.contains("c2lnbmluZy1rZXktc2VlZC10aGF0LWlzLTMyLWJ5dGU"),
        "signing key leaked: {debug}"
    );
    assert_eq!(
        config.database_url(),
        "postgres://app:s3cret-pass@db.internal:5432/app"
    );
}

#[test]
fn a_function_requires_the_optional_settings_it_uses() {
    let config = Config::from_lookup(lookup(MINIMAL)).unwrap();
    let err = Config::require(
        &config.queues.notification_queue_url,
        "NOTIFICATION_QUEUE_URL",
    )
    .unwrap_err();
    assert!(err.to_string().contains("NOTIFICATION_QUEUE_URL"));
}

/// MINIMAL as a Lambda function in AWS sees it (no local-stack flag), plus `extra`.
fn in_aws(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut vars = MINIMAL.to_vec();
    vars.push(("AWS_LAMBDA_FUNCTION_NAME", "eventhost-payments"));
    vars.extend_from_slice(extra);
    vars
}

const REAL_RAZORPAY: &[(&str, &str)] = &[
    ("PAYMENT_PROVIDER", "razorpay"),
    ("RAZORPAY_KEY_ID", "rzp_live_abc"),
    ("RAZORPAY_KEY_SECRET", "a-real-secret"),
    ("RAZORPAY_WEBHOOK_SECRET", "a-real-webhook-secret"),
];

#[test]
fn in_aws_payments_fail_closed_naming_the_variable() {
    let err = Config::from_lookup(lookup(&in_aws(&[]))).unwrap_err();
    assert!(
        matches!(err, ConfigError::Missing("PAYMENT_PROVIDER")),
        "{err}"
    );

    let err = Config::from_lookup(lookup(&in_aws(&[("PAYMENT_PROVIDER", "sandbox")]))).unwrap_err();
    assert!(err.to_string().contains("PAYMENT_PROVIDER"), "{err}");

    for placeholder in [
        "RAZORPAY_KEY_ID",
        "RAZORPAY_KEY_SECRET",
        "RAZORPAY_WEBHOOK_SECRET",
    ] {
        let mut vars: Vec<_> = REAL_RAZORPAY
            .iter()
            .copied()
            .filter(|(name, _)| *name != placeholder)
            .collect();
        vars.push((placeholder, "REPLACE_ME"));
        let err = Config::from_lookup(lookup(&in_aws(&vars))).unwrap_err();
        assert!(
            matches!(err, ConfigError::Invalid { name, .. } if name == placeholder),
            "{placeholder}: {err}"
        );
    }

    let config = Config::from_lookup(lookup(&in_aws(REAL_RAZORPAY))).unwrap();
    assert_eq!(
        config.payments.provider,
        shared::platform::config::PaymentProviderKind::Razorpay
    );
}

#[test]
fn a_local_stack_and_tests_keep_the_sandbox() {
    let config = Config::from_lookup(lookup(&in_aws(&[("LOCAL_STACK", "true")]))).unwrap();
    assert_eq!(
        config.payments.provider,
        shared::platform::config::PaymentProviderKind::Sandbox
    );
    let config = Config::from_lookup(lookup(MINIMAL)).unwrap();
    assert_eq!(
        config.payments.provider,
        shared::platform::config::PaymentProviderKind::Sandbox
    );
}

#[test]
fn a_function_that_takes_no_money_holds_no_provider_keys() {
    let config = Config::from_lookup(lookup(&in_aws(&[("PAYMENT_PROVIDER", "none")]))).unwrap();
    assert_eq!(
        config.payments.provider,
        shared::platform::config::PaymentProviderKind::Disabled
    );
    let provider = shared::payments::provider::from_settings(&config.payments).unwrap();
    let refused = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(provider.refund("pay_1", 100, "K-1"))
        .unwrap_err();
    assert!(
        refused.to_string().contains("takes no payments"),
        "{refused}"
    );
}
