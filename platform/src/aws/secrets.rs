//! Configuration secrets read from Secrets Manager at init, so signing keys and Razorpay keys
//! never sit in the function's environment (where the Lambda console would show them).
//!
//! `APP_SECRET_ARN` names one or more secrets (comma-separated) whose `SecretString` is a JSON
//! object of configuration names to string values (`TOKEN_SIGNING_KEY`, `RAZORPAY_KEY_SECRET`,
//! …). Their values win over the environment (a later secret over an earlier one), so a
//! rotated secret takes effect at the next cold start. Without
//! `APP_SECRET_ARN` (locally, in tests) nothing is fetched and init costs no AWS call.

use std::collections::HashMap;

use anyhow::Context;

use super::sdk_config;
use crate::config::{AwsSettings, Config};

/// The environment variable naming the app secrets (comma-separated ARNs).
pub const APP_SECRET_ARN: &str = "APP_SECRET_ARN";

/// Reads the configuration from the environment, overlaid with the app secret when
/// `APP_SECRET_ARN` is set.
pub async fn load_config() -> anyhow::Result<Config> {
    let env = |name: &str| std::env::var(name).ok();
    let arns = env(APP_SECRET_ARN).unwrap_or_default();
    let arns: Vec<&str> = arns
        .split(',')
        .map(str::trim)
        .filter(|arn| !arn.is_empty())
        .collect();
    let aws = AwsSettings {
        region: env("AWS_REGION"),
        endpoint_url: env("AWS_ENDPOINT_URL"),
    };
    let secret = if arns.is_empty() {
        HashMap::new()
    } else {
        fetch_all_secret_values(&aws, &arns).await?
    };
    Ok(config_with_secret(env, &secret)?)
}

/// Fetches every secret in `arns` at once (one client, the calls concurrent, so init waits for
/// the slowest, not their sum) and merges their values, a later secret's over an earlier's.
pub async fn fetch_all_secret_values(
    aws: &AwsSettings,
    arns: &[&str],
) -> anyhow::Result<HashMap<String, String>> {
    let client = aws_sdk_secretsmanager::Client::new(&sdk_config(aws).await);
    let fetched =
        futures_util::future::try_join_all(arns.iter().map(|arn| fetch_with(&client, arn))).await?;
    Ok(fetched.into_iter().flatten().collect())
}

/// The configuration read through `lookup`, with `secret`'s values taking precedence.
pub fn config_with_secret(
    lookup: impl Fn(&str) -> Option<String>,
    secret: &HashMap<String, String>,
) -> Result<Config, crate::config::ConfigError> {
    Config::from_lookup(|name| secret.get(name).cloned().or_else(|| lookup(name)))
}

/// Fetches a secret and parses its `SecretString` as a JSON object of strings.
pub async fn fetch_secret_values(
    aws: &AwsSettings,
    arn: &str,
) -> anyhow::Result<HashMap<String, String>> {
    let client = aws_sdk_secretsmanager::Client::new(&sdk_config(aws).await);
    fetch_with(&client, arn).await
}

async fn fetch_with(
    client: &aws_sdk_secretsmanager::Client,
    arn: &str,
) -> anyhow::Result<HashMap<String, String>> {
    let output = client
        .get_secret_value()
        .secret_id(arn)
        .send()
        .await
        .context("reading the app secret from Secrets Manager")?;
    let text = output
        .secret_string()
        .context("the app secret has no SecretString")?;
    parse_secret_values(text)
}

/// Parses a secret's JSON object; numbers and booleans become their text, other values are refused.
pub fn parse_secret_values(text: &str) -> anyhow::Result<HashMap<String, String>> {
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(text).context("the app secret is not a JSON object")?;
    object
        .into_iter()
        .map(|(name, value)| {
            let text = match value {
                serde_json::Value::String(text) => text,
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                _ => anyhow::bail!("the app secret's {name} is not a string"),
            };
            Ok((name, text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_values_win_over_the_environment() {
        let secret = parse_secret_values(
            r#"{"TOKEN_SIGNING_KEY": "secret:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA", "DATABASE_POOL_SIZE": 1}"#,
        )
        .unwrap();
        let env = |name: &str| match name {
            "DATABASE_URL" => Some("postgres://app@db/app".to_owned()),
            "TOKEN_SIGNING_KEY" => {
                Some("env:ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5_gIGCg4Q".to_owned())
            }
            "DATABASE_POOL_SIZE" => Some("2".to_owned()),
            _ => None,
        };
        let config = config_with_secret(env, &secret).unwrap();
        assert_eq!(
            config.tokens.signing_key.map(|key| key.kid).as_deref(),
            Some("secret")
        );
        assert_eq!(config.database.pool_size, 1);
    }

    #[test]
    fn a_secret_that_is_not_an_object_of_strings_is_refused() {
        assert!(parse_secret_values("[1, 2]").is_err());
        assert!(parse_secret_values(r#"{"A": {"nested": true}}"#).is_err());
    }
}
