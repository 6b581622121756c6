//! How a path's `{event_id}` names an event: by public id or by slug. Statements that find the
//! event by key come in the two forms (`ByKey`), chosen per request.

use uuid::Uuid;

/// The SQL expression for the id of the event a path's `{event_id}` (`$1`, text) names by its
/// public id; `event_id_by_slug!` when it names it by slug. Named statements that find the
/// event by key come in these two forms (`ByKey`).
#[macro_export]
macro_rules! event_id_by_uuid {
    () => {
        "(SELECT e.id FROM event e WHERE e.uuid = $1::text::uuid)"
    };
}

/// `event_id_by_uuid!` for a path's `{event_id}` that is a slug.
#[macro_export]
macro_rules! event_id_by_slug {
    () => {
        "(SELECT e.id FROM event e WHERE e.slug = $1::text)"
    };
}

/// A named statement (or a set of them) in its two forms, for the two ways a path's
/// `{event_id}` names an event.
#[derive(Debug, Clone, Copy)]
pub struct ByKey<T> {
    /// Found by public id.
    pub uuid: T,
    /// Found by slug.
    pub slug: T,
}

impl<T> ByKey<T> {
    /// The form for `key`: by public id when it is one, else by slug.
    pub fn of(&self, key: &str) -> &T {
        if key.parse::<Uuid>().is_ok() {
            &self.uuid
        } else {
            &self.slug
        }
    }
}

/// The WHERE condition finding event `e` by `$1`: its uuid, or else its slug (the path's
/// `{event_id}` may be either).
pub fn key_condition(key: &str) -> &'static str {
    if key.parse::<Uuid>().is_ok() {
        "e.uuid = $1::text::uuid"
    } else {
        "e.slug = $1::text"
    }
}
