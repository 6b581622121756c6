//! The guest list for an event's organisers: JSON, or CSV a spreadsheet opens safely.

use super::rules::organisers_only;
use super::store;
use uuid::Uuid;

use super::attendee_status::AttendeeStatus;
use crate::app::state::AppState;
use crate::auth::{active_user_id, Caller};
use crate::contract::schemas::Attendee;
use crate::platform::db::{CachedStatements, FromRow};
use crate::platform::error::ApiError;

/// One row of the guest list, as `store::GUESTS_OF_EVENT` reads it. Never a phone number or
/// birth date.
#[derive(FromRow)]
struct GuestRow {
    /// Attendee (and ticket) id.
    attendee_id: Uuid,
    /// The guest's public id.
    user_id: Uuid,
    /// Display name.
    name: Option<String>,
    /// Seats (2 with a plus-one).
    seats: i16,
    /// going, checked_in or cancelled.
    status: AttendeeStatus,
    /// Whether the seats were paid for.
    is_paid: bool,
    /// When the guest was checked in.
    /// RFC 3339 to the second, as SQL's `rfc3339` writes every instant an answer carries.
    checked_in_at: Option<String>,
}

impl From<GuestRow> for Attendee {
    fn from(row: GuestRow) -> Self {
        Self {
            attendee_id: row.attendee_id,
            user_id: row.user_id,
            name: row.name,
            seats: row.seats.into(),
            status: row.status.as_str().to_owned(),
            is_paid: Some(row.is_paid),
            checked_in_at: row.checked_in_at,
        }
    }
}

/// The guest list of an event for its host or co-hosts, in the order guests joined.
pub async fn guest_list(
    state: &AppState,
    caller: &Caller,
    key: &str,
) -> Result<Vec<Attendee>, ApiError> {
    let client = state.pool.get().await?;
    let caller_id = active_user_id(&client, caller).await?;
    let event = client
        .query_opt(store::GUEST_LIST_EVENT, &[&key, &caller_id])
        .await?
        .ok_or_else(|| ApiError::not_found("The event"))?;
    let (event_id, published, organiser): (i64, bool, bool) = (
        event.get("id"),
        event.get("is_published"),
        event.get("is_organiser"),
    );
    organisers_only(
        organiser,
        published,
        "Only the host or a co-host can see the guest list.",
    )?;
    let rows = client.query(store::GUESTS_OF_EVENT, &[&event_id]).await?;
    Ok(rows
        .iter()
        .map(|row| GuestRow::try_from_row(row).map(Attendee::from))
        .collect::<Result<_, _>>()?)
}

/// The guest list as CSV (a maintained CSV writer, so names with commas or quotes stay intact),
/// starting with a UTF-8 byte-order mark so spreadsheet apps read Hindi or Tamil names right;
/// every cell a spreadsheet would run as a formula is neutralised (`csv_cell`).
pub fn guest_list_csv(guests: &[Attendee]) -> Result<String, ApiError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "attendee_id",
            "user_id",
            "name",
            "seats",
            "status",
            "is_paid",
            "checked_in_at",
        ])
        .map_err(anyhow::Error::from)?;
    for guest in guests {
        writer
            .write_record([
                guest.attendee_id.to_string(),
                guest.user_id.to_string(),
                csv_cell(guest.name.as_deref().unwrap_or_default()),
                guest.seats.to_string(),
                csv_cell(&guest.status),
                guest
                    .is_paid
                    .map(|paid| paid.to_string())
                    .unwrap_or_default(),
                guest.checked_in_at.clone().unwrap_or_default(),
            ])
            .map_err(anyhow::Error::from)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("csv: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|e| ApiError::Internal(e.into()))?;
    Ok(format!("\u{feff}{text}"))
}

/// A text cell as a spreadsheet may safely open it: one starting with `=`, `+`, `-`, `@`, tab
/// or carriage return (a formula, or DDE) gets a leading apostrophe, OWASP's advice.
pub fn csv_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}
