//! The in-app inbox.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Who caused a notification.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationSender {
    /// The user's id.
    pub user_id: uuid::Uuid,
    /// Display name.
    pub name: Option<String>,
}

/// An in-app notification.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Notification {
    /// The notification's id.
    pub notification_id: uuid::Uuid,
    /// request_received, request_accepted, hold_created, event_cancelled, …
    #[serde(rename = "type")]
    pub notification_type: String,
    /// Title.
    pub title: String,
    /// Body text.
    pub message: String,
    /// What it is about: event, request, order, …
    pub reference_type: Option<String>,
    /// The id of that object.
    pub reference_id: Option<String>,
    /// Who caused it.
    pub sender: Option<NotificationSender>,
    /// Whether it was read.
    pub is_read: bool,
    /// RFC 3339.
    pub read_at: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}

/// A page of notifications.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationPage {
    /// This page.
    pub items: Vec<Notification>,
    /// Pass as `cursor` for the next page; null at the end.
    pub next_cursor: Option<String>,
    /// Unread notifications in all.
    pub unread_count: i64,
}
