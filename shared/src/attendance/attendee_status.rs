//! The states of a guest on the list (`event_attendee.status`, migration V4's check) and the
//! door's rule: only a guest still going is checked in, once, or cancels.

use serde_json::json;

use crate::platform::error::{ApiError, ProblemCode};

crate::text_enum!(
    /// Where a guest stands.
    AttendeeStatus {
        /// Has seats and has not come in yet.
        Going => "going",
        /// Came in (the ticket is used).
        CheckedIn => "checked_in",
        /// Gave up the seats, or was removed by the host.
        Cancelled => "cancelled",
    }
);

impl AttendeeStatus {
    /// Whether the door lets this guest in now: 409 `already_checked_in` (with when) for a used
    /// ticket, 409 `ticket_cancelled` for a cancelled one.
    pub fn check_in(self, checked_in_at: Option<&str>) -> Result<(), ApiError> {
        match self {
            Self::Going => Ok(()),
            Self::CheckedIn => Err(ApiError::conflict(
                ProblemCode::AlreadyCheckedIn,
                "This ticket was already used.",
            )
            .with_extra("checked_in_at", json!(checked_in_at))),
            Self::Cancelled => Err(ApiError::conflict(
                ProblemCode::TicketCancelled,
                "This ticket was cancelled.",
            )),
        }
    }

    /// Whether the attendance may be cancelled: only a guest still going gives up the seats
    /// (one who came in or already left cannot): 409 `invalid_transition` naming the state.
    pub fn cancel(self) -> Result<Self, ApiError> {
        match self {
            Self::Going => Ok(Self::Cancelled),
            Self::CheckedIn | Self::Cancelled => Err(ApiError::conflict(
                ProblemCode::InvalidTransition,
                format!("An attendee who is {self} cannot cancel."),
            )
            .with_extra("current_status", json!(self))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AttendeeStatus::*;

    #[test]
    fn only_a_guest_still_going_comes_in() {
        assert!(Going.check_in(None).is_ok());
        assert_eq!(
            CheckedIn
                .check_in(Some("2026-12-03T19:00:00Z"))
                .unwrap_err()
                .code(),
            "already_checked_in"
        );
        assert_eq!(
            Cancelled.check_in(None).unwrap_err().code(),
            "ticket_cancelled"
        );
    }

    #[test]
    fn only_a_guest_still_going_can_cancel() {
        assert_eq!(Going.cancel().unwrap(), Cancelled);
        for status in [CheckedIn, Cancelled] {
            assert_eq!(status.cancel().unwrap_err().code(), "invalid_transition");
        }
    }
}
