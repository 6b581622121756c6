//! A path's `{event_id}` is the event's public id (in either letter case, with or without
//! hyphens) or its slug, on every kind of route: reads, seat changes and the host's tools. One
//! statement finds the event either way (migration V19's `event_key_uuid`/`event_key_slug`).

use http::StatusCode;
use serde_json::json;

use crate::attendance::request_join;
use crate::events::published_event;
use crate::fixtures::party;

#[tokio::test]
async fn the_detail_is_found_by_every_spelling_of_the_public_id_and_by_the_slug() {
    let party = party::<0>(json!({})).await;
    let (app, host) = (&party.app, &party.host);
    let event_id = party.event_id.clone();
    let slug = app
        .get_as(host, &format!("/v1/events/{event_id}"))
        .await
        .str_at("/slug");
    let spellings = [
        event_id.clone(),
        event_id.to_uppercase(),
        event_id.replace('-', ""),
        slug,
    ];
    for key in spellings {
        let detail = app.get_as(host, &format!("/v1/events/{key}")).await;
        assert_eq!(detail.status, StatusCode::OK, "{key}: {}", detail.text);
        assert_eq!(detail.str_at("/event_id"), event_id, "{key}");
    }
}

#[tokio::test]
async fn seat_changes_and_host_tools_take_the_slug() {
    let party = party::<1>(json!({"requires_approval": true})).await;
    let (app, host, [guest]) = (&party.app, &party.host, &party.guests);
    let slug = app
        .get_as(host, &format!("/v1/events/{}", party.event_id))
        .await
        .str_at("/slug");

    let asked = request_join(app, guest, &slug, 1)
        .await
        .expect_status(StatusCode::CREATED);
    assert_eq!(asked.str_at("/event_id"), party.event_id);

    let requests = app
        .get_as(host, &format!("/v1/events/{slug}/requests"))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(requests.body["items"].as_array().unwrap().len(), 1);

    app.get_as(host, &format!("/v1/events/{slug}/attendees"))
        .await
        .expect_status(StatusCode::OK);

    let link = app
        .post_as(
            host,
            &format!("/v1/events/{slug}/invites"),
            json!({"invite_type": "share_link"}),
        )
        .await
        .expect_status(StatusCode::CREATED);
    assert_eq!(link.str_at("/event_id"), party.event_id);

    let cancelled = app
        .act_as(host, &format!("/v1/events/{slug}/cancel"))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(cancelled.str_at("/status"), "cancelled");
}

#[tokio::test]
async fn a_key_shaped_like_a_public_id_is_never_read_as_a_slug() {
    let party = party::<0>(json!({})).await;
    let (app, host) = (&party.app, &party.host);
    // A title that slugifies to the shape of a public id (that no event has).
    let lookalike = "0b7c3a52-9d1e-4f6a-8b2c-5e4d3c2b1a09";
    let event_id = published_event(app, host, json!({"title": lookalike})).await;
    let slug = app
        .get_as(host, &format!("/v1/events/{event_id}"))
        .await
        .str_at("/slug");
    assert_eq!(slug, lookalike, "the slug keeps the title's shape");

    app.get_as(host, &format!("/v1/events/{lookalike}"))
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
    app.get_as(
        host,
        "/v1/events/urn:uuid:0b7c3a52-9d1e-4f6a-8b2c-5e4d3c2b1a09",
    )
    .await
    .assert_problem(StatusCode::NOT_FOUND, "not_found");
}
