//! Who may change an event, and when: one rule over the locked event (`repo::EventForEdit`),
//! unit-tested without a database. The services load the event with the account check in one
//! round trip, then ask `may_change`.

use super::repo::{EventForEdit, Role};
use crate::platform::error::{ApiError, ProblemCode};

/// Who may make a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Editors {
    /// Only the host (money, who may come, co-hosts, publishing, cancelling).
    Host,
    /// The host or a co-host (details, the gallery).
    HostOrCohost,
}

/// A change to an event: who may make it, what a refusal says, and whether it is refused once
/// the event has started.
#[derive(Debug, Clone, Copy)]
pub struct Change {
    /// Who may make it.
    pub editors: Editors,
    /// The 403's detail for anyone else who can see the event.
    pub forbidden: &'static str,
    /// Refused (409 `event_started`) once the event has started.
    pub before_start_only: bool,
}

/// Editing the event itself (details by the host or a co-host).
pub const EDIT_DETAILS: Change = Change {
    editors: Editors::HostOrCohost,
    forbidden: "Only the host or a co-host can change this event.",
    before_start_only: true,
};
/// Host-only changes to the event (money and who may come, publishing, cancelling).
pub const HOST_CHANGE: Change = Change {
    editors: Editors::Host,
    forbidden: "Only the host can do this.",
    before_start_only: true,
};
/// Adding and removing co-hosts.
pub const MANAGE_COHOSTS: Change = Change {
    editors: Editors::Host,
    forbidden: "Only the host manages co-hosts.",
    before_start_only: false,
};
/// Changing the gallery.
pub const CHANGE_GALLERY: Change = Change {
    editors: Editors::HostOrCohost,
    forbidden: "Only the host or a co-host can change the gallery.",
    before_start_only: false,
};

/// Whether `change` may be made to `event` (as the caller sees it): 404 when absent or
/// invisible to the caller, 403 when the caller may not make it (the host's work stays the
/// host's), 409 `event_cancelled` once cancelled, 409 `event_started` when it must come before
/// the start and the event has started.
pub fn may_change(event: Option<EventForEdit>, change: Change) -> Result<EventForEdit, ApiError> {
    let event = event.ok_or_else(|| ApiError::not_found("The event"))?;
    let allowed = match (event.role, change.editors) {
        (Role::Host, _) | (Role::Cohost, Editors::HostOrCohost) => true,
        (Role::Cohost, Editors::Host) | (Role::Other, _) => false,
    };
    if !allowed {
        return Err(ApiError::forbidden(change.forbidden));
    }
    if !event.is_active {
        return Err(ApiError::conflict(
            ProblemCode::EventCancelled,
            "The event was cancelled.",
        ));
    }
    if change.before_start_only && event.has_started {
        return Err(ApiError::conflict(
            ProblemCode::EventStarted,
            "The event has already started.",
        ));
    }
    Ok(event)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::fields::EventFields;

    fn event(role: Role, is_active: bool, has_started: bool) -> Option<EventForEdit> {
        Some(EventForEdit {
            id: 1,
            uuid: uuid::Uuid::nil(),
            role,
            is_published: true,
            is_active,
            has_started,
            fields: EventFields::blank(),
        })
    }

    fn code(result: Result<EventForEdit, ApiError>) -> &'static str {
        result.map(|_| "ok").unwrap_or_else(|e| e.code())
    }

    #[test]
    fn the_host_changes_anything_and_a_cohost_only_what_cohosts_may() {
        for change in [EDIT_DETAILS, HOST_CHANGE, MANAGE_COHOSTS, CHANGE_GALLERY] {
            assert_eq!(
                code(may_change(event(Role::Host, true, false), change)),
                "ok"
            );
        }
        assert_eq!(
            code(may_change(event(Role::Cohost, true, false), EDIT_DETAILS)),
            "ok"
        );
        assert_eq!(
            code(may_change(event(Role::Cohost, true, false), CHANGE_GALLERY)),
            "ok"
        );
        assert_eq!(
            code(may_change(event(Role::Cohost, true, false), HOST_CHANGE)),
            "forbidden"
        );
        assert_eq!(
            code(may_change(event(Role::Cohost, true, false), MANAGE_COHOSTS)),
            "forbidden"
        );
        assert_eq!(
            code(may_change(event(Role::Other, true, false), CHANGE_GALLERY)),
            "forbidden"
        );
        assert_eq!(code(may_change(None, EDIT_DETAILS)), "not_found");
    }

    #[test]
    fn a_cancelled_event_takes_no_change_and_a_started_one_only_some() {
        assert_eq!(
            code(may_change(event(Role::Host, false, false), CHANGE_GALLERY)),
            "event_cancelled"
        );
        assert_eq!(
            code(may_change(event(Role::Host, true, true), EDIT_DETAILS)),
            "event_started"
        );
        assert_eq!(
            code(may_change(event(Role::Host, true, true), HOST_CHANGE)),
            "event_started"
        );
        assert_eq!(
            code(may_change(event(Role::Host, true, true), CHANGE_GALLERY)),
            "ok"
        );
        assert_eq!(
            code(may_change(event(Role::Host, true, true), MANAGE_COHOSTS)),
            "ok"
        );
    }
}
