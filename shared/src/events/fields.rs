//! An event's editable fields: parsed from a create or PATCH body onto the current values, then
//! validated as a whole, so one 422 names every bad field and cross-field rules (paid ⇒ price,
//! GST ⇒ GSTIN, exactly one venue kind) hold for the merged result.

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::gstin::parse_gstin;
use crate::domain::https_url::is_https_url;
use crate::domain::money::parse_price;
use crate::domain::text::parse_duration;
use crate::http::FieldReader;
use crate::profiles::GENDERS;

/// Moods an event may have.
pub const MOODS: &[&str] = &[
    "party", "picnic", "travel", "dinner", "sports", "music", "workshop", "other",
];
/// GST rates in force.
pub const GST_RATES: &[i16] = &[0, 5, 12, 18, 28];
/// How far ahead an event may be scheduled (a typo'd year should not publish an event in 2206).
pub const MAX_LEAD_TIME: chrono::TimeDelta = chrono::TimeDelta::days(731);
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
#[derive(Debug, Clone, PartialEq, crate::db::FromRow)]
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

    /// Reads the body's fields onto `self`; `creating` makes the core fields required. Every
    /// problem is recorded on `reader`; the merged result is checked against `now`.
    pub fn read(&mut self, reader: &mut FieldReader, creating: bool, now: chrono::DateTime<Utc>) {
        for field in REQUIRED_TO_CREATE {
            if creating && !reader.has(field) {
                reader.error(field, "is required");
            }
        }
        if reader.has("title") {
            self.title = reader.text("title", 3, 120).unwrap_or_default();
        }
        if reader.has("description") {
            self.description = reader.text("description", 0, 5000).unwrap_or_default();
        }
        if let Some(mood) = reader.optional::<String>("mood") {
            reader.check(
                MOODS.contains(&mood.as_str()),
                "mood",
                "must be one of party, picnic, travel, dinner, sports, music, workshop, other",
            );
            self.mood = mood;
        }
        self.read_venue(reader, creating);
        self.read_schedule(reader, now);
        if let Some(capacity) = reader.optional::<i64>("capacity") {
            reader.check(
                (1..=10_000).contains(&capacity),
                "capacity",
                "must be from 1 to 10000",
            );
            self.capacity = capacity.clamp(0, 10_000) as i32;
        }
        self.read_pricing(reader);
        if let Some(genders) = reader.optional::<Vec<String>>("allowed_genders") {
            let mut unique = genders.clone();
            unique.sort();
            unique.dedup();
            reader.check(
                !genders.is_empty()
                    && unique.len() == genders.len()
                    && genders.iter().all(|g| GENDERS.contains(&g.as_str())),
                "allowed_genders",
                "must list one or more of male, female, non_binary, other, once each",
            );
            self.allowed_genders = genders;
        }
        if let Some(plus_one) = reader.optional::<bool>("allow_plus_one") {
            self.allow_plus_one = plus_one;
        }
        if let Some(requires_approval) = reader.optional::<bool>("requires_approval") {
            self.requires_approval = requires_approval;
        }
        if reader.has("cover_images") {
            if let Some(images) = reader.optional::<Vec<serde_json::Value>>("cover_images") {
                reader.check(
                    (1..=3).contains(&images.len()),
                    "cover_images",
                    "must hold 1 to 3 images",
                );
                let mut urls = Vec::new();
                for (i, image) in images.iter().enumerate() {
                    match image.as_str() {
                        Some(url) if is_https_url(url) => urls.push(url.to_owned()),
                        _ => reader.error(&format!("cover_images[{i}]"), "must be an https URL"),
                    }
                }
                self.cover_images = urls;
            } else if !reader.has_errors_for("cover_images") {
                self.cover_images = Vec::new();
            }
        }
        if let Some(interests) = reader.optional::<Vec<String>>("interests") {
            reader.check(
                (1..=5).contains(&interests.len()),
                "interests",
                "must list 1 to 5 interests",
            );
            self.interests = interests;
        }
        let _: Option<bool> = reader.optional("is_published");
    }

    fn read_venue(&mut self, reader: &mut FieldReader, creating: bool) {
        let sent_id = reader.has("venue_id");
        let sent_text = reader.has("venue_text");
        if sent_id {
            self.venue_id = match reader.optional::<String>("venue_id") {
                Some(raw) => match raw.parse() {
                    Ok(id) => Some(id),
                    Err(_) => {
                        reader.error("venue_id", "must be a venue's id");
                        None
                    }
                },
                None => None,
            };
        }
        if sent_text {
            self.venue_text = reader.text("venue_text", 0, 300);
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
        } else if self.venue_id.is_none()
            && self.venue_text.is_none()
            && creating
            && !reader.has_errors_for("venue_id")
        {
            // A draft may drop its venue on a PATCH (publishing needs one again); a published
            // event may not, which `service::update` answers as a conflict with its state.
            reader.error("venue_id", "give either venue_id or venue_text");
        }
    }

    fn read_schedule(&mut self, reader: &mut FieldReader, now: chrono::DateTime<Utc>) {
        let touched = ["event_date", "start_time", "timezone"]
            .iter()
            .any(|f| reader.has(f));
        if let Some(raw) = reader.optional::<String>("event_date") {
            match NaiveDate::parse_from_str(&raw, "%Y-%m-%d") {
                Ok(date) => self.event_date = date,
                Err(_) => reader.error("event_date", "must be a date as YYYY-MM-DD"),
            }
        }
        if let Some(raw) = reader.optional::<String>("start_time") {
            match NaiveTime::parse_from_str(&raw, "%H:%M:%S")
                .or_else(|_| NaiveTime::parse_from_str(&raw, "%H:%M"))
            {
                Ok(time) => self.start_time = time,
                Err(_) => reader.error("start_time", "must be a time as HH:MM"),
            }
        }
        if let Some(timezone) = reader.optional::<String>("timezone") {
            reader.check(
                timezone.parse::<Tz>().is_ok(),
                "timezone",
                "must be an IANA time zone like Asia/Kolkata",
            );
            self.timezone = timezone;
        }
        if let Some(raw) = reader.optional::<String>("duration") {
            match parse_duration(&raw) {
                Ok(secs) if (15 * 60..=14 * 86_400).contains(&secs) => self.duration_secs = secs,
                Ok(_) => reader.error("duration", "must be from 15 minutes to 14 days"),
                Err(message) => reader.error("duration", message),
            }
        }
        let schedule_ok = !["event_date", "start_time", "timezone"]
            .iter()
            .any(|f| reader.has_errors_for(f));
        if touched && schedule_ok {
            match self.starts_at() {
                Some(starts) if starts > now + MAX_LEAD_TIME => {
                    reader.error("event_date", "the event must start within two years")
                }
                Some(starts) if starts > now => {}
                Some(_) => reader.error("event_date", "the event must start in the future"),
                None => reader.error(
                    "start_time",
                    "does not exist on that date in that time zone",
                ),
            }
        }
    }

    fn read_pricing(&mut self, reader: &mut FieldReader) {
        if let Some(is_paid) = reader.optional::<bool>("is_paid") {
            self.is_paid = is_paid;
        }
        if reader.has("ticket_price") {
            let raw = reader.optional::<serde_json::Value>("ticket_price");
            match raw {
                None => self.ticket_price = Decimal::ZERO,
                Some(raw) => match parse_price(&raw, Decimal::ZERO, Decimal::from(1_000_000)) {
                    Ok(price) => self.ticket_price = price,
                    Err(message) => reader.error("ticket_price", message),
                },
            }
        } else if reader.has("is_paid") && !self.is_paid {
            self.ticket_price = Decimal::ZERO;
        }
        if let Some(gst) = reader.optional::<i64>("gst_percent") {
            reader.check(
                GST_RATES.iter().any(|r| i64::from(*r) == gst),
                "gst_percent",
                "must be one of 0, 5, 12, 18, 28",
            );
            self.gst_percent = gst.clamp(0, 28) as i16;
        }
        if reader.has("gstin") {
            self.gstin = match reader.optional::<String>("gstin") {
                None => None,
                Some(raw) => match parse_gstin(&raw) {
                    Ok(gstin) => Some(gstin),
                    Err(message) => {
                        reader.error("gstin", message);
                        None
                    }
                },
            };
        }
        if reader.has_errors_for("ticket_price")
            || reader.has_errors_for("gst_percent")
            || reader.has_errors_for("gstin")
        {
            return;
        }
        if self.is_paid && self.ticket_price < Decimal::ONE {
            reader.error("ticket_price", "a paid event costs at least 1.00");
        }
        if !self.is_paid && self.ticket_price != Decimal::ZERO {
            reader.error("ticket_price", "only paid events have a price");
        }
        if !self.is_paid && self.gst_percent > 0 {
            reader.error("gst_percent", "only paid events carry GST");
        }
        if self.gst_percent > 0 && self.gstin.is_none() {
            reader.error("gstin", "is required when GST applies");
        }
    }

    /// What publishing still needs, as field errors (venue, a cover, a future start).
    pub fn missing_for_publish(&self, now: chrono::DateTime<Utc>) -> Vec<crate::error::FieldError> {
        use crate::error::FieldError;
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
