//! Telling people what happened to them.
//!
//! Rules: a state change queues one notice per change in its own transaction (`notify`), so a
//! rolled-back change tells nobody and a committed one is never lost. notification-worker turns
//! each notice into one inbox row per recipient (a notice delivered twice writes nothing new)
//! and an SMS only for the kinds that warrant one: a seat hold to pay for and a cancelled event
//! (`inbox`). Nobody is told of their own action. The inbox is read only by its recipient.

pub mod inbox;
pub mod notify;
pub mod store;
