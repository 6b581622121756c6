//! Reading the interest catalogue.

use super::{store, Interest};
use crate::platform::db::CachedStatements;
use crate::platform::error::ApiError;

/// The `(slug, internal id)` of every active interest among `slugs`; unknown slugs are absent.
pub async fn ids_by_slug(
    client: &impl CachedStatements,
    slugs: &[String],
) -> Result<Vec<(String, i64)>, ApiError> {
    let rows = client
        .query(store::ACTIVE_INTERESTS_BY_SLUG, &[&slugs])
        .await?;
    Ok(rows.iter().map(|r| (r.get("slug"), r.get("id"))).collect())
}

/// Every active interest, in catalogue order.
pub async fn list_active(client: &impl CachedStatements) -> Result<Vec<Interest>, ApiError> {
    let rows = client.query(store::LIST_ACTIVE, &[]).await?;
    Ok(rows
        .iter()
        .map(|row| Interest {
            interest_id: row.get("interest_id"),
            name: row.get("name"),
            slug: row.get("slug"),
            icon: row.get("icon"),
        })
        .collect())
}
