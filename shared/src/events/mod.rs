//! Hosting and discovering events.
//!
//! Rules: an event is created as a draft, seen only by its host and co-hosts, and published
//! once it has a venue (from the catalogue or free text, exactly one), a cover image and a
//! start in the next two years. Paid events need a price; GST needs the host's GSTIN. Only the
//! host changes money and who may come (price, GST, genders, plus-ones, approval) and manages
//! co-hosts; once an order exists the pricing is locked, and capacity never drops below the
//! seats taken. An event with guests cannot be unpublished; cancelling it cancels everything
//! hanging on it, refunds its paid guests in full and tells everyone affected.

pub mod calendar;
pub mod cancellation;
pub mod cohosts;
pub mod discovery;
pub mod field_types;
pub mod fields;
pub mod images;
pub mod key;
pub mod pricing;
pub mod publishing;
pub mod repo;
pub mod rules;
pub mod schedule;
pub mod service;
pub mod store;
