//! Database access as RDS Proxy needs it: IAM auth tokens and verified TLS.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use shared::platform::config::DatabaseTls;
use shared::platform::db::{build_pool, rds_auth_token};

use crate::helpers::test_config;

#[test]
fn the_rds_auth_token_is_a_presigned_connect_url_for_the_user() {
    let credentials = Credentials::new("AKIDEXAMPLE", "secret", None, None, "test");
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000);
    let token = rds_auth_token(
        "proxy.example.rds.amazonaws.com",
        5432,
        "app user",
        "ap-south-1",
        &credentials,
        at,
    )
    .unwrap();
    assert!(
        token.starts_with("proxy.example.rds.amazonaws.com:5432/?"),
        "{token}"
    );
    assert!(!token.starts_with("https://"));
    for part in [
        "Action=connect",
        "DBUser=app%20user",
        "X-Amz-Algorithm=AWS4-HMAC-SHA256",
        "X-Amz-Credential=AKIDEXAMPLE%2F20251124%2Fap-south-1%2Frds-db%2Faws4_request",
        "X-Amz-Expires=900",
        "X-Amz-Signature=",
    ] {
        assert!(token.contains(part), "{part} missing from {token}");
    }
    let again = rds_auth_token(
        "proxy.example.rds.amazonaws.com",
        5432,
        "app user",
        "ap-south-1",
        &credentials,
        at,
    )
    .unwrap();
    assert_eq!(token, again, "signing is deterministic for the same inputs");
}

#[tokio::test]
async fn tls_with_a_missing_ca_bundle_fails_at_init_naming_it() {
    let mut config = test_config("postgres");
    config.database.tls = DatabaseTls::VerifyFull;
    config.database.ca_bundle = Some("/nonexistent/rds-ca.pem".into());
    let err = build_pool(&config.database, &config.aws).unwrap_err();
    assert!(format!("{err:#}").contains("DATABASE_CA_BUNDLE"), "{err:#}");
}

#[tokio::test]
async fn iam_auth_without_tls_is_refused() {
    let mut config = test_config("postgres");
    config.database.iam_auth = true;
    let err = build_pool(&config.database, &config.aws).unwrap_err();
    assert!(format!("{err:#}").contains("verify-full"), "{err:#}");
}

#[tokio::test]
async fn the_pool_is_small_and_hands_out_working_connections() {
    let config = test_config("postgres");
    let pool = build_pool(&config.database, &config.aws).unwrap();
    assert_eq!(pool.status().max_size, 4, "test config asks for 4");
    let client = pool.get().await.unwrap();
    let one: i32 = client.query_one("SELECT 1", &[]).await.unwrap().get(0);
    assert_eq!(one, 1);
}
