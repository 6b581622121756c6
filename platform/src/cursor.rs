//! Keyset pagination cursors: the last row's sort key (timestamp, public uuid) written as
//! `<microseconds since 1970>_<uuid>`, so the server resumes with `WHERE (key) > (cursor)`.
//! Clients pass `next_cursor` back unchanged; the format is published as a `pattern` so that
//! every cursor the schema allows is a real position (any such key is a valid place to resume).

use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::http::ApiRequest;

/// The keyset of every time-ordered list here: (timestamp, public uuid).
pub type TimeKey = (chrono::DateTime<chrono::Utc>, uuid::Uuid);

/// What a cursor looks like (JSON Schema `pattern` of the `cursor` query parameter).
pub const CURSOR_PATTERN: &str =
    "^[0-9]{1,16}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

/// Writes a sort key as a cursor.
pub fn encode(key: &TimeKey) -> String {
    format!("{}_{}", key.0.timestamp_micros().max(0), key.1)
}

/// Reads a cursor sent back by a client: `None` unless it is in `CURSOR_PATTERN`.
pub fn decode(cursor: &str) -> Option<TimeKey> {
    let (micros, id) = cursor.split_once('_')?;
    if micros.is_empty() || micros.len() > 16 || !micros.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let at = chrono::DateTime::from_timestamp_micros(micros.parse().ok()?)?;
    let uuid: uuid::Uuid = id.parse().ok()?;
    // Only the canonical lowercase, hyphenated spelling, exactly as the pattern says.
    (uuid.hyphenated().to_string() == id).then_some((at, uuid))
}

/// One page of a list response: `{"items": [...], "next_cursor": ...}`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// Where the next page starts; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` fetched rows: the extra row only proves there is more.
    pub fn from_rows(mut rows: Vec<T>, limit: i64, key_of: impl Fn(&T) -> TimeKey) -> Self {
        let limit = usize::try_from(limit).unwrap_or(0);
        let has_more = rows.len() > limit;
        rows.truncate(limit);
        let next_cursor = if has_more {
            rows.last().map(|last| encode(&key_of(last)))
        } else {
            None
        };
        Self {
            items: rows,
            next_cursor,
        }
    }
}

/// Reads `?limit=` and `?cursor=`, recording a bad one in `errors`.
pub fn window(req: &ApiRequest, errors: &mut Vec<FieldError>) -> (i64, Option<TimeKey>) {
    let limit = req.page_limit().unwrap_or_else(|_| {
        errors.push(FieldError::new(
            "limit",
            "must be a whole number from 1 to 100",
        ));
        20
    });
    let after = req.query_param("cursor").and_then(|raw| match decode(raw) {
        Some(key) => Some(key),
        None => {
            errors.push(FieldError::new("cursor", "is not a valid cursor"));
            None
        }
    });
    (limit, after)
}

/// A page of items from rows fetched with `limit + 1` whose columns are named `item` (the
/// item's JSON, read into its answer type), `sort_time` and `sort_uuid` (the keyset the next
/// cursor continues from).
pub fn json_page<T: serde::de::DeserializeOwned>(
    rows: &[tokio_postgres::Row],
    limit: i64,
) -> Result<Page<T>, crate::error::ApiError> {
    let keyed = rows
        .iter()
        .map(|r| {
            let item: T = crate::db::json_column(r, "item")?;
            Ok((item, (r.get("sort_time"), r.get("sort_uuid"))))
        })
        .collect::<Result<Vec<(T, TimeKey)>, crate::error::ApiError>>()?;
    let page = Page::from_rows(keyed, limit, |(_, key)| *key);
    Ok(Page {
        items: page.items.into_iter().map(|(item, _)| item).collect(),
        next_cursor: page.next_cursor,
    })
}
