//! The discovery feed, "my events", venues, co-hosts, the gallery and the calendar file.

use http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::events::{add_cohost_sql, create_event, published_event, valid_event};
use crate::helpers::{spawn_app, TestApp, TestUser};

async fn get(app: &TestApp, user: &TestUser, path: &str) -> crate::helpers::TestResponse {
    app.get_as(user, path).await
}

fn titles(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_owned())
        .collect()
}

fn in_days(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .date_naive()
        .to_string()
}

async fn venue(app: &TestApp, user: &TestUser, name: &str, lat: f64, lng: f64) -> String {
    let response = app
        .post_as(
            user,
            "/v1/venues",
            json!({"name": name, "city": "Bengaluru", "latitude": lat, "longitude": lng}),
        )
        .await
        .expect_status(StatusCode::CREATED);
    response.body["venue_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn each_feed_filter_alone_and_combined() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    let guest = app.login("+919876543211").await;
    let near_park = venue(&app, &host, "Cubbon Park", 12.9763, 77.5929).await;
    let mysuru = venue(&app, &host, "Mysuru Palace", 12.3051, 76.6551).await;
    published_event(&app, &host, json!({"title": "Jazz at the Park", "mood": "music", "interests": ["music"], "event_date": in_days(3),
        "venue_text": null, "venue_id": near_park, "description": "Saxophone trio"})).await;
    published_event(&app, &host, json!({"title": "Palace Picnic", "mood": "picnic", "interests": ["picnic", "travel"], "event_date": in_days(5),
        "venue_text": null, "venue_id": mysuru})).await;
    published_event(&app, &host, json!({"title": "Paid Dinner", "mood": "dinner", "interests": ["food"], "event_date": in_days(7),
        "is_paid": true, "ticket_price": "999.00"})).await;
    create_event(&app, &host, with_title(valid_event(), "Secret Draft")).await;
    let cancelled = published_event(
        &app,
        &host,
        json!({"title": "Cancelled Party", "mood": "party"}),
    )
    .await;
    app.call_as(
        &host,
        Method::POST,
        &format!("/v1/events/{cancelled}/cancel"),
    )
    .await;
    app.db.execute(
        "INSERT INTO event (host_id, title, slug, mood, venue_text, event_date, start_time, capacity, is_published, published_at) \
         SELECT host_id, 'Yesterday Gig', 'yesterday-gig', 'music', 'Somewhere', current_date - 1, '10:00', 5, true, now() FROM event LIMIT 1",
        &[],
    ).await.unwrap();

    let all = get(&app, &guest, "/v1/events")
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(
        titles(&all.body),
        vec!["Jazz at the Park", "Palace Picnic", "Paid Dinner"],
        "published, active, future, by date"
    );
    let dinner = &all.body["items"][2];
    assert_eq!(dinner["ticket_price"], "999.00");
    assert_eq!(dinner["cover_image"], "https://cdn.example.com/picnic.jpg");
    assert_eq!(dinner["host"]["user_id"], host.user_id.to_string());
    assert_eq!(all.body["items"][0]["venue"]["name"], "Cubbon Park");

    let cases = [
        ("/v1/events?mood=picnic", vec!["Palace Picnic"]),
        ("/v1/events?interest=music", vec!["Jazz at the Park"]),
        (
            "/v1/events?interest=music&interest=food",
            vec!["Jazz at the Park", "Paid Dinner"],
        ),
        ("/v1/events?is_paid=true", vec!["Paid Dinner"]),
        (
            "/v1/events?is_paid=false",
            vec!["Jazz at the Park", "Palace Picnic"],
        ),
        ("/v1/events?q=saxophone", vec!["Jazz at the Park"]),
        ("/v1/events?q=palace", vec!["Palace Picnic"]),
        (
            "/v1/events?near=12.9716,77.5946&radius_km=5",
            vec!["Jazz at the Park"],
        ),
        (
            "/v1/events?near=12.9716,77.5946&radius_km=100",
            vec!["Jazz at the Park"],
        ),
        ("/v1/events?near=12.9716,77.5946", vec!["Jazz at the Park"]),
    ];
    for (path, expected) in cases {
        let response = get(&app, &guest, path).await;
        assert_eq!(response.status, StatusCode::OK, "{path}: {}", response.text);
        assert_eq!(titles(&response.body), expected, "{path}");
    }
    let from = format!("/v1/events?from={}&to={}", in_days(4), in_days(6));
    assert_eq!(
        titles(&get(&app, &guest, &from).await.body),
        vec!["Palace Picnic"]
    );
    let combined = format!(
        "/v1/events?is_paid=false&interest=travel&from={}&q=picnic",
        in_days(1)
    );
    assert_eq!(
        titles(&get(&app, &guest, &combined).await.body),
        vec!["Palace Picnic"]
    );
    let none = "/v1/events?mood=music&is_paid=true";
    assert!(titles(&get(&app, &guest, none).await.body).is_empty());
}

fn with_title(mut body: Value, title: &str) -> Value {
    body["title"] = json!(title);
    body
}

#[tokio::test]
async fn the_distance_filter_matches_known_coordinates() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    // From MG Road metro: Cubbon Park ~1.5 km, Indiranagar ~3.7 km, Whitefield ~15.5 km.
    for (name, lat, lng) in [
        ("Cubbon Park", 12.9763, 77.5929),
        ("Indiranagar", 12.9719, 77.6412),
        ("Whitefield", 12.9698, 77.7500),
    ] {
        let venue_id = venue(&app, &host, name, lat, lng).await;
        published_event(
            &app,
            &host,
            json!({"title": format!("At {name}"), "venue_text": null, "venue_id": venue_id}),
        )
        .await;
    }
    let response = get(&app, &host, "/v1/events?near=12.9756,77.6066&radius_km=6").await;
    let items = response.body["items"].as_array().unwrap();
    let found: Vec<(&str, f64)> = items
        .iter()
        .map(|i| {
            (
                i["title"].as_str().unwrap(),
                i["distance_km"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    let cubbon = found
        .iter()
        .find(|(t, _)| *t == "At Cubbon Park")
        .unwrap()
        .1;
    let indiranagar = found
        .iter()
        .find(|(t, _)| *t == "At Indiranagar")
        .unwrap()
        .1;
    assert!((1.4..1.8).contains(&cubbon), "Cubbon Park at {cubbon} km");
    assert!(
        (3.6..3.9).contains(&indiranagar),
        "Indiranagar at {indiranagar} km"
    );
    let wide = get(&app, &host, "/v1/events?near=12.9756,77.6066&radius_km=20").await;
    assert_eq!(wide.body["items"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn bad_feed_parameters_are_each_named() {
    let app = spawn_app().await;
    let user = app.login("+919876543210").await;
    let response = get(&app, &user, "/v1/events?mood=rave&from=tomorrow&near=91,0&radius_km=500&is_paid=maybe&limit=0&cursor=zzz").await;
    response.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let fields: Vec<&str> = response.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        vec![
            "mood",
            "from",
            "near",
            "radius_km",
            "is_paid",
            "limit",
            "cursor"
        ]
    );
    // Each value is valid on its own, so neither combination is an error: a radius without
    // `near` has nothing to measure from, and `to` before `from` is an empty range.
    get(&app, &user, "/v1/events?radius_km=5")
        .await
        .expect_status(StatusCode::OK);
    let anonymous = app.request(Method::GET, "/v1/events").send().await;
    anonymous.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
}

#[tokio::test]
async fn pages_have_no_duplicates_or_gaps_while_rows_are_inserted() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    for day in 1..=9 {
        published_event(
            &app,
            &host,
            json!({"title": format!("Day {day:02}"), "event_date": in_days(day)}),
        )
        .await;
    }
    let mut seen: Vec<String> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut page_number = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/events?limit=4&cursor={c}"),
            None => "/v1/events?limit=4".to_owned(),
        };
        let page = get(&app, &host, &path).await.expect_status(StatusCode::OK);
        seen.extend(titles(&page.body));
        page_number += 1;
        if page_number == 1 {
            // Rows arrive between pages: one before the cursor (never shown now), one after it.
            published_event(
                &app,
                &host,
                json!({"title": "Day 00 late", "event_date": in_days(1)}),
            )
            .await;
            published_event(
                &app,
                &host,
                json!({"title": "Day 10 late", "event_date": in_days(10)}),
            )
            .await;
        }
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let mut expected: Vec<String> = (1..=9).map(|d| format!("Day {d:02}")).collect();
    expected.push("Day 10 late".into());
    assert_eq!(seen, expected, "every row once, in order");
}

#[tokio::test]
async fn the_feed_query_is_index_driven_on_a_large_table() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    published_event(&app, &host, json!({})).await;
    // 1 000 000 events across a year, a tenth of them published, plus venues around Bengaluru.
    app.db
        .batch_execute(
            "INSERT INTO venue (name, latitude, longitude) \
               SELECT 'Venue ' || g, 12.5 + (g % 1000) / 1000.0, 77.3 + (g / 1000) / 100.0 FROM generate_series(1, 20000) g;
             INSERT INTO event (host_id, title, slug, description, mood, venue_id, event_date, start_time, capacity, is_paid, ticket_price, is_published, published_at, is_active)
               SELECT (SELECT id FROM auth_user LIMIT 1), 'Generated event ' || g, 'generated-' || g, 'words ' || (g % 97),
                      (ARRAY['party','picnic','travel','dinner','sports','music','workshop','other'])[1 + g % 8],
                      1 + g % 20000, current_date + (g % 365), '18:00', 50, g % 3 = 0, CASE WHEN g % 3 = 0 THEN 100 ELSE 0 END,
                      g % 10 = 0, CASE WHEN g % 10 = 0 THEN now() END, g % 50 <> 0
               FROM generate_series(1, 1000000) g;
             INSERT INTO event_interest_map (event_id, event_interest_id)
               SELECT e.id, 1 + e.id % 9 FROM event e;
             ANALYZE;",
        )
        .await
        .unwrap();
    let cases = [
        "",
        "mood=music",
        "is_paid=true&interest=music",
        "q=generated",
        "near=12.9716,77.5946&radius_km=5",
        "from=2027-01-01&to=2027-01-31&mood=party",
    ];
    for query in cases {
        let request = http::Request::builder()
            .uri(format!("/v1/events?{query}"))
            .body(lambda_http::Body::Empty)
            .unwrap();
        let filters = shared::events::discovery::FeedFilters::parse(
            &shared::platform::http::ApiRequest::from_lambda(request),
        )
        .unwrap();
        let (sql, params) = shared::events::discovery::feed_query(&filters, chrono::Utc::now());
        let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = params
            .iter()
            .map(|p| p.as_ref() as &(dyn tokio_postgres::types::ToSql + Sync))
            .collect();
        let plan: Value = app
            .db
            .query_one(&format!("EXPLAIN (FORMAT JSON) {sql}"), &refs)
            .await
            .unwrap()
            .get(0);
        let text = plan.to_string();
        let seq_scan_on_event = text.contains(r#""Node Type":"Seq Scan""#)
            && seq_scans(&plan).iter().any(|r| r == "event");
        assert!(
            !seq_scan_on_event,
            "sequential scan on event for ?{query}: {text}"
        );
    }
}

fn seq_scans(plan: &Value) -> Vec<String> {
    let mut found = Vec::new();
    match plan {
        Value::Object(map) => {
            if map.get("Node Type").and_then(Value::as_str) == Some("Seq Scan") {
                found.push(
                    map.get("Relation Name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                );
            }
            for value in map.values() {
                found.extend(seq_scans(value));
            }
        }
        Value::Array(items) => items.iter().for_each(|i| found.extend(seq_scans(i))),
        _ => {}
    }
    found
}

#[tokio::test]
async fn my_events_list_hosting_and_attending_upcoming_and_past() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    let cohost = app.login("+919876543211").await;
    let guest = app.login("+919876543212").await;
    let soon = published_event(
        &app,
        &host,
        json!({"title": "Soon", "event_date": in_days(2)}),
    )
    .await;
    published_event(
        &app,
        &host,
        json!({"title": "Later", "event_date": in_days(9)}),
    )
    .await;
    create_event(&app, &host, with_title(valid_event(), "Draft Idea")).await;
    add_cohost_sql(&app, &soon, &cohost).await;
    app.db
        .execute(
            "INSERT INTO event_attendee (event_id, user_id) SELECT e.id, u.id FROM event e, auth_user u \
             WHERE e.uuid::text = $1 AND u.uuid = $2",
            &[&soon, &guest.user_id],
        )
        .await
        .unwrap();
    app.db
        .execute(
            "INSERT INTO event (host_id, title, slug, mood, venue_text, event_date, start_time, capacity) \
             SELECT id, 'Last Year', 'last-year', 'party', 'Here', current_date - 300, '10:00', 5 FROM auth_user WHERE uuid = $1",
            &[&host.user_id],
        )
        .await
        .unwrap();
    let hosting = get(&app, &host, "/v1/me/events?role=hosting&when=upcoming").await;
    let mut hosting_titles = titles(&hosting.body);
    hosting_titles.sort();
    assert_eq!(hosting_titles, vec!["Draft Idea", "Later", "Soon"]);
    assert_eq!(
        titles(
            &get(&app, &host, "/v1/me/events?role=hosting&when=past")
                .await
                .body
        ),
        vec!["Last Year"]
    );
    assert_eq!(
        titles(&get(&app, &cohost, "/v1/me/events?role=hosting").await.body),
        vec!["Soon"]
    );
    assert_eq!(
        titles(&get(&app, &guest, "/v1/me/events?role=attending").await.body),
        vec!["Soon"]
    );
    assert!(titles(
        &get(&app, &guest, "/v1/me/events?role=attending&when=past")
            .await
            .body
    )
    .is_empty());
    let paged = get(&app, &host, "/v1/me/events?role=hosting&limit=1").await;
    assert!(paged.body["next_cursor"].is_string());
    let bad = get(&app, &host, "/v1/me/events?role=owner&when=someday").await;
    bad.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(bad.body["errors"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn only_the_host_manages_cohosts() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    let cohost = app.login("+919876543211").await;
    let stranger = app.login("+919876543212").await;
    let event_id = published_event(&app, &host, json!({})).await;
    let path = format!("/v1/events/{event_id}/cohosts");
    let add = |user: &TestUser, target: String| {
        app.request(Method::POST, &path)
            .bearer(&user.access_token)
            .json(&json!({"user_id": target}))
    };
    add(&stranger, cohost.user_id.to_string())
        .send()
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    add(&host, cohost.user_id.to_string())
        .send()
        .await
        .expect_status(StatusCode::CREATED);
    add(&host, cohost.user_id.to_string())
        .send()
        .await
        .assert_problem(StatusCode::CONFLICT, "already_cohost");
    add(&cohost, stranger.user_id.to_string())
        .send()
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    let unknown = add(&host, uuid::Uuid::new_v4().to_string()).send().await;
    unknown.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(unknown.body["errors"][0]["field"], "user_id");
    add(&host, host.user_id.to_string())
        .send()
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    let detail = get(&app, &cohost, &format!("/v1/events/{event_id}")).await;
    assert_eq!(detail.body["my_status"], "cohost");
    let remove = app
        .call_as(&host, Method::DELETE, &format!("{path}/{}", cohost.user_id))
        .await;
    assert_eq!(remove.status, StatusCode::NO_CONTENT);
    let again = app
        .call_as(&host, Method::DELETE, &format!("{path}/{}", cohost.user_id))
        .await;
    again.assert_problem(StatusCode::NOT_FOUND, "not_found");
    let patch = app
        .send_as(
            &cohost,
            Method::PATCH,
            &format!("/v1/events/{event_id}"),
            &json!({"description": "still me?"}),
        )
        .await;
    patch.assert_problem(StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn the_gallery_adds_reorders_and_removes_images() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    let stranger = app.login("+919876543212").await;
    let event_id = published_event(&app, &host, json!({})).await;
    let path = format!("/v1/events/{event_id}/images");
    let mut ids = Vec::new();
    for n in 0..3 {
        let response = app
            .post_as(
                &host,
                &path,
                json!({"image_url": format!("https://cdn.example.com/{n}.jpg")}),
            )
            .await
            .expect_status(StatusCode::CREATED);
        assert_eq!(response.body["position"], n);
        ids.push(response.body["image_id"].as_str().unwrap().to_owned());
    }
    let first = app
        .post_as(
            &host,
            &path,
            json!({"image_url": "https://cdn.example.com/front.jpg", "position": 0}),
        )
        .await;
    assert_eq!(first.body["position"], 0);
    let front = first.body["image_id"].as_str().unwrap().to_owned();

    let order = vec![
        ids[2].clone(),
        front.clone(),
        ids[0].clone(),
        ids[1].clone(),
    ];
    let reordered = app
        .send_as(&host, Method::PUT, &path, &json!({"image_ids": order}))
        .await
        .expect_status(StatusCode::OK);
    let now: Vec<&str> = reordered.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["image_id"].as_str().unwrap())
        .collect();
    assert_eq!(now, order.iter().map(String::as_str).collect::<Vec<_>>());
    let partial = app
        .send_as(&host, Method::PUT, &path, &json!({"image_ids": [ids[0]]}))
        .await;
    partial.assert_problem(StatusCode::CONFLICT, "gallery_changed");
    let twice = app
        .send_as(
            &host,
            Method::PUT,
            &path,
            &json!({"image_ids": [ids[0], ids[0]]}),
        )
        .await;
    twice.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    let removed = app
        .call_as(&host, Method::DELETE, &format!("{path}/{front}"))
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let detail = get(&app, &host, &format!("/v1/events/{event_id}")).await;
    let positions: Vec<i64> = detail.body["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, vec![0, 1, 2], "no gap after removal");

    let foreign = app
        .post_as(
            &stranger,
            &path,
            json!({"image_url": "https://evil.example/x.jpg"}),
        )
        .await;
    foreign.assert_problem(StatusCode::FORBIDDEN, "forbidden");
    let bad = app
        .post_as(&host, &path, json!({"image_url": "http://x/y.jpg"}))
        .await;
    assert_eq!(bad.body["errors"][0]["field"], "image_url");
}

#[tokio::test]
async fn venues_are_created_with_checked_coordinates_and_found_by_name_and_distance() {
    let app = spawn_app().await;
    let user = app.login("+919876543210").await;
    let bad = app
        .post_as(
            &user,
            "/v1/venues",
            json!({"name": " ", "latitude": 91, "longitude": -181}),
        )
        .await;
    bad.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let fields: Vec<&str> = bad.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["name", "latitude", "longitude"]);
    venue(&app, &user, "Cubbon Park Bandstand", 12.9763, 77.5929).await;
    venue(&app, &user, "Mysuru Palace", 12.3051, 76.6551).await;
    let by_name = get(&app, &user, "/v1/venues?q=cubbon").await;
    assert_eq!(by_name.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(by_name.body["items"][0]["name"], "Cubbon Park Bandstand");
    let nearby = get(&app, &user, "/v1/venues?near=12.9716,77.5946&radius_km=10").await;
    let names: Vec<&str> = nearby.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["Cubbon Park Bandstand"]);
    assert!(nearby.body["items"][0]["distance_km"].as_f64().unwrap() < 1.0);
}

#[tokio::test]
async fn the_calendar_file_is_valid_icalendar() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    let event_id = published_event(&app, &host, json!({"title": "Rooftop Jazz"})).await;
    let response = get(&app, &host, &format!("/v1/events/{event_id}/calendar.ics")).await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(response
        .header("content-type")
        .unwrap()
        .starts_with("text/calendar"));
    let calendar: icalendar::Calendar =
        response.text.parse().expect("the file parses as iCalendar");
    let events: Vec<&icalendar::Event> = calendar
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .collect();
    assert_eq!(events.len(), 1);
    assert_eq!(
        icalendar::Component::get_summary(events[0]),
        Some("Rooftop Jazz")
    );
    assert_eq!(
        icalendar::Component::get_uid(events[0]),
        Some(format!("{event_id}@eventhost").as_str())
    );
    assert!(response.text.contains("DTSTART"), "{}", response.text);
}
