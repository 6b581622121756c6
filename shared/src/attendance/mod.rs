//! Joining events without ever overbooking: requests, invites, seat holds, attendees, tickets
//! and check-in, all through one capacity ledger.

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

pub mod answers;
pub mod attendees;
pub mod expiry;
pub mod invites;
pub mod ledger;
pub mod requests;
pub mod tickets;
pub mod write_limits;
