//! Joining events without ever overbooking: requests, invites, seat holds, attendees, tickets
//! and check-in, all through one capacity ledger.
//!
//! Rules (`rules.rs`, and each status enum's transitions): only an open event is joined, never
//! by its own organisers, with one seat or two when plus-ones are allowed, by a person whose
//! gender the event allows, and not twice. A decision admits while the seats are free, else
//! waitlists; the waitlist is promoted first come first served whenever seats come free.
//! Seats taken = attendees going or checked in + holds held and unexpired, so a lapsed hold
//! stops counting at once. Every seat change locks the event first (`event_lock.rs`), then its
//! own row: one lock order, so no two changes deadlock. A ticket is checked in once, by an
//! organiser, at its own event. Requests and invites are rate-limited per user per hour.

/// SQL that is true when the user whose internal id is the SQL expression `$user` (`"$2"`,
/// `"me.id"`) hosts or co-hosts the event row `e`: the one organiser test every query uses.
macro_rules! organiser_is {
    ($user:literal) => {
        concat!(
            "(e.host_id = ",
            $user,
            " OR EXISTS (SELECT 1 FROM event_cohost c WHERE c.event_id = e.id AND c.user_id = ",
            $user,
            "))"
        )
    };
}
pub(crate) use organiser_is;

/// The internal id of the user whose public id is `$2`, as an SQL expression (so a statement
/// can take the caller by public id and go out with the account check).
pub(crate) const USER_BY_UUID_2: &str = "(SELECT id FROM auth_user WHERE uuid = $2)";

/// SQL reading what the joining checks need (`rules::JoinerFacts`) of the user with internal id
/// `$user` and the event with id `$event` (SQL expressions): whether they organise it, their
/// gender and whether they already go.
macro_rules! joiner_facts {
    ($event:expr, $user:expr) => {
        const_format::concatcp!(
            "SELECT EXISTS (SELECT 1 FROM event e WHERE e.id = ",
            $event,
            " AND (e.host_id = ",
            $user,
            " OR EXISTS (SELECT 1 FROM event_cohost c WHERE c.event_id = e.id AND c.user_id = ",
            $user,
            "))) AS is_organiser, (SELECT gender FROM user_profile WHERE user_id = ",
            $user,
            ") AS gender, EXISTS (SELECT 1 FROM event_attendee WHERE event_id = ",
            $event,
            " AND user_id = ",
            $user,
            " AND status <> 'cancelled') AS is_attending"
        )
    };
}

pub mod answers;
pub mod attendee_status;
pub mod attendees;
pub mod event_lock;
pub mod expiry;
pub mod guest_list;
pub mod hold_status;
pub mod invite_status;
pub mod invites;
pub mod ledger;
pub mod request_status;
pub mod requests;
pub mod rules;
pub mod store;
pub mod tickets;
pub mod write_limits;
