//! Every SQL statement of hosting events, named: an event's reads and writes, its gallery, its
//! co-hosts and cancelling it. Two kinds of SQL live elsewhere on purpose: the discovery feed
//! (`discovery.rs`) builds one statement per combination of filters asked for, so the planner
//! sees only the predicates given, and a path's `{event_id}` is matched by the fragments of
//! `key.rs`, which every area's statements share.

use const_format::concatcp;

use super::key::EVENT_IS_KEY_1;

/// Who cancelling the event the path's `{event_id}` (`$1`) names affects, read behind the
/// event's lock: everyone with a live request, pending invite, hold or attendance, and how
/// many paid orders it refunds. Every change to those takes the event's lock first, so the
/// cancel later in the transaction touches exactly these.
pub const AFFECTED_BY_CANCEL: &str = const_format::concatcp!(
    "WITH target AS (SELECT e.id FROM event e WHERE ", EVENT_IS_KEY_1, "), \
              everyone AS ( \
                 SELECT requester_id AS user_id FROM event_request WHERE event_id = (SELECT id FROM target) \
                    AND status IN ('pending', 'waitlisted', 'accepted') \
                 UNION SELECT invited_user_id FROM event_invite WHERE event_id = (SELECT id FROM target) AND status = 'pending' \
                 UNION SELECT user_id FROM capacity_reservation WHERE event_id = (SELECT id FROM target) AND status = 'held' \
                 UNION SELECT user_id FROM event_attendee WHERE event_id = (SELECT id FROM target) \
                    AND status IN ('going', 'checked_in')) \
         SELECT ARRAY(SELECT u.uuid FROM auth_user u WHERE u.id IN (SELECT user_id FROM everyone WHERE user_id IS NOT NULL) \
                      ORDER BY u.id) AS affected_users, \
                (SELECT count(*) FROM payment_order WHERE event_id = (SELECT id FROM target) \
                    AND status IN ('paid', 'partially_refunded')) AS refunds_queued",
);

/// Cancels event `$1` and everything hanging on it: requests cancelled, pending invites
/// revoked, holds released, attendance cancelled, paid orders marked for refund, unpaid ones
/// expired, counters zeroed.
pub const CANCEL_EVENT: &str = "WITH requests AS ( \
         UPDATE event_request SET status = 'cancelled' \
         WHERE event_id = $1 AND status IN ('pending', 'waitlisted', 'accepted')), \
     invites AS ( \
         UPDATE event_invite SET status = 'revoked' WHERE event_id = $1 AND status = 'pending'), \
     holds AS ( \
         UPDATE capacity_reservation SET status = 'released', released_at = now() \
         WHERE event_id = $1 AND status = 'held'), \
     attendees AS ( \
         UPDATE event_attendee SET status = 'cancelled', cancelled_at = now(), checked_in_at = NULL \
         WHERE event_id = $1 AND status IN ('going', 'checked_in')), \
     orders AS ( \
         UPDATE payment_order SET status = 'refund_pending', refund_reason = 'event_cancelled' \
         WHERE event_id = $1 AND status IN ('paid', 'partially_refunded')), \
     stale_orders AS ( \
         UPDATE payment_order SET status = 'expired' WHERE event_id = $1 AND status = 'created') \
     UPDATE event SET is_active = false, cancelled_at = now(), going_count = 0, requests_count = 0 \
     WHERE id = $1";

/// The internal id and name of active user `$1` (public id).
pub const ACTIVE_USER_WITH_NAME: &str = "SELECT u.id, p.name FROM auth_user u LEFT JOIN user_profile p ON p.user_id = u.id WHERE u.uuid = $1 AND u.is_active";

/// User `$2` co-hosts event `$1`, added by `$3`.
pub const INSERT_COHOST: &str =
    "INSERT INTO event_cohost (event_id, user_id, added_by) VALUES ($1, $2, $3)";

/// User `$2` (public id) no longer co-hosts event `$1`.
pub const DELETE_COHOST: &str = "DELETE FROM event_cohost WHERE event_id = $1 AND user_id = (SELECT id FROM auth_user WHERE uuid = $2)";

/// Event `$1`'s gallery in order, as JSON.
pub const IMAGES_OF_EVENT: &str = "SELECT coalesce(jsonb_agg(jsonb_build_object('image_id', uuid, 'image_url', image_url, 'position', position) \
                     ORDER BY position), '[]'::jsonb) AS images FROM event_image WHERE event_id = $1";

/// How many images event `$1` has.
pub const COUNT_IMAGES: &str = "SELECT count(*) AS images FROM event_image WHERE event_id = $1";

/// Moves event `$1`'s images from position `$2` on one down.
pub const MAKE_ROOM_FOR_IMAGE: &str =
    "UPDATE event_image SET position = position + 1 WHERE event_id = $1 AND position >= $2";

/// Image `$2` at position `$3` of event `$1`, as JSON.
pub const INSERT_IMAGE: &str = "INSERT INTO event_image (event_id, image_url, position) VALUES ($1, $2, $3) \
             RETURNING jsonb_build_object('image_id', uuid, 'image_url', image_url, 'position', position) AS image";

/// The ids of event `$1`'s images.
pub const IMAGE_IDS_OF_EVENT: &str = "SELECT uuid FROM event_image WHERE event_id = $1";

/// Event `$1`'s images in the order of ids `$2`.
pub const REORDER_IMAGES: &str = "UPDATE event_image i SET position = o.ord - 1 \
                 FROM unnest($2::uuid[]) WITH ORDINALITY AS o(uuid, ord) WHERE i.event_id = $1 AND i.uuid = o.uuid";

/// Removes image `$2` of event `$1`, returning where it stood.
pub const DELETE_IMAGE: &str =
    "DELETE FROM event_image WHERE event_id = $1 AND uuid = $2 RETURNING position";

/// Moves event `$1`'s images after position `$2` one up.
pub const CLOSE_IMAGE_GAP: &str =
    "UPDATE event_image SET position = position - 1 WHERE event_id = $1 AND position > $2";

/// The event the path's `{event_id}` (`$1`) names, locked for an edit, with the caller's (`$2`)
/// role in it: `EventForEdit`.
pub const EVENT_FOR_EDIT: &str = concatcp!(
        "SELECT e.id, e.uuid, \
            CASE WHEN e.host_id = me.id THEN 'host' \
                 WHEN EXISTS (SELECT 1 FROM event_cohost c WHERE c.event_id = e.id AND c.user_id = me.id) THEN 'cohost' \
                 ELSE 'other' END AS role, \
            e.is_published, e.is_active, e.starts_at <= now() AS has_started, \
            e.title, e.description, e.mood, v.uuid AS venue_id, e.venue_text, e.event_date, e.start_time, e.timezone, \
            extract(epoch FROM e.duration)::bigint AS duration_secs, e.capacity, e.is_paid, e.ticket_price, e.gst_percent, e.gstin, \
            ARRAY(SELECT jsonb_array_elements_text(e.allowed_genders)) AS allowed_genders, e.allow_plus_one, \
            ARRAY(SELECT jsonb_array_elements_text(e.cover_images)) AS cover_images, e.requires_approval, \
            ARRAY(SELECT i.slug FROM event_interest_map m JOIN event_interest i ON i.id = m.event_interest_id \
                  WHERE m.event_id = e.id ORDER BY i.sort_order) AS interests \
     FROM event e LEFT JOIN venue v ON v.id = e.venue_id \
     LEFT JOIN (SELECT id FROM auth_user WHERE uuid = $2) me ON true \
     WHERE ", EVENT_IS_KEY_1, " FOR NO KEY UPDATE OF e",
);

/// Maps event `$1` to the interests `$2` (bigint[]).
pub const INSERT_EVENT_INTERESTS: &str =
    "INSERT INTO event_interest_map (event_id, event_interest_id) SELECT $1, unnest($2::bigint[])";

/// Publishes (`$2` true) or unpublishes event `$1`.
pub const SET_PUBLISHED: &str =
    "UPDATE event SET is_published = $2, published_at = CASE WHEN $2 THEN coalesce(published_at, now()) END \
     WHERE id = $1";

/// The JSON of one event as its viewer sees it (`$1` event id, `$2` viewer id).
pub const DETAIL_JSON: &str = "\
    jsonb_build_object( \
      'event_id', e.uuid, 'slug', e.slug, 'title', e.title, 'description', e.description, 'mood', e.mood, \
      'host', jsonb_build_object('user_id', hu.uuid, 'name', hp.name, 'profile_picture', hp.profile_pictures->>0), \
      'venue', CASE WHEN v.id IS NULL THEN NULL ELSE jsonb_build_object('venue_id', v.uuid, 'name', v.name, \
               'address', v.address, 'city', v.city, 'latitude', v.latitude, 'longitude', v.longitude) END, \
      'venue_text', e.venue_text, 'event_date', e.event_date, 'start_time', to_char(e.start_time, 'HH24:MI'), \
      'timezone', e.timezone, 'starts_at', rfc3339(e.starts_at), 'ends_at', rfc3339(e.starts_at + e.duration), \
      'duration_seconds', extract(epoch FROM e.duration)::bigint, \
      'capacity', e.capacity, 'is_paid', e.is_paid, \
      'ticket_price', CASE WHEN e.is_paid THEN e.ticket_price::text END, 'currency', e.currency, \
      'gst_percent', e.gst_percent, 'allowed_genders', e.allowed_genders, 'allow_plus_one', e.allow_plus_one, \
      'requires_approval', e.requires_approval, 'cover_images', e.cover_images, \
      'interests', (SELECT coalesce(jsonb_agg(jsonb_build_object('interest_id', i.uuid, 'name', i.name, \
                    'slug', i.slug, 'icon', i.icon) ORDER BY i.sort_order), '[]'::jsonb) \
                    FROM event_interest_map m JOIN event_interest i ON i.id = m.event_interest_id WHERE m.event_id = e.id), \
      'status', CASE WHEN NOT e.is_active THEN 'cancelled' WHEN e.is_published THEN 'published' ELSE 'draft' END, \
      'going_count', e.going_count, 'requests_count', e.requests_count, \
      'created_at', rfc3339(e.created_at), 'updated_at', rfc3339(e.updated_at))";

/// The detail (`DETAIL_JSON` and what only a detail shows) of the event the path's `{event_id}`
/// (`$1`) names, as viewer `$2` (internal id) may see it.
pub const EVENT_DETAIL: &str = concatcp!(
        "WITH target AS (SELECT e.* FROM event e WHERE ", EVENT_IS_KEY_1, "), \
          role AS (SELECT CASE WHEN t.host_id = $2 THEN 'host' \
                               WHEN EXISTS (SELECT 1 FROM event_cohost c WHERE c.event_id = t.id AND c.user_id = $2) THEN 'cohost' \
                          END AS r FROM target t) \
     SELECT ", DETAIL_JSON, " || jsonb_build_object( \
       'images', (SELECT coalesce(jsonb_agg(jsonb_build_object('image_id', im.uuid, 'image_url', im.image_url, \
                  'position', im.position) ORDER BY im.position), '[]'::jsonb) FROM event_image im WHERE im.event_id = e.id), \
       'gstin', CASE WHEN (SELECT r FROM role) IS NOT NULL THEN e.gstin END, \
       'seats_left', greatest(e.capacity - e.going_count - (SELECT coalesce(sum(h.seats), 0) FROM capacity_reservation h \
                      WHERE h.event_id = e.id AND h.status = 'held' AND h.expires_at > now()), 0), \
       'my_status', coalesce((SELECT r FROM role), \
           (SELECT CASE a.status WHEN 'checked_in' THEN 'checked_in' ELSE 'going' END FROM event_attendee a \
            WHERE a.event_id = e.id AND a.user_id = $2 AND a.status IN ('going', 'checked_in')), \
           (SELECT 'holding' FROM capacity_reservation h WHERE h.event_id = e.id AND h.user_id = $2 \
            AND h.status = 'held' AND h.expires_at > now() LIMIT 1), \
           (SELECT 'requested' FROM event_request r WHERE r.event_id = e.id AND r.requester_id = $2 \
            AND r.status IN ('pending', 'waitlisted', 'accepted') LIMIT 1), \
           (SELECT 'invited' FROM event_invite iv WHERE iv.event_id = e.id AND iv.invited_user_id = $2 \
            AND iv.status = 'pending' AND (iv.expires_at IS NULL OR iv.expires_at > now()) LIMIT 1), \
           'none')) AS detail \
     FROM target e JOIN auth_user hu ON hu.id = e.host_id LEFT JOIN user_profile hp ON hp.user_id = hu.id \
          LEFT JOIN venue v ON v.id = e.venue_id \
     WHERE e.is_published OR (SELECT r FROM role) IS NOT NULL",
);

/// The internal id of venue `$1` (public id).
pub const VENUE_ID_OF_UUID: &str = "SELECT id FROM venue WHERE uuid = $1";

/// A new event with its fields.
pub const INSERT_EVENT: &str = "INSERT INTO event (host_id, slug, title, description, mood, venue_id, venue_text, event_date, \
                                start_time, timezone, duration, capacity, is_paid, ticket_price, gst_percent, \
                                gstin, allowed_genders, allow_plus_one, cover_images, requires_approval, \
                                is_published, published_at) \
             VALUES ($1, coalesce((SELECT c FROM unnest($2::text[]) WITH ORDINALITY AS t(c, n) \
                                   WHERE NOT EXISTS (SELECT 1 FROM event WHERE slug = c) ORDER BY n LIMIT 1), \
                                  ($2::text[])[cardinality($2::text[])]), $3, $4, $5, $6, $7, $8, $9, $10, make_interval(secs => $11::bigint), $12, $13, $14, \
                     $15, $16, $17, $18, $19, $20, $21, CASE WHEN $21 THEN now() END) \
             ON CONFLICT (slug) DO NOTHING RETURNING id, uuid";

/// Event `$1` with all its fields as given.
pub const UPDATE_EVENT: &str = "UPDATE event SET title = $2, description = $3, mood = $4, venue_id = $5, venue_text = $6, \
                event_date = $7, start_time = $8, timezone = $9, duration = make_interval(secs => $10::bigint), \
                capacity = $11, is_paid = $12, ticket_price = $13, gst_percent = $14, gstin = $15, \
                allowed_genders = $16, allow_plus_one = $17, cover_images = $18, requires_approval = $19 \
         WHERE id = $1";

/// Removes event `$1`'s interests.
pub const CLEAR_EVENT_INTERESTS: &str = "DELETE FROM event_interest_map WHERE event_id = $1";

/// Seats taken at event `$1`: guests going or checked in, and live holds.
pub const SEATS_TAKEN: &str = "SELECT (SELECT coalesce(sum(seats), 0) FROM event_attendee \
                     WHERE event_id = $1 AND status IN ('going', 'checked_in')) \
                  + (SELECT coalesce(sum(seats), 0) FROM capacity_reservation \
                     WHERE event_id = $1 AND status = 'held' AND expires_at > now()) AS seats_taken";

/// Whether any order was placed for event `$1`.
pub const EVENT_HAS_ORDERS: &str =
    "SELECT EXISTS (SELECT 1 FROM payment_order WHERE event_id = $1) AS has_orders";

/// Public ids of event `$1`'s guests going or checked in.
pub const GOING_USER_IDS: &str =
    "SELECT u.uuid FROM event_attendee a JOIN auth_user u ON u.id = a.user_id \
             WHERE a.event_id = $1 AND a.status IN ('going', 'checked_in')";
