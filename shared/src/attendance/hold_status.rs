//! The states of a seat hold (`capacity_reservation.status`, migration V4's check) and what a
//! hold still does: it keeps seats only while held and unexpired, and only such a hold is paid.

use crate::platform::error::{ApiError, ProblemCode};

crate::text_enum!(
    /// Where a seat hold stands.
    HoldStatus {
        /// Keeping seats until it expires (or is paid, or released).
        Held => "held",
        /// Turned into a seat on the guest list (paid, or a free event).
        Consumed => "consumed",
        /// Given back (the request was cancelled, the event ended).
        Released => "released",
        /// Lapsed unpaid.
        Expired => "expired",
    }
);

impl HoldStatus {
    /// Whether the hold keeps its seats now: held and not past `expires_at` (`unexpired`). A
    /// held hold past its time counts for nothing even before the worker marks it expired.
    pub fn is_live(self, unexpired: bool) -> bool {
        self == Self::Held && unexpired
    }

    /// Whether an order may be opened on the hold now: 409 `hold_expired` otherwise.
    pub fn payable(self, unexpired: bool) -> Result<(), ApiError> {
        if self.is_live(unexpired) {
            Ok(())
        } else {
            Err(ApiError::conflict(
                ProblemCode::HoldExpired,
                "The seat hold has expired or was used; ask the host again.",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::HoldStatus::*;

    #[test]
    fn only_a_held_unexpired_hold_keeps_seats_and_is_paid() {
        assert!(Held.is_live(true));
        assert!(Held.payable(true).is_ok());
        assert!(!Held.is_live(false));
        for status in [Consumed, Released, Expired] {
            assert!(!status.is_live(true));
            assert_eq!(status.payable(true).unwrap_err().code(), "hold_expired");
        }
        assert_eq!(Held.payable(false).unwrap_err().code(), "hold_expired");
    }
}
