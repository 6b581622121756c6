//! Every SQL statement of the interest catalogue, named. Profiles and events check the slugs
//! they are given with `ACTIVE_INTERESTS_BY_SLUG`, so both accept exactly what is listed.

/// Every active interest, in catalogue order.
pub const LIST_ACTIVE: &str = "SELECT uuid AS interest_id, name, slug, icon FROM event_interest \
     WHERE is_active ORDER BY sort_order, name";

/// The active interests among slugs `$1` (`slug`, internal `id`).
pub const ACTIVE_INTERESTS_BY_SLUG: &str =
    "SELECT slug, id FROM event_interest WHERE is_active AND slug = ANY($1)";
