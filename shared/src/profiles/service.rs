//! Profile rules: each state change is one transaction with its audit row.

use crate::interests;
use serde_json::json;
use uuid::Uuid;

use super::patch::ProfilePatch;
use super::{repo, OwnProfile, PublicProfile};
use crate::auth::{active_user_id, Caller};
use crate::platform::audit::{self, AuditEntry};
use crate::platform::db::{CachedStatements, PgPool, PipelinedTransaction};
use crate::platform::error::ApiError;

/// Most interests a profile may follow.
pub const MAX_INTERESTS: usize = 20;

async fn own(
    client: &impl crate::platform::db::CachedStatements,
    caller: &Caller,
) -> Result<OwnProfile, ApiError> {
    repo::load(client, caller.user_id)
        .await?
        .ok_or_else(|| ApiError::unauthorized("This account is no longer active."))
}

/// The caller's own profile.
pub async fn get_own(pool: &PgPool, caller: &Caller) -> Result<OwnProfile, ApiError> {
    own(&pool.get().await?, caller).await
}

/// Another user's public profile; 404 for unknown or deleted users.
pub async fn get_public(
    pool: &PgPool,
    caller: &Caller,
    user: Uuid,
) -> Result<PublicProfile, ApiError> {
    let client = pool.get().await?;
    // A deactivated account's unexpired token reads nothing.
    active_user_id(&client, caller).await?;
    repo::load(&client, user)
        .await?
        .map(PublicProfile::from)
        .ok_or_else(|| ApiError::not_found("The user"))
}

/// Applies a profile update and returns the new profile.
/// Uploads among the new pictures are kept: a `keep_uploads` message is written with the
/// change (see `crate::uploads`).
pub async fn update(
    pool: &PgPool,
    caller: &Caller,
    patch: &ProfilePatch,
    uploads_base: Option<&str>,
    request_id: &str,
) -> Result<OwnProfile, ApiError> {
    let client = pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let user_id = active_user_id(&tx, caller).await?;
    let entry = AuditEntry {
        actor: Some(caller.user_id),
        object_type: "user_profile",
        object_id: caller.user_id.to_string(),
        action: "update",
        payload: json!({ "fields": patch.field_names() }),
        request_id: Some(request_id),
    };
    let keep = crate::uploads::keep_message(
        uploads_base,
        patch.profile_pictures.iter().flatten().map(String::as_str),
    );
    crate::pipelined!(
        repo::apply_patch(&tx, user_id, patch),
        audit::record(&tx, &entry),
        async {
            if let Some(message) = &keep {
                tx.execute(crate::platform::outbox::INSERT_SQL, &message.params())
                    .await?;
            }
            Ok(())
        }
    )?;
    tx.commit_with(|db| own(db, caller)).await
}

/// Replaces the caller's interests by slug; unknown slugs are named in one 422.
pub async fn set_interests(
    pool: &PgPool,
    caller: &Caller,
    slugs: &[String],
    request_id: &str,
) -> Result<OwnProfile, ApiError> {
    let client = pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let (user_id, found) = crate::pipelined!(
        active_user_id(&tx, caller),
        interests::repo::ids_by_slug(&tx, slugs)
    )?;
    let ids = interests::resolve(slugs, &found, interests::Repeats::KeptOnce)?;
    let entry = AuditEntry {
        actor: Some(caller.user_id),
        object_type: "user_profile",
        object_id: caller.user_id.to_string(),
        action: "update",
        payload: json!({ "fields": ["interests"], "count": ids.len() }),
        request_id: Some(request_id),
    };
    crate::pipelined!(
        repo::replace_interests(&tx, user_id, &ids),
        audit::record(&tx, &entry)
    )?;
    tx.commit_with(|db| own(db, caller)).await
}
