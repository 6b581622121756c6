//! The outbox: messages are written in the same transaction as the change that causes them,
//! then published to SQS after commit. A rolled-back change leaves no message; a message whose
//! publish fails stays unsent for the scheduled run to republish.

use std::time::Duration;

use serde_json::Value;

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
    fn as_str(self) -> &'static str {
        match self {
            Self::Notification => "notification",
            Self::ReservationExpiry => "reservation_expiry",
        }
    }

    fn url(name: &str, queues: &QueueSettings) -> Option<String> {
        match name {
            "notification" => queues.notification_queue_url.clone(),
            "reservation_expiry" => queues.reservation_expiry_queue_url.clone(),
            _ => None,
        }
    }
}

/// Writes a message inside the caller's transaction; returns its id for `publish`.
pub async fn enqueue(
    tx: &impl CachedStatements,
    queue: Queue,
    payload: &Value,
    delay: Duration,
) -> Result<i64, ApiError> {
    let delay_seconds = delay.min(crate::aws::sqs::MAX_DELAY).as_secs() as i32;
    let row = tx
        .query_one(
            "INSERT INTO outbox_message (queue, payload, delay_seconds) VALUES ($1, $2, $3) RETURNING id",
            &[&queue.as_str(), payload, &delay_seconds],
        )
        .await?;
    Ok(row.get(0))
}

/// Publishes the given committed messages and marks the sent ones. Failures are recorded and
/// left for the scheduled republish; they never fail the request that caused them.
pub async fn publish(
    pool: &PgPool,
    publisher: &dyn QueuePublisher,
    queues: &QueueSettings,
    ids: &[i64],
) -> usize {
    if ids.is_empty() {
        return 0;
    }
    match publish_inner(pool, publisher, queues, ids).await {
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
    ids: &[i64],
) -> Result<usize, ApiError> {
    let client = pool.get().await?;
    let rows = client
        .query(
            "SELECT id, queue, payload || jsonb_build_object('message_id', uuid), delay_seconds FROM outbox_message \
             WHERE id = ANY($1) AND published_at IS NULL ORDER BY id",
            &[&ids],
        )
        .await?;
    let mut sent = Vec::new();
    let (mut failed, mut errors) = (Vec::new(), Vec::new());
    for row in rows {
        let (id, queue, payload, delay): (i64, String, Value, i32) =
            (row.get(0), row.get(1), row.get(2), row.get(3));
        let result = match Queue::url(&queue, queues) {
            Some(url) => publisher
                .publish(
                    &url,
                    &payload.to_string(),
                    Duration::from_secs(delay.max(0) as u64),
                )
                .await
                .map(|_| ()),
            None => Err(anyhow::anyhow!("no queue URL configured for {queue}")),
        };
        match result {
            Ok(()) => sent.push(id),
            Err(err) => {
                failed.push(id);
                errors.push(format!("{err:#}").chars().take(500).collect::<String>());
            }
        }
    }
    // Both marks in one round trip, however many messages there were.
    crate::pipelined!(
        async {
            if !sent.is_empty() {
                client
                    .execute(
                        "UPDATE outbox_message SET published_at = now() WHERE id = ANY($1)",
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
                         FROM unnest($1::bigint[], $2::text[]) AS f(id, error) WHERE o.id = f.id",
                        &[&failed, &errors],
                    )
                    .await?;
            }
            Ok(())
        }
    )?;
    Ok(sent.len())
}
