-- Demo data for `make dev`: two people, two venues, a free and a paid published event in the
-- future. Idempotent: re-running changes nothing (keys are fixed, conflicts ignored).
BEGIN;

INSERT INTO auth_user (uuid, username, first_name, last_login)
VALUES ('00000000-0000-4000-8000-000000000001', '+919800000001', 'Asha', now()),
       ('00000000-0000-4000-8000-000000000002', '+919800000002', 'Ravi', now())
ON CONFLICT (username) DO NOTHING;

INSERT INTO user_profile (user_id, name, bio, location, phone_number, birth_date, gender,
                          profile_pictures, is_verified)
SELECT u.id, p.name, p.bio, 'Bengaluru', u.username, p.birth_date, p.gender,
       p.pictures::jsonb, true
FROM (VALUES
    ('+919800000001', 'Asha Host', 'I host rooftop music nights.', date '1994-03-12', 'female',
     '["https://picsum.photos/seed/asha/400"]'),
    ('+919800000002', 'Ravi Guest', 'Always up for a picnic.', date '1997-08-30', 'male',
     '["https://picsum.photos/seed/ravi/400"]')
) AS p(phone, name, bio, birth_date, gender, pictures)
JOIN auth_user u ON u.username = p.phone
ON CONFLICT (user_id) DO NOTHING;

INSERT INTO user_profile_event_interests (user_profile_id, event_interest_id)
SELECT up.id, ei.id
FROM user_profile up
JOIN auth_user u ON u.id = up.user_id
JOIN event_interest ei ON ei.slug IN ('music', 'picnic', 'outdoors')
WHERE u.username IN ('+919800000001', '+919800000002')
ON CONFLICT DO NOTHING;

INSERT INTO venue (uuid, name, address, city, state, postal_code, latitude, longitude, created_by)
SELECT v.uuid::uuid, v.name, v.address, 'Bengaluru', 'Karnataka', v.pin, v.lat, v.lng, u.id
FROM (VALUES
    ('00000000-0000-4000-8000-0000000000a1', 'Cubbon Park Bandstand', 'Kasturba Road', '560001',
     12.976230, 77.592900),
    ('00000000-0000-4000-8000-0000000000a2', 'The Rooftop, Indiranagar', '100 Feet Road', '560038',
     12.971890, 77.641150)
) AS v(uuid, name, address, pin, lat, lng)
CROSS JOIN (SELECT id FROM auth_user WHERE username = '+919800000001') u
ON CONFLICT (uuid) DO NOTHING;

INSERT INTO event (uuid, host_id, title, slug, description, mood, venue_id, event_date, start_time,
                   duration, capacity, is_paid, ticket_price, gst_percent, gstin, allow_plus_one,
                   cover_images, is_published, published_at)
SELECT e.uuid::uuid, u.id, e.title, e.slug, e.description, e.mood, v.id,
       (now() AT TIME ZONE 'Asia/Kolkata')::date + e.days_ahead, e.start_time::time,
       e.duration::interval, e.capacity, e.is_paid, e.price, e.gst, e.gstin, e.plus_one,
       e.covers::jsonb, true, now()
FROM (VALUES
    ('00000000-0000-4000-8000-0000000000e1', 'Sunday Picnic in Cubbon Park', 'sunday-picnic-in-cubbon-park',
     'Bring a mat and a snack to share.', 'picnic', '00000000-0000-4000-8000-0000000000a1', 7, '10:00',
     'PT3H', 30, false, 0.00, 0, NULL, true, '["https://picsum.photos/seed/picnic/800"]'),
    ('00000000-0000-4000-8000-0000000000e2', 'Rooftop Jazz Night', 'rooftop-jazz-night',
     'A live trio under the stars.', 'music', '00000000-0000-4000-8000-0000000000a2', 14, '19:30',
     'PT4H', 40, true, 499.00, 18, '29ABCDE1234F1ZW', false, '["https://picsum.photos/seed/jazz/800"]')
) AS e(uuid, title, slug, description, mood, venue_uuid, days_ahead, start_time, duration, capacity,
       is_paid, price, gst, gstin, plus_one, covers)
JOIN venue v ON v.uuid = e.venue_uuid::uuid
CROSS JOIN (SELECT id FROM auth_user WHERE username = '+919800000001') u
ON CONFLICT (slug) DO NOTHING;

INSERT INTO event_interest_map (event_id, event_interest_id)
SELECT ev.id, ei.id
FROM (VALUES ('sunday-picnic-in-cubbon-park', 'picnic'), ('sunday-picnic-in-cubbon-park', 'outdoors'),
             ('rooftop-jazz-night', 'music'), ('rooftop-jazz-night', 'party')) AS m(slug, interest)
JOIN event ev ON ev.slug = m.slug
JOIN event_interest ei ON ei.slug = m.interest
ON CONFLICT DO NOTHING;

COMMIT;
