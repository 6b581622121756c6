//! Database round trips per route (issue 10, item 7). The journey of audit_trail.rs calls every
//! route once, successfully, with the app's pool behind a counting proxy (wire_counter.rs). It
//! walks twice on one connection, as a warm Lambda instance serves requests: the first walk
//! fills the connection's statement cache, the second is counted. Payments' provider call is
//! HTTPS, not a database round trip, so it is not counted.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use crate::audit_trail::walk_every_route;
use crate::helpers::{admin_url, connect, create_empty_database, test_config, TestApp};
use crate::wire_counter::RoundTripCounter;

/// The most round trips a route may take (issue 10's goal).
const BUDGET: u64 = 3;

/// Routes still over the budget, with the round trips they take today on a warm connection
/// (the most over the journey's calls). Most routes take at most three: the account check,
/// locks and reads in one (BEGIN queued ahead of them, rows found through each other inside
/// the statements), every write gathered (`Writes`, ids made in the app) and sent with the
/// read of the answer and COMMIT in the second (`PipelinedTransaction`), and the outbox's
/// "sent" mark after publishing in the third (the messages are kept in memory, not read back).
/// A route may not take more than its figure here, and when one takes fewer its figure must
/// come down (or the entry go), so this table stays true.
const OVER_BUDGET: &[(&str, u64)] = &[
    // The refund is committed before the provider is called (so a retry refunds once) and its
    // answer recorded after: two commits around the call, then the notice's outbox mark.
    ("refundOrder", 4),
    // The cancel, then each paid guest's refund as refundOrder's (one round trip per refund
    // after the provider call): grows with the number of paid guests (two in the journey).
    ("cancelEvent", 9),
];

#[tokio::test]
async fn every_route_stays_within_its_round_trip_budget() {
    let database = create_empty_database().await;
    let mut db = connect(&database).await;
    shared::migrations::run(&mut db)
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
    let app = TestApp::from_config(config, db);
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
    let mut wrong = Vec::new();
    for (operation, used) in &most {
        let allowed = OVER_BUDGET
            .iter()
            .find(|(op, _)| op == operation)
            .map_or(BUDGET, |(_, figure)| *figure);
        let recorded_over = allowed > BUDGET;
        if *used > allowed || (recorded_over && *used < allowed) {
            wrong.push(format!(
                "{operation}: {used} round trips (table: {allowed})"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "round trips differ from the budget or OVER_BUDGET (fix the route, or lower its figure):\n{}",
        wrong.join("\n")
    );
    let unknown: Vec<_> = OVER_BUDGET
        .iter()
        .filter(|(op, _)| !most.contains_key(op))
        .collect();
    assert!(
        unknown.is_empty(),
        "OVER_BUDGET names routes the journey never called: {unknown:?}"
    );
}
