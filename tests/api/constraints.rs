//! Every CHECK and unique constraint that guards the domain rejects a bad row, by name.

use crate::helpers::spawn_app;

const FIXTURE: &str = r#"
INSERT INTO auth_user (uuid, username) VALUES
    ('00000000-0000-4000-8000-000000000001', '+911111111111'),
    ('00000000-0000-4000-8000-000000000002', '+912222222222'),
    ('00000000-0000-4000-8000-000000000003', '+913333333333');
INSERT INTO user_profile (user_id, phone_number)
    SELECT id, username FROM auth_user WHERE username IN ('+911111111111', '+912222222222');
INSERT INTO user_profile_event_interests (user_profile_id, event_interest_id)
    SELECT p.id, i.id FROM user_profile p, event_interest i WHERE i.slug = 'music';
INSERT INTO venue (name, latitude, longitude) VALUES ('Hall', 12.9, 77.6);
INSERT INTO event (host_id, title, slug, mood, venue_id, event_date, start_time, capacity)
    SELECT u.id, 'Fixture Party', 'fixture-party', 'party', (SELECT id FROM venue),
           current_date + 10, '19:00', 10
    FROM auth_user u WHERE username = '+911111111111';
INSERT INTO event_interest_map (event_id, event_interest_id)
    SELECT e.id, i.id FROM event e, event_interest i WHERE i.slug = 'music';
INSERT INTO event_image (event_id, image_url, position)
    SELECT id, 'https://img.example/1.jpg', 0 FROM event;
INSERT INTO event_cohost (event_id, user_id)
    SELECT e.id, u.id FROM event e, auth_user u WHERE u.username = '+913333333333';
INSERT INTO event_request (event_id, requester_id)
    SELECT e.id, u.id FROM event e, auth_user u WHERE u.username = '+912222222222';
INSERT INTO event_invite (event_id, invited_by, invited_user_id, invite_type)
    SELECT e.id, e.host_id, u.id, 'direct' FROM event e, auth_user u WHERE u.username = '+913333333333';
INSERT INTO capacity_reservation (event_id, user_id, seats, expires_at)
    SELECT e.id, u.id, 1, now() + interval '15 minutes'
    FROM event e, auth_user u WHERE u.username = '+912222222222';
INSERT INTO event_attendee (event_id, user_id)
    SELECT e.id, u.id FROM event e, auth_user u WHERE u.username = '+912222222222';
INSERT INTO ticket_secret (attendee_id, secret_hash, secret_salt) SELECT id, 'h', 's' FROM event_attendee;
INSERT INTO payment_order (order_reference, user_id, event_id, provider, provider_payment_id, seats,
                           unit_price, base_amount, total_amount, status, paid_at)
    SELECT 'ORD-1', u.id, e.id, 'sandbox', 'pay_1', 1, 100, 100, 100, 'paid', now()
    FROM event e, auth_user u WHERE u.username = '+912222222222';
INSERT INTO notification (recipient_id, notification_type, title)
    SELECT id, 'system', 'Welcome' FROM auth_user WHERE username = '+912222222222';
INSERT INTO user_phone_otp (phone_number, otp_hash, otp_salt, expires_at, country_code)
    VALUES ('+912222222222', 'h', 's', now() + interval '10 minutes', 91);
INSERT INTO refresh_token (user_id, family_id, token_hash, expires_at)
    SELECT id, gen_random_uuid(), sha256('t'::bytea), now() + interval '30 days'
    FROM auth_user WHERE username = '+912222222222';
"#;

const HOST: &str = "(SELECT id FROM auth_user WHERE username = '+911111111111')";
const GUEST: &str = "(SELECT id FROM auth_user WHERE username = '+912222222222')";
const THIRD: &str = "(SELECT id FROM auth_user WHERE username = '+913333333333')";
const EVENT: &str = "(SELECT id FROM event WHERE slug = 'fixture-party')";

fn expand(sql: &str) -> String {
    sql.replace("{host}", HOST)
        .replace("{guest}", GUEST)
        .replace("{third}", THIRD)
        .replace("{event}", EVENT)
}

/// (constraint expected to fire, statement that violates it)
const CASES: &[(&str, &str)] = &[
    ("auth_user_username_key", "INSERT INTO auth_user (username) VALUES ('+911111111111')"),
    ("auth_user_uuid_key", "INSERT INTO auth_user (uuid, username) VALUES ('00000000-0000-4000-8000-000000000001', 'x')"),
    ("auth_user_deactivated_consistent", "UPDATE auth_user SET is_active = false WHERE id = {guest}"),
    ("user_profile_user_id_key", "INSERT INTO user_profile (user_id) VALUES ({host})"),
    ("user_profile_phone_e164", "INSERT INTO user_profile (user_id, phone_number) VALUES ({third}, '98765')"),
    ("user_profile_phone_number_active_key", "INSERT INTO user_profile (user_id, phone_number) VALUES ({third}, '+911111111111')"),
    ("user_profile_gender_check", "UPDATE user_profile SET gender = 'robot' WHERE user_id = {guest}"),
    ("user_profile_pictures_array", "UPDATE user_profile SET profile_pictures = '[\"http://plain.example/a.jpg\"]' WHERE user_id = {guest}"),
    ("user_profile_pictures_array", "UPDATE user_profile SET profile_pictures = '[\"https://a/1\",\"https://a/2\",\"https://a/3\",\"https://a/4\",\"https://a/5\",\"https://a/6\",\"https://a/7\"]' WHERE user_id = {guest}"),
    ("user_profile_pictures_array", "UPDATE user_profile SET profile_pictures = '{\"a\": 1}' WHERE user_id = {guest}"),
    ("user_profile_name_length", "UPDATE user_profile SET name = '' WHERE user_id = {guest}"),
    ("user_phone_otp_attempts_range", "UPDATE user_phone_otp SET attempts = 6"),
    ("user_phone_otp_phone_e164", "UPDATE user_phone_otp SET phone_number = 'abc'"),
    ("user_phone_otp_used_consistent", "UPDATE user_phone_otp SET is_used = true"),
    ("event_interest_slug_key", "INSERT INTO event_interest (name, slug) VALUES ('Music again', 'music')"),
    ("event_interest_slug_format", "INSERT INTO event_interest (name, slug) VALUES ('Bad', 'Bad Slug')"),
    ("user_profile_event_interests_pair_key", "INSERT INTO user_profile_event_interests (user_profile_id, event_interest_id) SELECT user_profile_id, event_interest_id FROM user_profile_event_interests LIMIT 1"),
    ("venue_latitude_range", "INSERT INTO venue (name, latitude, longitude) VALUES ('North', 91, 0)"),
    ("venue_longitude_range", "INSERT INTO venue (name, latitude, longitude) VALUES ('East', 0, -181)"),
    ("event_slug_key", "INSERT INTO event (host_id, title, slug, mood, event_date, start_time, capacity) VALUES ({host}, 'Another', 'fixture-party', 'party', current_date, '10:00', 5)"),
    ("event_title_length", "UPDATE event SET title = 'ab'"),
    ("event_mood_check", "UPDATE event SET mood = 'rave'"),
    ("event_capacity_positive", "INSERT INTO event (host_id, title, slug, mood, event_date, start_time, capacity) VALUES ({host}, 'Zero', 'zero', 'party', current_date, '10:00', 0)"),
    ("event_capacity_below_taken", "UPDATE event SET capacity = 1"),
    ("event_capacity_exceeded", "WITH e AS (INSERT INTO event (host_id, title, slug, mood, event_date, start_time, capacity) VALUES ({host}, 'Tiny', 'tiny', 'party', current_date, '10:00', 1) RETURNING id) INSERT INTO event_attendee (event_id, user_id, seats) SELECT id, {third}, 2 FROM e"),
    ("event_capacity_exceeded", "INSERT INTO capacity_reservation (event_id, user_id, seats, expires_at) SELECT {event}, {third}, 2, now() + interval '5 minutes' FROM generate_series(1, 5)"),
    ("event_capacity_positive", "UPDATE event SET capacity = 10001"),
    ("event_paid_has_price", "UPDATE event SET is_paid = true"),
    ("event_free_has_no_price", "UPDATE event SET ticket_price = 10"),
    ("event_paid_has_price", "UPDATE event SET is_paid = true, ticket_price = -1"),
    ("event_gst_percent_range", "UPDATE event SET gst_percent = 29"),
    ("event_gstin_format", "UPDATE event SET gstin = 'NOT-A-GSTIN'"),
    ("event_allowed_genders_check", "UPDATE event SET allowed_genders = '[\"robot\"]'"),
    ("event_allowed_genders_check", "UPDATE event SET allowed_genders = '[]'"),
    ("event_cover_images_array", "UPDATE event SET cover_images = '[\"https://a/1\",\"https://a/2\",\"https://a/3\",\"https://a/4\"]'"),
    ("event_cover_images_array", "UPDATE event SET cover_images = '[\"ftp://a/1\"]'"),
    ("event_one_venue_kind", "UPDATE event SET venue_text = 'Somewhere else'"),
    ("event_counters_non_negative", "UPDATE event SET going_count = -1"),
    ("event_published_has_time", "UPDATE event SET is_published = true"),
    ("event_description_length", "UPDATE event SET description = repeat('x', 5001)"),
    ("event_interest_map_pair_key", "INSERT INTO event_interest_map (event_id, event_interest_id) SELECT event_id, event_interest_id FROM event_interest_map LIMIT 1"),
    ("event_image_https", "INSERT INTO event_image (event_id, image_url, position) VALUES ({event}, 'http://img.example/2.jpg', 1)"),
    ("event_image_position_key", "INSERT INTO event_image (event_id, image_url, position) VALUES ({event}, 'https://img.example/2.jpg', 0)"),
    ("event_cohost_pair_key", "INSERT INTO event_cohost (event_id, user_id) VALUES ({event}, {third})"),
    ("event_request_seats_range", "INSERT INTO event_request (event_id, requester_id, seats_requested) VALUES ({event}, {third}, 3)"),
    ("event_request_status_check", "UPDATE event_request SET status = 'maybe'"),
    ("event_request_one_live_per_user", "INSERT INTO event_request (event_id, requester_id) VALUES ({event}, {guest})"),
    ("event_invite_type_check", "INSERT INTO event_invite (event_id, invited_by, invite_type) VALUES ({event}, {host}, 'sms')"),
    ("event_invite_status_check", "UPDATE event_invite SET status = 'ignored'"),
    ("event_invite_target_matches_type", "INSERT INTO event_invite (event_id, invited_by, invite_type) VALUES ({event}, {host}, 'direct')"),
    ("event_invite_target_matches_type", "INSERT INTO event_invite (event_id, invited_by, invited_user_id, invite_type) VALUES ({event}, {host}, {guest}, 'share_link')"),
    ("event_invite_one_pending_direct", "INSERT INTO event_invite (event_id, invited_by, invited_user_id, invite_type) VALUES ({event}, {host}, {third}, 'direct')"),
    ("capacity_reservation_seats_range", "INSERT INTO capacity_reservation (event_id, user_id, seats, expires_at) VALUES ({event}, {third}, 0, now())"),
    ("capacity_reservation_status_check", "UPDATE capacity_reservation SET status = 'limbo'"),
    ("capacity_reservation_not_consumed_and_released", "UPDATE capacity_reservation SET status = 'consumed', consumed_at = now(), released_at = now()"),
    ("capacity_reservation_status_consistent", "UPDATE capacity_reservation SET status = 'consumed'"),
    ("capacity_reservation_key_key", "INSERT INTO capacity_reservation (event_id, user_id, seats, expires_at, reservation_key) SELECT event_id, user_id, 1, now(), reservation_key FROM capacity_reservation"),
    ("event_attendee_status_check", "UPDATE event_attendee SET status = 'maybe'"),
    ("event_attendee_seats_range", "UPDATE event_attendee SET seats = 3"),
    ("event_attendee_money_non_negative", "UPDATE event_attendee SET price_paid = -1"),
    ("event_attendee_checked_in_consistent", "UPDATE event_attendee SET status = 'checked_in'"),
    ("event_attendee_cancelled_consistent", "UPDATE event_attendee SET status = 'cancelled'"),
    ("event_attendee_one_active_per_user", "INSERT INTO event_attendee (event_id, user_id) VALUES ({event}, {guest})"),
    ("ticket_secret_attendee_key", "INSERT INTO ticket_secret (attendee_id, secret_hash, secret_salt) SELECT attendee_id, 'h2', 's2' FROM ticket_secret"),
    ("ticket_secret_redeemed_consistent", "UPDATE ticket_secret SET is_redeemed = true"),
    ("payment_order_reference_key", "INSERT INTO payment_order (order_reference, user_id, event_id, provider, seats, unit_price, base_amount, total_amount) VALUES ('ORD-1', {guest}, {event}, 'sandbox', 1, 1, 1, 1)"),
    ("payment_order_provider_payment_id_key", "INSERT INTO payment_order (order_reference, user_id, event_id, provider, provider_payment_id, seats, unit_price, base_amount, total_amount) VALUES ('ORD-2', {guest}, {event}, 'sandbox', 'pay_1', 1, 1, 1, 1)"),
    ("payment_order_provider_check", "UPDATE payment_order SET provider = 'paypal'"),
    ("payment_order_status_check", "UPDATE payment_order SET status = 'lost'"),
    ("payment_order_money_non_negative", "UPDATE payment_order SET base_amount = -100, gst_amount = 200"),
    ("payment_order_total_adds_up", "UPDATE payment_order SET total_amount = 99"),
    ("payment_order_refund_within_total", "UPDATE payment_order SET amount_refunded = 100.01"),
    ("payment_order_gst_percent_range", "UPDATE payment_order SET gst_percent = 30"),
    ("payment_order_paid_has_time", "UPDATE payment_order SET paid_at = NULL"),
    ("user_phone_otp_country_code_range", "UPDATE user_phone_otp SET country_code = 1000"),
    ("refresh_token_hash_key", "INSERT INTO refresh_token (user_id, family_id, token_hash, expires_at) SELECT user_id, family_id, token_hash, expires_at FROM refresh_token"),
    ("refresh_token_hash_length", "UPDATE refresh_token SET token_hash = 'short'::bytea"),
    ("refresh_token_revoked_reason_check", "UPDATE refresh_token SET revoked_at = now(), revoked_reason = 'bored'"),
    ("refresh_token_revoked_consistent", "UPDATE refresh_token SET revoked_at = now()"),
    ("notification_type_check", "UPDATE notification SET notification_type = 'spam'"),
    ("notification_read_consistent", "UPDATE notification SET is_read = true"),
    ("notification_metadata_object", "UPDATE notification SET metadata = '[]'"),
    ("audit_log_action_check", "INSERT INTO audit_log (object_type, object_id, action) VALUES ('event', 'x', 'explode')"),
    ("audit_log_payload_object", "INSERT INTO audit_log (object_type, object_id, action, payload) VALUES ('event', 'x', 'create', '[]')"),
];

#[tokio::test]
async fn each_check_and_unique_constraint_rejects_a_bad_row() {
    let app = spawn_app().await;
    app.db
        .batch_execute(FIXTURE)
        .await
        .expect("the fixture itself is valid");

    let mut wrong = Vec::new();
    for (constraint, sql) in CASES {
        let sql = expand(sql);
        match app.db.execute(sql.as_str(), &[]).await {
            Ok(rows) => wrong.push(format!("{constraint}: accepted ({rows} rows): {sql}")),
            Err(err) => {
                let fired = err
                    .as_db_error()
                    .and_then(|db| db.constraint())
                    .unwrap_or("<none>");
                if fired != *constraint {
                    wrong.push(format!("{constraint}: got {fired} ({err:?}) for {sql}"));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "constraints that did not fire as expected:\n{}",
        wrong.join("\n")
    );
}

#[tokio::test]
async fn a_deferred_image_position_swap_inside_one_transaction_succeeds() {
    let app = spawn_app().await;
    app.db.batch_execute(FIXTURE).await.unwrap();
    app.db
        .batch_execute(&expand(
            "INSERT INTO event_image (event_id, image_url, position) VALUES ({event}, 'https://img.example/2.jpg', 1);
             BEGIN;
             UPDATE event_image SET position = 1 - position WHERE event_id = {event};
             COMMIT;",
        ))
        .await
        .expect("positions can be swapped in one transaction");
}
