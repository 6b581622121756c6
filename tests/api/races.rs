//! Races over real concurrent connections: the ledger never oversells, counters stay true, and a
//! ticket is checked in once.

use std::sync::Arc;

use http::{Method, StatusCode};
use serde_json::json;

use crate::attendance::{accept, join_accepted, request_join};
use crate::events::{assert_counters_true, published_event};
use crate::helpers::{spawn_app_with, TestApp, TestUser};

/// A pool of `size` whose callers wait as long as it takes: hundreds of tasks queue on one
/// event's row lock, and on a busy 2-core machine the last can wait longer than the 5 s after
/// which a real caller would rather get a 503. These tests are about outcomes, not latency.
fn patient_pool(config: &mut shared::platform::config::Config, size: usize) {
    config.database.pool_size = size;
    config.database.connect_timeout = std::time::Duration::from_secs(120);
}

async fn crowd(app: &TestApp, event_id: &str, count: usize) -> Vec<(TestUser, String)> {
    let mut crowd = Vec::new();
    for n in 0..count {
        let guest = app
            .quick_user(&format!("+91970000{n:04}"), Some("male"))
            .await;
        let response = request_join(app, &guest, event_id, 1)
            .await
            .expect_status(StatusCode::CREATED);
        let request_id = response.body["request_id"].as_str().unwrap().to_owned();
        crowd.push((guest, request_id));
    }
    crowd
}

async fn taken(app: &TestApp) -> i64 {
    app.value("SELECT event_seats_taken(id) FROM event", &[])
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_accepts_on_ten_seats_take_exactly_ten() {
    let app = Arc::new(spawn_app_with(|c| patient_pool(c, 16)).await);
    let host = app.host().await;
    let event_id = published_event(
        &app,
        &host,
        json!({"capacity": 10, "is_paid": true, "ticket_price": "100.00"}),
    )
    .await;
    let crowd = crowd(&app, &event_id, 200).await;

    let mut tasks = Vec::new();
    for (_, request_id) in crowd {
        let (app, host) = (Arc::clone(&app), host.clone());
        tasks.push(tokio::spawn(async move {
            accept(&app, &host, &request_id).await
        }));
    }
    let mut outcomes = std::collections::HashMap::new();
    for task in tasks {
        let response = task.await.unwrap();
        assert_eq!(response.status, StatusCode::OK, "{}", response.text);
        *outcomes
            .entry(response.body["status"].as_str().unwrap().to_owned())
            .or_insert(0) += 1;
    }
    assert_eq!(outcomes.get("accepted"), Some(&10), "{outcomes:?}");
    assert_eq!(outcomes.get("waitlisted"), Some(&190), "{outcomes:?}");
    assert_eq!(taken(&app).await, 10);
    assert_counters_true(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_accepts_cancels_and_expiries_keep_the_counters_true() {
    let app = Arc::new(spawn_app_with(|c| patient_pool(c, 12)).await);
    let host = app.host().await;
    let free = published_event(&app, &host, json!({"capacity": 6})).await;
    let crowd = crowd(&app, &free, 40).await;
    let mut tasks = Vec::new();
    for (n, (guest, request_id)) in crowd.into_iter().enumerate() {
        let (app, host) = (Arc::clone(&app), host.clone());
        tasks.push(tokio::spawn(async move {
            match n % 4 {
                // The guest withdraws while the host may be accepting.
                0 => {
                    let path = format!("/v1/requests/{request_id}/cancel");
                    app.call_as(&guest, Method::POST, &path).await;
                    accept(&app, &host, &request_id).await;
                }
                // Accepted, then the guest cancels the attendance (promoting the waitlist).
                1 => {
                    let accepted = accept(&app, &host, &request_id).await;
                    if let Some(attendee) = accepted.body["attendee_id"].as_str() {
                        let path = format!("/v1/attendees/{attendee}/cancel");
                        app.call_as(&guest, Method::POST, &path).await;
                    }
                }
                _ => {
                    accept(&app, &host, &request_id).await;
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert!(taken(&app).await <= 6);
    assert_counters_true(&app).await;

    // Paid holds expiring while accepts run.
    let paid = published_event(
        &app,
        &host,
        json!({"title": "Paid", "capacity": 3, "is_paid": true, "ticket_price": "10.00"}),
    )
    .await;
    let mut crowd = Vec::new();
    for n in 0..20 {
        let guest = app
            .quick_user(&format!("+91960000{n:04}"), Some("male"))
            .await;
        let response = request_join(&app, &guest, &paid, 1).await;
        crowd.push(response.body["request_id"].as_str().unwrap().to_owned());
    }
    let mut tasks = Vec::new();
    for request_id in crowd {
        let (app, host) = (Arc::clone(&app), host.clone());
        tasks.push(tokio::spawn(async move {
            accept(&app, &host, &request_id).await
        }));
    }
    let expirer = {
        let app = Arc::clone(&app);
        tokio::spawn(async move {
            for _ in 0..5 {
                app.db
                    .execute("UPDATE capacity_reservation SET expires_at = now(), created_at = now() - interval '1 hour' WHERE status = 'held' AND expires_at > now()", &[])
                    .await
                    .unwrap();
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        })
    };
    for task in tasks {
        assert_eq!(task.await.unwrap().status, StatusCode::OK);
    }
    expirer.await.unwrap();
    let live: i64 = app.value("SELECT coalesce(sum(seats), 0)::bigint FROM capacity_reservation r JOIN event e ON e.id = r.event_id WHERE e.title = 'Paid' AND r.status = 'held' AND r.expires_at > now()", &[]).await;
    assert!(live <= 3, "{live} live held seats on 3");
    assert_counters_true(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_scanners_checking_in_one_ticket_get_one_200_and_one_409() {
    let app = Arc::new(spawn_app_with(|c| patient_pool(c, 8)).await);
    let host = app.host().await;
    let event_id = published_event(&app, &host, json!({})).await;
    let [guest] = app.guests().await;
    let accepted = join_accepted(&app, &host, &guest, &event_id, 1).await;
    let attendee = accepted.body["attendee_id"].as_str().unwrap();
    let ticket = app.get_as(&guest, &format!("/v1/tickets/{attendee}")).await;
    let code = ticket.body["ticket_code"].as_str().unwrap().to_owned();
    for round in 0..5 {
        if round > 0 {
            app.db.batch_execute(
                "UPDATE ticket_secret SET is_redeemed = false, redeemed_at = NULL; \
                 UPDATE event_attendee SET status = 'going', checked_in_at = NULL, checked_in_by = NULL;",
            ).await.unwrap();
        }
        let scans: Vec<_> = (0..2)
            .map(|_| {
                let (app, host, code, event_id) = (
                    Arc::clone(&app),
                    host.clone(),
                    code.clone(),
                    event_id.clone(),
                );
                tokio::spawn(async move { app.check_in(&host, &event_id, &code).await })
            })
            .collect();
        let mut statuses = Vec::new();
        for scan in scans {
            statuses.push(scan.await.unwrap().status.as_u16());
        }
        statuses.sort();
        assert_eq!(statuses, vec![200, 409], "round {round}");
    }
}
