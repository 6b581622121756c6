//! An event as an iCalendar file (RFC 5545), built with the icalendar crate.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike};

use crate::contract::schemas::EventDetail;

/// Renders an event's detail as a one-event calendar.
pub fn ics(detail: &EventDetail) -> String {
    let parse = |at: &str| at.parse::<DateTime<Utc>>().ok();
    let starts = parse(&detail.starts_at).unwrap_or_else(Utc::now);
    let ends = parse(&detail.ends_at).unwrap_or(starts);
    let location = match (&detail.venue, &detail.venue_text) {
        (Some(venue), _) => [
            Some(&venue.name),
            venue.address.as_ref(),
            venue.city.as_ref(),
        ]
        .map(|part| part.map_or("", String::as_str))
        .join(", "),
        (None, Some(text)) => text.clone(),
        (None, None) => String::new(),
    };
    let mut event = Event::new();
    event
        .uid(&format!("{}@eventhost", detail.event_id))
        .summary(&detail.title)
        .description(detail.description.as_deref().unwrap_or_default())
        .location(&location)
        .starts(starts)
        .ends(ends);
    if detail.status == "cancelled" {
        event.add_property("STATUS", "CANCELLED");
    }
    let mut calendar = Calendar::new();
    calendar.name(&detail.title).push(event.done());
    calendar.done().to_string()
}
