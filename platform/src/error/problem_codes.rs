//! Every problem code the API answers with, in one enum: what a handler sends and what
//! openapi.json documents are both written with it (`tests/api/openapi.rs` checks that every
//! code is documented on some operation and used by the code that sends it).

use std::fmt;

/// A stable machine word in a problem's `code` member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProblemCode {
    /// `already_attending`
    AlreadyAttending,
    /// `already_checked_in`
    AlreadyCheckedIn,
    /// `already_cohost`
    AlreadyCohost,
    /// `already_invited`
    AlreadyInvited,
    /// `already_requested`
    AlreadyRequested,
    /// `capacity_below_taken`
    CapacityBelowTaken,
    /// `event_cancelled`
    EventCancelled,
    /// `event_closed`
    EventClosed,
    /// `event_full`
    EventFull,
    /// `event_has_guests`
    EventHasGuests,
    /// `event_incomplete`
    EventIncomplete,
    /// `event_not_paid`
    EventNotPaid,
    /// `event_started`
    EventStarted,
    /// `forbidden`
    Forbidden,
    /// `gallery_changed`
    GalleryChanged,
    /// `gallery_full`
    GalleryFull,
    /// `gender_not_allowed`
    GenderNotAllowed,
    /// `hold_expired`
    HoldExpired,
    /// `idempotency_in_progress`
    IdempotencyInProgress,
    /// `idempotency_key_reused`
    IdempotencyKeyReused,
    /// `internal_error`
    InternalError,
    /// `invalid_refresh_token`
    InvalidRefreshToken,
    /// `invalid_signature`
    InvalidSignature,
    /// `invalid_ticket_code`
    InvalidTicketCode,
    /// `invalid_transition`
    InvalidTransition,
    /// `invite_expired`
    InviteExpired,
    /// `invite_rate_limited`
    InviteRateLimited,
    /// `invitee_is_organiser`
    InviteeIsOrganiser,
    /// `malformed_request`
    MalformedRequest,
    /// `method_not_allowed`
    MethodNotAllowed,
    /// `not_found`
    NotFound,
    /// `order_exists`
    OrderExists,
    /// `order_not_ready`
    OrderNotReady,
    /// `organiser_cannot_join`
    OrganiserCannotJoin,
    /// `otp_invalid`
    OtpInvalid,
    /// `otp_ip_rate_limited`
    OtpIpRateLimited,
    /// `otp_number_rate_limited`
    OtpNumberRateLimited,
    /// `otp_resend_too_soon`
    OtpResendTooSoon,
    /// `otp_sms_budget_exhausted`
    OtpSmsBudgetExhausted,
    /// `otp_verify_ip_rate_limited`
    OtpVerifyIpRateLimited,
    /// `otp_verify_rate_limited`
    OtpVerifyRateLimited,
    /// `payload_too_large`
    PayloadTooLarge,
    /// `payment_already_recorded`
    PaymentAlreadyRecorded,
    /// `pricing_locked`
    PricingLocked,
    /// `profile_incomplete`
    ProfileIncomplete,
    /// `request_rate_limited`
    RequestRateLimited,
    /// `route_not_found`
    RouteNotFound,
    /// `service_unavailable`
    ServiceUnavailable,
    /// `ticket_cancelled`
    TicketCancelled,
    /// `ticket_not_found`
    TicketNotFound,
    /// `unauthorized`
    Unauthorized,
    /// `unsupported_media_type`
    UnsupportedMediaType,
    /// `validation_failed`
    ValidationFailed,
    /// `venue_required`
    VenueRequired,
}

impl ProblemCode {
    /// Every code, in the order above.
    pub const ALL: &'static [ProblemCode] = &[
        Self::AlreadyAttending,
        Self::AlreadyCheckedIn,
        Self::AlreadyCohost,
        Self::AlreadyInvited,
        Self::AlreadyRequested,
        Self::CapacityBelowTaken,
        Self::EventCancelled,
        Self::EventClosed,
        Self::EventFull,
        Self::EventHasGuests,
        Self::EventIncomplete,
        Self::EventNotPaid,
        Self::EventStarted,
        Self::Forbidden,
        Self::GalleryChanged,
        Self::GalleryFull,
        Self::GenderNotAllowed,
        Self::HoldExpired,
        Self::IdempotencyInProgress,
        Self::IdempotencyKeyReused,
        Self::InternalError,
        Self::InvalidRefreshToken,
        Self::InvalidSignature,
        Self::InvalidTicketCode,
        Self::InvalidTransition,
        Self::InviteExpired,
        Self::InviteRateLimited,
        Self::InviteeIsOrganiser,
        Self::MalformedRequest,
        Self::MethodNotAllowed,
        Self::NotFound,
        Self::OrderExists,
        Self::OrderNotReady,
        Self::OrganiserCannotJoin,
        Self::OtpInvalid,
        Self::OtpIpRateLimited,
        Self::OtpNumberRateLimited,
        Self::OtpResendTooSoon,
        Self::OtpSmsBudgetExhausted,
        Self::OtpVerifyIpRateLimited,
        Self::OtpVerifyRateLimited,
        Self::PayloadTooLarge,
        Self::PaymentAlreadyRecorded,
        Self::PricingLocked,
        Self::ProfileIncomplete,
        Self::RequestRateLimited,
        Self::RouteNotFound,
        Self::ServiceUnavailable,
        Self::TicketCancelled,
        Self::TicketNotFound,
        Self::Unauthorized,
        Self::UnsupportedMediaType,
        Self::ValidationFailed,
        Self::VenueRequired,
    ];

    /// The code as it is sent.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AlreadyAttending => "already_attending",
            Self::AlreadyCheckedIn => "already_checked_in",
            Self::AlreadyCohost => "already_cohost",
            Self::AlreadyInvited => "already_invited",
            Self::AlreadyRequested => "already_requested",
            Self::CapacityBelowTaken => "capacity_below_taken",
            Self::EventCancelled => "event_cancelled",
            Self::EventClosed => "event_closed",
            Self::EventFull => "event_full",
            Self::EventHasGuests => "event_has_guests",
            Self::EventIncomplete => "event_incomplete",
            Self::EventNotPaid => "event_not_paid",
            Self::EventStarted => "event_started",
            Self::Forbidden => "forbidden",
            Self::GalleryChanged => "gallery_changed",
            Self::GalleryFull => "gallery_full",
            Self::GenderNotAllowed => "gender_not_allowed",
            Self::HoldExpired => "hold_expired",
            Self::IdempotencyInProgress => "idempotency_in_progress",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::InternalError => "internal_error",
            Self::InvalidRefreshToken => "invalid_refresh_token",
            Self::InvalidSignature => "invalid_signature",
            Self::InvalidTicketCode => "invalid_ticket_code",
            Self::InvalidTransition => "invalid_transition",
            Self::InviteExpired => "invite_expired",
            Self::InviteRateLimited => "invite_rate_limited",
            Self::InviteeIsOrganiser => "invitee_is_organiser",
            Self::MalformedRequest => "malformed_request",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::NotFound => "not_found",
            Self::OrderExists => "order_exists",
            Self::OrderNotReady => "order_not_ready",
            Self::OrganiserCannotJoin => "organiser_cannot_join",
            Self::OtpInvalid => "otp_invalid",
            Self::OtpIpRateLimited => "otp_ip_rate_limited",
            Self::OtpNumberRateLimited => "otp_number_rate_limited",
            Self::OtpResendTooSoon => "otp_resend_too_soon",
            Self::OtpSmsBudgetExhausted => "otp_sms_budget_exhausted",
            Self::OtpVerifyIpRateLimited => "otp_verify_ip_rate_limited",
            Self::OtpVerifyRateLimited => "otp_verify_rate_limited",
            Self::PayloadTooLarge => "payload_too_large",
            Self::PaymentAlreadyRecorded => "payment_already_recorded",
            Self::PricingLocked => "pricing_locked",
            Self::ProfileIncomplete => "profile_incomplete",
            Self::RequestRateLimited => "request_rate_limited",
            Self::RouteNotFound => "route_not_found",
            Self::ServiceUnavailable => "service_unavailable",
            Self::TicketCancelled => "ticket_cancelled",
            Self::TicketNotFound => "ticket_not_found",
            Self::Unauthorized => "unauthorized",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::ValidationFailed => "validation_failed",
            Self::VenueRequired => "venue_required",
        }
    }
}

impl fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_snake_case_and_distinct() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ProblemCode::ALL {
            let text = code.as_str();
            assert!(
                text.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{text}"
            );
            assert!(seen.insert(text), "{text} twice");
        }
    }
}
