//! The outbox: messages are written in the same transaction as the change that causes them,
//! then published to SQS after commit. A rolled-back change leaves no message; a message whose
//! publish fails stays unsent for the scheduled run to republish.

use std::time::Duration;

use serde_json::Value;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

use crate::aws::sqs::QueuePublisher;
use crate::config::QueueSettings;
use crate::db::{CachedStatements, PgPool};
use crate::error::ApiError;

/// Which queue a message goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// Read by notification-worker.
    Notification,
    /// Read by reservation-expiry.
    ReservationExpiry,
}

impl Queue {
    /// The queue's name in `outbox_message.queue`.
    const fn name_ref(self) -> &'static &'static str {
        match self {
            Self::Notification => &"notification",
            Self::ReservationExpiry => &"reservation_expiry",
        }
    }

    fn as_str(self) -> &'static str {
        self.name_ref()
    }

    fn named(name: &str) -> Option<Self> {
        match name {
            "notification" => Some(Self::Notification),
            "reservation_expiry" => Some(Self::ReservationExpiry),
            _ => None,
        }
    }

    fn url(self, queues: &QueueSettings) -> Option<String> {
        match self {
            Self::Notification => queues.notification_queue_url.clone(),
            Self::ReservationExpiry => queues.reservation_expiry_queue_url.clone(),
        }
    }
}

/// A message written to the outbox, kept in memory as sent so that publishing it after commit
/// needs no read back: only the mark that it went out.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxMessage {
    /// Public id: the row's key and the body's `message_id` (consumers deduplicate by it).
    pub uuid: Uuid,
    queue: Queue,
    /// What is stored (without `message_id`, which the body adds).
    payload: Value,
    delay_seconds: i32,
}

/// Stores a message: `$1` its id, `$2` the queue, `$3` the payload, `$4` the delay in seconds.
pub const INSERT_SQL: &str =
    "INSERT INTO outbox_message (uuid, queue, payload, delay_seconds) VALUES ($1, $2, $3, $4)";

impl OutboxMessage {
    /// A new message for `queue`, delivered `delay` after publishing (at most SQS's 15 minutes).
    pub fn new(queue: Queue, payload: Value, delay: Duration) -> Self {
        Self {
            uuid: Uuid::new_v4(),
            queue,
            payload,
            delay_seconds: delay.min(crate::aws::sqs::MAX_DELAY).as_secs() as i32,
        }
    }

    /// `INSERT_SQL`'s parameters, for writing the message with other statements.
    pub fn params(&self) -> [&(dyn ToSql + Sync); 4] {
        [
            &self.uuid,
            self.queue.name_ref(),
            &self.payload,
            &self.delay_seconds,
        ]
    }

    /// `INSERT_SQL`'s parameters owned, for `Writes` (the message itself stays for publishing).
    pub fn owned_params(&self) -> Vec<crate::db::OwnedParam> {
        crate::owned_params![
            self.uuid,
            *self.queue.name_ref(),
            self.payload.clone(),
            self.delay_seconds
        ]
    }

    /// The body sent to SQS: the payload with its `message_id`.
    pub(crate) fn body(&self) -> String {
        let mut body = self.payload.clone();
        if let Value::Object(members) = &mut body {
            members.insert("message_id".into(), Value::String(self.uuid.to_string()));
        }
        body.to_string()
    }
}

/// Writes a message inside the caller's transaction; returns it for `publish`.
pub async fn enqueue(
    tx: &impl CachedStatements,
    queue: Queue,
    payload: Value,
    delay: Duration,
) -> Result<OutboxMessage, ApiError> {
    let message = OutboxMessage::new(queue, payload, delay);
    tx.execute(INSERT_SQL, &message.params()).await?;
    Ok(message)
}

/// Up to `limit` committed messages never sent and older than `min_age_secs` (their request's
/// own publish failed or never ran), oldest first, for the scheduled republish.
pub async fn unsent(
    client: &impl CachedStatements,
    min_age_secs: f64,
    limit: i64,
) -> Result<Vec<OutboxMessage>, ApiError> {
    let rows = client
        .query(
            "SELECT uuid, queue, payload, delay_seconds FROM outbox_message \
             WHERE published_at IS NULL AND created_at < now() - make_interval(secs => $1) \
             ORDER BY id LIMIT $2",
            &[&min_age_secs, &limit],
        )
        .await?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            Some(OutboxMessage {
                uuid: row.get("uuid"),
                queue: Queue::named(row.get("queue"))?,
                payload: row.get("payload"),
                delay_seconds: row.get("delay_seconds"),
            })
        })
        .collect())
}

/// Publishes the given committed messages and marks the sent ones. Failures are recorded and
/// left for the scheduled republish; they never fail the request that caused them.
pub async fn publish(
    pool: &PgPool,
    publisher: &dyn QueuePublisher,
    queues: &QueueSettings,
    messages: &[OutboxMessage],
) -> usize {
    if messages.is_empty() {
        return 0;
    }
    match publish_inner(pool, publisher, queues, messages).await {
        Ok(sent) => sent,
        Err(err) => {
            tracing::warn!(error = %err, "outbox publish deferred to the scheduled run");
            0
        }
    }
}

async fn publish_inner(
    pool: &PgPool,
    publisher: &dyn QueuePublisher,
    queues: &QueueSettings,
    messages: &[OutboxMessage],
) -> Result<usize, ApiError> {
    let mut sent = Vec::new();
    let (mut failed, mut errors) = (Vec::new(), Vec::new());
    for message in messages {
        let result = match Queue::url(message.queue, queues) {
            Some(url) => publisher
                .publish(
                    &url,
                    &message.body(),
                    Duration::from_secs(message.delay_seconds.max(0) as u64),
                )
                .await
                .map(|_| ()),
            None => Err(anyhow::anyhow!(
                "no queue URL configured for {}",
                message.queue.as_str()
            )),
        };
        match result {
            Ok(()) => sent.push(message.uuid),
            Err(err) => {
                failed.push(message.uuid);
                errors.push(format!("{err:#}").chars().take(500).collect::<String>());
            }
        }
    }
    let client = pool.get().await?;
    // Both marks in one round trip, however many messages there were; a message already marked
    // (republished meanwhile) keeps its first time.
    crate::pipelined!(
        async {
            if !sent.is_empty() {
                client
                    .execute(
                        "UPDATE outbox_message SET published_at = now() WHERE uuid = ANY($1) AND published_at IS NULL",
                        &[&sent],
                    )
                    .await?;
            }
            Ok::<_, ApiError>(())
        },
        async {
            if !failed.is_empty() {
                client
                    .execute(
                        "UPDATE outbox_message o SET attempts = o.attempts + 1, last_error = f.error \
                         FROM unnest($1::uuid[], $2::text[]) AS f(uuid, error) WHERE o.uuid = f.uuid",
                        &[&failed, &errors],
                    )
                    .await?;
            }
            Ok(())
        }
    )?;
    Ok(sent.len())
}
