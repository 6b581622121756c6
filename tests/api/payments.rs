//! Paying for tickets: server-side amounts, checkout verification, webhooks that settle once,
//! late payments, refunds, and the Razorpay adapter against a local stub.

use base64::Engine;
use hmac::{Hmac, Mac};
use http::{Method, StatusCode};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use sha2::Sha256;
use shared::payments::amounts::Breakdown;

use crate::attendance::{accept, request_join};
use crate::events::{assert_counters_true, published_event};
use crate::helpers::{problem_fields, spawn_app, spawn_app_with, TestApp, TestResponse, TestUser};

/// HMAC-SHA256 as hex, computed here independently of the code under test.
pub(crate) fn hmac_hex(key: &str, message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

pub(crate) const SANDBOX_SECRET: &str = "sandbox-key-secret";
pub(crate) const WEBHOOK_SECRET: &str = "sandbox-webhook-secret";

pub(crate) struct Held {
    pub host: TestUser,
    pub guest: TestUser,
    pub event_id: String,
    pub reservation_key: String,
}

pub(crate) async fn hold(app: &TestApp, capacity: i64, seats: i64) -> Held {
    let host = app.host().await;
    let [guest] = app.guests().await;
    let event_id = published_event(
        app,
        &host,
        json!({"capacity": capacity, "is_paid": true, "ticket_price": "499.00", "gst_percent": 18, "gstin": "27AAPFU0939F1ZV", "allow_plus_one": true}),
    )
    .await;
    let request = request_join(app, &guest, &event_id, seats).await;
    let accepted = accept(app, &host, request.body["request_id"].as_str().unwrap()).await;
    let reservation_key = accepted.body["hold"]["reservation_key"]
        .as_str()
        .expect("a hold")
        .to_owned();
    Held {
        host,
        guest,
        event_id,
        reservation_key,
    }
}

pub(crate) async fn create_order(
    app: &TestApp,
    user: &TestUser,
    body: Value,
    key: Option<&str>,
) -> TestResponse {
    let mut request = app
        .request(Method::POST, "/v1/payments/orders")
        .bearer(&user.access_token)
        .json(&body);
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    request.send().await
}

/// An unpaid order for a hold: (order id, the provider's order id).
pub(crate) async fn open_order(app: &TestApp, held: &Held) -> (String, String) {
    let order = app.order_for(held).await.expect_status(StatusCode::CREATED);
    (
        order.body["order_id"].as_str().unwrap().to_owned(),
        order.body["checkout"]["provider_order_id"]
            .as_str()
            .unwrap()
            .to_owned(),
    )
}

pub(crate) async fn verify(
    app: &TestApp,
    user: &TestUser,
    order_id: &str,
    payment_id: &str,
    signature: &str,
) -> TestResponse {
    app.post_as(
        user,
        &format!("/v1/payments/orders/{order_id}/verify"),
        json!({"provider_payment_id": payment_id, "provider_signature": signature}),
    )
    .await
}

pub(crate) async fn webhook(
    app: &TestApp,
    event_id: &str,
    body: &Value,
    signature: Option<String>,
) -> TestResponse {
    let raw = serde_json::to_vec(body).unwrap();
    let signature = signature.unwrap_or_else(|| hmac_hex(WEBHOOK_SECRET, &raw));
    app.request(Method::POST, "/v1/payments/webhooks/razorpay")
        .header("x-razorpay-signature", &signature)
        .header("x-razorpay-event-id", event_id)
        .raw_body(raw)
        .send()
        .await
}

pub(crate) fn captured(provider_order: &str, payment_id: &str) -> Value {
    json!({"event": "payment.captured", "payload": {"payment": {"entity": {"id": payment_id, "order_id": provider_order, "status": "captured"}}}})
}

pub(crate) async fn counts(app: &TestApp) -> (i64, i64, String) {
    let row = app
        .db
        .query_one(
            "SELECT (SELECT count(*) FROM event_attendee WHERE status <> 'cancelled'), (SELECT count(*) FROM ticket_secret), \
                    (SELECT string_agg(status, ',' ORDER BY id) FROM payment_order)",
            &[],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1), row.get(2))
}

#[test]
fn the_amount_table_rounds_half_up_to_the_paisa() {
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    // (seats, price, gst %, fee %, fee gst %) → base, gst, fee, fee gst, total
    let cases = [
        (
            2,
            "499.00",
            18,
            "2.00",
            "18",
            ["998.00", "179.64", "19.96", "3.59", "1201.19"],
        ),
        (
            1,
            "10.05",
            5,
            "0",
            "18",
            ["10.05", "0.50", "0.00", "0.00", "10.55"],
        ),
        (
            1,
            "10.10",
            5,
            "0",
            "18",
            ["10.10", "0.51", "0.00", "0.00", "10.61"],
        ),
        (
            1,
            "1.00",
            28,
            "2.50",
            "18",
            ["1.00", "0.28", "0.03", "0.01", "1.32"],
        ),
        (
            2,
            "333.33",
            12,
            "2.00",
            "18",
            ["666.66", "80.00", "13.33", "2.40", "762.39"],
        ),
    ];
    for (seats, price, gst, fee, fee_gst, expected) in cases {
        let b = Breakdown::compute(seats, d(price), gst, d(fee), d(fee_gst));
        let got = [b.base, b.gst, b.fee, b.fee_gst, b.total].map(|v| format!("{v:.2}"));
        assert_eq!(
            got,
            expected.map(String::from),
            "{seats} × {price} at {gst}%"
        );
        assert_eq!(
            b.total_paise(),
            i64::try_from(d(expected[4]) * Decimal::ONE_HUNDRED).unwrap()
        );
    }
}

#[tokio::test]
async fn the_whole_paid_flow_in_the_sandbox_ends_with_a_ticket() {
    let app = spawn_app().await;
    let held = hold(&app, 5, 2).await;
    // The server computes every figure: amounts in the body are refused, not trusted.
    let priced_by_client = create_order(
        &app,
        &held.guest,
        json!({"reservation_key": held.reservation_key, "amount": "1.00", "total_amount": "1.00"}),
        None,
    )
    .await;
    priced_by_client.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(
        problem_fields(&priced_by_client),
        vec!["amount", "total_amount"]
    );
    let order = app
        .order_for(&held)
        .await
        .expect_status(StatusCode::CREATED);
    let amounts = &order.body["amounts"];
    assert_eq!(amounts["base_amount"], "998.00");
    assert_eq!(amounts["gst_amount"], "179.64");
    assert_eq!(amounts["platform_fee"], "19.96");
    assert_eq!(amounts["platform_fee_gst"], "3.59");
    assert_eq!(
        amounts["total_amount"], "1201.19",
        "the client's amounts are ignored"
    );
    assert_eq!(order.body["checkout"]["amount_paise"], 120_119);
    assert_eq!(order.body["checkout"]["key_id"], "rzp_test_sandbox");
    let reference = order.body["order_reference"].as_str().unwrap();
    assert!(reference.len() <= 40);
    let order_id = order.body["order_id"].as_str().unwrap().to_owned();
    let again = app.order_for(&held).await;
    assert_eq!(again.status, StatusCode::OK, "one live order per hold");
    assert_eq!(again.body["order_id"], order_id.as_str());
    let stranger_order = create_order(
        &app,
        &held.host,
        json!({"reservation_key": held.reservation_key}),
        None,
    )
    .await;
    stranger_order.assert_problem(StatusCode::NOT_FOUND, "not_found");

    let paid = app
        .act_as(
            &held.guest,
            &format!("/v1/payments/sandbox/orders/{order_id}/pay"),
        )
        .await
        .expect_status(StatusCode::OK);
    let provider_order = paid.body["razorpay_order_id"].as_str().unwrap();
    let payment_id = paid.body["razorpay_payment_id"].as_str().unwrap();
    let signature = paid.body["razorpay_signature"].as_str().unwrap();
    assert_eq!(
        signature,
        hmac_hex(
            SANDBOX_SECRET,
            format!("{provider_order}|{payment_id}").as_bytes()
        ),
        "Razorpay's formula"
    );

    let verified = verify(&app, &held.guest, &order_id, payment_id, signature)
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(verified.body["status"], "paid");
    assert!(verified.body["ticket_code"]
        .as_str()
        .unwrap()
        .starts_with("EH1."));
    let attendee = verified.body["attendee_id"].as_str().unwrap();
    let row: (bool, String, String, i16, String) = app.row("SELECT a.is_paid, a.price_paid::text, a.platform_fee::text, a.seats, h.status FROM event_attendee a JOIN capacity_reservation h ON h.id = a.reservation_id WHERE a.uuid::text = $1", &[&attendee]).await;
    assert_eq!(
        row,
        (true, "1177.64".into(), "23.55".into(), 2, "consumed".into())
    );
    let detail = app
        .get_as(&held.guest, &format!("/v1/events/{}", held.event_id))
        .await;
    assert_eq!(detail.body["my_status"], "going");
    assert_eq!(detail.body["going_count"], 2);
    let mine = app.get_as(&held.guest, "/v1/me/orders").await;
    assert_eq!(mine.body["items"][0]["status"], "paid");
    let foreign = app
        .get_as(&held.host, &format!("/v1/payments/orders/{order_id}"))
        .await;
    foreign.assert_problem(StatusCode::NOT_FOUND, "not_found");
    assert_counters_true(&app).await;
}

#[tokio::test]
async fn one_changed_byte_in_signature_or_payment_id_is_400_and_changes_nothing() {
    let app = spawn_app().await;
    let held = hold(&app, 5, 1).await;
    let order = app.order_for(&held).await;
    let order_id = order.body["order_id"].as_str().unwrap();
    let provider_order = order.body["checkout"]["provider_order_id"]
        .as_str()
        .unwrap();
    let payment_id = "pay_TESTPAYMENT0001";
    let good = hmac_hex(
        SANDBOX_SECRET,
        format!("{provider_order}|{payment_id}").as_bytes(),
    );
    let mut bad_signature = good.clone().into_bytes();
    bad_signature[10] = if bad_signature[10] == b'a' {
        b'b'
    } else {
        b'a'
    };
    let cases = [
        (
            payment_id.to_owned(),
            String::from_utf8(bad_signature).unwrap(),
        ),
        ("pay_TESTPAYMENT0002".to_owned(), good.clone()),
        (payment_id.to_owned(), "not-hex".to_owned()),
    ];
    for (payment, signature) in cases {
        let response = verify(&app, &held.guest, order_id, &payment, &signature).await;
        response.assert_problem(StatusCode::BAD_REQUEST, "invalid_signature");
    }
    assert_eq!(
        counts(&app).await,
        (0, 0, "created".into()),
        "nothing changed"
    );
    assert_eq!(
        verify(&app, &held.guest, order_id, payment_id, &good)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn webhooks_three_times_in_any_order_or_racing_verify_give_one_ticket() {
    let app = spawn_app().await;
    let held = hold(&app, 5, 1).await;
    let (order_id, provider_order) = open_order(&app, &held).await;
    let payment_id = "pay_WEBHOOK000001";
    let order_paid = json!({"event": "order.paid", "payload": {"order": {"entity": {"id": provider_order}}, "payment": {"entity": {"id": payment_id, "order_id": provider_order}}}});
    // Three deliveries of two kinds, in reverse order, plus verify for the same payment.
    for _ in 0..3 {
        assert_eq!(
            webhook(&app, "evt_2", &order_paid, None).await.status,
            StatusCode::OK
        );
        assert_eq!(
            webhook(&app, "evt_1", &captured(&provider_order, payment_id), None)
                .await
                .status,
            StatusCode::OK
        );
    }
    let signature = hmac_hex(
        SANDBOX_SECRET,
        format!("{provider_order}|{payment_id}").as_bytes(),
    );
    let verified = verify(&app, &held.guest, &order_id, payment_id, &signature)
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(verified.body["settled"], "already_settled");
    assert_eq!(counts(&app).await, (1, 1, "paid".into()));
    let events: i64 = app
        .value("SELECT count(*) FROM payment_webhook_event", &[])
        .await;
    assert_eq!(events, 2);

    let raw = serde_json::to_vec(&captured(&provider_order, payment_id)).unwrap();
    let mut tampered = raw.clone();
    tampered[5] ^= 1;
    let response = app
        .request(Method::POST, "/v1/payments/webhooks/razorpay")
        .header("x-razorpay-signature", &hmac_hex(WEBHOOK_SECRET, &raw))
        .header("x-razorpay-event-id", "evt_3")
        .raw_body(tampered)
        .send()
        .await;
    response.assert_problem(StatusCode::UNAUTHORIZED, "invalid_signature");
    assert_counters_true(&app).await;
}

#[tokio::test]
async fn a_declined_payment_keeps_the_hold_and_a_retry_on_the_same_order_gets_the_ticket() {
    let app = spawn_app().await;
    let held = hold(&app, 1, 1).await;
    let (order_id, provider_order) = open_order(&app, &held).await;
    let failed = json!({"event": "payment.failed", "payload": {"payment": {"entity": {"id": "pay_F1", "order_id": provider_order, "status": "failed", "error_code": "BAD_REQUEST_ERROR", "email": "buyer@example.com", "contact": "+919800000002"}}}});
    assert_eq!(
        webhook(&app, "evt_f", &failed, None).await.status,
        StatusCode::OK
    );
    let (order, hold, stored): (String, String, String) = app.row("SELECT (SELECT status FROM payment_order), (SELECT status FROM capacity_reservation), \
                    (SELECT provider_response::text FROM payment_order)",
            &[]).await;
    assert_eq!(
        (order.as_str(), hold.as_str()),
        ("created", "held"),
        "Razorpay lets the buyer try again on the same order: the seat stays held"
    );
    assert!(stored.contains("BAD_REQUEST_ERROR"), "{stored}");
    assert!(
        !stored.contains("buyer@example.com") && !stored.contains("9800000002"),
        "nothing personal is kept: {stored}"
    );
    let delivery: String = app
        .value("SELECT payload::text FROM payment_webhook_event", &[])
        .await;
    assert!(
        delivery.contains("pay_F1") && !delivery.contains("buyer@example.com"),
        "the delivery's record keeps only what reconciliation needs: {delivery}"
    );
    let audited: i64 = app.value("SELECT count(*) FROM audit_log WHERE object_type = 'payment_order' AND action = 'payment_failed'", &[]).await;
    assert_eq!(audited, 1);

    // The second card works, within the hold: one ticket, no refund.
    assert_eq!(
        webhook(&app, "evt_c", &captured(&provider_order, "pay_OK"), None)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(counts(&app).await, (1, 1, "paid".into()));
    let refunds: i64 = app.value("SELECT count(*) FROM payment_refund", &[]).await;
    assert_eq!(refunds, 0);
    let order = app
        .get_as(&held.guest, &format!("/v1/payments/orders/{order_id}"))
        .await;
    assert_eq!(order.body["status"], "paid", "{}", order.text);
    assert_counters_true(&app).await;
}

#[tokio::test]
async fn a_late_payment_is_honoured_when_seats_are_free_and_refunded_when_not() {
    let app = spawn_app().await;
    let held = hold(&app, 1, 1).await;
    let (order_id, provider_order) = open_order(&app, &held).await;
    app.db.execute("UPDATE capacity_reservation SET expires_at = now(), created_at = now() - interval '1 hour'", &[]).await.unwrap();
    let signature = hmac_hex(
        SANDBOX_SECRET,
        format!("{provider_order}|pay_LATE1").as_bytes(),
    );
    let honoured = verify(&app, &held.guest, &order_id, "pay_LATE1", &signature).await;
    assert_eq!(honoured.body["status"], "paid", "{}", honoured.text);

    // Second event: the hold lapses and someone else takes the only seat before the payment lands.
    let app = spawn_app().await;
    let held = hold(&app, 1, 1).await;
    let (order_id, provider_order) = open_order(&app, &held).await;
    app.db.execute("UPDATE capacity_reservation SET expires_at = now(), created_at = now() - interval '1 hour'", &[]).await.unwrap();
    let other = app.quick_user("+919800000003", Some("male")).await;
    let request = request_join(&app, &other, &held.event_id, 1).await;
    accept(
        &app,
        &held.host,
        request.body["request_id"].as_str().unwrap(),
    )
    .await;
    let signature = hmac_hex(
        SANDBOX_SECRET,
        format!("{provider_order}|pay_LATE2").as_bytes(),
    );
    let refunded = verify(&app, &held.guest, &order_id, "pay_LATE2", &signature)
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(refunded.body["settled"], "refund_queued");
    assert_eq!(
        app.deliver_refund_messages().await,
        1,
        "the worker is asked to refund"
    );
    let row: (String, bool, String, String) = app.row("SELECT o.status, o.amount_refunded = o.total_amount, r.status, r.reason FROM payment_order o JOIN payment_refund r ON r.payment_order_id = o.id WHERE o.uuid::text = $1", &[&order_id]).await;
    assert_eq!(
        row,
        (
            "refunded".into(),
            true,
            "processed".into(),
            "late_payment".into()
        )
    );
    let seats: i64 = app
        .value("SELECT event_seats_taken(id) FROM event", &[])
        .await;
    assert_eq!(seats, 1, "never oversold");
    let hold: (String, bool, bool) = {
        let row = app
            .db
            .query_one(
                "SELECT status, consumed_at IS NULL, released_at IS NOT NULL FROM capacity_reservation \
                 WHERE reservation_key::text = $1",
                &[&held.reservation_key],
            )
            .await
            .unwrap();
        (row.get(0), row.get(1), row.get(2))
    };
    assert_eq!(
        hold,
        ("expired".into(), true, true),
        "a lapsed hold whose money went back is closed as expired, never consumed without an attendee"
    );
}

pub(crate) async fn paid_order(app: &TestApp, held: &Held) -> String {
    let (order_id, _) = open_order(app, held).await;
    let paid = app
        .act_as(
            &held.guest,
            &format!("/v1/payments/sandbox/orders/{order_id}/pay"),
        )
        .await;
    verify(
        app,
        &held.guest,
        &order_id,
        paid.body["razorpay_payment_id"].as_str().unwrap(),
        paid.body["razorpay_signature"].as_str().unwrap(),
    )
    .await
    .expect_status(StatusCode::OK);
    order_id
}

#[tokio::test]
async fn partial_refunds_never_exceed_the_total_and_a_full_one_frees_the_seats() {
    let app = spawn_app().await;
    let held = hold(&app, 5, 1).await;
    let order_id = paid_order(&app, &held).await;
    let path = format!("/v1/payments/orders/{order_id}/refund");
    app.act_as(&held.guest, &path)
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
    let first = app
        .post_as(&held.host, &path, json!({"amount": "100.00"}))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(first.body["status"], "partially_refunded");
    assert_eq!(first.body["amounts"]["amount_refunded"], "100.00");
    let too_much = app
        .post_as(&held.host, &path, json!({"amount": "9999.00"}))
        .await;
    too_much.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(too_much.body["errors"][0]["field"], "amount");
    let float = app
        .post_as(&held.host, &path, json!({"amount": 10.5}))
        .await;
    assert_eq!(float.body["errors"][0]["field"], "amount");
    let rest = app.act_as(&held.host, &path).await;
    assert_eq!(rest.body["status"], "refunded");
    assert_eq!(
        rest.body["amounts"]["amount_refunded"],
        rest.body["amounts"]["total_amount"]
    );
    app.post_as(&held.host, &path, json!({"amount": "1.00"}))
        .await
        .assert_problem(StatusCode::CONFLICT, "invalid_transition");
    let refunds: Vec<String> = app
        .column(
            "SELECT idempotency_key FROM payment_refund ORDER BY id",
            &[],
        )
        .await;
    assert_eq!(refunds.len(), 2);
    assert!(
        refunds[0].ends_with("-R1") && refunds[1].ends_with("-R2"),
        "{refunds:?}"
    );
    let detail = app
        .get_as(&held.host, &format!("/v1/events/{}", held.event_id))
        .await;
    assert_eq!(
        detail.body["going_count"], 0,
        "a full refund cancels the attendance"
    );
    assert_counters_true(&app).await;
}

#[tokio::test]
async fn idempotent_order_creation_replays_and_refuses_another_body() {
    let app = spawn_app().await;
    let held = hold(&app, 5, 1).await;
    let first = create_order(
        &app,
        &held.guest,
        json!({"reservation_key": held.reservation_key}),
        Some("order-key-1"),
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let replay = create_order(
        &app,
        &held.guest,
        json!({"reservation_key": held.reservation_key}),
        Some("order-key-1"),
    )
    .await;
    assert_eq!(replay.status, StatusCode::CREATED);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    assert_eq!(replay.body, first.body);
    let other = create_order(
        &app,
        &held.guest,
        json!({"reservation_key": uuid::Uuid::new_v4()}),
        Some("order-key-1"),
    )
    .await;
    other.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused");
    let orders: i64 = app.value("SELECT count(*) FROM payment_order", &[]).await;
    assert_eq!(orders, 1);
}

#[tokio::test]
async fn cancelling_an_event_refunds_its_paid_guests() {
    let app = spawn_app().await;
    let held = hold(&app, 5, 1).await;
    let order_id = paid_order(&app, &held).await;
    app.act_as(&held.host, &format!("/v1/events/{}/cancel", held.event_id))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(
        app.deliver_refund_messages().await,
        1,
        "the worker is asked to refund"
    );
    let row: (String, String, String) = app.row("SELECT o.status, r.status, r.reason FROM payment_order o JOIN payment_refund r ON r.payment_order_id = o.id WHERE o.uuid::text = $1", &[&order_id]).await;
    assert_eq!(
        row,
        (
            "refunded".into(),
            "processed".into(),
            "event_cancelled".into()
        )
    );
}

#[tokio::test]
async fn the_sandbox_route_exists_only_with_the_sandbox() {
    let app = spawn_app_with(|c| {
        c.payments.provider = shared::platform::config::PaymentProviderKind::Razorpay;
    })
    .await;
    let user = app.host().await;
    let response = app
        .act_as(
            &user,
            &format!("/v1/payments/sandbox/orders/{}/pay", uuid::Uuid::new_v4()),
        )
        .await;
    response.assert_problem(StatusCode::NOT_FOUND, "route_not_found");
}

pub(crate) mod razorpay_stub {
    use super::*;
    use wiremock::matchers::{body_partial_json, header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    /// An app on the stub `server` (its refund answers mounted by the caller) with an order
    /// paid with `payment_id` whose host has just asked for a full refund, committed and not
    /// yet sent.
    pub(crate) async fn refund_asked_for(server: &MockServer, payment_id: &str) -> TestApp {
        Mock::given(method("POST"))
            .and(path("/v1/orders"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "order_RZP9"})))
            .mount(server)
            .await;
        let app = razorpay_app(server).await;
        let held = hold(&app, 5, 1).await;
        let order = app.order_for(&held).await;
        let order_id = order.body["order_id"].as_str().unwrap().to_owned();
        let signature = hmac_hex("rzp_secret", format!("order_RZP9|{payment_id}").as_bytes());
        verify(&app, &held.guest, &order_id, payment_id, &signature)
            .await
            .expect_status(StatusCode::OK);
        app.act_as(
            &held.host,
            &format!("/v1/payments/orders/{order_id}/refund"),
        )
        .await
        .expect_status(StatusCode::OK);
        app
    }

    pub(crate) async fn razorpay_app(server: &MockServer) -> TestApp {
        let base = server.uri();
        spawn_app_with(move |c| {
            c.payments.provider = shared::platform::config::PaymentProviderKind::Razorpay;
            c.payments.base_url = base;
            c.payments.key_id = "rzp_test_KEY".into();
            c.payments.key_secret = "rzp_secret".to_owned().into();
        })
        .await
    }

    #[tokio::test]
    async fn orders_go_to_razorpay_with_basic_auth_paise_and_the_receipt() {
        let server = MockServer::start().await;
        let auth = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("rzp_test_KEY:rzp_secret")
        );
        Mock::given(method("POST"))
            .and(path("/v1/orders"))
            .and(header("authorization", auth.as_str()))
            .and(body_partial_json(json!({"amount": 60060, "currency": "INR"})))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "order_RZP123", "amount": 60060, "currency": "INR", "status": "created"})))
            .expect(1)
            .mount(&server)
            .await;
        let app = razorpay_app(&server).await;
        let held = hold(&app, 5, 1).await;
        let order = app
            .order_for(&held)
            .await
            .expect_status(StatusCode::CREATED);
        assert_eq!(order.body["checkout"]["provider_order_id"], "order_RZP123");
        assert_eq!(order.body["checkout"]["key_id"], "rzp_test_KEY");
        let requests = server.received_requests().await.unwrap();
        let sent: Value = serde_json::from_slice(&requests[0].body).unwrap();
        assert_eq!(
            sent["receipt"], order.body["order_reference"],
            "the receipt is our order reference"
        );
    }

    #[tokio::test]
    async fn a_refund_retried_after_a_failure_uses_the_same_idempotency_key_and_refunds_once() {
        let server = MockServer::start().await;
        // The first refund call fails (as a timeout would); the retry succeeds.
        Mock::given(method("POST"))
            .and(path("/v1/payments/pay_R1/refund"))
            .respond_with(
                ResponseTemplate::new(502)
                    .set_body_json(json!({"error": {"description": "gateway"}})),
            )
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/v1/payments/pay_R1/refund"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"id": "rfnd_R1", "status": "processed"})),
            )
            .mount(&server)
            .await;
        let app = refund_asked_for(&server, "pay_R1").await;
        // The worker makes the first call (it fails); the sweep's retry succeeds, once.
        assert_eq!(app.deliver_refund_messages().await, 1);
        let pending: String = app.value("SELECT status FROM payment_refund", &[]).await;
        assert_eq!(
            pending, "pending",
            "the failed call leaves the refund for a retry"
        );
        // Not due yet: a retry waits for its backoff.
        shared::payments::refunds::process_pending(&app.state)
            .await
            .unwrap();
        assert_eq!(
            server
                .received_requests()
                .await
                .unwrap()
                .iter()
                .filter(|r| r.url.path().ends_with("/refund"))
                .count(),
            1,
            "the retry waits for its backoff"
        );
        // The backoff passes.
        app.db
            .execute("UPDATE payment_refund SET next_attempt_at = now()", &[])
            .await
            .unwrap();
        shared::payments::refunds::process_pending(&app.state)
            .await
            .unwrap();
        shared::payments::refunds::process_pending(&app.state)
            .await
            .unwrap();
        let (status, refund_id, key): (String, String, String) = app
            .row(
                "SELECT status, provider_refund_id, idempotency_key FROM payment_refund",
                &[],
            )
            .await;
        assert_eq!(
            (status.as_str(), refund_id.as_str()),
            ("processed", "rfnd_R1")
        );
        let refund_calls: Vec<String> = server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.url.path().ends_with("/refund"))
            .map(|r| {
                r.headers
                    .get("x-refund-idempotency")
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(
            refund_calls,
            vec![key.clone(), key],
            "two calls, one key: the provider refunds once"
        );
    }
}

#[tokio::test]
async fn a_verify_body_outside_the_contracts_lengths_is_refused_naming_each_field() {
    let app = spawn_app().await;
    let buyer = app.host().await;
    let response = app
        .post_as(
            &buyer,
            &format!("/v1/payments/orders/{}/verify", uuid::Uuid::new_v4()),
            json!({"provider_payment_id": "p".repeat(101), "provider_signature": "  "}),
        )
        .await;
    crate::helpers::assert_invalid(&response, &["provider_payment_id", "provider_signature"]);
    let order = app
        .post_as(
            &buyer,
            "/v1/payments/orders",
            json!({"reservation_key": "hold-1"}),
        )
        .await;
    crate::helpers::assert_invalid(&order, &["reservation_key"]);
    assert_eq!(order.body["errors"][0]["message"], "must be an id");
}
