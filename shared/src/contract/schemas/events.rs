//! Events, their venues, images and co-hosts.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::https_url::HttpsUrl;
use crate::events::field_types::{AllowedGenders, Capacity, CoverImages, Mood};
use crate::events::images::Position;
use crate::events::pricing::{GstRate, Gstin, TicketPrice};
use crate::events::schedule::{EventDate, EventDuration, StartTime, TimeZoneName};
use crate::interests::InterestSlugs;
use crate::platform::http::{PublicId, Text};
use crate::venues::place::{CountryCode, Degrees};

// Sibling schemas (and `page_of!`) from the other areas.
use super::*;

/// The host (or a co-host) as others see them.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonSummary {
    /// The user's id.
    pub user_id: uuid::Uuid,
    /// Display name.
    pub name: Option<String>,
    /// First profile picture.
    pub profile_picture: Option<String>,
}

/// A venue.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Venue {
    /// The venue's id.
    pub venue_id: uuid::Uuid,
    /// Name.
    pub name: String,
    /// Street address.
    pub address: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State.
    pub state: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Latitude.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
    /// Distance from `near`, when searched by location.
    pub distance_km: Option<f64>,
}

crate::request_body! {
    /// `POST /v1/venues`.
    pub struct VenueCreate {
        /// The venue's name.
        required name: Text<2, 120>,
        /// Street address.
        optional address: Option<Text<0, 300>>,
        /// City.
        optional city: Option<Text<0, 80>>,
        /// State.
        optional state: Option<Text<0, 80>>,
        /// ISO 3166 alpha-2 country code (IN when absent).
        optional country: Option<CountryCode>,
        /// Postal code.
        optional postal_code: Option<Text<0, 12>>,
        /// Latitude in degrees.
        required latitude: Degrees<90>,
        /// Longitude in degrees.
        required longitude: Degrees<180>,
    }
}

page_of!(
    /// A page of venues.
    VenuePage,
    Venue
);

/// An event's image.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventImage {
    /// The image's id.
    pub image_id: uuid::Uuid,
    /// https URL.
    pub image_url: String,
    /// Display order, from 0.
    pub position: i32,
}

crate::request_body! {
    /// `POST /v1/events/{event_id}/images`.
    pub struct EventImageAdd {
        /// https URL (from `POST /v1/uploads`).
        required image_url: HttpsUrl,
        /// Where to insert; the end when absent.
        optional position: Option<Position>,
    }
}

crate::request_body! {
    /// `PUT /v1/events/{event_id}/images`: the new order.
    pub struct EventImageOrder {
        /// Every image id of the event, in the new order.
        required image_ids: Vec<uuid::Uuid>,
    }
}

/// An event's images.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventImageList {
    /// In display order.
    pub items: Vec<EventImage>,
}

/// An interest as a feed card shows it.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InterestTag {
    /// Display name.
    pub name: String,
    /// Slug.
    pub slug: String,
}

crate::request_body! {
    /// An event's fields as a create or an update sends them (`EventCreate` and `EventUpdate`
    /// in the document, which differ in what is required).
    pub partial struct EventWrite {
        /// Title (required to create).
        #[schema(nullable = false)]
        settable title: Option<Text<3, 120>>,
        /// Description.
        clearable description: Option<Option<Text<0, 5000>>>,
        /// The mood (required to create).
        #[schema(nullable = false)]
        settable mood: Option<Mood>,
        /// A venue from `/v1/venues`, or …
        clearable venue_id: Option<Option<PublicId>>,
        /// … a free-text place.
        clearable venue_text: Option<Option<Text<0, 300>>>,
        /// Local date, in the future and within two years (required to create).
        #[schema(nullable = false)]
        settable event_date: Option<EventDate>,
        /// Local time, HH:MM (required to create).
        #[schema(nullable = false)]
        settable start_time: Option<StartTime>,
        /// IANA zone; Asia/Kolkata when absent.
        optional timezone: Option<TimeZoneName>,
        /// ISO 8601 duration, e.g. PT3H (15 minutes to 14 days; 3 hours when absent).
        optional duration: Option<EventDuration>,
        /// Seats (required to create).
        #[schema(nullable = false)]
        settable capacity: Option<Capacity>,
        /// Whether guests pay.
        optional is_paid: Option<bool>,
        /// Decimal string with two places, for paid events.
        clearable ticket_price: Option<Option<TicketPrice>>,
        /// GST rate in percent.
        optional gst_percent: Option<GstRate>,
        /// The host's GSTIN, required when GST applies.
        clearable gstin: Option<Option<Gstin>>,
        /// Genders allowed to join (all when absent).
        optional allowed_genders: Option<AllowedGenders>,
        /// Whether a guest may bring one more.
        optional allow_plus_one: Option<bool>,
        /// https URLs.
        clearable cover_images: Option<Option<CoverImages>>,
        /// Interest slugs (required to create).
        #[schema(nullable = false)]
        settable interests: Option<InterestSlugs<1, 5>>,
        /// Whether the host approves each request.
        optional requires_approval: Option<bool>,
        /// Publish at once (create only; afterwards use the publish and unpublish routes).
        optional is_published: Option<bool>,
    }
}

/// The full event, for a viewer.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventDetail {
    /// The event's id.
    pub event_id: uuid::Uuid,
    /// URL slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Mood.
    pub mood: String,
    /// The host.
    pub host: PersonSummary,
    /// The venue, when one was chosen.
    pub venue: Option<Venue>,
    /// Free-text place.
    pub venue_text: Option<String>,
    /// Local date.
    pub event_date: chrono::NaiveDate,
    /// Local time, HH:MM.
    pub start_time: String,
    /// IANA zone.
    pub timezone: String,
    /// RFC 3339 UTC.
    pub starts_at: String,
    /// RFC 3339 UTC.
    pub ends_at: String,
    /// Length in seconds.
    pub duration_seconds: i64,
    /// Seats.
    pub capacity: i64,
    /// Whether guests pay.
    pub is_paid: bool,
    /// Decimal string (paid events).
    pub ticket_price: Option<String>,
    /// ISO 4217, INR.
    pub currency: String,
    /// GST rate.
    pub gst_percent: i64,
    /// The host's GSTIN (host and co-hosts only).
    pub gstin: Option<String>,
    /// Allowed genders (all when empty).
    pub allowed_genders: Vec<String>,
    /// Whether a guest may bring one more.
    pub allow_plus_one: bool,
    /// Whether the host approves each request.
    pub requires_approval: bool,
    /// https URLs.
    pub cover_images: Vec<String>,
    /// Interests.
    pub interests: Vec<Interest>,
    /// Images in order.
    pub images: Vec<EventImage>,
    /// draft, published or cancelled.
    pub status: String,
    /// Seats taken.
    pub going_count: i64,
    /// Pending requests.
    pub requests_count: i64,
    /// Seats neither taken nor held.
    pub seats_left: i64,
    /// host, cohost, going, checked_in, holding, requested, invited or none.
    pub my_status: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// An event as a feed card.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventCard {
    /// The event's id.
    pub event_id: uuid::Uuid,
    /// URL slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Mood.
    pub mood: String,
    /// The host.
    pub host: PersonSummary,
    /// The venue, when one was chosen.
    pub venue: Option<Venue>,
    /// Free-text place.
    pub venue_text: Option<String>,
    /// Local date.
    pub event_date: chrono::NaiveDate,
    /// Local time, HH:MM.
    pub start_time: String,
    /// IANA zone.
    pub timezone: String,
    /// RFC 3339 UTC.
    pub starts_at: String,
    /// Seats.
    pub capacity: i64,
    /// Seats taken.
    pub going_count: i64,
    /// Whether guests pay.
    pub is_paid: bool,
    /// Decimal string (paid events).
    pub ticket_price: Option<String>,
    /// ISO 4217.
    pub currency: String,
    /// First cover image.
    pub cover_image: Option<String>,
    /// Interests.
    pub interests: Vec<InterestTag>,
    /// draft, published or cancelled.
    pub status: String,
    /// Distance from `near`, when filtered by location.
    pub distance_km: Option<f64>,
}

page_of!(
    /// A page of events.
    EventPage,
    EventCard
);

crate::request_body! {
    /// `POST /v1/events/{event_id}/cohosts`.
    pub struct CohostAdd {
        /// The user to make co-host.
        required user_id: PublicId,
    }
}

/// A co-host.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Cohost {
    /// The user's id.
    pub user_id: uuid::Uuid,
    /// Display name.
    pub name: Option<String>,
}
