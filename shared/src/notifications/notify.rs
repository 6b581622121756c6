//! Queuing notifications: one outbox message per change, naming its kind, the event, who caused
//! it and who should hear about it. notification-worker turns it into inbox rows (and SMS).

use std::time::Duration;

use serde_json::{json, Value};
use uuid::Uuid;

use crate::platform::db::CachedStatements;
use crate::platform::error::ApiError;
use crate::platform::outbox::{self, OutboxMessage, Queue};

/// A notification message for the outbox, to write with other statements (`OutboxMessage::
/// params`); `None` for nobody. `details` adds kind-specific members (e.g. `changes`,
/// `expires_at`).
pub fn message(
    kind: &str,
    event: Uuid,
    sender: Option<Uuid>,
    recipients: &[Uuid],
    details: Value,
) -> Option<OutboxMessage> {
    if recipients.is_empty() {
        return None;
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
    Some(OutboxMessage::new(
        Queue::Notification,
        payload,
        Duration::ZERO,
    ))
}

/// Queues a notification in the caller's transaction now; nothing is queued for nobody.
pub async fn queue(
    tx: &impl CachedStatements,
    kind: &str,
    event: Uuid,
    sender: Option<Uuid>,
    recipients: &[Uuid],
    details: Value,
) -> Result<Option<OutboxMessage>, ApiError> {
    let Some(message) = message(kind, event, sender, recipients, details) else {
        return Ok(None);
    };
    tx.execute(outbox::INSERT_SQL, &message.params()).await?;
    Ok(Some(message))
}
