//! The one place where database constraint names become API answers. A unique or check
//! constraint that a client can trip maps to a 409 or 422 with a stable code; anything not
//! listed stays a 500, because it means a rule was not checked where it should have been.

use super::ProblemCode;
use http::StatusCode;

use super::{ApiError, FieldError};

/// (constraint name, status, code, field, message) for every constraint a client may trip.
const CONSTRAINT_ANSWERS: &[(&str, StatusCode, ProblemCode, &str, &str)] = &[
    (
        "event_request_one_live_per_user",
        StatusCode::CONFLICT,
        ProblemCode::AlreadyRequested,
        "event_id",
        "You already have a live request for this event.",
    ),
    (
        "event_invite_one_pending_direct",
        StatusCode::CONFLICT,
        ProblemCode::AlreadyInvited,
        "user_id",
        "This user already has a pending invite to this event.",
    ),
    (
        "event_attendee_one_active_per_user",
        StatusCode::CONFLICT,
        ProblemCode::AlreadyAttending,
        "event_id",
        "You are already attending this event.",
    ),
    (
        "event_cohost_pair_key",
        StatusCode::CONFLICT,
        ProblemCode::AlreadyCohost,
        "user_id",
        "This user is already a co-host.",
    ),
    (
        "payment_order_provider_payment_id_key",
        StatusCode::CONFLICT,
        ProblemCode::PaymentAlreadyRecorded,
        "provider_payment_id",
        "This payment has already been recorded.",
    ),
    (
        "event_capacity_exceeded",
        StatusCode::CONFLICT,
        ProblemCode::EventFull,
        "seats_requested",
        "There are not enough seats left.",
    ),
    (
        "event_capacity_below_taken",
        StatusCode::CONFLICT,
        ProblemCode::CapacityBelowTaken,
        "capacity",
        "Capacity cannot go below the seats already taken.",
    ),
    (
        "payment_order_one_live_per_hold",
        StatusCode::CONFLICT,
        ProblemCode::OrderExists,
        "reservation_key",
        "An order for this seat hold is already open.",
    ),
    (
        "event_capacity_positive",
        StatusCode::UNPROCESSABLE_ENTITY,
        ProblemCode::ValidationFailed,
        "capacity",
        "Capacity must be greater than zero.",
    ),
];

/// The API answer for a violated constraint, if a client can cause it.
pub fn constraint_violation(constraint: &str) -> Option<ApiError> {
    CONSTRAINT_ANSWERS
        .iter()
        .find(|(name, ..)| *name == constraint)
        .map(|(_, status, code, field, message)| {
            ApiError::client(*status, *code, *message)
                .with_errors(vec![FieldError::new(*field, *message)])
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_constraints_map_to_client_errors_and_unknown_ones_do_not() {
        let err = constraint_violation("event_request_one_live_per_user").unwrap();
        assert_eq!(err.status(), StatusCode::CONFLICT);
        assert_eq!(err.code(), "already_requested");
        assert!(constraint_violation("some_internal_fk").is_none());
    }
}
