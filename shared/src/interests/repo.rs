//! SQL for the interest catalogue.

use super::Interest;
use crate::db::CachedStatements;
use crate::error::ApiError;

/// Every active interest, in catalogue order.
pub async fn list_active(client: &impl CachedStatements) -> Result<Vec<Interest>, ApiError> {
    let rows = client
        .query(
            "SELECT uuid, name, slug, icon FROM event_interest \
             WHERE is_active ORDER BY sort_order, name",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|row| Interest {
            interest_id: row.get(0),
            name: row.get(1),
            slug: row.get(2),
            icon: row.get(3),
        })
        .collect())
}
