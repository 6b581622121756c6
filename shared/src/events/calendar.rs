//! An event as an iCalendar file (RFC 5545), built with the icalendar crate.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike};
use serde_json::Value;

/// Renders an event detail (as `repo::detail` returns it) as a one-event calendar.
pub fn ics(detail: &Value) -> String {
    let parse = |field: &str| {
        detail[field]
            .as_str()
            .and_then(|s| s.parse::<DateTime<Utc>>().ok())
    };
    let starts = parse("starts_at").unwrap_or_else(Utc::now);
    let ends = parse("ends_at").unwrap_or(starts);
    let location = match (&detail["venue"], detail["venue_text"].as_str()) {
        (Value::Object(venue), _) => format!(
            "{}, {}, {}",
            venue.get("name").and_then(Value::as_str).unwrap_or(""),
            venue.get("address").and_then(Value::as_str).unwrap_or(""),
            venue.get("city").and_then(Value::as_str).unwrap_or("")
        ),
        (_, Some(text)) => text.to_owned(),
        _ => String::new(),
    };
    let mut event = Event::new();
    event
        .uid(&format!(
            "{}@eventhost",
            detail["event_id"].as_str().unwrap_or_default()
        ))
        .summary(detail["title"].as_str().unwrap_or_default())
        .description(detail["description"].as_str().unwrap_or_default())
        .location(&location)
        .starts(starts)
        .ends(ends);
    if detail["status"] == "cancelled" {
        event.add_property("STATUS", "CANCELLED");
    }
    let mut calendar = Calendar::new();
    calendar
        .name(detail["title"].as_str().unwrap_or_default())
        .push(event.done());
    calendar.done().to_string()
}
