//! SQL of profiles.

use super::store;
use tokio_postgres::Row;
use uuid::Uuid;

use super::patch::ProfilePatch;
use super::OwnProfile;
use crate::interests::Interest;
use crate::platform::db::CachedStatements;
use crate::platform::error::ApiError;

fn own_profile(row: &Row) -> Result<OwnProfile, ApiError> {
    let pictures: serde_json::Value = row.get("profile_pictures");
    let profile_pictures: Vec<String> =
        serde_json::from_value(pictures).map_err(anyhow::Error::from)?;
    let interests: Vec<Interest> =
        serde_json::from_value(row.get("interests")).map_err(anyhow::Error::from)?;
    let name: Option<String> = row.get("name");
    let birth_date: Option<chrono::NaiveDate> = row.get("birth_date");
    let gender: Option<super::Gender> = row.get("gender");
    Ok(OwnProfile {
        user_id: row.get("user_id"),
        is_complete: super::is_complete(name.as_deref(), gender, birth_date, &profile_pictures),
        name,
        bio: row.get("bio"),
        location: row.get("location"),
        phone_number: row.get("phone_number"),
        birth_date,
        gender,
        profile_pictures,
        is_verified: row.get("is_verified"),
        interests,
        created_at: row.get("created_at"),
        updated_at: row.get("updated_at"),
    })
}

/// The full profile of an active user, with interests, in one round trip.
pub async fn load(
    client: &impl CachedStatements,
    user: Uuid,
) -> Result<Option<OwnProfile>, ApiError> {
    client
        .query_opt(store::PROFILE_SELECT, &[&user])
        .await?
        .map(|row| own_profile(&row))
        .transpose()
}

/// Applies a validated patch in one statement; untouched fields keep their values.
pub async fn apply_patch(
    tx: &impl CachedStatements,
    user_id: i64,
    patch: &ProfilePatch,
) -> Result<(), ApiError> {
    let pictures = patch
        .profile_pictures
        .as_ref()
        .map(|p| serde_json::to_value(p).expect("strings serialise"));
    tx.execute(
        store::UPDATE_PROFILE,
        &[
            &user_id,
            &patch.name.is_some(),
            &patch.name,
            &patch.bio.is_some(),
            &patch.bio.clone().flatten(),
            &patch.location.is_some(),
            &patch.location.clone().flatten(),
            &patch.birth_date.is_some(),
            &patch.birth_date.flatten(),
            &patch.gender.is_some(),
            &patch.gender.clone().flatten(),
            &pictures,
        ],
    )
    .await?;
    Ok(())
}

/// Replaces a user's interests.
pub async fn replace_interests(
    tx: &impl CachedStatements,
    user_id: i64,
    interest_ids: &[i64],
) -> Result<(), ApiError> {
    // Two statements, in order (one round trip): sub-statements of one WITH run in no defined
    // order, so an INSERT of an interest the user already had could meet the old row before the
    // DELETE removed it.
    tx.query_in_order(&[
        (store::CLEAR_PROFILE_INTERESTS, &[&user_id]),
        (store::INSERT_PROFILE_INTERESTS, &[&user_id, &interest_ids]),
    ])
    .await?;
    Ok(())
}
