//! Fixture builders: the people and the event a test is about, in one line, so a test states
//! only what it checks. `party(json!({...}))` spawns an app on a fresh database with a host (a
//! woman), as many guests (men) as the pattern names, and a published event changed by the
//! JSON; `attendance::join_accepted` walks a guest through joining.

use serde::Serialize;
use serde_json::{json, Value};

use crate::attendance::{going_guest, ticket_code};
use crate::events::published_event;
use crate::helpers::{spawn_app, TestApp, TestResponse, TestUser};
use crate::payments::Held;

/// The host every builder makes.
pub const HOST_PHONE: &str = "+919800000001";

/// The phone of guest `n` (from 0): +919800000002, +919800000003, …
pub fn guest_phone(n: usize) -> String {
    format!("+9198000000{:02}", n + 2)
}

impl TestApp {
    /// The usual host, a woman (the builders' events allow every gender).
    pub async fn host(&self) -> TestUser {
        self.quick_user(HOST_PHONE, Some("female")).await
    }

    /// An access token for `user` that expired an hour ago, signed by the app's own key.
    pub fn expired_access_token(&self, user: &TestUser) -> String {
        let issued = chrono::Utc::now() - chrono::Duration::hours(1);
        self.state
            .tokens
            .issue_access(user.user_id, issued)
            .unwrap()
    }

    /// A live access token for `user`, signed by the app's key but for another audience.
    pub fn access_token_for_another_audience(&self, user: &TestUser) -> String {
        let mut partner = self.state.config.tokens.clone();
        partner.audience = "partner-app".into();
        shared::auth::TokenKeys::new(&partner)
            .issue_access(user.user_id, chrono::Utc::now())
            .unwrap()
    }

    /// `POST /v1/auth/refresh` with `refresh_token`.
    pub async fn refresh(&self, refresh_token: &impl Serialize) -> TestResponse {
        self.post(
            "/v1/auth/refresh",
            json!({ "refresh_token": refresh_token }),
        )
        .await
    }

    /// `by` scans `ticket_code` at the door of `event_id`.
    pub async fn check_in(&self, by: &TestUser, event_id: &str, ticket_code: &str) -> TestResponse {
        self.post_as(
            by,
            &format!("/v1/events/{event_id}/check-ins"),
            json!({ "ticket_code": ticket_code }),
        )
        .await
    }

    /// The guest of `held` asks for an order on the hold, without an idempotency key.
    pub async fn order_for(&self, held: &Held) -> TestResponse {
        crate::payments::create_order(
            self,
            &held.guest,
            json!({"reservation_key": held.reservation_key}),
            None,
        )
        .await
    }

    /// `N` guests, men, with the phones of `guest_phone`.
    pub async fn guests<const N: usize>(&self) -> [TestUser; N] {
        let mut guests = Vec::with_capacity(N);
        for n in 0..N {
            guests.push(self.quick_user(&guest_phone(n), Some("male")).await);
        }
        guests
            .try_into()
            .unwrap_or_else(|_| unreachable!("N guests were made"))
    }
}

/// A published event with its host and `N` guests who have not asked to join yet.
pub struct Party<const N: usize> {
    pub app: TestApp,
    pub host: TestUser,
    pub guests: [TestUser; N],
    pub event_id: String,
}

/// A fresh app with a party whose event is the valid event changed by `changes`.
pub async fn party<const N: usize>(changes: Value) -> Party<N> {
    let app = spawn_app().await;
    let host = app.host().await;
    let guests = app.guests::<N>().await;
    let event_id = published_event(&app, &host, changes).await;
    Party {
        app,
        host,
        guests,
        event_id,
    }
}

/// A party whose one guest is going and holds a ticket.
pub struct Ticketed {
    pub app: TestApp,
    pub host: TestUser,
    pub event_id: String,
    pub guest: TestUser,
    pub attendee: String,
    pub ticket_code: String,
}

/// A fresh app with a published event (the valid event changed by `changes`) and one guest
/// (the first guest phone) accepted, going and holding its ticket code.
pub async fn ticketed_guest(changes: Value) -> Ticketed {
    let Party {
        app,
        host,
        guests: [],
        event_id,
    } = party(changes).await;
    let (guest, attendee) = going_guest(&app, &host, &event_id, &guest_phone(0)).await;
    let ticket_code = ticket_code(&app, &guest, &attendee).await;
    Ticketed {
        app,
        host,
        event_id,
        guest,
        attendee,
        ticket_code,
    }
}

/// Puts the start of every event an hour in the past.
pub async fn start_every_event(app: &TestApp) {
    app.db
        .execute(
            "UPDATE event SET event_date = (now() AT TIME ZONE timezone - interval '1 hour')::date, \
                              start_time = (now() AT TIME ZONE timezone - interval '1 hour')::time",
            &[],
        )
        .await
        .unwrap();
}
