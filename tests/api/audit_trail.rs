//! Audit completeness: one journey calls every route of the OpenAPI table once, successfully,
//! and each mutating call leaves audit rows naming the actor, the object and the action;
//! no login code, token, ticket code or signature appears in any audit payload or log line.

use std::collections::BTreeSet;
use std::sync::Arc;

use hmac::{Hmac, Mac};
use http::{Method, StatusCode};
use serde_json::{json, Value};
use sha2::Sha256;
use shared::contract::operations::OPERATIONS;
use uuid::Uuid;

use crate::events::{valid_event, with};
use crate::helpers::{captured_logs, spawn_app_with, TestApp, TestResponse, TestUser};
use crate::platform::wire_counter::{RoundTripCounter, RoundTrips};

/// Routes that change nothing of ours, so have nothing to audit.
const NOT_AUDITED: &[(&str, &str)] = &[(
    "sandboxPay",
    "stands in for Razorpay's checkout: it signs a payment id and writes nothing",
)];

/// A walk through every mutating route, checking audit rows as it goes.
pub struct Journey {
    /// The app walked through.
    pub app: TestApp,
    last_audit_id: i64,
    covered: BTreeSet<&'static str>,
    /// Every secret the journey saw, to look for in audit payloads and logs afterwards.
    secrets: Vec<String>,
    /// When the app's pool goes through a counter: round trips of each call, by operation.
    round_trip_counter: Option<Arc<RoundTripCounter>>,
    round_trip_mark: RoundTrips,
    /// (operation id, database round trips) of every call, in order.
    pub round_trips: Vec<(&'static str, RoundTrips)>,
}

impl Journey {
    /// Moves past audit rows of setup calls that are not the operation under test.
    async fn skip_setup_rows(&mut self) {
        self.mark_round_trips();
        self.last_audit_id = self
            .app
            .value("SELECT coalesce(max(id), 0) FROM audit_log", &[])
            .await;
    }

    /// Calls the operation `operation_id` (its method and success status are the route table's)
    /// at `path` as `actor`, expects success, and checks that new audit rows name `actor`
    /// (None: the system) and a non-empty object and action.
    async fn call(
        &mut self,
        operation_id: &'static str,
        actor: Option<&TestUser>,
        path: &str,
        body: Option<Value>,
    ) -> TestResponse {
        let (method, status) = documented_success(operation_id);
        let response = self.send(method, path, actor, body).await;
        self.expect(operation_id, actor.map(|u| u.user_id), response, status)
            .await
    }

    /// Sends a request as `actor`; round trips from here on belong to it.
    async fn send(
        &mut self,
        method: Method,
        path: &str,
        actor: Option<&TestUser>,
        body: Option<Value>,
    ) -> TestResponse {
        self.mark_round_trips();
        let mut request = self.app.request(method, path);
        if let Some(user) = actor {
            request = request.bearer(&user.access_token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await
    }

    /// Checks the status of `operation_id`'s answer, and records its round trips and that the
    /// walk reached it.
    fn answered(
        &mut self,
        operation_id: &'static str,
        response: &TestResponse,
        status: StatusCode,
    ) {
        assert_eq!(response.status, status, "{operation_id}: {}", response.text);
        if let Some(counter) = &self.round_trip_counter {
            let used = counter.count() - self.round_trip_mark;
            if std::env::var_os("ROUND_TRIP_TRACE").is_some() {
                eprintln!("== {operation_id}: {used:?}");
            }
            self.round_trips.push((operation_id, used));
        }
        self.covered.insert(operation_id);
    }

    async fn expect(
        &mut self,
        operation_id: &'static str,
        actor: Option<Uuid>,
        response: TestResponse,
        status: StatusCode,
    ) -> TestResponse {
        self.answered(operation_id, &response, status);
        let rows = self
            .app
            .db
            .query(
                "SELECT a.id, u.uuid, a.object_type, a.object_id, a.action FROM audit_log a \
                 LEFT JOIN auth_user u ON u.id = a.actor_id WHERE a.id > $1 ORDER BY a.id",
                &[&self.last_audit_id],
            )
            .await
            .unwrap();
        if NOT_AUDITED.iter().any(|(id, _)| *id == operation_id) {
            assert!(rows.is_empty(), "{operation_id} is listed as not audited");
        } else {
            assert!(!rows.is_empty(), "{operation_id} left no audit row");
            let actors: BTreeSet<Option<Uuid>> = rows.iter().map(|r| r.get(1)).collect();
            assert!(
                actors.contains(&actor),
                "{operation_id}: no audit row names the actor {actor:?} (found {actors:?})"
            );
            for row in &rows {
                let (object_type, object_id, action): (String, String, String) =
                    (row.get(2), row.get(3), row.get(4));
                assert!(
                    !object_type.is_empty() && !object_id.is_empty() && !action.is_empty(),
                    "{operation_id}: {object_type}/{object_id}/{action}"
                );
            }
        }
        if let Some(last) = rows.last() {
            self.last_audit_id = last.get(0);
        }
        self.mark_round_trips();
        response
    }

    /// GETs `path` as the read operation `operation_id` (200 expected, nothing audited), so the
    /// walk reaches every route once.
    async fn read(
        &mut self,
        operation_id: &'static str,
        actor: Option<&TestUser>,
        path: &str,
    ) -> TestResponse {
        let response = self.send(Method::GET, path, actor, None).await;
        self.answered(operation_id, &response, StatusCode::OK);
        self.mark_round_trips();
        response
    }

    /// Round trips from here on belong to the next call (setup calls in between are skipped).
    fn mark_round_trips(&mut self) {
        if let Some(counter) = &self.round_trip_counter {
            self.round_trip_mark = counter.count();
        }
    }
}

/// The method and success status the route table documents for `operation_id`.
fn documented_success(operation_id: &str) -> (Method, StatusCode) {
    use shared::contract::operations::Success;
    let operation = shared::contract::operations::OPERATIONS
        .iter()
        .find(|operation| operation.operation_id == operation_id)
        .unwrap_or_else(|| panic!("{operation_id} is not in the route table"));
    let status = match operation.success {
        Success::Json(status, _) | Success::Empty(status) => status,
        Success::Calendar | Success::JsonOrCsv(_) | Success::OpenApi => 200,
    };
    (
        operation.method.parse().expect("a method"),
        StatusCode::from_u16(status).expect("a status"),
    )
}

fn webhook_signature(raw: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(b"sandbox-webhook-secret").unwrap();
    mac.update(raw);
    hex::encode(mac.finalize().into_bytes())
}

#[tokio::test]
async fn every_mutating_route_leaves_an_audit_row_and_no_secret_anywhere() {
    let app = spawn_app_with(|c| c.uploads_bucket = Some("eventhost-uploads".into())).await;
    let j = walk_every_route(app, None, 0).await;

    // No secret in any audit payload or log line.
    let payloads: Vec<String> = j
        .app
        .column("SELECT payload::text FROM audit_log", &[])
        .await;
    let logs = captured_logs();
    for secret in &j.secrets {
        assert!(
            !payloads.iter().any(|p| p.contains(secret.as_str())),
            "a secret is in an audit payload"
        );
        // Six digits also occur in timestamps of other tests' lines: only long secrets are
        // looked for in the shared log (telemetry.rs checks the login code in a request's lines).
        if secret.len() > 6 {
            assert!(!logs.contains(secret.as_str()), "a secret is in the logs");
        }
    }
}

/// Calls every operation of the document once, successfully, checking each one's
/// audit rows (and counting its round trips when `counter` sits in front of the app's pool).
/// `round` (0–9) keeps phone numbers and provider ids apart when one app walks more than once.
pub async fn walk_every_route(
    app: TestApp,
    counter: Option<Arc<RoundTripCounter>>,
    round: u8,
) -> Journey {
    assert!(round < 10, "round is one digit of the phone numbers");
    let phone_number = |n: u8| format!("+9198111{round}000{n}");
    let mut j = Journey {
        app,
        last_audit_id: 0,
        covered: BTreeSet::new(),
        secrets: Vec::new(),
        round_trip_counter: counter,
        round_trip_mark: RoundTrips::default(),
        round_trips: Vec::new(),
    };

    // Logging in, through the routes.
    let phone = phone_number(1);
    let phone = phone.as_str();
    j.call(
        "requestOtp",
        None,
        "/v1/auth/otp",
        Some(json!({"phone_number": phone})),
    )
    .await;
    let code = j.app.sms.last_code(phone).unwrap();
    j.secrets.push(code.clone());
    let login = j
        .app
        .post(
            "/v1/auth/otp/verify",
            json!({"phone_number": phone, "code": code}),
        )
        .await;
    let host_id: Uuid = login.str_at("/user/user_id").parse().unwrap();
    let login = j
        .expect("verifyOtp", Some(host_id), login, StatusCode::OK)
        .await;
    j.secrets.push(login.str_at("/access_token"));
    j.secrets.push(login.str_at("/refresh_token"));
    let refreshed = j.app.refresh(&login.str_at("/refresh_token")).await;
    let refreshed = j
        .expect("refreshTokens", Some(host_id), refreshed, StatusCode::OK)
        .await;
    let host = TestUser {
        user_id: host_id,
        phone: phone.to_owned(),
        access_token: refreshed.str_at("/access_token"),
        refresh_token: refreshed.str_at("/refresh_token"),
    };
    j.secrets.push(host.access_token.clone());
    j.secrets.push(host.refresh_token.clone());
    let guest = j.app.quick_user(&phone_number(2), Some("male")).await;
    let friend = j.app.quick_user(&phone_number(3), Some("female")).await;
    let cohost = j.app.quick_user(&phone_number(4), Some("female")).await;

    // The host's profile.
    j.call(
        "updateMe",
        Some(&host),
        "/v1/me",
        Some(json!({"name": "Asha", "gender": "female", "birth_date": "1990-01-01"})),
    )
    .await;
    j.call(
        "setMyInterests",
        Some(&host),
        "/v1/me/interests",
        Some(json!({"interests": ["picnic"]})),
    )
    .await;
    j.call(
        "createUpload",
        Some(&host),
        "/v1/uploads",
        Some(json!({"purpose": "event_image", "content_type": "image/jpeg"})),
    )
    .await;
    j.call("createVenue", Some(&host), "/v1/venues", Some(json!({"name": "Cubbon Park", "address": "Kasturba Rd", "city": "Bengaluru", "latitude": 12.97, "longitude": 77.59}))).await;
    j.read("getOpenApi", None, "/v1/openapi.json").await;
    j.read("getMe", Some(&host), "/v1/me").await;
    j.read("listInterests", Some(&host), "/v1/interests").await;
    j.read("searchVenues", Some(&host), "/v1/venues?q=Cubbon")
        .await;
    j.read(
        "getUser",
        Some(&host),
        &format!("/v1/users/{}", guest.user_id),
    )
    .await;

    // Hosting a free event.
    let created = j
        .call(
            "createEvent",
            Some(&host),
            "/v1/events",
            Some(valid_event()),
        )
        .await;
    let free = created.str_at("/event_id");
    let event_path = format!("/v1/events/{free}");
    j.call(
        "updateEvent",
        Some(&host),
        &event_path,
        Some(json!({"title": "Sunday Picnic, again"})),
    )
    .await;
    let image = j
        .call(
            "addEventImage",
            Some(&host),
            &format!("{event_path}/images"),
            Some(json!({"image_url": "https://cdn.example.com/a.jpg"})),
        )
        .await;
    let image_id = image.str_at("/image_id");
    j.call(
        "reorderEventImages",
        Some(&host),
        &format!("{event_path}/images"),
        Some(json!({"image_ids": [image_id]})),
    )
    .await;
    j.call(
        "deleteEventImage",
        Some(&host),
        &format!("{event_path}/images/{image_id}"),
        None,
    )
    .await;
    j.call(
        "publishEvent",
        Some(&host),
        &format!("{event_path}/publish"),
        None,
    )
    .await;
    j.read("discoverEvents", Some(&guest), "/v1/events").await;
    j.read("getEvent", Some(&guest), &event_path).await;
    j.read(
        "getEventCalendar",
        Some(&guest),
        &format!("{event_path}/calendar.ics"),
    )
    .await;
    j.read("listMyEvents", Some(&host), "/v1/me/events").await;
    j.call(
        "unpublishEvent",
        Some(&host),
        &format!("{event_path}/unpublish"),
        None,
    )
    .await;
    j.app
        .call_as(&host, Method::POST, &format!("{event_path}/publish"))
        .await;
    j.skip_setup_rows().await;
    j.call(
        "addCohost",
        Some(&host),
        &format!("{event_path}/cohosts"),
        Some(json!({"user_id": cohost.user_id})),
    )
    .await;
    j.call(
        "removeCohost",
        Some(&host),
        &format!("{event_path}/cohosts/{}", cohost.user_id),
        None,
    )
    .await;

    // Joining it: request → accept → ticket → check-in; decline; invites.
    let asked = j
        .call(
            "requestToJoin",
            Some(&guest),
            &format!("{event_path}/requests"),
            Some(json!({"seats_requested": 1})),
        )
        .await;
    let accepted = j
        .call(
            "acceptRequest",
            Some(&host),
            &format!("/v1/requests/{}/accept", asked.str_at("/request_id")),
            Some(json!({})),
        )
        .await;
    let attendee = accepted.str_at("/attendee_id");
    j.read(
        "listEventRequests",
        Some(&host),
        &format!("{event_path}/requests"),
    )
    .await;
    j.read("listMyRequests", Some(&guest), "/v1/me/requests")
        .await;
    let ticket = j
        .read(
            "getTicket",
            Some(&guest),
            &format!("/v1/tickets/{attendee}"),
        )
        .await;
    let ticket_code = ticket.str_at("/ticket_code");
    j.secrets.push(ticket_code.clone());
    j.call(
        "checkIn",
        Some(&host),
        &format!("{event_path}/check-ins"),
        Some(json!({"ticket_code": ticket_code})),
    )
    .await;
    j.read(
        "listAttendees",
        Some(&host),
        &format!("{event_path}/attendees"),
    )
    .await;
    j.read("listMyTickets", Some(&guest), "/v1/me/tickets")
        .await;
    let asked = j
        .call(
            "requestToJoin",
            Some(&friend),
            &format!("{event_path}/requests"),
            Some(json!({})),
        )
        .await;
    j.call(
        "declineRequest",
        Some(&host),
        &format!("/v1/requests/{}/decline", asked.str_at("/request_id")),
        Some(json!({})),
    )
    .await;
    let invite = j
        .call(
            "createInvite",
            Some(&host),
            &format!("{event_path}/invites"),
            Some(json!({"invite_type": "direct", "user_id": friend.user_id})),
        )
        .await;
    j.read("listMyInvites", Some(&friend), "/v1/me/invites")
        .await;
    let joined = j
        .call(
            "acceptInvite",
            Some(&friend),
            &format!("/v1/invites/{}/accept", invite.str_at("/invite_id")),
            None,
        )
        .await;
    j.call(
        "cancelAttendance",
        Some(&friend),
        &format!("/v1/attendees/{}/cancel", joined.str_at("/attendee_id")),
        None,
    )
    .await;
    let invite = j
        .call(
            "createInvite",
            Some(&host),
            &format!("{event_path}/invites"),
            Some(json!({"invite_type": "direct", "user_id": cohost.user_id})),
        )
        .await;
    j.call(
        "declineInvite",
        Some(&cohost),
        &format!("/v1/invites/{}/decline", invite.str_at("/invite_id")),
        None,
    )
    .await;

    // A paid event: hold → order → sandbox checkout → verify → partial refund; a second order
    // settled by webhook; a request withdrawn; then the host cancels it.
    let paid = j
        .app
        .request(Method::POST, "/v1/events")
        .bearer(&host.access_token)
        .json(&with(
            valid_event(),
            json!({"is_paid": true, "ticket_price": "499.00", "is_published": true}),
        ))
        .send()
        .await;
    let paid = paid.str_at("/event_id");
    j.skip_setup_rows().await;
    let mut orders = Vec::new();
    for buyer in [&guest, &friend] {
        let asked = j
            .call(
                "requestToJoin",
                Some(buyer),
                &format!("/v1/events/{paid}/requests"),
                Some(json!({})),
            )
            .await;
        let held = j
            .call(
                "acceptRequest",
                Some(&host),
                &format!("/v1/requests/{}/accept", asked.str_at("/request_id")),
                Some(json!({})),
            )
            .await;
        let order = j
            .call(
                "createOrder",
                Some(buyer),
                "/v1/payments/orders",
                Some(json!({"reservation_key": held.str_at("/hold/reservation_key")})),
            )
            .await;
        j.read(
            "getOrder",
            Some(buyer),
            &format!("/v1/payments/orders/{}", order.str_at("/order_id")),
        )
        .await;
        j.read("listMyOrders", Some(buyer), "/v1/me/orders").await;
        orders.push((
            order.str_at("/order_id"),
            order.str_at("/checkout/provider_order_id"),
        ));
    }
    let checkout = j
        .call(
            "sandboxPay",
            None,
            &format!("/v1/payments/sandbox/orders/{}/pay", orders[0].0),
            None,
        )
        .await;
    let signature = checkout.str_at("/razorpay_signature");
    j.secrets.push(signature.clone());
    j.call("verifyPayment", Some(&guest), &format!("/v1/payments/orders/{}/verify", orders[0].0), Some(json!({"provider_payment_id": checkout.str_at("/razorpay_payment_id"), "provider_signature": signature}))).await;
    j.call(
        "refundOrder",
        Some(&host),
        &format!("/v1/payments/orders/{}/refund", orders[0].0),
        Some(json!({"amount": "10.00"})),
    )
    .await;
    let event = json!({"event": "payment.captured", "payload": {"payment": {"entity": {"id": format!("pay_webhook_{round}"), "order_id": orders[1].1, "status": "captured"}}}});
    let raw = serde_json::to_vec(&event).unwrap();
    let webhook_signature = webhook_signature(&raw);
    j.secrets.push(webhook_signature.clone());
    let response = j
        .app
        .request(Method::POST, "/v1/payments/webhooks/razorpay")
        .header("x-razorpay-signature", &webhook_signature)
        .header("x-razorpay-event-id", &format!("evt_audit_{round}"))
        .raw_body(raw)
        .send()
        .await;
    // The buyer paid; the webhook only brings the news, so the row names the buyer.
    j.expect(
        "razorpayWebhook",
        Some(friend.user_id),
        response,
        StatusCode::OK,
    )
    .await;
    let third = j.app.quick_user(&phone_number(5), Some("male")).await;
    let asked = j
        .call(
            "requestToJoin",
            Some(&third),
            &format!("/v1/events/{paid}/requests"),
            Some(json!({})),
        )
        .await;
    j.call(
        "cancelRequest",
        Some(&third),
        &format!("/v1/requests/{}/cancel", asked.str_at("/request_id")),
        None,
    )
    .await;
    j.call(
        "cancelEvent",
        Some(&host),
        &format!("/v1/events/{paid}/cancel"),
        None,
    )
    .await;

    // Notifications, logout, account deletion.
    j.app.db.batch_execute(&format!(
        "INSERT INTO notification (recipient_id, notification_type, title, message) \
         SELECT id, 'event_reminder', 'Soon', 'Your event starts soon' FROM auth_user WHERE uuid = '{}' \
         UNION ALL SELECT id, 'event_reminder', 'Later', 'Another one' FROM auth_user WHERE uuid = '{}'",
        guest.user_id, guest.user_id
    )).await.unwrap();
    let inbox = j
        .read("listNotifications", Some(&guest), "/v1/me/notifications")
        .await;
    let first = inbox.str_at("/items/0/notification_id");
    j.call(
        "markNotificationRead",
        Some(&guest),
        &format!("/v1/me/notifications/{first}/read"),
        None,
    )
    .await;
    j.call(
        "markAllNotificationsRead",
        Some(&guest),
        "/v1/me/notifications/read-all",
        None,
    )
    .await;
    j.call(
        "logout",
        Some(&host),
        "/v1/auth/logout",
        Some(json!({"refresh_token": host.refresh_token})),
    )
    .await;
    j.call("deleteMe", Some(&cohost), "/v1/me", None).await;

    // Every operation of the document was exercised.
    let every: BTreeSet<&str> = OPERATIONS.iter().map(|op| op.operation_id).collect();
    let missing: Vec<_> = every.difference(&j.covered).collect();
    assert!(missing.is_empty(), "not exercised: {missing:?}");

    j
}
