//! Two refund senders at once: the reservation-expiry worker's `send_refunds` message and the
//! minute's sweep (or two workers) can read the same unsent refund. Both call the provider
//! with its one key (one refund there); the refund is recorded, and its buyer told, once.

use std::time::Duration;

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::payments::razorpay_stub::refund_asked_for;

#[tokio::test]
async fn two_senders_of_one_refund_record_it_and_notify_its_buyer_once() {
    let server = MockServer::start().await;
    // A slow provider: both senders have read the refund before either hears back.
    Mock::given(method("POST"))
        .and(path("/v1/payments/pay_R7/refund"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "rfnd_R7", "status": "processed"}))
                .set_delay(Duration::from_millis(300)),
        )
        .mount(&server)
        .await;
    let app = refund_asked_for(&server, "pay_R7").await;

    let (first, second) = tokio::join!(
        shared::payments::refunds::process_pending(&app.state),
        shared::payments::refunds::process_pending(&app.state)
    );
    assert_eq!(
        (first.unwrap(), second.unwrap()),
        (1, 1),
        "both read it unsent"
    );
    let provider_calls = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().ends_with("/refund"))
        .count();
    assert_eq!(provider_calls, 2, "both senders called the provider");

    let row: (String, String, i64) = app.row("SELECT status, provider_refund_id, \
                    (SELECT count(*) FROM outbox_message WHERE payload->>'kind' = 'payment_refunded') \
             FROM payment_refund",
            &[]).await;
    assert_eq!(
        row,
        ("processed".into(), "rfnd_R7".into(), 1),
        "recorded once, one notice for the buyer"
    );
}
