//! How a path's `{event_id}` names an event: by public id or by slug. One statement serves
//! both: the database splits the key (`event_key_uuid`, `event_key_slug`, migration V19) and
//! probes the index the key's shape calls for, so no statement comes in two forms.

/// SQL that is true when event row `e` is the one the path's `{event_id}` (`$1`, text) names.
pub const EVENT_IS_KEY_1: &str = "(e.uuid = event_key_uuid($1) OR e.slug = event_key_slug($1))";

/// SQL for the internal id of the event the path's `{event_id}` (`$1`, text) names.
pub const EVENT_ID_OF_KEY_1: &str =
    const_format::concatcp!("(SELECT e.id FROM event e WHERE ", EVENT_IS_KEY_1, ")");
