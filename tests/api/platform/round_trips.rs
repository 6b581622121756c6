//! Database round trips per route (issue 10, item 7). The journey of audit_trail.rs calls every
//! route once, successfully, with the app's pool behind a counting proxy (wire_counter.rs). It
//! walks twice on one connection, as a warm Lambda instance serves requests: the first walk
//! fills the connection's statement cache, the second is counted. Payments' provider call is
//! HTTPS, not a database round trip, so it is not counted.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use crate::attendance::request_join;
use crate::audit_trail::walk_every_route;
use crate::events::published_event;
use crate::helpers::{admin_url, connect, create_empty_database, test_config, TestApp};
use crate::platform::wire_counter::RoundTripCounter;
use http::{Method, StatusCode};
use serde_json::json;

/// The most round trips a route may take (issue 10's goal): the account check, locks and
/// reads in one (BEGIN queued ahead of them, rows found through each other inside the
/// statements), every write gathered (`Writes`, ids made in the app) and sent with the read of
/// the answer and COMMIT in the second (`PipelinedTransaction`), and the outbox's "sent" mark
/// after publishing in the third (the messages are kept in memory, not read back). Refunds go
/// to the provider from the reservation-expiry worker, never inside a route.
const BUDGET: u64 = 3;

/// A fresh app whose one pooled connection goes through a round-trip counter.
async fn app_behind_counter() -> (TestApp, Arc<RoundTripCounter>) {
    let database = create_empty_database().await;
    let mut db = connect(&database).await;
    shared::platform::migrations::run(&mut db)
        .await
        .expect("migrations apply");
    let admin: tokio_postgres::Config = admin_url().parse().unwrap();
    let upstream = SocketAddr::from(([127, 0, 0, 1], admin.get_ports()[0]));
    let counter = Arc::new(RoundTripCounter::start(upstream).await);
    let mut config = test_config(&database);
    config.uploads_bucket = Some("eventhost-uploads".into());
    config.database.pool_size = 1;
    config.otp.max_per_ip_per_hour = 1_000;
    config.database.url = format!(
        "postgres://postgres:postgres@127.0.0.1:{}/{database}?connect_timeout=5",
        counter.port()
    )
    .into();
    (TestApp::from_config(config, db), counter)
}

#[tokio::test]
async fn every_route_stays_within_its_round_trip_budget() {
    let (app, counter) = app_behind_counter().await;
    let warm_up = walk_every_route(app, Some(counter.clone()), 1).await;
    let journey = walk_every_route(warm_up.app, Some(counter), 2).await;

    // Statements are prepared once per connection: on the warm walk none is.
    let prepared: Vec<_> = journey
        .round_trips
        .iter()
        .filter(|(_, used)| used.preparations > 0)
        .collect();
    assert!(
        prepared.is_empty(),
        "prepared again on a warm connection: {prepared:?}"
    );

    let mut most: BTreeMap<&str, u64> = BTreeMap::new();
    for (operation, used) in &journey.round_trips {
        let entry = most.entry(operation).or_default();
        *entry = (*entry).max(used.executions + used.preparations);
    }
    let over: Vec<String> = most
        .iter()
        .filter(|(_, used)| **used > BUDGET)
        .map(|(operation, used)| format!("{operation}: {used} round trips"))
        .collect();
    assert!(
        over.is_empty(),
        "routes over {BUDGET} round trips (ROUND_TRIP_TRACE=1 prints each flight):\n{}",
        over.join("\n")
    );
    // However many steps a route takes, it asks whether the account is active once.
    let checked_twice: Vec<String> = journey
        .round_trips
        .iter()
        .filter(|(_, used)| used.account_checks > 1)
        .map(|(operation, used)| format!("{operation}: {} account checks", used.account_checks))
        .collect();
    assert!(checked_twice.is_empty(), "{}", checked_twice.join("\n"));
    assert!(
        most.len() > 40,
        "the journey called only {} routes",
        most.len()
    );
}

#[tokio::test]
async fn a_request_with_an_idempotency_key_checks_the_account_once() {
    let (app, counter) = app_behind_counter().await;
    let host = app.host().await;
    let [guest] = app.guests::<1>().await;
    let event_id = published_event(&app, &host, json!({"requires_approval": true})).await;
    let asked = request_join(&app, &guest, &event_id, 1)
        .await
        .expect_status(StatusCode::CREATED);

    let before = counter.count();
    let accepted = app
        .request(
            Method::POST,
            &format!("/v1/requests/{}/accept", asked.str_at("/request_id")),
        )
        .bearer(&host.access_token)
        .header("Idempotency-Key", "accept-once")
        .json(&json!({}))
        .send()
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(accepted.header("idempotent-replayed"), Some("false"));
    // The key's claim found the account active; the acceptance did not ask again.
    assert_eq!((counter.count() - before).account_checks, 1);
}
