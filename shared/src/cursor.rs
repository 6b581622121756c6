//! Keyset pagination cursors: the last row's sort key, serialised and base64url-encoded, so the
//! client treats it as opaque and the server resumes with `WHERE (key) > (cursor)`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, FieldError};
use crate::http::ApiRequest;

/// Encodes a sort key as an opaque cursor.
pub fn encode<K: Serialize>(key: &K) -> String {
    let json = serde_json::to_vec(key).expect("cursor keys are plain data");
    URL_SAFE_NO_PAD.encode(json)
}

/// Decodes a cursor sent back by a client; a forged or stale one is a 422 on `cursor`.
pub fn decode<K: DeserializeOwned>(cursor: &str) -> Result<K, ApiError> {
    let invalid = || ApiError::validation(vec![FieldError::new("cursor", "is not a valid cursor")]);
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    serde_json::from_slice(&bytes).map_err(|_| invalid())
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
    pub fn from_rows<K: Serialize>(mut rows: Vec<T>, limit: i64, key_of: impl Fn(&T) -> K) -> Self {
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

/// The keyset of every time-ordered list here: (timestamp, public uuid).
pub type TimeKey = (chrono::DateTime<chrono::Utc>, uuid::Uuid);

/// Reads `?limit=` and `?cursor=` (a `TimeKey`), recording a bad one in `errors`.
pub fn window(req: &ApiRequest, errors: &mut Vec<FieldError>) -> (i64, Option<TimeKey>) {
    let limit = req.page_limit().unwrap_or_else(|_| {
        errors.push(FieldError::new(
            "limit",
            "must be a whole number from 1 to 100",
        ));
        20
    });
    let after = req
        .query_param("cursor")
        .and_then(|raw| match decode::<TimeKey>(raw) {
            Ok(key) => Some(key),
            Err(_) => {
                errors.push(FieldError::new("cursor", "is not a valid cursor"));
                None
            }
        });
    (limit, after)
}

/// A page of JSON items from rows of (item, timestamp, uuid) fetched with `limit + 1`.
pub fn json_page(rows: &[tokio_postgres::Row], limit: i64) -> Page<serde_json::Value> {
    let keyed: Vec<(serde_json::Value, TimeKey)> = rows
        .iter()
        .map(|r| (r.get(0), (r.get(1), r.get(2))))
        .collect();
    let page = Page::from_rows(keyed, limit, |(_, key)| *key);
    Page {
        items: page.items.into_iter().map(|(item, _)| item).collect(),
        next_cursor: page.next_cursor,
    }
}
