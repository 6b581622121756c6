//! The in-app inbox: notification rows written by notification-worker from queue messages
//! (idempotently), and read by their recipient.

use super::store;
use crate::auth::Actor;
use crate::contract::schemas::NotificationPage;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::app::state::AppState;
use crate::auth::{active_user_id, Caller};
use crate::domain::PhoneNumber;
use crate::platform::audit::{self, AuditEntry};
use crate::platform::aws::sns::{SmsPurpose, SmsSender};
use crate::platform::cursor;
use crate::platform::db::{CachedStatements, PipelinedTransaction};
use crate::platform::error::{ApiError, FieldError};
use crate::platform::http::ApiRequest;

/// Title and text of a notification kind.
pub fn wording(kind: &str, event_title: &str, payload: &Value) -> Option<(String, String)> {
    let minutes = payload["pay_within_minutes"].as_i64().unwrap_or(15);
    let (title, message) = match kind {
        "request_received" => (
            "New request",
            format!("Someone asked to join {event_title}."),
        ),
        "request_accepted" => (
            "You're in",
            format!("Your request for {event_title} was accepted."),
        ),
        "request_declined" => (
            "Request declined",
            format!("Your request for {event_title} was declined."),
        ),
        "request_waitlisted" => (
            "On the waitlist",
            format!("{event_title} is full; you're on the waitlist."),
        ),
        "request_promoted" => (
            "A seat opened up",
            format!("You moved off the waitlist for {event_title}."),
        ),
        "invite_received" => (
            "You're invited",
            format!("You were invited to {event_title}."),
        ),
        "hold_created" => (
            "Seats held",
            format!("Your seats for {event_title} are held: pay within {minutes} minutes."),
        ),
        "hold_expired" => (
            "Hold expired",
            format!("Your held seats for {event_title} were released."),
        ),
        "payment_succeeded" => (
            "Payment received",
            format!("You're going to {event_title}. Your ticket is ready."),
        ),
        "payment_refunded" => (
            "Refund on its way",
            match payload["reason"].as_str() {
                Some("event_closed" | "late_payment") => format!(
                    "Your payment for {event_title} could not get you a seat; it is being refunded in full."
                ),
                Some("duplicate_payment") => {
                    format!("You paid twice for {event_title}; the second payment is being refunded.")
                }
                _ => format!("Your payment for {event_title} is being refunded."),
            },
        ),
        "event_changed" => (
            "Event updated",
            format!("{event_title} changed: check the date, time and place."),
        ),
        "event_cancelled" => ("Event cancelled", format!("{event_title} was cancelled.")),
        "event_reminder" => ("Coming up", format!("{event_title} starts soon.")),
        _ => return None,
    };
    Some((title.to_owned(), message))
}

/// Kinds that also go out by SMS: both need the guest's attention within minutes.
pub const SMS_KINDS: &[&str] = &["hold_created", "event_cancelled"];

/// Writes the notifications of one queue message and sends the SMS ones; a redelivered message
/// writes and sends nothing new. Returns how many rows were created.
pub async fn deliver(
    client: &deadpool_postgres::Client,
    sms: &dyn SmsSender,
    payload: &Value,
) -> anyhow::Result<u64> {
    let kind = payload["kind"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("message without kind"))?;
    let message_id = payload["message_id"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("message without message_id"))?;
    let event: Option<Uuid> = payload["event_id"].as_str().and_then(|e| e.parse().ok());
    let tx = PipelinedTransaction::begin(client);
    let title: String = match event {
        Some(event) => tx
            .query_opt(store::EVENT_TITLE, &[&event])
            .await?
            .map(|r| r.get("title"))
            .unwrap_or_else(|| "your event".to_owned()),
        None => "your event".to_owned(),
    };
    let Some((heading, text)) = wording(kind, &title, payload) else {
        anyhow::bail!("unknown notification kind {kind}");
    };
    let recipients: Vec<Uuid> = payload["recipient_ids"]
        .as_array()
        .map(|ids| {
            ids.iter()
                .filter_map(|id| id.as_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let sender: Option<Uuid> = payload["sender_id"].as_str().and_then(|s| s.parse().ok());
    let metadata = json!({ "details": payload });
    let created = tx
        .query(
            store::DELIVER_NOTIFICATION,
            &[
                &recipients,
                &sender,
                &kind,
                &heading,
                &text,
                &event,
                &metadata,
                &message_id,
            ],
        )
        .await?;
    if SMS_KINDS.contains(&kind) {
        for row in &created {
            let phone: Option<String> = row.get("phone_number");
            if let Some(phone) = phone.and_then(|p| PhoneNumber::parse(&p).ok()) {
                // A failed SMS fails the message: nothing is committed and SQS redelivers it.
                sms.send(&phone, &text, SmsPurpose::Notice).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(created.len() as u64)
}

/// The caller's notifications, newest first, with the unread count.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    req: &ApiRequest,
) -> Result<NotificationPage, ApiError> {
    let mut errors = Vec::new();
    let unread_only = match req.query_param("unread") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            errors.push(FieldError::new("unread", "must be true or false"));
            false
        }
    };
    let (limit, after) = cursor::window(req, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let client = state.pool.get().await?;
    let user_id = active_user_id(&client, caller).await?;
    let (after_time, after_uuid) = after.unzip();
    let rows = client
        .query(
            store::INBOX_PAGE,
            &[
                &user_id,
                &unread_only,
                &after_time,
                &after_uuid,
                &(limit + 1),
            ],
        )
        .await?;
    let unread: i64 = match rows.first() {
        Some(row) => row.get("unread"),
        None => client
            .query_one(store::UNREAD_COUNT, &[&user_id])
            .await?
            .get("unread"),
    };
    let page = cursor::json_page(&rows, limit)?;
    Ok(NotificationPage {
        items: page.items,
        next_cursor: page.next_cursor,
        unread_count: unread,
    })
}

/// Marks one of the caller's notifications read (404 for anyone else's).
pub async fn mark_read(actor: &Actor<'_>, notification: Uuid) -> Result<(), ApiError> {
    let client = actor.state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    // One round trip: the account check, the mark and its audit row go together; a failed
    // check or a missing notification rolls the other two back.
    let (_, found, ()) = crate::pipelined!(
        active_user_id(&tx, &actor.caller),
        async {
            Ok(tx
                .execute(store::MARK_READ, &[&notification, &actor.caller.user_id])
                .await?)
        },
        record_read(
            &tx,
            &actor.caller,
            notification.to_string(),
            json!({}),
            actor.request_id
        ),
    )?;
    if found == 0 {
        return Err(ApiError::not_found("The notification"));
    }
    tx.commit().await
}

/// Audits a read mark (one notification, or the whole inbox).
async fn record_read(
    tx: &impl CachedStatements,
    caller: &Caller,
    object_id: String,
    payload: Value,
    request_id: &str,
) -> Result<(), ApiError> {
    let entry = AuditEntry {
        actor: Some(caller.user_id),
        object_type: "notification",
        object_id,
        action: "read",
        payload,
        request_id: Some(request_id),
    };
    audit::record(tx, &entry).await
}

/// Marks all of the caller's notifications read.
pub async fn mark_all_read(actor: &Actor<'_>) -> Result<(), ApiError> {
    let client = actor.state.pool.get().await?;
    let tx = PipelinedTransaction::begin(&client);
    let (_, marked) = crate::pipelined!(active_user_id(&tx, &actor.caller), async {
        Ok(tx
            .execute(store::MARK_ALL_READ, &[&actor.caller.user_id])
            .await?)
    })?;
    // The inbox as a whole is the object: its owner's id names it.
    let inbox = actor.caller.user_id.to_string();
    record_read(
        &tx,
        &actor.caller,
        inbox,
        json!({ "marked": marked }),
        actor.request_id,
    )
    .await?;
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refund_notice_says_why_the_money_comes_back() {
        let text = |reason: &str| {
            wording("payment_refunded", "Picnic", &json!({ "reason": reason }))
                .unwrap()
                .1
        };
        assert!(text("event_closed").contains("could not get you a seat"));
        assert!(text("late_payment").contains("refunded in full"));
        assert!(text("duplicate_payment").contains("paid twice"));
        assert_eq!(text("host"), "Your payment for Picnic is being refunded.");
    }
}
