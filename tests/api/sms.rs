//! SMS through SNS (moto locally), with the attributes Indian carriers need: Transactional, the
//! sender id and the DLT entity and template ids from configuration.

use shared::domain::PhoneNumber;
use shared::platform::aws::sns::{SmsPurpose, SmsSender, SnsSmsSender};
use shared::platform::config::SmsSettings;

use crate::helpers::{aws_endpoint, test_config};

#[tokio::test]
async fn an_sms_with_every_dlt_attribute_reaches_sns() {
    let config = test_config("unused");
    let sender = SnsSmsSender::new(
        config.aws.clone(),
        SmsSettings {
            sender_id: Some("EVNTHS".into()),
            dlt_entity_id: Some("1101000000000000001".into()),
            login_template_id: Some("1107000000000000011".into()),
            notice_template_id: Some("1107000000000000022".into()),
        },
    );
    let phone = PhoneNumber::parse("+919812345678").unwrap();
    let text = format!("{} is your EventHost code.", uuid::Uuid::new_v4().simple());
    sender
        .send(&phone, &text, SmsPurpose::LoginCode)
        .await
        .expect("SNS accepts the message and its attributes");
    let recorded: serde_json::Value =
        reqwest::get(format!("{}/moto-api/data.json", aws_endpoint()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let found = recorded["sns"]["SMS"]
        .as_array()
        .unwrap()
        .iter()
        .any(|sms| sms["phone_number"] == "+919812345678" && sms["message"] == text.as_str());
    assert!(found, "moto recorded the SMS");
}
