//! Joining: requests, invites, holds, guests, tickets and check-in.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::attendance::invite_status::InviteType;
use crate::attendance::tickets::ScannedCode;
use crate::domain::timestamp::Timestamp;
use crate::platform::http::request_body::{property_names, tagged};
use crate::platform::http::{FieldReader, PublicId, RequestBody, Seats, Text};

// Sibling schemas (and `page_of!`) from the other areas.
use super::*;

/// A seat hold waiting for payment.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
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
#[serde(deny_unknown_fields)]
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
#[serde(deny_unknown_fields)]
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

page_of!(
    /// A page of requests.
    JoinRequestPage,
    JoinRequest
);

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
#[serde(deny_unknown_fields)]
pub struct Inviter {
    /// The user's id.
    pub user_id: uuid::Uuid,
    /// Display name.
    pub name: Option<String>,
}

/// An invite.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
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

page_of!(
    /// A page of invites.
    InvitePage,
    Invite
);

/// A guest on the guest list.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
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

page_of!(
    /// A page of attendees.
    AttendeePage,
    Attendee
);

crate::request_body! {
    /// `POST /v1/events/{event_id}/check-ins`.
    pub struct CheckIn {
        /// The code from the guest's QR.
        required ticket_code: ScannedCode,
    }
}

/// An attendee cancelled.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
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
#[serde(deny_unknown_fields)]
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

page_of!(
    /// A page of tickets.
    TicketPage,
    TicketSummary
);

/// A ticket with its secret code (for the QR).
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
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
#[serde(deny_unknown_fields)]
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
