//! Queuing notifications: one outbox message per change, naming its kind, the event, who caused
//! it and who should hear about it. notification-worker turns it into inbox rows (and SMS).

use std::time::Duration;

use serde_json::{json, Value};
use uuid::Uuid;

use crate::db::CachedStatements;
use crate::error::ApiError;
use crate::outbox::{self, Queue};

/// Queues a notification in the caller's transaction; nothing is queued for nobody.
/// `details` adds kind-specific members (e.g. `changes`, `expires_at`).
pub async fn queue(
    tx: &impl CachedStatements,
    kind: &str,
    event: Uuid,
    sender: Option<Uuid>,
    recipients: &[Uuid],
    details: Value,
) -> Result<Option<i64>, ApiError> {
    if recipients.is_empty() {
        return Ok(None);
    }
    let mut payload = json!({
        "kind": kind,
        "event_id": event,
        "sender_id": sender,
        "recipient_ids": recipients,
    });
    if let (Some(target), Value::Object(extra)) = (payload.as_object_mut(), details) {
        target.extend(extra);
    }
    Ok(Some(
        outbox::enqueue(tx, Queue::Notification, &payload, Duration::ZERO).await?,
    ))
}
