//! Joining events without ever overbooking: requests, invites, seat holds, attendees, tickets
//! and check-in, all through one capacity ledger.

pub mod answers;
pub mod attendees;
pub mod expiry;
pub mod invites;
pub mod ledger;
pub mod requests;
pub mod tickets;
pub mod write_limits;
