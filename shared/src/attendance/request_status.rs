//! The states of a join request and its legal moves, written once: a pending or waitlisted
//! request may be answered (accepted, waitlisted or declined) by an organiser, and withdrawn by
//! its requester, as may an accepted one whose seats are still only held. `event_request.status`
//! holds `as_str()` (migration V4's check lists the same words).

use serde_json::json;

use crate::platform::error::{ApiError, ProblemCode};

crate::text_enum!(
    /// Where a join request stands.
    RequestStatus {
        /// Waiting for an organiser (counted in `event.requests_count`).
        Pending => "pending",
        /// Accepted in principle, waiting for seats.
        Waitlisted => "waitlisted",
        /// Seats given (an attendee, or a hold to pay for).
        Accepted => "accepted",
        /// Refused by an organiser.
        Declined => "declined",
        /// Withdrawn by the requester, or ended with the account.
        Cancelled => "cancelled",
        /// Its hold lapsed unpaid.
        Expired => "expired",
    }
);

/// What withdrawing a request takes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withdrawal {
    /// A request never given seats; `was_pending` says whether it was counted as a request.
    Unanswered {
        /// It was pending (counted in `requests_count`), not waitlisted.
        was_pending: bool,
    },
    /// An accepted request: its held seats are released (refused when a guest stands on them).
    ReleasesHold,
}

/// A move the state machine does not allow: answered 409 `invalid_transition`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IllegalMove {
    /// The request's state.
    pub from: RequestStatus,
    /// What was asked of it (`accepted`, `declined`, `cancelled`).
    pub action: &'static str,
}

impl From<IllegalMove> for ApiError {
    fn from(illegal: IllegalMove) -> Self {
        let from = illegal.from.as_str();
        ApiError::conflict(
            ProblemCode::InvalidTransition,
            format!("A {from} request cannot be {}.", illegal.action),
        )
        .with_extra("current_status", json!(from))
    }
}

impl RequestStatus {
    /// An organiser's answer: a pending or waitlisted request becomes `to` (accepted or
    /// waitlisted when accepting, declined when declining).
    pub fn answer(self, to: Self) -> Result<Self, IllegalMove> {
        let action = if to == Self::Declined {
            "declined"
        } else {
            "accepted"
        };
        match (self, to) {
            (
                Self::Pending | Self::Waitlisted,
                Self::Accepted | Self::Waitlisted | Self::Declined,
            ) => Ok(to),
            _ => Err(IllegalMove { from: self, action }),
        }
    }

    /// The requester withdraws: what that takes back.
    pub fn withdraw(self) -> Result<Withdrawal, IllegalMove> {
        match self {
            Self::Pending => Ok(Withdrawal::Unanswered { was_pending: true }),
            Self::Waitlisted => Ok(Withdrawal::Unanswered { was_pending: false }),
            Self::Accepted => Ok(Withdrawal::ReleasesHold),
            Self::Declined | Self::Cancelled | Self::Expired => Err(IllegalMove {
                from: self,
                action: "cancelled",
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RequestStatus::*;

    #[test]
    fn only_pending_and_waitlisted_requests_are_answered() {
        for from in [Pending, Waitlisted] {
            for to in [Accepted, Waitlisted, Declined] {
                assert_eq!(from.answer(to), Ok(to), "{from} → {to}");
            }
        }
        for from in [Accepted, Declined, Cancelled, Expired] {
            assert_eq!(
                from.answer(Accepted),
                Err(IllegalMove {
                    from,
                    action: "accepted"
                })
            );
            assert_eq!(
                from.answer(Declined),
                Err(IllegalMove {
                    from,
                    action: "declined"
                })
            );
        }
        // An answer never makes a request pending, cancelled or expired.
        for to in [Pending, Cancelled, Expired] {
            assert!(Pending.answer(to).is_err(), "{to}");
        }
    }

    #[test]
    fn withdrawing_takes_back_what_the_state_holds() {
        assert_eq!(
            Pending.withdraw(),
            Ok(Withdrawal::Unanswered { was_pending: true })
        );
        assert_eq!(
            Waitlisted.withdraw(),
            Ok(Withdrawal::Unanswered { was_pending: false })
        );
        assert_eq!(Accepted.withdraw(), Ok(Withdrawal::ReleasesHold));
        for from in [Declined, Cancelled, Expired] {
            assert_eq!(
                from.withdraw(),
                Err(IllegalMove {
                    from,
                    action: "cancelled"
                })
            );
        }
    }

    #[test]
    fn every_state_round_trips_through_its_word() {
        for status in RequestStatus::ALL {
            assert_eq!(RequestStatus::parse(status.as_str()), Some(*status));
        }
        assert_eq!(RequestStatus::parse("approved"), None);
    }

    #[test]
    fn an_illegal_move_is_a_409_naming_the_current_state() {
        let error = ApiError::from(Declined.withdraw().unwrap_err());
        assert_eq!(error.code(), "invalid_transition");
        assert_eq!(error.status(), http::StatusCode::CONFLICT);
    }
}
