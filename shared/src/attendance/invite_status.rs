//! Invites: their kind and states (`event_invite.invite_type` and `.status`, migration V4's
//! checks) and their rules: only someone neither organising nor going is invited directly, a
//! share link lives at most 30 days, and only a pending invite whose time has not run out is
//! accepted or declined.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use crate::platform::error::{ApiError, FieldError, ProblemCode};

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

/// Longest a share link may live.
pub const MAX_LINK_DAYS: i64 = 30;

/// When a share link stops working: the time asked for, in the future and at most
/// `MAX_LINK_DAYS` away, or `MAX_LINK_DAYS` from `now` when none is asked for.
pub fn link_expiry(
    asked: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, ApiError> {
    let latest = now + Duration::days(MAX_LINK_DAYS);
    match asked {
        None => Ok(latest),
        Some(at) if at > now && at <= latest => Ok(at),
        Some(_) => Err(ApiError::validation(vec![FieldError::new(
            "expires_at",
            "must be in the future and at most 30 days away",
        )])),
    }
}

/// Whether a user may be invited directly: not an organiser of the event (409
/// `invitee_is_organiser`) and not already going (409 `already_attending`).
pub fn needs_invite(organises: bool, attending: bool) -> Result<(), ApiError> {
    let (code, detail, message) = match (organises, attending) {
        (true, _) => (
            ProblemCode::InviteeIsOrganiser,
            "The host and co-hosts need no invite.",
            "organisers need no invite",
        ),
        (false, true) => (
            ProblemCode::AlreadyAttending,
            "This user is already going to this event.",
            "is already going",
        ),
        (false, false) => return Ok(()),
    };
    Err(ApiError::conflict(code, detail).with_errors(vec![FieldError::new("user_id", message)]))
}

#[cfg(test)]
mod tests {
    use super::InviteStatus::{self, *};
    use super::{link_expiry, needs_invite};
    use chrono::{Duration, Utc};

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

    #[test]
    fn only_someone_neither_organising_nor_going_needs_an_invite() {
        assert!(needs_invite(false, false).is_ok());
        assert_eq!(
            needs_invite(true, false).unwrap_err().code(),
            "invitee_is_organiser"
        );
        assert_eq!(
            needs_invite(true, true).unwrap_err().code(),
            "invitee_is_organiser"
        );
        assert_eq!(
            needs_invite(false, true).unwrap_err().code(),
            "already_attending"
        );
    }

    #[test]
    fn a_link_lives_30_days_unless_an_earlier_future_time_is_asked_for() {
        let now = Utc::now();
        assert_eq!(link_expiry(None, now).unwrap(), now + Duration::days(30));
        let tomorrow = now + Duration::days(1);
        assert_eq!(link_expiry(Some(tomorrow), now).unwrap(), tomorrow);
        for refused in [now, now - Duration::hours(1), now + Duration::days(31)] {
            assert!(link_expiry(Some(refused), now).is_err(), "{refused}");
        }
    }
}
