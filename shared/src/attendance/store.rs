//! Every SQL statement of attendance, named: the reads behind requests, invites, tickets and the
//! guest list, the locks each change takes after the event's (`event_lock`), and the writes a
//! change queues. The SQL-building pieces stay beside what they build: `event_lookup!` (the one
//! event lock, `event_lock.rs`), `organiser_is!` and `joiner_facts!` (`mod.rs`) and the hourly
//! write counts (`write_limits.rs`).

use const_format::concatcp;

use super::event_lock::EventLookup;
use super::USER_BY_UUID_2;
use crate::events::key::{EVENT_ID_OF_KEY_1, EVENT_IS_KEY_1};

/// The event of request `$1`.
pub const REQUEST_EVENT: EventLookup =
    crate::event_lookup!("(SELECT event_id FROM event_request WHERE uuid = $1)");

/// Locks request `$1` (after its event) with whether user `$2` (public id) organises the event.
pub const LOCK_REQUEST: &str = concat!(
    "SELECT r.id, r.uuid, r.event_id, r.status, r.seats_requested, r.requester_id, \
            u.uuid AS requester_uuid, \
            EXISTS (SELECT 1 FROM event e WHERE e.id = r.event_id AND ",
    organiser_is!("me.id"),
    ") AS caller_is_organiser FROM event_request r JOIN auth_user u ON u.id = r.requester_id \
     LEFT JOIN (SELECT id FROM auth_user WHERE uuid = $2) me ON true \
     WHERE r.uuid = $1 FOR UPDATE OF r"
);

/// Withdraws request `$1`.
pub const CANCEL_REQUEST: &str = "UPDATE event_request SET status = 'cancelled' WHERE id = $1";

/// Request `$1` answered by user `$3` (internal id), with the host's message `$2` when given.
pub const REQUEST_ANSWERED_BY: &str = "UPDATE event_request SET host_message = coalesce($2, host_message), responded_by = $3 WHERE id = $1";

/// One open request fewer on event `$1`.
pub const EVENT_REQUESTS_COUNT_DOWN: &str =
    "UPDATE event SET requests_count = requests_count - 1 WHERE id = $1";

/// Declines request `$1`.
pub const DECLINE_REQUEST: &str =
    "UPDATE event_request SET status = 'declined', responded_at = now() WHERE id = $1";

/// Whether request `$1` seated a guest who still goes (`attending`).
pub const REQUEST_HAS_ATTENDEE: &str = "SELECT EXISTS (SELECT 1 FROM event_attendee WHERE request_id = $1 AND status <> 'cancelled') AS attending";

/// Releases the live hold of request `$1`.
pub const RELEASE_HOLD_OF_REQUEST: &str = "UPDATE capacity_reservation SET status = 'released', released_at = now() WHERE request_id = $1 AND status = 'held'";

/// Expires the unpaid orders on the holds of request `$1`.
pub const EXPIRE_ORDERS_OF_REQUEST: &str = "UPDATE payment_order SET status = 'expired' \
                         WHERE reservation_id IN (SELECT id FROM capacity_reservation WHERE request_id = $1) AND status = 'created'";

/// The event the path's `{event_id}` (`$1`) names, with whether the caller (`$2`, public id)
/// organises it: who may check guests in.
pub const CHECK_IN_EVENT: &str = concatcp!(
    "SELECT e.id, e.uuid, ",
    ORGANISER_IS_ME,
    " AS organiser, e.is_published \
     FROM event e CROSS JOIN (SELECT id FROM auth_user WHERE uuid = $2) me WHERE ",
    EVENT_IS_KEY_1
);

/// Attendee `$2` (public id) of the event the path's `{event_id}` (`$1`) names, with their
/// ticket's secret, locked for the check-in.
pub const CHECK_IN_GUEST: &str = concatcp!(
    "SELECT a.id, a.status, rfc3339(a.checked_in_at) AS checked_in_at, a.seats, p.name, \
            t.secret_salt, t.secret_hash, u.uuid AS guest_uuid \
     FROM event_attendee a JOIN ticket_secret t ON t.attendee_id = a.id JOIN auth_user u ON u.id = a.user_id \
     LEFT JOIN user_profile p ON p.user_id = u.id \
     WHERE a.uuid = $2 AND a.event_id = ", EVENT_ID_OF_KEY_1, " FOR UPDATE OF a, t"
);

/// The event of attendee `$1`.
pub const ATTENDEE_EVENT: EventLookup =
    crate::event_lookup!("(SELECT event_id FROM event_attendee WHERE uuid = $1)");

/// Locks attendee `$1` (after its event) with whether the refund cut-off (`$2` seconds before
/// the start) is still ahead and whether user `$3` (public id) organises the event.
pub const LOCK_ATTENDEE: &str = concat!(
    "SELECT a.id, a.user_id, a.status, a.seats, a.is_paid, \
            e.starts_at - now() >= make_interval(secs => $2) AS before_cutoff, u.uuid AS guest, \
            coalesce(",
    organiser_is!("me.id"),
    ", false) AS is_organiser \
     FROM event_attendee a JOIN event e ON e.id = a.event_id JOIN auth_user u ON u.id = a.user_id \
     LEFT JOIN (SELECT id FROM auth_user WHERE uuid = $3) me ON true \
     WHERE a.uuid = $1 FOR UPDATE OF a"
);

/// Attendee `$1`'s ticket, when user `$2` (internal id) owns it.
pub const TICKET_OF_OWNER: &str = "SELECT a.uuid AS attendee_id, e.uuid AS event_id, e.title AS event_title, rfc3339(e.starts_at) AS starts_at, \
                    a.seats, a.status, t.secret_salt, t.is_redeemed, rfc3339(t.redeemed_at) AS redeemed_at \
             FROM event_attendee a JOIN event e ON e.id = a.event_id JOIN ticket_secret t ON t.attendee_id = a.id \
             WHERE a.uuid = $1 AND a.user_id = $2";

/// Checks attendee `$1` in (by organiser `$2`) and redeems the ticket.
pub const CHECK_IN: &str = "WITH t AS (UPDATE ticket_secret SET is_redeemed = true, redeemed_at = now() WHERE attendee_id = $1) \
                     UPDATE event_attendee SET status = 'checked_in', checked_in_at = now(), checked_in_by = $2 WHERE id = $1 \
                     RETURNING rfc3339(checked_in_at) AS checked_in_at";

/// Cancels attendee `$1` and gives its `$2` seats back to event `$3`.
pub const CANCEL_ATTENDEE: &str = "WITH a AS (UPDATE event_attendee SET status = 'cancelled', cancelled_at = now() WHERE id = $1) \
         UPDATE event SET going_count = going_count - $2::int WHERE id = $3";

/// Marks attendee `$1`'s paid order for a refund (reason `$2`).
pub const ORDER_REFUND_PENDING_OF_ATTENDEE: &str =
    "UPDATE payment_order SET status = 'refund_pending', refund_reason = $2 \
             WHERE attendee_id = $1 AND status IN ('paid', 'partially_refunded')";

/// User `$1`'s tickets (internal id), soonest event first, at most `$2`.
pub const TICKETS_OF_USER: &str = "SELECT jsonb_build_object('attendee_id', a.uuid, 'event_id', e.uuid, 'event_title', e.title, \
                    'starts_at', rfc3339(e.starts_at), 'seats', a.seats, 'status', a.status, 'is_paid', a.is_paid, \
                    'checked_in_at', rfc3339(a.checked_in_at)) \
                    AS ticket \
             FROM event_attendee a JOIN event e ON e.id = a.event_id WHERE a.user_id = $1 \
             ORDER BY e.starts_at, a.id LIMIT $2";

/// The event of the hold whose reservation key is `$1`.
pub const HOLD_EVENT: EventLookup =
    crate::event_lookup!("(SELECT event_id FROM capacity_reservation WHERE reservation_key = $1)");

/// Marks the 24-hour reminder sent for every attendee going to an event that starts within
/// 2–24 hours and returns them per event.
pub const REMINDERS_24H_DUE: &str = "\
    WITH due AS (UPDATE event_attendee a SET reminder_24h_sent_at = now() FROM event e \
                 WHERE e.id = a.event_id AND a.status = 'going' AND e.is_active AND a.reminder_24h_sent_at IS NULL \
                   AND e.starts_at > now() + interval '2 hours' AND e.starts_at <= now() + interval '24 hours' \
                 RETURNING e.uuid AS event_uuid, a.user_id) \
    SELECT d.event_uuid, array_agg(u.uuid) AS recipients FROM due d JOIN auth_user u ON u.id = d.user_id GROUP BY d.event_uuid";

/// Marks the 2-hour reminder sent for every attendee going to an event that starts within 2
/// hours and returns them per event.
pub const REMINDERS_2H_DUE: &str = "\
    WITH due AS (UPDATE event_attendee a SET reminder_2h_sent_at = now() FROM event e \
                 WHERE e.id = a.event_id AND a.status = 'going' AND e.is_active AND a.reminder_2h_sent_at IS NULL \
                   AND e.starts_at > now() AND e.starts_at <= now() + interval '2 hours' \
                 RETURNING e.uuid AS event_uuid, a.user_id) \
    SELECT d.event_uuid, array_agg(u.uuid) AS recipients FROM due d JOIN auth_user u ON u.id = d.user_id GROUP BY d.event_uuid";

/// Expires hold `$1` (reservation key) if it is still held and past its time.
pub const EXPIRE_HOLD: &str = "UPDATE capacity_reservation SET status = 'expired', released_at = now() \
             WHERE reservation_key = $1 AND status = 'held' AND expires_at <= now() \
             RETURNING id, request_id, (SELECT uuid FROM auth_user WHERE id = user_id) AS guest, uuid";

/// Expires the unpaid orders on hold `$1`.
pub const EXPIRE_ORDERS_OF_HOLD: &str =
    "UPDATE payment_order SET status = 'expired' WHERE reservation_id = $1 AND status = 'created'";

/// Expires accepted request `$1` whose hold lapsed.
pub const EXPIRE_REQUEST: &str =
    "UPDATE event_request SET status = 'expired' WHERE id = $1 AND status = 'accepted'";

/// Hold `$1`'s status and seconds left.
pub const HOLD_TIME_LEFT: &str =
    "SELECT status, extract(epoch FROM expires_at - now())::float8 AS seconds_left \
             FROM capacity_reservation WHERE reservation_key = $1";

/// The internal id of event `$1` (public id).
pub const EVENT_ID_OF_UUID: &str = "SELECT id FROM event WHERE uuid = $1";

/// Holds past their time, oldest first, 200 at a time.
pub const LAPSED_HOLDS: &str = "SELECT reservation_key FROM capacity_reservation WHERE status = 'held' AND expires_at <= now() ORDER BY expires_at LIMIT 200";

/// The event the path's `{event_id}` (`$1`) names, with whether user `$2` organises it.
pub const GUEST_LIST_EVENT: &str = concatcp!(
    "SELECT e.id, e.is_published, ",
    ORGANISER_IS_USER_2,
    " AS is_organiser FROM event e WHERE ",
    EVENT_IS_KEY_1
);

/// Event `$1`'s guests in the order they joined.
pub const GUESTS_OF_EVENT: &str = "SELECT a.uuid AS attendee_id, u.uuid AS user_id, p.name, a.seats, a.status, a.is_paid, \
                    rfc3339(a.checked_in_at) AS checked_in_at \
             FROM event_attendee a JOIN auth_user u ON u.id = a.user_id LEFT JOIN user_profile p ON p.user_id = u.id \
             WHERE a.event_id = $1 ORDER BY a.created_at, a.id";

/// The JSON of invite `i` (`e` its event, `hu`/`hp` who invited, `iu` whom); a share link's
/// `url` is under the link base `$1`.
pub const INVITE_JSON: &str = "\
    jsonb_build_object('invite_id', i.uuid, 'event_id', e.uuid, 'event_title', e.title, 'invite_type', i.invite_type, \
      'status', CASE WHEN i.status = 'pending' AND i.expires_at <= now() THEN 'expired' ELSE i.status END, \
      'message', i.message, 'expires_at', rfc3339(i.expires_at), 'created_at', rfc3339(i.created_at), \
      'invited_by', jsonb_build_object('user_id', hu.uuid, 'name', hp.name), \
      'invited_user_id', iu.uuid, \
      'url', CASE WHEN i.invite_type = 'share_link' THEN rtrim($1::text, '/') || '/' || i.uuid END)";

/// What an invite's JSON joins (`INVITE_JSON`'s aliases).
pub const INVITE_FROM: &str = "FROM event_invite i JOIN event e ON e.id = i.event_id \
     JOIN auth_user hu ON hu.id = i.invited_by LEFT JOIN user_profile hp ON hp.user_id = hu.id \
     LEFT JOIN auth_user iu ON iu.id = i.invited_user_id";

/// One invite's JSON by public id (`$2`), links under `$1`.
pub const INVITE_BY_ID: &str = concatcp!(
    "SELECT ",
    INVITE_JSON,
    " AS invite ",
    INVITE_FROM,
    " WHERE i.uuid = $2"
);

/// User `$2`'s invites, newest first, at most `$3`, links under `$1`.
pub const INVITES_OF_USER: &str = concatcp!(
    "SELECT ",
    INVITE_JSON,
    " AS invite ",
    INVITE_FROM,
    " WHERE i.invited_user_id = $2 ORDER BY i.created_at DESC, i.id DESC LIMIT $3"
);

/// The event the path's `{event_id}` (`$1`) names, as creating an invite needs it, and whether
/// the caller (`$2`, public id) co-hosts it.
pub const INVITING_EVENT: &str = concatcp!(
    "SELECT e.id, e.uuid, e.host_id, e.is_active AND e.starts_at > now() AS is_open, \
            EXISTS (SELECT 1 FROM event_cohost c WHERE c.event_id = e.id AND c.user_id = ",
    USER_BY_UUID_2,
    ") AS is_cohost FROM event e WHERE ",
    EVENT_IS_KEY_1,
);

/// SQL that is true when the user row `u` hosts or co-hosts the event row `e`.
pub const ORGANISER_IS_U: &str = organiser_is!("u.id");

/// The active user a direct invite names (`$2`, public id), with whether they organise or
/// already attend the event the path's `{event_id}` (`$1`) names.
pub const INVITEE: &str = concatcp!(
    "SELECT u.id, EXISTS (SELECT 1 FROM event e WHERE e.id = ",
    EVENT_ID_OF_KEY_1,
    " AND ",
    ORGANISER_IS_U,
    ") AS is_organiser, \
     EXISTS (SELECT 1 FROM event_attendee a WHERE a.event_id = ",
    EVENT_ID_OF_KEY_1,
    " AND a.user_id = u.id AND a.status IN ('going', 'checked_in')) AS is_attending \
     FROM auth_user u WHERE u.uuid = $2 AND u.is_active",
);

/// The event of invite `$1`.
pub const INVITE_EVENT: EventLookup =
    crate::event_lookup!("(SELECT event_id FROM event_invite WHERE uuid = $1)");

/// Locks invite `$1` (after its event), with whether it has lapsed.
pub const LOCK_INVITE: &str =
    "SELECT id, uuid, invite_type, status, coalesce(expires_at <= now(), false) AS lapsed, invited_user_id \
     FROM event_invite WHERE uuid = $1 FOR UPDATE";

/// The joining facts (`rules::JoinerFacts`) of caller `$2` (public id) for the event of invite
/// `$1`, read with the invite's locks.
pub const INVITEE_FACTS: &str = joiner_facts!(
    "(SELECT event_id FROM event_invite WHERE uuid = $1)",
    "(SELECT id FROM auth_user WHERE uuid = $2)"
);

/// Invite `$1` to event `$2` by `$3` for user `$4` with message `$5`.
pub const INSERT_DIRECT_INVITE: &str =
    "INSERT INTO event_invite (uuid, event_id, invited_by, invited_user_id, invite_type, message) \
                     VALUES ($1, $2, $3, $4, 'direct', $5)";

/// Share link `$1` to event `$2` by `$3`, until `$4`.
pub const INSERT_SHARE_LINK: &str =
    "INSERT INTO event_invite (uuid, event_id, invited_by, invite_type, expires_at) \
                 VALUES ($1, $2, $3, 'share_link', $4)";

/// The request an accepted invite stands for.
pub const INSERT_REQUEST_FROM_INVITE: &str = "INSERT INTO event_request (uuid, event_id, requester_id, message, seats_requested, invite_id, status) \
         VALUES ($1, $2, $3, 'Accepted an invite', $4, $5, 'pending')";

/// Accepts invite `$1`.
pub const ACCEPT_INVITE: &str =
    "UPDATE event_invite SET status = 'accepted', responded_at = now() WHERE id = $1";

/// Declines invite `$1`.
pub const DECLINE_INVITE: &str =
    "UPDATE event_invite SET status = 'declined', responded_at = now() WHERE id = $1";

/// The head of event `$1`'s waitlist that fits in its free seats, first come first served:
/// the line stops at the first request that does not fit (its running total of seats is then
/// over, and so is every later one's).
pub const WAITLIST_HEAD: &str = "SELECT id, seats_requested, requester_id, requester_uuid, uuid FROM ( \
         SELECT r.id, r.seats_requested, u.id AS requester_id, u.uuid AS requester_uuid, r.uuid, r.created_at, \
                sum(r.seats_requested) OVER (ORDER BY r.created_at, r.id) AS running \
         FROM event_request r JOIN auth_user u ON u.id = r.requester_id \
         WHERE r.event_id = $1 AND r.status = 'waitlisted') line \
     WHERE running <= (SELECT capacity FROM event WHERE id = $1) - event_seats_taken($1) \
     ORDER BY created_at, id";

/// Seats attendee `$6` at event `$1` (user `$2`, `$3` seats, from request `$4` or invite `$5`) and counts them going.
pub const INSERT_ATTENDEE: &str = "WITH a AS (INSERT INTO event_attendee (uuid, event_id, user_id, seats, request_id, invite_id) \
                            VALUES ($6, $1, $2, $3, (SELECT id FROM event_request WHERE uuid = $4), $5)), \
                      c AS (UPDATE event SET going_count = going_count + $3 WHERE id = $1) \
                 SELECT 1";

/// A seat hold, until its payment or expiry.
pub const INSERT_HOLD: &str = "INSERT INTO capacity_reservation (reservation_key, event_id, user_id, seats, request_id, invite_id, expires_at) \
             VALUES ($1, $2, $3, $4, (SELECT id FROM event_request WHERE uuid = $5), $6, $7)";

/// Accepts request `$1`.
pub const ACCEPT_REQUEST: &str =
    "UPDATE event_request SET status = 'accepted', responded_at = now() WHERE id = $1";

/// The JSON of a request (`r` request, `e` event, `u`/`p` requester).
pub const REQUEST_JSON: &str = "\
    jsonb_build_object('request_id', r.uuid, 'event_id', e.uuid, 'status', r.status, \
      'seats_requested', r.seats_requested, 'message', r.message, 'host_message', r.host_message, \
      'created_at', rfc3339(r.created_at), 'responded_at', rfc3339(r.responded_at), \
      'requester', jsonb_build_object('user_id', u.uuid, 'name', p.name, \
                                      'profile_picture', p.profile_pictures->>0, 'gender', p.gender), \
      'hold', (SELECT jsonb_build_object('reservation_key', h.reservation_key, 'seats', h.seats, \
                 'expires_at', rfc3339(h.expires_at), \
                 'status', CASE WHEN h.status = 'held' AND h.expires_at <= now() THEN 'expired' ELSE h.status END) \
               FROM capacity_reservation h WHERE h.request_id = r.id ORDER BY h.id DESC LIMIT 1), \
      'attendee_id', (SELECT a.uuid FROM event_attendee a WHERE a.request_id = r.id AND a.status <> 'cancelled' LIMIT 1))";

/// What a request's JSON joins (`REQUEST_JSON`'s aliases).
pub const REQUEST_FROM: &str = "FROM event_request r JOIN event e ON e.id = r.event_id \
     JOIN auth_user u ON u.id = r.requester_id LEFT JOIN user_profile p ON p.user_id = u.id";

/// One request's JSON by public id (`$1`).
pub const REQUEST_BY_ID: &str = concatcp!(
    "SELECT ",
    REQUEST_JSON,
    " AS request ",
    REQUEST_FROM,
    " WHERE r.uuid = $1"
);

/// A page of event `$1`'s requests, optionally of status `$2`, oldest first, after the cursor
/// (`$3`, `$4`), at most `$5`.
pub const REQUESTS_OF_EVENT: &str = concatcp!(
    "SELECT ",
    REQUEST_JSON,
    " AS item, r.created_at AS sort_time, r.uuid AS sort_uuid ",
    REQUEST_FROM,
    " WHERE r.event_id = $1 AND ($2::text IS NULL OR r.status = $2) \
       AND ($3::timestamptz IS NULL OR (r.created_at, r.uuid) > ($3, $4::uuid)) \
     ORDER BY r.created_at, r.uuid LIMIT $5"
);

/// User `$1`'s requests, newest first, at most `$2`.
pub const REQUESTS_OF_USER: &str = concatcp!(
    "SELECT ",
    REQUEST_JSON,
    " AS request ",
    REQUEST_FROM,
    " WHERE r.requester_id = $1 ORDER BY r.created_at DESC, r.id DESC LIMIT $2"
);

/// `rules::JoinerFacts` of the caller (`$2`, public id) for the event the path's `{event_id}`
/// (`$1`) names; read after the event's lock, so it sees what the lock waited for.
pub const JOINER_FACTS: &str = joiner_facts!(EVENT_ID_OF_KEY_1, USER_BY_UUID_2);

/// Public ids of the host and co-hosts (whom to tell) of the event the path's `{event_id}`
/// (`$1`) names.
pub const ORGANISERS: &str = concatcp!(
    "SELECT u.uuid FROM event e JOIN auth_user u ON u.id = e.host_id WHERE e.id = ",
    EVENT_ID_OF_KEY_1,
    " UNION SELECT u.uuid FROM event_cohost c JOIN auth_user u ON u.id = c.user_id WHERE c.event_id = ",
    EVENT_ID_OF_KEY_1
);

/// SQL that is true when user `$2` hosts or co-hosts the event row `e`.
pub const ORGANISER_IS_USER_2: &str = organiser_is!("$2");

/// SQL that is true when the user row `me` (joined by the query) hosts or co-hosts the event
/// row `e`; `me` found by public id lets the account check go in the same round trip.
pub const ORGANISER_IS_ME: &str = organiser_is!("me.id");

/// The event the path's `{event_id}` (`$1`) names, if viewer `$2` (public id) may see it
/// (published, or theirs to organise), and whether they organise it.
pub const EVENT_FOR_VIEWER: &str = concatcp!(
    "SELECT e.id, o.organiser FROM event e \
     CROSS JOIN (SELECT id FROM auth_user WHERE uuid = $2) me \
     CROSS JOIN LATERAL (SELECT ",
    ORGANISER_IS_ME,
    " AS organiser) o \
     WHERE ",
    EVENT_IS_KEY_1,
    " AND (e.is_published OR o.organiser)"
);

/// Moves request `$1` (public id) to status `$2`.
pub const SET_REQUEST_STATUS: &str =
    "UPDATE event_request SET status = $2, responded_at = now() WHERE uuid = $1";

/// A new request, counted on its event.
pub const INSERT_REQUEST: &str = "WITH r AS (INSERT INTO event_request (uuid, event_id, requester_id, message, seats_requested) \
                    VALUES ($5, $1, $2, $3, $4)), \
              c AS (UPDATE event SET requests_count = requests_count + 1 WHERE id = $1) \
         SELECT 1";

/// Stores the ticket of the attendee whose public id is `$1` (`$2` hash, `$3` salt, from
/// `new_secret`); it can go out right behind the attendee's insert.
pub const INSERT_TICKET_SECRET: &str =
    "INSERT INTO ticket_secret (attendee_id, secret_hash, secret_salt) \
     SELECT id, $2, $3 FROM event_attendee WHERE uuid = $1";
