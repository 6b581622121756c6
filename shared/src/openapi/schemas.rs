//! The wire shapes of request and response bodies, as OpenAPI schemas. Most responses are
//! built as JSON inside Postgres (one round trip), so these types exist for the document; the
//! contract tests (schemathesis against the running stack) check that responses match them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::attendance::invite_status::InviteType;
use crate::attendance::tickets::ScannedCode;
use crate::auth::otp_code::OtpCode;
use crate::domain::https_url::HttpsUrl;
use crate::domain::money::RefundAmount;
use crate::domain::timestamp::Timestamp;
use crate::domain::PhoneNumber;
use crate::events::field_types::{AllowedGenders, Capacity, CoverImages, Mood};
use crate::events::images::Position;
use crate::events::pricing::{GstRate, Gstin, TicketPrice};
use crate::events::schedule::{EventDate, EventDuration, StartTime, TimeZoneName};
use crate::http::request_body::{property_names, tagged};
use crate::http::{FieldReader, PublicId, RequestBody, Seats, Secret, Text};
use crate::interests::InterestSlugs;
use crate::profiles::birth_date::BirthDate;
use crate::profiles::pictures::ProfilePictures;
use crate::profiles::Gender;
use crate::uploads::{ImageType, UploadPurpose};
use crate::venues::place::{CountryCode, Degrees};

/// An RFC 9457 problem: every error response of the API.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short, human-readable summary.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What happened, for a human.
    pub detail: Option<String>,
    /// Stable machine word (`event_full`, `already_checked_in`, `validation_failed`, …).
    pub code: String,
    /// Every bad field, for 422 `validation_failed`.
    pub errors: Option<Vec<FieldProblem>>,
    /// The request id, as in the logs.
    pub request_id: String,
    /// Present and true when retrying the same request later may succeed (503).
    pub retryable: Option<bool>,
}

/// One bad field of a request.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct FieldProblem {
    /// The field's name (a body member or query parameter).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

crate::request_body! {
    /// `POST /v1/auth/otp`.
    pub struct OtpRequest {
        /// E.164 phone number (an Indian mobile number in this market).
        required phone_number: PhoneNumber,
    }
}

/// A login code was sent.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct OtpSent {
    /// Seconds the code stays valid.
    pub expires_in: i64,
    /// Seconds before another code may be requested.
    pub resend_after: i64,
}

crate::request_body! {
    /// `POST /v1/auth/otp/verify`.
    pub struct OtpVerify {
        /// E.164 phone number (an Indian mobile number in this market).
        required phone_number: PhoneNumber,
        /// The 6 digits from the SMS.
        required code: OtpCode,
    }
}

crate::request_body! {
    /// A refresh token in a body.
    pub struct RefreshRequest {
        /// The refresh token from login or the last refresh.
        required refresh_token: Secret<200>,
    }
}

/// An access/refresh token pair.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct TokenPair {
    /// Bearer token for `Authorization`.
    pub access_token: String,
    /// Single-use token to get the next pair.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds the access token lives.
    pub expires_in: i64,
}

/// Who logged in.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct LoginUser {
    /// The user's id.
    pub user_id: uuid::Uuid,
    /// True on the first login (the app shows onboarding).
    pub is_new_user: bool,
}

/// A successful login.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Login {
    /// Bearer token for `Authorization`.
    pub access_token: String,
    /// Single-use token to get the next pair.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds the access token lives.
    pub expires_in: i64,
    /// Who logged in.
    pub user: LoginUser,
}

/// An interest of the catalogue.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Interest {
    /// The interest's id.
    pub interest_id: uuid::Uuid,
    /// Display name.
    pub name: String,
    /// Stable slug used in filters and bodies.
    pub slug: String,
    /// Icon name.
    pub icon: Option<String>,
}

/// The interest catalogue.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct InterestList {
    /// Active interests, in display order.
    pub items: Vec<Interest>,
}

/// The caller's own profile.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Profile {
    /// The user's id.
    pub user_id: uuid::Uuid,
    /// E.164 phone number (only ever shown to its owner).
    pub phone_number: String,
    /// Display name.
    pub name: Option<String>,
    /// Short bio.
    pub bio: Option<String>,
    /// Free-text location.
    pub location: Option<String>,
    /// Birth date (only ever shown to its owner).
    pub birth_date: Option<chrono::NaiveDate>,
    /// One of male, female, non_binary, other.
    pub gender: Option<String>,
    /// https URLs of profile pictures.
    pub profile_pictures: Vec<String>,
    /// Chosen interests.
    pub interests: Vec<Interest>,
    /// Whether the profile has what joining an event needs.
    pub is_complete: bool,
    /// Whether the user is verified.
    pub is_verified: bool,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

crate::request_body! {
    /// `PATCH /v1/me`: any subset; `null` clears.
    pub struct ProfileUpdate {
        /// Display name (cannot be removed).
        #[schema(nullable = false)]
        settable name: Option<Text<1, 80>>,
        /// Short bio.
        clearable bio: Option<Option<Text<0, 500>>>,
        /// Free-text location.
        clearable location: Option<Option<Text<0, 120>>>,
        /// Birth date (the user must be at least 18).
        clearable birth_date: Option<Option<BirthDate>>,
        /// The gender the profile states.
        clearable gender: Option<Option<Gender>>,
        /// Picture URLs, in order (`null` or `[]` removes them all).
        clearable profile_pictures: Option<Option<ProfilePictures>>,
    }
}

crate::request_body! {
    /// `PUT /v1/me/interests`.
    pub struct InterestsUpdate {
        /// Interest slugs (a repeated one is kept once).
        required interests: InterestSlugs<0, { crate::profiles::service::MAX_INTERESTS }>,
    }
}

/// Another user's public profile: never a phone number or birth date.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct PublicProfile {
    /// The user's id.
    pub user_id: uuid::Uuid,
    /// Display name.
    pub name: Option<String>,
    /// Short bio.
    pub bio: Option<String>,
    /// Free-text location.
    pub location: Option<String>,
    /// Gender.
    pub gender: Option<String>,
    /// https URLs of profile pictures.
    pub profile_pictures: Vec<String>,
    /// Interests.
    pub interests: Vec<Interest>,
    /// Whether the user is verified.
    pub is_verified: bool,
}

crate::request_body! {
    /// `POST /v1/uploads`.
    pub struct UploadRequest {
        /// What the image is for.
        required purpose: UploadPurpose,
        /// The image's type.
        required content_type: ImageType,
    }
}

/// A presigned upload form.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Upload {
    /// POST a multipart/form-data form here: every field of `fields`, then the image as `file`.
    pub upload_url: String,
    /// The signed form fields (key, Content-Type, policy, x-amz-*), sent as they are.
    pub fields: std::collections::BTreeMap<String, String>,
    /// The largest image S3 accepts, in bytes (10 MB).
    pub max_bytes: i64,
    /// Where the file is served afterwards (use it in profile_pictures / images).
    pub public_url: String,
    /// The object key.
    pub key: String,
    /// Seconds the upload URL stays valid.
    pub expires_in: i64,
}

/// The host (or a co-host) as others see them.
#[derive(Serialize, Deserialize, ToSchema)]
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

/// A page of venues.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct VenuePage {
    /// This page.
    pub items: Vec<Venue>,
    /// Pass as `cursor` for the next page; null at the end.
    pub next_cursor: Option<String>,
}

/// An event's image.
#[derive(Serialize, Deserialize, ToSchema)]
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
pub struct EventImageList {
    /// In display order.
    pub items: Vec<EventImage>,
}

/// An interest as a feed card shows it.
#[derive(Serialize, Deserialize, ToSchema)]
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

/// A page of events.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct EventPage {
    /// This page.
    pub items: Vec<EventCard>,
    /// Pass as `cursor` for the next page; null at the end.
    pub next_cursor: Option<String>,
}

crate::request_body! {
    /// `POST /v1/events/{event_id}/cohosts`.
    pub struct CohostAdd {
        /// The user to make co-host.
        required user_id: PublicId,
    }
}

/// A co-host.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Cohost {
    /// The user's id.
    pub user_id: uuid::Uuid,
    /// Display name.
    pub name: Option<String>,
}

/// A seat hold waiting for payment.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct SeatHold {
    /// Pass to `POST /v1/payments/orders`.
    pub reservation_key: String,
    /// Seats held.
    pub seats: i64,
    /// held, consumed, released or expired.
    pub status: String,
    /// RFC 3339; the seats are freed after this.
    pub expires_at: String,
}

/// The requester as the host sees them.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Requester {
    /// The user's id.
    pub user_id: uuid::Uuid,
    /// Display name.
    pub name: Option<String>,
    /// Gender.
    pub gender: Option<String>,
    /// First profile picture.
    pub profile_picture: Option<String>,
}

crate::request_body! {
    /// `POST /v1/events/{event_id}/requests`.
    pub struct JoinRequestCreate {
        /// A note to the host.
        optional message: Option<Text<0, 500>>,
        /// 1, or 2 with a plus-one where allowed (default 1).
        optional seats_requested: Option<Seats>,
    }
}

/// A request to join an event.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct JoinRequest {
    /// The request's id.
    pub request_id: uuid::Uuid,
    /// The event.
    pub event_id: uuid::Uuid,
    /// Who asked.
    pub requester: Requester,
    /// pending, waitlisted, accepted, declined, cancelled or expired.
    pub status: String,
    /// Seats asked for.
    pub seats_requested: i64,
    /// The requester's note.
    pub message: Option<String>,
    /// The host's reply.
    pub host_message: Option<String>,
    /// The seat hold of an accepted request to a paid event.
    pub hold: Option<SeatHold>,
    /// The attendee, once going.
    pub attendee_id: Option<uuid::Uuid>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub responded_at: Option<String>,
}

crate::request_body! {
    /// `POST /v1/invites/{invite_id}/accept`.
    pub struct InviteAccept {
        /// 1, or 2 with a plus-one where allowed (default 1).
        optional seats_requested: Option<Seats>,
    }
}

crate::request_body! {
    /// `POST /v1/requests/{request_id}/accept|decline`.
    pub struct RequestReply {
        /// A note to the requester.
        optional host_message: Option<Text<0, 500>>,
    }
}

/// A page of requests.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct JoinRequestPage {
    /// This page.
    pub items: Vec<JoinRequest>,
    /// Pass as `cursor` for the next page; null at the end.
    pub next_cursor: Option<String>,
}

crate::request_body! {
    /// An invite to one user.
    pub struct DirectInvite {
        /// The invitee.
        required user_id: PublicId,
        /// A note.
        optional message: Option<Text<0, 500>>,
    }
}

crate::request_body! {
    /// A link anyone with it may use.
    pub struct ShareLinkInvite {
        /// RFC 3339, in the future and at most 30 days away; the link stops working then
        /// (30 days from now when absent).
        optional expires_at: Option<Timestamp>,
    }
}

/// `POST /v1/events/{event_id}/invites`: to one user, or a link to share, told apart by
/// `invite_type` (`direct` or `share_link`).
#[derive(Debug)]
pub enum InviteCreate {
    /// `invite_type: direct`.
    Direct(DirectInvite),
    /// `invite_type: share_link`.
    ShareLink(ShareLinkInvite),
}

impl RequestBody for InviteCreate {
    fn read(reader: &mut FieldReader) -> Option<Self> {
        match reader.required::<InviteType>("invite_type") {
            Some(InviteType::Direct) => DirectInvite::read(reader).map(Self::Direct),
            Some(InviteType::ShareLink) => ShareLinkInvite::read(reader).map(Self::ShareLink),
            None => {
                // Without a kind the other members cannot be judged: name only invite_type.
                reader.skip(&property_names::<DirectInvite>());
                reader.skip(&property_names::<ShareLinkInvite>());
                None
            }
        }
    }
}

impl utoipa::PartialSchema for InviteCreate {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::OneOfBuilder::new()
            .item(tagged::<DirectInvite>(
                "invite_type",
                InviteType::Direct.as_str(),
            ))
            .item(tagged::<ShareLinkInvite>(
                "invite_type",
                InviteType::ShareLink.as_str(),
            ))
            .description(Some(
                "`POST /v1/events/{event_id}/invites`: to one user, or a link to share.",
            ))
            .into()
    }
}

impl ToSchema for InviteCreate {}

/// Who invited.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Inviter {
    /// The user's id.
    pub user_id: uuid::Uuid,
    /// Display name.
    pub name: Option<String>,
}

/// An invite.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Invite {
    /// The invite's id.
    pub invite_id: uuid::Uuid,
    /// The event.
    pub event_id: uuid::Uuid,
    /// The event's title.
    pub event_title: String,
    /// direct or share_link.
    pub invite_type: String,
    /// Who invited.
    pub invited_by: Inviter,
    /// The invitee (direct).
    pub invited_user_id: Option<uuid::Uuid>,
    /// A note.
    pub message: Option<String>,
    /// pending, accepted, declined or revoked.
    pub status: String,
    /// The share link (share_link invites, for the host).
    pub url: Option<String>,
    /// RFC 3339.
    pub expires_at: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}

/// A page of invites.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct InvitePage {
    /// This page.
    pub items: Vec<Invite>,
    /// Pass as `cursor` for the next page; null at the end.
    pub next_cursor: Option<String>,
}

/// A guest on the guest list.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Attendee {
    /// The attendee's id.
    pub attendee_id: uuid::Uuid,
    /// The guest.
    pub user_id: uuid::Uuid,
    /// Display name.
    pub name: Option<String>,
    /// Seats (2 with a plus-one).
    pub seats: i64,
    /// going, checked_in or cancelled.
    pub status: String,
    /// Whether the guest paid.
    pub is_paid: Option<bool>,
    /// RFC 3339.
    pub checked_in_at: Option<String>,
}

/// A page of attendees.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct AttendeePage {
    /// This page.
    pub items: Vec<Attendee>,
    /// Pass as `cursor` for the next page; null at the end.
    pub next_cursor: Option<String>,
}

crate::request_body! {
    /// `POST /v1/events/{event_id}/check-ins`.
    pub struct CheckIn {
        /// The code from the guest's QR.
        required ticket_code: ScannedCode,
    }
}

/// An attendee cancelled.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct AttendeeCancelled {
    /// The attendee.
    pub attendee_id: uuid::Uuid,
    /// cancelled.
    pub status: String,
    /// Whether a refund was started.
    pub refund_queued: bool,
}

/// A ticket in the caller's list.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct TicketSummary {
    /// The attendee id (fetch the code with `/v1/tickets/{attendee_id}`).
    pub attendee_id: uuid::Uuid,
    /// The event.
    pub event_id: uuid::Uuid,
    /// The event's title.
    pub event_title: String,
    /// RFC 3339.
    pub starts_at: String,
    /// Seats.
    pub seats: i64,
    /// going, checked_in or cancelled.
    pub status: String,
    /// Whether it was paid for.
    pub is_paid: bool,
    /// RFC 3339.
    pub checked_in_at: Option<String>,
}

/// A page of tickets.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct TicketPage {
    /// This page.
    pub items: Vec<TicketSummary>,
    /// Pass as `cursor` for the next page; null at the end.
    pub next_cursor: Option<String>,
}

/// A ticket with its secret code (for the QR).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Ticket {
    /// The attendee.
    pub attendee_id: uuid::Uuid,
    /// The event.
    pub event_id: uuid::Uuid,
    /// The event's title.
    pub event_title: String,
    /// RFC 3339.
    pub starts_at: String,
    /// Seats.
    pub seats: i64,
    /// going, checked_in or cancelled.
    pub status: String,
    /// The secret code to show as a QR.
    pub ticket_code: String,
    /// Whether it was scanned.
    pub is_redeemed: bool,
    /// RFC 3339.
    pub redeemed_at: Option<String>,
}

/// The checked-in guest.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct CheckedIn {
    /// The attendee.
    pub attendee_id: uuid::Uuid,
    /// The guest.
    pub user_id: uuid::Uuid,
    /// Display name.
    pub name: Option<String>,
    /// Seats.
    pub seats: i64,
    /// checked_in.
    pub status: String,
    /// RFC 3339.
    pub checked_in_at: String,
}

crate::request_body! {
    /// `POST /v1/payments/orders`.
    pub struct OrderCreate {
        /// The seat hold's key (from the accepted request).
        required reservation_key: PublicId,
    }
}

/// The amount breakdown of an order (decimal strings).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct OrderAmounts {
    /// ISO 4217.
    pub currency: String,
    /// Ticket price per seat.
    pub unit_price: String,
    /// unit_price × seats.
    pub base_amount: String,
    /// GST rate.
    pub gst_percent: i64,
    /// GST on the base.
    pub gst_amount: String,
    /// Platform fee.
    pub platform_fee: String,
    /// GST on the platform fee.
    pub platform_fee_gst: String,
    /// What the guest pays.
    pub total_amount: String,
    /// Refunded so far.
    pub amount_refunded: String,
}

/// What the app hands to the provider's checkout.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Checkout {
    /// razorpay or sandbox.
    pub provider: String,
    /// The provider's public key id.
    pub key_id: String,
    /// The provider's order id.
    pub provider_order_id: String,
    /// The total in paise.
    pub amount_paise: i64,
    /// ISO 4217.
    pub currency: String,
    /// Our receipt reference.
    pub receipt: String,
}

/// A payment order.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Order {
    /// The order's id.
    pub order_id: uuid::Uuid,
    /// Human-readable reference.
    pub order_reference: String,
    /// The event.
    pub event_id: uuid::Uuid,
    /// The event's title.
    pub event_title: String,
    /// The hold this order pays for.
    pub reservation_key: String,
    /// Seats.
    pub seats: i64,
    /// created, paid, failed, expired, refund_pending, refunded or partially_refunded.
    pub status: String,
    /// The breakdown.
    pub amounts: OrderAmounts,
    /// For the checkout sheet.
    pub checkout: Checkout,
    /// RFC 3339; pay before this.
    pub hold_expires_at: String,
    /// The attendee, once paid.
    pub attendee_id: Option<uuid::Uuid>,
    /// RFC 3339.
    pub paid_at: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// The ticket code (verify only).
    pub ticket_code: Option<String>,
    /// How the payment settled (verify only): `paid`, `already_settled`, `refund_queued` (it
    /// could not be seated: refunded in full) or `duplicate_refund_queued` (a second payment on
    /// a paid order: that payment is refunded whole, the ticket stands).
    pub settled: Option<String>,
}

/// A page of orders.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct OrderPage {
    /// This page.
    pub items: Vec<Order>,
    /// Pass as `cursor` for the next page; null at the end.
    pub next_cursor: Option<String>,
}

crate::request_body! {
    /// `POST /v1/payments/orders/{order_id}/verify`: what checkout returned.
    pub struct PaymentVerify {
        /// razorpay_payment_id.
        required provider_payment_id: Text<1, 100>,
        /// razorpay_signature.
        required provider_signature: Text<1, 200>,
    }
}

crate::request_body! {
    /// `POST /v1/payments/orders/{order_id}/refund`.
    pub struct RefundRequest {
        /// Decimal string; the whole remainder when absent.
        optional amount: Option<RefundAmount>,
    }
}

/// What Razorpay checkout returns, from the sandbox.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct SandboxPayment {
    /// The provider's order id.
    pub razorpay_order_id: String,
    /// A payment id.
    pub razorpay_payment_id: String,
    /// A valid signature over order and payment.
    pub razorpay_signature: String,
}

/// A webhook was taken.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct WebhookAck {
    /// ok.
    pub status: String,
}

/// Who caused a notification.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct NotificationSender {
    /// The user's id.
    pub user_id: uuid::Uuid,
    /// Display name.
    pub name: Option<String>,
}

/// An in-app notification.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Notification {
    /// The notification's id.
    pub notification_id: uuid::Uuid,
    /// request_received, request_accepted, hold_created, event_cancelled, …
    #[serde(rename = "type")]
    pub notification_type: String,
    /// Title.
    pub title: String,
    /// Body text.
    pub message: String,
    /// What it is about: event, request, order, …
    pub reference_type: Option<String>,
    /// The id of that object.
    pub reference_id: Option<String>,
    /// Who caused it.
    pub sender: Option<NotificationSender>,
    /// Whether it was read.
    pub is_read: bool,
    /// RFC 3339.
    pub read_at: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}

/// A page of notifications.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct NotificationPage {
    /// This page.
    pub items: Vec<Notification>,
    /// Pass as `cursor` for the next page; null at the end.
    pub next_cursor: Option<String>,
    /// Unread notifications in all.
    pub unread_count: i64,
}
