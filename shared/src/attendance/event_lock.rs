//! The one way a seat change begins: lock the event, read its seats, then whatever must come
//! after the lock (the changed row's own lock, reads that must see what the lock waited for),
//! all in one round trip, optionally with the caller's account check beside it.
//!
//! Every statement is named and whole at compile time: an area says how its rows find their
//! event with `event_lookup!` (`REQUEST_EVENT`, `ORDER_EVENT`, …), which writes the lock and the
//! seat count around that SQL expression. Event first, then the row, is the one lock order, so
//! no two transactions wait on each other in a cycle.

use tokio_postgres::types::{Json, ToSql};
use tokio_postgres::Row;

use super::ledger::LockedEvent;
use crate::auth::{active_user_id, Caller};
use crate::platform::db::{CachedStatements, FromRow, Statement};
use crate::platform::error::ApiError;

/// The two statements that lock an event found one way and count its seats (`$1` is the key
/// they find it by). Made by `event_lookup!`.
#[derive(Debug, Clone, Copy)]
pub struct EventLookup {
    /// Locks the event row (`FOR NO KEY UPDATE`, which still lets foreign-key checks of new
    /// orders and attendees pass) and reads what the seat rules need.
    pub lock: &'static str,
    /// Seats taken, as a separate statement on purpose: it takes a fresh snapshot after the
    /// lock was granted, so it sees every seat change of the transaction it waited for.
    pub seats_taken: &'static str,
}

/// `EventLookup` for the event whose id the SQL expression `$event_id` (a constant string, such
/// as `"$1"` or `"(SELECT event_id FROM event_request WHERE uuid = $1)"`) yields.
#[macro_export]
macro_rules! event_lookup {
    ($event_id:expr) => {
        $crate::attendance::event_lock::EventLookup {
            lock: const_format::concatcp!(
                "SELECT e.id, e.uuid, e.host_id, u.uuid AS host_uuid, e.capacity, e.is_paid, \
                        e.allow_plus_one, e.requires_approval, e.allowed_genders, \
                        e.is_published AND e.is_active AND e.starts_at > now() AS is_open, \
                        e.is_published, e.is_active \
                 FROM event e JOIN auth_user u ON u.id = e.host_id WHERE e.id = ",
                $event_id,
                " FOR NO KEY UPDATE OF e"
            ),
            seats_taken: const_format::concatcp!(
                "SELECT event_seats_taken(",
                $event_id,
                ") AS seats_taken"
            ),
        }
    };
}

/// The event by internal id `$1` (the seat-hold benchmark's pgbench script runs the same text).
pub const EVENT_BY_ID: EventLookup = event_lookup!("$1");
/// The event a path's `{event_id}` (`$1`, text) names, by public id or by slug.
pub const EVENT_BY_KEY: EventLookup = event_lookup!(crate::events::key::EVENT_ID_OF_KEY_1);

/// The locked event's row as `EventLookup::lock` reads it.
#[derive(FromRow)]
struct EventRow {
    id: i64,
    uuid: uuid::Uuid,
    host_id: i64,
    host_uuid: uuid::Uuid,
    capacity: i32,
    is_paid: bool,
    allow_plus_one: bool,
    requires_approval: bool,
    allowed_genders: Json<Vec<String>>,
    is_open: bool,
    is_published: bool,
    is_active: bool,
}

/// A seat change's opening round trip, built up and then run: `EventLock::of(&REQUEST_EVENT,
/// &request).then(&[(store::LOCK_REQUEST, &params)]).run_for(&tx, caller)`.
#[must_use = "an event lock does nothing until it is run"]
pub struct EventLock<'a> {
    lookup: &'static EventLookup,
    key: &'a (dyn ToSql + Sync),
    before: &'a [Statement<'a>],
    then: &'a [Statement<'a>],
}

/// What locking gave: the event, and the rows of each statement of `then`, in order.
#[derive(Debug)]
pub struct Locked {
    /// The event, locked until the transaction ends, with its free seats.
    pub event: LockedEvent,
    /// The rows of the statements that came after the lock.
    pub rows: Vec<Vec<Row>>,
}

impl Locked {
    /// The first row of the `index`-th statement of `then`, read by column name; `None` when it
    /// returned no row.
    pub fn first<T: FromRow>(&self, index: usize) -> Result<Option<T>, ApiError> {
        match self.rows.get(index).and_then(|rows| rows.first()) {
            Some(row) => Ok(Some(T::try_from_row(row)?)),
            None => Ok(None),
        }
    }
}

impl<'a> EventLock<'a> {
    /// Locks the event `lookup` finds by `key` (its `$1`).
    pub fn of(lookup: &'static EventLookup, key: &'a (dyn ToSql + Sync)) -> Self {
        Self {
            lookup,
            key,
            before: &[],
            then: &[],
        }
    }

    /// Locks event `id`.
    pub fn by_id(id: &'a i64) -> Self {
        Self::of(&EVENT_BY_ID, id)
    }

    /// Runs `before` first: writes of a transaction that already holds the lock (seats freed
    /// before the waitlist is read).
    pub fn after(self, before: &'a [Statement<'a>]) -> Self {
        Self { before, ..self }
    }

    /// Runs `then` after the lock and the seat count, in order: the changed row's own lock and
    /// reads that must see what the lock waited for.
    pub fn then(self, then: &'a [Statement<'a>]) -> Self {
        Self { then, ..self }
    }

    /// One round trip; `None` when the lookup finds no event.
    pub async fn run(self, tx: &impl CachedStatements) -> Result<Option<Locked>, ApiError> {
        let param: [&(dyn ToSql + Sync); 1] = [self.key];
        let mut statements: Vec<Statement> = self.before.to_vec();
        statements.push((self.lookup.lock, &param));
        statements.push((self.lookup.seats_taken, &param));
        statements.extend_from_slice(self.then);
        let mut rows = tx.query_in_order(&statements).await?;
        let mut rows = rows.split_off(self.before.len());
        let then_rows = rows.split_off(2);
        let (Some(event), Some(taken)) = (rows[0].first(), rows[1].first()) else {
            return Ok(None);
        };
        let event = EventRow::try_from_row(event)?;
        let taken: i64 = taken.try_get("seats_taken")?;
        Ok(Some(Locked {
            event: LockedEvent {
                id: event.id,
                uuid: event.uuid,
                host_id: event.host_id,
                host_uuid: event.host_uuid,
                capacity: event.capacity,
                is_paid: event.is_paid,
                allow_plus_one: event.allow_plus_one,
                requires_approval: event.requires_approval,
                allowed_genders: event.allowed_genders.0,
                is_open: event.is_open,
                is_published: event.is_published,
                is_active: event.is_active,
                available: i64::from(event.capacity) - taken,
            },
            rows: then_rows,
        }))
    }

    /// `run`, with the caller's account check in the same round trip: the caller's internal
    /// id (401 for an account no longer active) and what locking gave.
    pub async fn run_for(
        self,
        tx: &impl CachedStatements,
        caller: &Caller,
    ) -> Result<(i64, Option<Locked>), ApiError> {
        crate::pipelined!(active_user_id(tx, caller), self.run(tx))
    }
}
