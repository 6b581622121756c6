//! Hosting and discovering events.

pub mod fields;
pub mod repo;
pub mod service;
