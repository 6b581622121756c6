//! Sending SMS: the `SmsSender` port and its aws-sdk-sns adapter (`Publish` to a phone number).
//! Locally the moto server records each message where an end-to-end test reads it.

use anyhow::Context;
use aws_sdk_sns::types::MessageAttributeValue;
use tokio::sync::OnceCell;

use super::{sdk_config, BoxFuture};
use crate::config::{AwsSettings, SmsSettings};
use crate::domain::PhoneNumber;

/// What a text message is for: in India each kind is its own registered DLT template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsPurpose {
    /// A login code.
    LoginCode,
    /// A notice (pay for a held seat, an event cancelled).
    Notice,
}

/// Sends a text message to a phone.
pub trait SmsSender: Send + Sync {
    /// Sends `text` to `to`. Implementations never log `text` (it may hold a login code).
    fn send<'a>(
        &'a self,
        to: &'a PhoneNumber,
        text: &'a str,
        purpose: SmsPurpose,
    ) -> BoxFuture<'a, anyhow::Result<()>>;
}

/// The message attributes of an SMS for `purpose`: Transactional (delivered with priority, as
/// login codes must be), the sender id, and the DLT entity and template ids Indian carriers
/// require, each when configured.
pub fn message_attributes(
    settings: &SmsSettings,
    purpose: SmsPurpose,
) -> Vec<(&'static str, String)> {
    let template = match purpose {
        SmsPurpose::LoginCode => &settings.login_template_id,
        SmsPurpose::Notice => &settings.notice_template_id,
    };
    [
        ("AWS.SNS.SMS.SMSType", Some("Transactional".to_owned())),
        ("AWS.SNS.SMS.SenderID", settings.sender_id.clone()),
        ("AWS.MM.SMS.EntityId", settings.dlt_entity_id.clone()),
        ("AWS.MM.SMS.TemplateId", template.clone()),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.map(|value| (name, value)))
    .collect()
}

/// The aws-sdk-sns adapter; the client is built on first use.
pub struct SnsSmsSender {
    settings: AwsSettings,
    sms: SmsSettings,
    client: OnceCell<aws_sdk_sns::Client>,
}

impl SnsSmsSender {
    /// An adapter for the given AWS settings (endpoint override honoured) and SMS settings.
    pub fn new(settings: AwsSettings, sms: SmsSettings) -> Self {
        Self {
            settings,
            sms,
            client: OnceCell::new(),
        }
    }
}

impl SmsSender for SnsSmsSender {
    fn send<'a>(
        &'a self,
        to: &'a PhoneNumber,
        text: &'a str,
        purpose: SmsPurpose,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let client = self
                .client
                .get_or_init(|| async {
                    aws_sdk_sns::Client::new(&sdk_config(&self.settings).await)
                })
                .await;
            let mut publish = client.publish().phone_number(to.as_str()).message(text);
            for (name, value) in message_attributes(&self.sms, purpose) {
                let attribute = MessageAttributeValue::builder()
                    .data_type("String")
                    .string_value(value)
                    .build()
                    .with_context(|| format!("SMS attribute {name}"))?;
                publish = publish.message_attributes(name, attribute);
            }
            publish.send().await.context("publishing an SMS")?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sms_is_transactional_and_carries_the_configured_dlt_ids() {
        let none = SmsSettings::default();
        assert_eq!(
            message_attributes(&none, SmsPurpose::LoginCode),
            vec![("AWS.SNS.SMS.SMSType", "Transactional".to_owned())]
        );
        let india = SmsSettings {
            sender_id: Some("EVNTHS".into()),
            dlt_entity_id: Some("1101000000000000001".into()),
            login_template_id: Some("1107000000000000011".into()),
            notice_template_id: Some("1107000000000000022".into()),
        };
        let login = message_attributes(&india, SmsPurpose::LoginCode);
        assert_eq!(
            login,
            vec![
                ("AWS.SNS.SMS.SMSType", "Transactional".to_owned()),
                ("AWS.SNS.SMS.SenderID", "EVNTHS".to_owned()),
                ("AWS.MM.SMS.EntityId", "1101000000000000001".to_owned()),
                ("AWS.MM.SMS.TemplateId", "1107000000000000011".to_owned()),
            ]
        );
        let notice = message_attributes(&india, SmsPurpose::Notice);
        assert_eq!(
            notice[3],
            ("AWS.MM.SMS.TemplateId", "1107000000000000022".to_owned())
        );
    }
}
