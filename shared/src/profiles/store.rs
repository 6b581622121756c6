//! Every SQL statement of profiles, named: reading and changing a profile, its interests, and
//! deleting an account (which locks the events it hosts first, then everything hanging on it).

/// The user (`$1`, public id) as an internal id, inside each statement.
macro_rules! me {
    () => {
        "(SELECT id FROM auth_user WHERE uuid = $1)"
    };
}

/// Locks, in id order, every event whose seats the deletion changes: the upcoming events the
/// user hosts and those where the user holds seats.
pub const LOCK_HOSTED_EVENTS: &str = concat!(
    "SELECT e.id FROM event e WHERE e.id IN ( \
         SELECT id FROM event WHERE host_id = ",
    me!(),
    " AND is_active AND starts_at > now() \
         UNION SELECT event_id FROM event_attendee WHERE user_id = ",
    me!(),
    " AND status = 'going' \
         UNION SELECT event_id FROM capacity_reservation WHERE user_id = ",
    me!(),
    " AND status = 'held') \
     ORDER BY e.id FOR NO KEY UPDATE"
);

/// The upcoming events the user hosts, read behind their locks: id, public id, everyone a
/// cancellation tells (live requests, pending invites, holds, attendance) and how many paid
/// orders it refunds.
pub const HOSTED_UPCOMING: &str = concat!(
    "SELECT e.id, e.uuid, \
            ARRAY(SELECT u.uuid FROM auth_user u WHERE u.id IN ( \
                SELECT requester_id FROM event_request WHERE event_id = e.id \
                   AND status IN ('pending', 'waitlisted', 'accepted') \
                UNION SELECT invited_user_id FROM event_invite WHERE event_id = e.id AND status = 'pending' \
                UNION SELECT user_id FROM capacity_reservation WHERE event_id = e.id AND status = 'held' \
                UNION SELECT user_id FROM event_attendee WHERE event_id = e.id \
                   AND status IN ('going', 'checked_in')) ORDER BY u.id) AS affected, \
            (SELECT count(*) FROM payment_order WHERE event_id = e.id \
                AND status IN ('paid', 'partially_refunded')) AS paid_orders \
     FROM event e WHERE e.host_id = ",
    me!(),
    " AND e.is_active AND e.starts_at > now() ORDER BY e.id"
);

/// What the user's own seats touch (`$2` the refund cut-off in seconds): the other events
/// whose seats come free, how many paid orders the policy refunds, open requests and live
/// sessions (for the audit row).
pub const OWN_SEATS: &str = concat!(
    "SELECT ARRAY(SELECT e.uuid FROM event e WHERE e.host_id <> ",
    me!(),
    " AND e.id IN ( \
                SELECT event_id FROM event_attendee WHERE user_id = ",
    me!(),
    " AND status = 'going' \
                UNION SELECT event_id FROM capacity_reservation WHERE user_id = ",
    me!(),
    " AND status = 'held') ORDER BY e.id) AS freed_events, \
            (SELECT count(*) FROM payment_order o JOIN event_attendee a ON a.id = o.attendee_id \
                JOIN event e ON e.id = a.event_id \
             WHERE a.user_id = ",
    me!(),
    " AND a.status = 'going' AND o.status IN ('paid', 'partially_refunded') \
               AND e.starts_at - now() >= make_interval(secs => $2)) AS refunds, \
            (SELECT count(*) FROM event_request WHERE requester_id = ",
    me!(),
    " AND status IN ('pending', 'waitlisted', 'accepted')) AS open_requests, \
            (SELECT count(*) FROM refresh_token WHERE user_id = ",
    me!(),
    " AND revoked_at IS NULL) AS sessions"
);

/// Gives up the user's own seats (`$2` the refund cut-off in seconds): attendance cancelled
/// and counted off, paid orders refunded when the policy allows, holds released with their
/// unpaid orders, open requests cancelled (pending ones counted off), pending invites
/// declined, co-host roles ended.
pub const RELEASE_OWN_SEATS: &str = concat!(
    "WITH att AS ( \
         UPDATE event_attendee SET status = 'cancelled', cancelled_at = now() \
         WHERE user_id = ",
    me!(),
    " AND status = 'going' RETURNING id, event_id, seats), \
     refunds AS ( \
         UPDATE payment_order o SET status = 'refund_pending', refund_reason = 'guest_withdrew' \
         FROM att JOIN event e ON e.id = att.event_id \
         WHERE o.attendee_id = att.id AND o.status IN ('paid', 'partially_refunded') \
           AND e.starts_at - now() >= make_interval(secs => $2)), \
     holds AS ( \
         UPDATE capacity_reservation SET status = 'released', released_at = now() \
         WHERE user_id = ",
    me!(),
    " AND status = 'held' RETURNING id), \
     unpaid AS ( \
         UPDATE payment_order SET status = 'expired' \
         WHERE reservation_id IN (SELECT id FROM holds) AND status = 'created'), \
     requests AS ( \
         UPDATE event_request r SET status = 'cancelled' FROM event_request old \
         WHERE r.id = old.id AND r.requester_id = ",
    me!(),
    " AND r.status IN ('pending', 'waitlisted', 'accepted') \
         RETURNING r.event_id, old.status AS was), \
     counted AS ( \
         UPDATE event e SET going_count = e.going_count - c.seats, requests_count = e.requests_count - c.pending \
         FROM (SELECT event_id, sum(seats)::int AS seats, sum(pending)::int AS pending \
               FROM (SELECT event_id, seats::int AS seats, 0 AS pending FROM att \
                     UNION ALL SELECT event_id, 0, 1 FROM requests WHERE was = 'pending') changed \
               GROUP BY event_id) c \
         WHERE e.id = c.event_id), \
     invites AS ( \
         UPDATE event_invite SET status = 'declined' WHERE invited_user_id = ",
    me!(),
    " AND status = 'pending') \
     DELETE FROM event_cohost WHERE user_id = ",
    me!()
);

/// Revokes every session of the user.
pub const REVOKE_SESSIONS: &str = concat!(
    "UPDATE refresh_token SET revoked_at = now(), revoked_reason = 'account_deleted' \
     WHERE user_id = ",
    me!(),
    " AND revoked_at IS NULL"
);

/// Keeps, in every provider answer stored with the user's orders (`$2` the payment fields
/// reconciliation needs), only those fields: no phone number, email, VPA or card.
pub const SCRUB_ORDERS: &str = concat!(
    "UPDATE payment_order SET provider_response = ( \
         SELECT jsonb_object_agg(part, CASE WHEN jsonb_typeof(doc) = 'object' THEN \
                    (SELECT coalesce(jsonb_object_agg(field, value), '{}'::jsonb) FROM jsonb_each(doc) f(field, value) \
                     WHERE field = ANY($2)) ELSE doc END) \
         FROM jsonb_each(provider_response) p(part, doc)) \
     WHERE user_id = ",
    me!(),
    " AND jsonb_typeof(provider_response) = 'object' AND provider_response <> '{}'::jsonb"
);

/// Deactivates and anonymises the account: frees the username and phone number, clears the
/// profile and interests. Payment and audit rows keep pointing at the (now anonymous) user.
pub const ANONYMISE: &str = concat!(
    "WITH account AS ( \
         UPDATE auth_user SET is_active = false, deactivated_at = now(), \
                username = 'deleted:' || uuid::text, email = NULL, first_name = '', last_name = '' \
         WHERE id = ",
    me!(),
    "), \
     profile AS ( \
         UPDATE user_profile SET name = NULL, bio = NULL, location = NULL, phone_number = NULL, \
                birth_date = NULL, gender = NULL, profile_pictures = '[]', is_verified = false \
         WHERE user_id = ",
    me!(),
    " RETURNING id) \
     DELETE FROM user_profile_event_interests WHERE user_profile_id IN (SELECT id FROM profile)"
);

/// The caller's own profile (`u` the account, `p` the profile), by public id `$1`.
pub const PROFILE_SELECT: &str = "\
    SELECT u.uuid AS user_id, p.name, p.bio, p.location, p.phone_number, p.birth_date, p.gender, \
           p.profile_pictures, p.is_verified, p.created_at, p.updated_at, \
           coalesce((SELECT json_agg(json_build_object('interest_id', i.uuid, 'name', i.name, \
                                                       'slug', i.slug, 'icon', i.icon) \
                                     ORDER BY i.sort_order, i.name) \
                     FROM user_profile_event_interests pi \
                     JOIN event_interest i ON i.id = pi.event_interest_id \
                     WHERE pi.user_profile_id = p.id), '[]'::json) AS interests \
    FROM auth_user u JOIN user_profile p ON p.user_id = u.id \
    WHERE u.uuid = $1 AND u.is_active";

/// User `$1`'s profile: each field set when its flag (`$2`, `$4`, ...) says so.
pub const UPDATE_PROFILE: &str = "UPDATE user_profile SET \
           name = CASE WHEN $2 THEN $3 ELSE name END, \
           bio = CASE WHEN $4 THEN $5 ELSE bio END, \
           location = CASE WHEN $6 THEN $7 ELSE location END, \
           birth_date = CASE WHEN $8 THEN $9 ELSE birth_date END, \
           gender = CASE WHEN $10 THEN $11 ELSE gender END, \
           profile_pictures = coalesce($12, profile_pictures) \
         WHERE user_id = $1";

/// Removes user `$1`'s interests.
pub const CLEAR_PROFILE_INTERESTS: &str = "DELETE FROM user_profile_event_interests \
             WHERE user_profile_id = (SELECT id FROM user_profile WHERE user_id = $1)";

/// User `$1`'s interests `$2` (ids).
pub const INSERT_PROFILE_INTERESTS: &str =
    "INSERT INTO user_profile_event_interests (user_profile_id, event_interest_id) \
             SELECT (SELECT id FROM user_profile WHERE user_id = $1), unnest($2::bigint[])";
