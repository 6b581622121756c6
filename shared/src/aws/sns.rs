//! Sending SMS: the `SmsSender` port and its aws-sdk-sns adapter (`Publish` to a phone number).
//! Locally the moto server records each message where an end-to-end test reads it.

use anyhow::Context;
use aws_sdk_sns::types::MessageAttributeValue;
use tokio::sync::OnceCell;

use super::{sdk_config, BoxFuture};
use crate::config::AwsSettings;
use crate::domain::PhoneNumber;

/// Sends a text message to a phone.
pub trait SmsSender: Send + Sync {
    /// Sends `text` to `to`. Implementations never log `text` (it may hold a login code).
    fn send<'a>(&'a self, to: &'a PhoneNumber, text: &'a str) -> BoxFuture<'a, anyhow::Result<()>>;
}

/// The aws-sdk-sns adapter; the client is built on first use.
pub struct SnsSmsSender {
    settings: AwsSettings,
    client: OnceCell<aws_sdk_sns::Client>,
}

impl SnsSmsSender {
    /// An adapter for the given AWS settings (endpoint override honoured).
    pub fn new(settings: AwsSettings) -> Self {
        Self {
            settings,
            client: OnceCell::new(),
        }
    }
}

impl SmsSender for SnsSmsSender {
    fn send<'a>(&'a self, to: &'a PhoneNumber, text: &'a str) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let client = self
                .client
                .get_or_init(|| async {
                    aws_sdk_sns::Client::new(&sdk_config(&self.settings).await)
                })
                .await;
            // Transactional: delivered with priority, as login codes must be.
            let sms_type = MessageAttributeValue::builder()
                .data_type("String")
                .string_value("Transactional")
                .build()
                .context("SMS type attribute")?;
            client
                .publish()
                .phone_number(to.as_str())
                .message(text)
                .message_attributes("AWS.SNS.SMS.SMSType", sms_type)
                .send()
                .await
                .context("publishing an SMS")?;
            Ok(())
        })
    }
}
