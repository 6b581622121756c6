//! The server reads bodies and queries exactly as the OpenAPI document describes them: unknown
//! members refused, whole floats taken as integers, lengths counted as sent, the interest
//! enum equal to the catalogue, and combinations of valid query values never an error.

use http::{Method, StatusCode};
use serde_json::{json, Value};
use shared::contract::request_rules::REQUEST_BODIES;

use crate::events::{create_event, published_event, valid_event, with};
use crate::helpers::{assert_invalid, spawn_app};

#[tokio::test]
async fn the_interest_enum_is_the_catalogue() {
    let app = spawn_app().await;
    let rows = app
        .db
        .query(
            "SELECT slug FROM event_interest WHERE is_active ORDER BY slug",
            &[],
        )
        .await
        .unwrap();
    let mut catalogue: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    let mut documented: Vec<String> = shared::profiles::INTEREST_SLUGS
        .iter()
        .map(|s| s.to_string())
        .collect();
    catalogue.sort();
    documented.sort();
    assert_eq!(documented, catalogue);
}

#[test]
fn every_request_body_is_closed_in_the_document() {
    let document = shared::contract::document();
    for name in REQUEST_BODIES {
        let schema = &document["components"]["schemas"][name];
        let objects: Vec<&Value> = if let Some(variants) = schema["oneOf"].as_array() {
            variants.iter().collect()
        } else if let Some(parts) = schema["allOf"].as_array() {
            vec![&parts[0]]
        } else {
            vec![schema]
        };
        for object in objects {
            assert_eq!(object["additionalProperties"], json!(false), "{name}");
        }
    }
}

#[tokio::test]
async fn an_unknown_member_is_refused_and_named_on_every_kind_of_body() {
    let app = spawn_app().await;
    let user = app.login("+919876543210").await;
    let cases = [
        (
            Method::PATCH,
            "/v1/me",
            json!({"name": "Asha", "nickname": "A"}),
        ),
        (
            Method::PUT,
            "/v1/me/interests",
            json!({"interests": [], "nickname": "A"}),
        ),
        (
            Method::POST,
            "/v1/uploads",
            json!({"purpose": "event_image", "content_type": "image/png", "nickname": "A"}),
        ),
        (
            Method::POST,
            "/v1/events",
            with(valid_event(), json!({"nickname": "A"})),
        ),
        (
            Method::POST,
            "/v1/venues",
            json!({"name": "Hall", "latitude": 1.0, "longitude": 2.0, "nickname": "A"}),
        ),
        (
            Method::POST,
            "/v1/auth/refresh",
            json!({"refresh_token": "x", "nickname": "A"}),
        ),
    ];
    for (method, path, body) in cases {
        let response = app
            .request(method.clone(), path)
            .bearer(&user.access_token)
            .json(&body)
            .send()
            .await;
        assert_invalid(&response, &["nickname"]);
    }
    // Nothing was written by the refused PATCH.
    let me = app.get_as(&user, "/v1/me").await;
    assert!(me.body["name"].is_null(), "{}", me.text);
}

/// The typed bodies read every member before answering, so a member of the wrong JSON type
/// never hides a rule broken by another: one 422 names them all, in the order the type declares them.
#[tokio::test]
async fn a_wrong_type_in_one_member_does_not_hide_a_broken_rule_in_another() {
    // The body is read before the event is looked up, so any event id shows it.
    const INVITES: &str = "/v1/events/00000000-0000-4000-8000-000000000000/invites";
    let app = spawn_app().await;
    let user = app.login("+919876543210").await;
    let cases = [
        (
            Method::POST,
            "/v1/auth/otp/verify",
            json!({"phone_number": 5, "code": "12"}),
            &["phone_number", "code"][..],
        ),
        (
            Method::POST,
            "/v1/venues",
            json!({"name": " ", "latitude": "north", "longitude": 500, "country": "IND"}),
            &["name", "country", "latitude", "longitude"][..],
        ),
        (
            Method::POST,
            "/v1/uploads",
            json!({"purpose": 1, "content_type": "image/gif"}),
            &["purpose", "content_type"][..],
        ),
        (
            Method::PUT,
            "/v1/me/interests",
            json!({"interests": ["music", "not-an-interest"]}),
            &["interests[1]"][..],
        ),
        (
            Method::PATCH,
            "/v1/me",
            json!({"name": 5, "birth_date": "2999-01-01", "gender": "robot",
                   "profile_pictures": ["http://elsewhere.example/a.jpg", 7]}),
            &[
                "name",
                "birth_date",
                "gender",
                "profile_pictures[1]",
                "profile_pictures[0]",
            ][..],
        ),
        (
            Method::POST,
            INVITES,
            json!({"invite_type": "direct", "user_id": "someone", "message": "x".repeat(501)}),
            &["user_id", "message"][..],
        ),
        // Without a kind only the kind is named; with one, the other kind's members are unknown.
        (
            Method::POST,
            INVITES,
            json!({"invite_type": "group", "user_id": "someone", "expires_at": 5}),
            &["invite_type"][..],
        ),
        (
            Method::POST,
            INVITES,
            json!({"invite_type": "share_link", "expires_at": "tomorrow", "user_id": "someone"}),
            &["expires_at", "user_id"][..],
        ),
    ];
    for (method, path, body, fields) in cases {
        let response = app
            .request(method.clone(), path)
            .bearer(&user.access_token)
            .json(&body)
            .send()
            .await;
        assert_invalid(&response, fields);
    }
}

#[tokio::test]
async fn whole_floats_are_integers_as_json_schema_says() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    let created = create_event(&app, &host, with(valid_event(), json!({"capacity": 12.0})))
        .await
        .expect_status(StatusCode::CREATED);
    assert_eq!(created.body["capacity"], 12);
    let fraction = create_event(&app, &host, with(valid_event(), json!({"capacity": 12.5}))).await;
    assert_invalid(&fraction, &["capacity"]);

    let event_id = published_event(&app, &host, json!({})).await;
    let guest = app.login("+919876543211").await;
    app.send_as(
        &guest,
        Method::PATCH,
        "/v1/me",
        &json!({"name": "Guest", "gender": "female", "birth_date": "1995-01-01"}),
    )
    .await;
    let joined = app
        .post_as(
            &guest,
            &format!("/v1/events/{event_id}/requests"),
            json!({"seats_requested": 2.0}),
        )
        .await
        .expect_status(StatusCode::CREATED);
    assert_eq!(joined.body["seats_requested"], 2);
}

#[tokio::test]
async fn text_length_is_counted_as_sent_and_blank_is_not_text() {
    let app = spawn_app().await;
    let user = app.login("+919876543210").await;
    let patch = |body: Value| {
        app.request(Method::PATCH, "/v1/me")
            .bearer(&user.access_token)
            .json(&body)
            .send()
    };
    // 80 characters plus a trailing space: 81 as sent, over the schema's maxLength.
    let long = patch(json!({"name": format!("{} ", "a".repeat(80))})).await;
    assert_invalid(&long, &["name"]);
    let blank = patch(json!({"name": " \u{3000} "})).await;
    assert_invalid(&blank, &["name"]);
    let padded = patch(json!({"name": "  Asha  ", "bio": "   "}))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(padded.body["name"], "Asha");
    assert!(padded.body["bio"].is_null());
}

#[tokio::test]
async fn a_venue_country_is_two_letters_exactly_as_sent() {
    let app = spawn_app().await;
    let user = app.login("+919876543210").await;
    let venue = |country: Value| {
        let mut body = json!({"name": "Hall", "latitude": 1.0, "longitude": 2.0});
        body["country"] = country;
        app.post_as(&user, "/v1/venues", body)
    };
    let lower = venue(json!("in")).await.expect_status(StatusCode::CREATED);
    assert_eq!(lower.body["country"], "IN");
    for bad in [json!(""), json!("ß"), json!("IND"), json!(" I")] {
        let response = venue(bad.clone()).await;
        assert_invalid(&response, &["country"]);
    }
}

#[tokio::test]
async fn an_empty_date_range_is_an_empty_page() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    published_event(&app, &host, json!({})).await;
    let response = app
        .get_as(&host, "/v1/events?from=2030-01-02&to=2030-01-01")
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(response.body["items"], json!([]));
}

#[tokio::test]
async fn a_query_parameter_given_twice_is_refused_unless_it_repeats() {
    let app = spawn_app().await;
    let user = app.login("+919876543210").await;
    let get = |path: &'static str| {
        app.request(Method::GET, path)
            .bearer(&user.access_token)
            .send()
    };
    let twice = get("/v1/me/orders?limit=5&limit=6").await;
    assert_invalid(&twice, &["limit"]);
    get("/v1/events?interest=music&interest=art")
        .await
        .expect_status(StatusCode::OK);
}

#[tokio::test]
async fn an_image_position_past_the_end_appends() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    let event_id = published_event(&app, &host, json!({})).await;
    let path = format!("/v1/events/{event_id}/images");
    let first = app
        .post_as(
            &host,
            &path,
            json!({"image_url": "https://cdn.example.com/1.jpg", "position": 40}),
        )
        .await
        .expect_status(StatusCode::CREATED);
    assert_eq!(first.body["position"], 0);
    let second = app
        .post_as(
            &host,
            &path,
            json!({"image_url": "https://cdn.example.com/2.jpg", "position": 100}),
        )
        .await;
    assert_eq!(second.body["position"], 1);
    let negative = app
        .post_as(
            &host,
            &path,
            json!({"image_url": "https://cdn.example.com/3.jpg", "position": -1}),
        )
        .await;
    assert_invalid(&negative, &["position"]);
}

#[tokio::test]
async fn inviting_an_organiser_is_a_conflict_with_their_role_not_bad_input() {
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    let cohost = app.login("+919876543211").await;
    let event_id = published_event(&app, &host, json!({})).await;
    app.post_as(
        &host,
        &format!("/v1/events/{event_id}/cohosts"),
        json!({"user_id": cohost.user_id}),
    )
    .await
    .expect_status(StatusCode::CREATED);
    let invite = app
        .post_as(
            &host,
            &format!("/v1/events/{event_id}/invites"),
            json!({"invite_type": "direct", "user_id": cohost.user_id}),
        )
        .await;
    invite.assert_problem(StatusCode::CONFLICT, "invitee_is_organiser");
}

#[tokio::test]
async fn a_draft_may_drop_its_venue_but_a_published_event_keeps_one() {
    // Found by the contract fuzz: a PATCH clearing both kinds of venue was a 422 although
    // each value was valid; whether a venue may go depends on the event's state.
    let app = spawn_app().await;
    let host = app.login("+919876543210").await;
    let patch = |event_id: String| {
        app.request(Method::PATCH, &format!("/v1/events/{event_id}"))
            .bearer(&host.access_token)
            .json(&json!({"venue_id": null, "venue_text": ""}))
            .send()
    };
    let draft = create_event(&app, &host, valid_event())
        .await
        .expect_status(StatusCode::CREATED);
    let draft_id = draft.str_at("/event_id");
    let dropped = patch(draft_id.clone()).await.expect_status(StatusCode::OK);
    assert!(dropped.body["venue_text"].is_null() && dropped.body["venue"].is_null());
    let publish = app
        .act_as(&host, &format!("/v1/events/{draft_id}/publish"))
        .await;
    publish.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "event_incomplete");

    let published_id = published_event(&app, &host, json!({})).await;
    let refused = patch(published_id.clone()).await;
    refused.assert_problem(StatusCode::CONFLICT, "venue_required");
    let detail = app
        .get_as(&host, &format!("/v1/events/{published_id}"))
        .await;
    assert_eq!(detail.body["venue_text"], "Cubbon Park, Bengaluru");
}
