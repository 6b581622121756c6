//! Reading the interest catalogue.

use super::{store, Interest};
use crate::platform::db::CachedStatements;
use crate::platform::error::ApiError;

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
