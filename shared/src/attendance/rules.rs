//! The rules of joining, over typed values and without a database: who may join an event, and
//! what a decision admits, and who may use an organiser's tools. The SQL that reads their inputs
//! is in `store.rs` (`joiner_facts!`); the seat ledger that applies a decision is `ledger.rs`.

use crate::platform::db::FromRow;
use crate::platform::error::{ApiError, FieldError, ProblemCode};

use super::ledger::LockedEvent;
use super::request_status::RequestStatus;

/// What the joining checks know of the person asking (read by `joiner_facts!`).
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct JoinerFacts {
    /// Hosts or co-hosts the event.
    pub is_organiser: bool,
    /// The gender on their profile, if set.
    pub gender: Option<String>,
    /// Already on the guest list (going or checked in).
    pub is_attending: bool,
}

/// The checks a person must pass to join (request or invite) the locked event: an open event,
/// not their own, a legal seat count, a stated and allowed gender, not already going.
pub fn check_joiner(event: &LockedEvent, facts: &JoinerFacts, seats: i16) -> Result<(), ApiError> {
    if !event.is_open {
        return Err(ApiError::conflict(
            ProblemCode::EventClosed,
            "This event is not open for joining.",
        ));
    }
    if facts.is_organiser {
        return Err(ApiError::conflict(
            ProblemCode::OrganiserCannotJoin,
            "Hosts and co-hosts do not request to join their own event.",
        ));
    }
    let max_seats = if event.allow_plus_one { 2 } else { 1 };
    if !(1..=max_seats).contains(&seats) {
        return Err(ApiError::validation(vec![FieldError::new(
            "seats_requested",
            if event.allow_plus_one {
                "must be 1 or 2"
            } else {
                "must be 1: this event allows no plus-one"
            },
        )]));
    }
    let Some(gender) = &facts.gender else {
        return Err(ApiError::client(
            http::StatusCode::UNPROCESSABLE_ENTITY,
            ProblemCode::ProfileIncomplete,
            "Set your gender in your profile before joining events.",
        )
        .with_errors(vec![FieldError::new(
            "gender",
            "is required to join events",
        )]));
    };
    if !event.allowed_genders.contains(gender) {
        return Err(ApiError::client(
            http::StatusCode::FORBIDDEN,
            ProblemCode::GenderNotAllowed,
            "This event is not open to your gender.",
        ));
    }
    if facts.is_attending {
        return Err(ApiError::conflict(
            ProblemCode::AlreadyAttending,
            "You are already going to this event.",
        ));
    }
    Ok(())
}

/// What deciding a request for `seats` on the locked event makes of it: accepted when the seats
/// are free, else waitlisted.
pub fn decision(event: &LockedEvent, seats: i16) -> RequestStatus {
    if i64::from(seats) <= event.available {
        RequestStatus::Accepted
    } else {
        RequestStatus::Waitlisted
    }
}

/// Who may use an organiser's tool at an event (the guest list, the door): its host and
/// co-hosts. Anyone else gets 403 with `refusal` when the event is published, and 404 when it
/// is a draft, which nobody but its organisers may know exists.
pub fn organisers_only(organiser: bool, published: bool, refusal: &str) -> Result<(), ApiError> {
    match (organiser, published) {
        (true, _) => Ok(()),
        (false, true) => Err(ApiError::forbidden(refusal)),
        (false, false) => Err(ApiError::not_found("The event")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(result: Result<(), ApiError>) -> Option<u16> {
        result.err().map(|err| err.status().as_u16())
    }

    #[test]
    fn organisers_use_their_tools_on_drafts_and_published_events() {
        assert_eq!(status(organisers_only(true, false, "no")), None);
        assert_eq!(status(organisers_only(true, true, "no")), None);
    }

    #[test]
    fn anyone_else_is_refused_a_published_event_and_never_told_of_a_draft() {
        assert_eq!(status(organisers_only(false, true, "no")), Some(403));
        assert_eq!(status(organisers_only(false, false, "no")), Some(404));
    }

    fn open_event() -> LockedEvent {
        LockedEvent {
            id: 1,
            uuid: uuid::Uuid::nil(),
            host_id: 1,
            host_uuid: uuid::Uuid::nil(),
            capacity: 10,
            is_paid: false,
            allow_plus_one: true,
            requires_approval: true,
            allowed_genders: vec!["female".into(), "male".into()],
            is_open: true,
            is_published: true,
            is_active: true,
            available: 3,
        }
    }

    fn guest(gender: &str) -> JoinerFacts {
        JoinerFacts {
            is_organiser: false,
            gender: Some(gender.into()),
            is_attending: false,
        }
    }

    fn code(result: Result<(), ApiError>) -> String {
        result.unwrap_err().code().to_owned()
    }

    #[test]
    fn an_allowed_guest_joins_an_open_event_with_one_or_two_seats() {
        assert!(check_joiner(&open_event(), &guest("female"), 1).is_ok());
        assert!(check_joiner(&open_event(), &guest("male"), 2).is_ok());
    }

    #[test]
    fn each_reason_to_refuse_has_its_own_code() {
        let closed = LockedEvent {
            is_open: false,
            ..open_event()
        };
        assert_eq!(
            code(check_joiner(&closed, &guest("male"), 1)),
            "event_closed"
        );
        let organiser = JoinerFacts {
            is_organiser: true,
            ..guest("male")
        };
        assert_eq!(
            code(check_joiner(&open_event(), &organiser, 1)),
            "organiser_cannot_join"
        );
        let no_gender = JoinerFacts {
            gender: None,
            ..guest("male")
        };
        assert_eq!(
            code(check_joiner(&open_event(), &no_gender, 1)),
            "profile_incomplete"
        );
        assert_eq!(
            code(check_joiner(&open_event(), &guest("non_binary"), 1)),
            "gender_not_allowed"
        );
        let going = JoinerFacts {
            is_attending: true,
            ..guest("male")
        };
        assert_eq!(
            code(check_joiner(&open_event(), &going, 1)),
            "already_attending"
        );
    }

    #[test]
    fn a_plus_one_needs_an_event_that_allows_it() {
        let solo = LockedEvent {
            allow_plus_one: false,
            ..open_event()
        };
        assert_eq!(
            code(check_joiner(&solo, &guest("male"), 2)),
            "validation_failed"
        );
        assert_eq!(
            code(check_joiner(&open_event(), &guest("male"), 3)),
            "validation_failed"
        );
        assert_eq!(
            code(check_joiner(&open_event(), &guest("male"), 0)),
            "validation_failed"
        );
    }

    #[test]
    fn a_request_is_accepted_while_its_seats_are_free_and_waitlisted_after() {
        let event = open_event();
        assert_eq!(decision(&event, 2), RequestStatus::Accepted);
        let full = LockedEvent {
            available: 1,
            ..open_event()
        };
        assert_eq!(decision(&full, 1), RequestStatus::Accepted);
        assert_eq!(decision(&full, 2), RequestStatus::Waitlisted);
    }
}
