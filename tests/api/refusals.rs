//! Refusals each route documents and no other test reaches, one scenario per test: accepting
//! an invite is judged like a request, an invite to a guest already going, answering an
//! invite twice, inviting to or editing an event that started, a full gallery, an order for
//! an event no longer paid, a co-host refunding, and a bad body on the answers and the edit.

use http::StatusCode;
use serde_json::json;

use crate::events::add_cohost_sql;
use crate::fixtures::{party, start_every_event};
use crate::helpers::{TestApp, TestResponse, TestUser};

/// A share link the host makes to `event_id`: its invite id.
async fn share_link(app: &TestApp, host: &TestUser, event_id: &str) -> String {
    let link = app
        .post_as(
            host,
            &format!("/v1/events/{event_id}/invites"),
            json!({"invite_type": "share_link"}),
        )
        .await
        .expect_status(StatusCode::CREATED);
    link.str_at("/invite_id")
}

/// `guest` accepts invite `invite`.
async fn accept_invite(app: &TestApp, guest: &TestUser, invite: &str) -> TestResponse {
    app.act_as(guest, &format!("/v1/invites/{invite}/accept"))
        .await
}

/// The host makes a share link to `event_id`; `guest` accepts it.
async fn accept_a_link(
    app: &TestApp,
    host: &TestUser,
    guest: &TestUser,
    event_id: &str,
) -> TestResponse {
    let invite = share_link(app, host, event_id).await;
    accept_invite(app, guest, &invite).await
}

#[tokio::test]
async fn accepting_an_invite_without_a_stated_gender_is_an_incomplete_profile() {
    let party = party::<0>(json!({})).await;
    let newcomer = party.app.login("+919876543210").await;
    accept_a_link(&party.app, &party.host, &newcomer, &party.event_id)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "profile_incomplete");
}

#[tokio::test]
async fn a_man_accepting_a_link_to_an_event_for_women_is_refused() {
    let party = party::<1>(json!({"allowed_genders": ["female"]})).await;
    accept_a_link(&party.app, &party.host, &party.guests[0], &party.event_id)
        .await
        .assert_problem(StatusCode::FORBIDDEN, "gender_not_allowed");
}

#[tokio::test]
async fn a_cohost_cannot_accept_a_link_to_their_own_event() {
    let party = party::<1>(json!({})).await;
    add_cohost_sql(&party.app, &party.event_id, &party.guests[0]).await;
    accept_a_link(&party.app, &party.host, &party.guests[0], &party.event_id)
        .await
        .assert_problem(StatusCode::CONFLICT, "organiser_cannot_join");
}

#[tokio::test]
async fn a_link_accepted_after_the_start_finds_the_event_closed() {
    let party = party::<1>(json!({})).await;
    let invite = share_link(&party.app, &party.host, &party.event_id).await;
    start_every_event(&party.app).await;
    accept_invite(&party.app, &party.guests[0], &invite)
        .await
        .assert_problem(StatusCode::CONFLICT, "event_closed");
}

#[tokio::test]
async fn a_request_accepted_after_the_start_finds_the_event_closed() {
    let party = party::<1>(json!({})).await;
    let asked =
        crate::attendance::request_join(&party.app, &party.guests[0], &party.event_id, 1).await;
    start_every_event(&party.app).await;
    crate::attendance::accept(&party.app, &party.host, &asked.str_at("/request_id"))
        .await
        .assert_problem(StatusCode::CONFLICT, "event_closed");
}

#[tokio::test]
async fn inviting_a_guest_who_is_already_going_is_a_conflict() {
    let party = party::<1>(json!({"requires_approval": false})).await;
    let [guest] = &party.guests;
    crate::attendance::request_join(&party.app, guest, &party.event_id, 1)
        .await
        .expect_status(StatusCode::CREATED);
    party
        .app
        .post_as(
            &party.host,
            &format!("/v1/events/{}/invites", party.event_id),
            json!({"invite_type": "direct", "user_id": guest.user_id}),
        )
        .await
        .assert_problem(StatusCode::CONFLICT, "already_attending");
}

#[tokio::test]
async fn an_invite_declined_once_cannot_be_declined_again() {
    let party = party::<1>(json!({})).await;
    let [guest] = &party.guests;
    let invite = party
        .app
        .post_as(
            &party.host,
            &format!("/v1/events/{}/invites", party.event_id),
            json!({"invite_type": "direct", "user_id": guest.user_id}),
        )
        .await;
    let decline = format!("/v1/invites/{}/decline", invite.str_at("/invite_id"));
    party
        .app
        .act_as(guest, &decline)
        .await
        .expect_status(StatusCode::OK);
    party
        .app
        .act_as(guest, &decline)
        .await
        .assert_problem(StatusCode::CONFLICT, "invalid_transition");
}

#[tokio::test]
async fn a_gallery_holds_twenty_images() {
    let party = party::<0>(json!({})).await;
    let images = format!("/v1/events/{}/images", party.event_id);
    for n in 0..shared::events::images::MAX_IMAGES {
        party
            .app
            .post_as(
                &party.host,
                &images,
                json!({"image_url": format!("https://img.example/{n}.jpg")}),
            )
            .await
            .expect_status(StatusCode::CREATED);
    }
    party
        .app
        .post_as(
            &party.host,
            &images,
            json!({"image_url": "https://img.example/one-more.jpg"}),
        )
        .await
        .assert_problem(StatusCode::CONFLICT, "gallery_full");
}

#[tokio::test]
async fn an_event_that_started_is_not_edited() {
    let party = party::<0>(json!({})).await;
    start_every_event(&party.app).await;
    party
        .app
        .patch_as(
            &party.host,
            &format!("/v1/events/{}", party.event_id),
            json!({"title": "Renamed"}),
        )
        .await
        .assert_problem(StatusCode::CONFLICT, "event_started");
}

#[tokio::test]
async fn an_edit_and_an_answer_with_a_bad_body_name_the_field() {
    let party = party::<1>(json!({})).await;
    let edited = party
        .app
        .patch_as(
            &party.host,
            &format!("/v1/events/{}", party.event_id),
            json!({"capacity": 0}),
        )
        .await;
    crate::helpers::assert_invalid(&edited, &["capacity"]);
    let asked =
        crate::attendance::request_join(&party.app, &party.guests[0], &party.event_id, 1).await;
    let declined = party
        .app
        .post_as(
            &party.host,
            &format!("/v1/requests/{}/decline", asked.str_at("/request_id")),
            json!({"host_message": 7}),
        )
        .await;
    crate::helpers::assert_invalid(&declined, &["host_message"]);
}

#[tokio::test]
async fn an_order_for_a_hold_on_an_event_made_free_is_refused() {
    let party = party::<1>(json!({"is_paid": true, "ticket_price": "500.00"})).await;
    let [guest] = &party.guests;
    let held =
        crate::attendance::join_accepted(&party.app, &party.host, guest, &party.event_id, 1).await;
    assert_eq!(held.status, StatusCode::OK, "{}", held.text);
    let reservation_key = held.str_at("/hold/reservation_key");
    party
        .app
        .patch_as(
            &party.host,
            &format!("/v1/events/{}", party.event_id),
            json!({"is_paid": false}),
        )
        .await
        .expect_status(StatusCode::OK);
    party
        .app
        .post_as(
            guest,
            "/v1/payments/orders",
            json!({"reservation_key": reservation_key}),
        )
        .await
        .assert_problem(StatusCode::CONFLICT, "event_not_paid");
}

#[tokio::test]
async fn only_the_host_refunds_an_order() {
    let app = crate::helpers::spawn_app().await;
    let held = crate::payments::hold(&app, 5, 1).await;
    let order_id = crate::payments::paid_order(&app, &held).await;
    let cohost = app.quick_user("+919800000090", Some("female")).await;
    add_cohost_sql(&app, &held.event_id, &cohost).await;
    app.act_as(&cohost, &format!("/v1/payments/orders/{order_id}/refund"))
        .await
        .assert_problem(StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn no_invite_goes_out_for_an_event_that_started() {
    let party = party::<0>(json!({})).await;
    start_every_event(&party.app).await;
    party
        .app
        .post_as(
            &party.host,
            &format!("/v1/events/{}/invites", party.event_id),
            json!({"invite_type": "share_link"}),
        )
        .await
        .assert_problem(StatusCode::CONFLICT, "event_closed");
}

#[tokio::test]
async fn the_sandbox_pays_no_order_that_does_not_exist() {
    let party = party::<1>(json!({})).await;
    let order = uuid::Uuid::new_v4();
    party
        .app
        .act_as(
            &party.guests[0],
            &format!("/v1/payments/sandbox/orders/{order}/pay"),
        )
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
}
