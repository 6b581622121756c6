//! Invites: their kind and states (`event_invite.invite_type` and `.status`, migration V4's
//! checks) and the one rule for answering one: only a pending invite whose time has not run out
//! is accepted or declined.

use serde_json::json;

use crate::error::{ApiError, ProblemCode};

crate::text_enum!(
    /// Who an invite is for.
    InviteType {
        /// One named user.
        Direct => "direct",
        /// Anyone holding the link.
        ShareLink => "share_link",
    }
);

crate::text_enum!(
    /// Where an invite stands.
    InviteStatus {
        /// Not answered yet.
        Pending => "pending",
        /// Taken up (a direct invite once; a share link stays pending for the next guest).
        Accepted => "accepted",
        /// Turned down by its invitee.
        Declined => "declined",
        /// Its time ran out.
        Expired => "expired",
        /// Withdrawn by the host.
        Revoked => "revoked",
    }
);

impl InviteStatus {
    /// Whether the invite can be answered now; `lapsed` says its `expires_at` has passed
    /// (the sweep may not have marked it expired yet). 409 `invite_expired` for a lapsed or
    /// expired invite, 409 `invalid_transition` for one answered or revoked already.
    pub fn answerable(self, lapsed: bool) -> Result<(), ApiError> {
        if lapsed || self == Self::Expired {
            return Err(ApiError::conflict(
                ProblemCode::InviteExpired,
                "This invite has expired.",
            ));
        }
        if self != Self::Pending {
            return Err(ApiError::conflict(
                ProblemCode::InvalidTransition,
                format!("This invite was already {self}."),
            )
            .with_extra("current_status", json!(self)));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::InviteStatus::{self, *};

    #[test]
    fn only_a_pending_invite_in_time_is_answered() {
        assert!(Pending.answerable(false).is_ok());
        for status in InviteStatus::ALL {
            assert_eq!(
                status.answerable(true).unwrap_err().code(),
                "invite_expired",
                "{status}, lapsed"
            );
        }
        assert_eq!(
            Expired.answerable(false).unwrap_err().code(),
            "invite_expired"
        );
        for status in [Accepted, Declined, Revoked] {
            assert_eq!(
                status.answerable(false).unwrap_err().code(),
                "invalid_transition",
                "{status}"
            );
        }
    }
}
