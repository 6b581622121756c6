//! An event's editable fields: a create or PATCH body (`EventWrite`, each member parsed by its
//! type) merged onto the current values, then judged as a whole, so one 422 names every bad
//! field and the rules across fields (paid ⇒ price, GST ⇒ GSTIN, exactly one venue kind, a
//! real start in the next two years) hold for the merged result.

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::pricing::Pricing;
use super::schedule::check_start;
use crate::contract::schemas::EventWrite;
use crate::platform::http::{FieldReader, Text};
use crate::profiles::GENDERS;

/// Fields a new event must have (the schema's `required` of `EventCreate`).
pub const REQUIRED_TO_CREATE: &[&str] = &[
    "title",
    "mood",
    "event_date",
    "start_time",
    "capacity",
    "interests",
];
/// The time zone of events that name none.
pub const DEFAULT_TIMEZONE: &str = "Asia/Kolkata";

/// Every editable field of an event (read by column name when the event is locked for editing).
#[derive(Debug, Clone, PartialEq, crate::platform::db::FromRow)]
pub struct EventFields {
    /// 3–120 characters.
    pub title: String,
    /// At most 5000 characters.
    pub description: String,
    /// One of `MOODS`.
    pub mood: String,
    /// A venue from the catalogue (public id)…
    pub venue_id: Option<Uuid>,
    /// …or a free-text place; exactly one of the two.
    pub venue_text: Option<String>,
    /// Local date.
    pub event_date: NaiveDate,
    /// Local start time.
    pub start_time: NaiveTime,
    /// IANA time zone of date and time.
    pub timezone: String,
    /// Length in seconds.
    pub duration_secs: i64,
    /// Seats, 1–10 000.
    pub capacity: i32,
    /// Whether tickets cost money.
    pub is_paid: bool,
    /// Price per seat (0 for free events).
    pub ticket_price: Decimal,
    /// GST rate in percent.
    pub gst_percent: i16,
    /// Host's GSTIN, required when GST applies.
    pub gstin: Option<String>,
    /// Genders that may request to join.
    pub allowed_genders: Vec<String>,
    /// Whether a guest may bring one more.
    pub allow_plus_one: bool,
    /// 0–3 https images (publishing needs one).
    pub cover_images: Vec<String>,
    /// 1–5 interest slugs.
    pub interests: Vec<String>,
    /// Whether the host approves requests (else accepted at once).
    pub requires_approval: bool,
}

/// The fields only the host may change (money and who gets in), by their wire names, that
/// differ between `before` and `after`: a co-host changing any of them is refused, naming each.
pub fn host_only_changes(before: &EventFields, after: &EventFields) -> Vec<&'static str> {
    [
        ("is_paid", before.is_paid != after.is_paid),
        ("ticket_price", before.ticket_price != after.ticket_price),
        ("gstin", before.gstin != after.gstin),
        ("gst_percent", before.gst_percent != after.gst_percent),
        ("capacity", before.capacity != after.capacity),
        (
            "requires_approval",
            before.requires_approval != after.requires_approval,
        ),
    ]
    .into_iter()
    .filter_map(|(field, changed)| changed.then_some(field))
    .collect()
}

impl EventFields {
    /// The starting point of a new event (required fields are blank and checked by `read`).
    pub fn blank() -> Self {
        Self {
            title: String::new(),
            description: String::new(),
            mood: String::new(),
            venue_id: None,
            venue_text: None,
            event_date: NaiveDate::MIN,
            start_time: NaiveTime::MIN,
            timezone: DEFAULT_TIMEZONE.to_owned(),
            duration_secs: 3 * 3600,
            capacity: 0,
            is_paid: false,
            ticket_price: Decimal::ZERO,
            gst_percent: 0,
            gstin: None,
            allowed_genders: GENDERS.iter().map(|g| g.to_string()).collect(),
            allow_plus_one: false,
            cover_images: Vec::new(),
            interests: Vec::new(),
            requires_approval: true,
        }
    }

    /// When the event starts, if the date, time and zone make a real instant.
    pub fn starts_at(&self) -> Option<chrono::DateTime<Utc>> {
        let tz: Tz = self.timezone.parse().ok()?;
        tz.from_local_datetime(&self.event_date.and_time(self.start_time))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    }

    /// Reads the body onto `self`; `creating` makes the core fields required. Every problem is
    /// recorded on `reader`; the merged result is judged against `now`. Returns the body's
    /// `is_published`.
    pub fn read(
        &mut self,
        reader: &mut FieldReader,
        creating: bool,
        now: chrono::DateTime<Utc>,
    ) -> Option<bool> {
        for field in REQUIRED_TO_CREATE {
            if creating && !reader.has(field) {
                reader.error(field, "is required");
            }
        }
        let body = EventWrite::read_partial(reader);
        // The rules across fields judge the merged values first; the rest then moves in.
        self.merge_venue(&body, reader, creating);
        self.merge_schedule(&body, reader, now);
        self.merge_pricing(&body, reader);
        if let Some(title) = body.title {
            self.title = title.into_inner();
        }
        if let Some(description) = body.description {
            self.description = description.map(Text::into_inner).unwrap_or_default();
        }
        if let Some(mood) = body.mood {
            self.mood = mood.as_str().to_owned();
        }
        if let Some(capacity) = body.capacity {
            self.capacity = capacity.0;
        }
        if let Some(genders) = body.allowed_genders {
            self.allowed_genders = genders.0;
        }
        if let Some(plus_one) = body.allow_plus_one {
            self.allow_plus_one = plus_one;
        }
        if let Some(requires_approval) = body.requires_approval {
            self.requires_approval = requires_approval;
        }
        if let Some(covers) = body.cover_images {
            self.cover_images = covers.map(|covers| covers.0).unwrap_or_default();
        }
        if let Some(interests) = body.interests {
            self.interests = interests.0;
        }
        body.is_published
    }

    fn merge_venue(&mut self, body: &EventWrite, reader: &mut FieldReader, creating: bool) {
        let sent_id = reader.has("venue_id");
        let sent_text = reader.has("venue_text");
        if let Some(venue) = body.venue_id {
            self.venue_id = venue.map(|venue| venue.0);
        }
        if let Some(text) = &body.venue_text {
            self.venue_text = text.clone().and_then(Text::non_blank);
        }
        if reader.has_errors_for("venue_id") || reader.has_errors_for("venue_text") {
            return;
        }
        // Setting one kind of venue replaces the other.
        if sent_id && self.venue_id.is_some() && !sent_text {
            self.venue_text = None;
        }
        if sent_text && self.venue_text.is_some() && !sent_id {
            self.venue_id = None;
        }
        if self.venue_id.is_some() && self.venue_text.is_some() {
            reader.error("venue_id", "give either venue_id or venue_text, not both");
        } else if self.venue_id.is_none() && self.venue_text.is_none() && creating {
            // A draft may drop its venue on a PATCH (publishing needs one again); a published
            // event may not, which `service::update` answers as a conflict with its state.
            reader.error("venue_id", "give either venue_id or venue_text");
        }
    }

    fn merge_schedule(
        &mut self,
        body: &EventWrite,
        reader: &mut FieldReader,
        now: chrono::DateTime<Utc>,
    ) {
        const WHEN: [&str; 3] = ["event_date", "start_time", "timezone"];
        if let Some(date) = body.event_date {
            self.event_date = date.0;
        }
        if let Some(time) = body.start_time {
            self.start_time = time.0;
        }
        if let Some(zone) = &body.timezone {
            self.timezone = zone.0.clone();
        }
        if let Some(duration) = body.duration {
            self.duration_secs = duration.0;
        }
        let touched = WHEN.iter().any(|field| reader.has(field));
        let well_formed = !WHEN.iter().any(|field| reader.has_errors_for(field));
        if touched && well_formed {
            if let Err(problem) = check_start(self.starts_at(), now) {
                reader.error(&problem.field, problem.message);
            }
        }
    }

    fn merge_pricing(&mut self, body: &EventWrite, reader: &mut FieldReader) {
        if let Some(is_paid) = body.is_paid {
            self.is_paid = is_paid;
        }
        if let Some(price) = body.ticket_price {
            self.ticket_price = price.map_or(Decimal::ZERO, |price| price.0);
        } else if !reader.has("ticket_price") && body.is_paid == Some(false) {
            self.ticket_price = Decimal::ZERO;
        }
        if let Some(rate) = body.gst_percent {
            self.gst_percent = rate.0;
        }
        if let Some(gstin) = &body.gstin {
            self.gstin = gstin.clone().map(|gstin| gstin.0);
        }
        let pricing_fields = ["is_paid", "ticket_price", "gst_percent", "gstin"];
        if pricing_fields.iter().any(|f| reader.has_errors_for(f)) {
            return;
        }
        let pricing = Pricing {
            is_paid: self.is_paid,
            ticket_price: self.ticket_price,
            gst_percent: self.gst_percent,
            gstin: self.gstin.as_deref(),
        };
        for problem in pricing.errors() {
            reader.error(&problem.field, problem.message);
        }
    }

    /// What publishing still needs, as field errors (venue, a cover, a future start).
    pub fn missing_for_publish(
        &self,
        now: chrono::DateTime<Utc>,
    ) -> Vec<crate::platform::error::FieldError> {
        use crate::platform::error::FieldError;
        let mut missing = Vec::new();
        if self.venue_id.is_none() && self.venue_text.is_none() {
            missing.push(FieldError::new("venue_id", "a venue is needed to publish"));
        }
        if self.cover_images.is_empty() {
            missing.push(FieldError::new(
                "cover_images",
                "a cover image is needed to publish",
            ));
        }
        if self.starts_at().is_none_or(|s| s <= now) {
            missing.push(FieldError::new(
                "event_date",
                "only future events can be published",
            ));
        }
        missing
    }
}
