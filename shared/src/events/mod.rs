//! Hosting and discovering events.

pub mod calendar;
pub mod cancellation;
pub mod cohosts;
pub mod discovery;
pub mod fields;
pub mod images;
pub mod publishing;
pub mod repo;
pub mod service;
