//! Per-user spam limits on the writes other people see: join requests and invites, counted
//! over a rolling hour. Beyond the limit the caller gets 429 with `Retry-After` (when the
//! oldest write of the window leaves it).

use crate::error::ApiError;
use crate::error::ProblemCode;

/// What is being limited: the table, its author column and the problem code.
#[derive(Debug, Clone, Copy)]
pub enum WriteKind {
    /// `POST /v1/events/{event_id}/requests`.
    JoinRequest,
    /// `POST /v1/events/{event_id}/invites`.
    Invite,
}

impl WriteKind {
    /// The table holding these writes and its author column.
    fn source(self) -> (&'static str, &'static str) {
        match self {
            Self::JoinRequest => ("event_request", "requester_id"),
            Self::Invite => ("event_invite", "invited_by"),
        }
    }

    fn code(self) -> ProblemCode {
        match self {
            Self::JoinRequest => ProblemCode::RequestRateLimited,
            Self::Invite => ProblemCode::InviteRateLimited,
        }
    }
}

/// Counts the writes of `kind` in the last hour by the user whose internal id is the SQL
/// expression `user` (`"$1"`, or a lookup by public id) and when the oldest leaves the window;
/// read by `judge`, so it can go out with other statements. Read inside the write's
/// transaction: writes in flight at the same moment may overshoot by their number (a spam
/// limit, not a ledger).
pub fn count_sql(kind: WriteKind, user: &str) -> String {
    let (table, author) = kind.source();
    format!(
        "SELECT count(*) AS written, \
                ceil(extract(epoch FROM min(created_at) + interval '1 hour' - now()))::bigint AS retry_after \
         FROM {table} WHERE {author} = {user} AND created_at > now() - interval '1 hour'"
    )
}

/// 429 when the row of `count_sql` shows `per_hour` writes or more.
pub fn judge(
    kind: WriteKind,
    counted: &tokio_postgres::Row,
    per_hour: i64,
) -> Result<(), ApiError> {
    let (count, retry_after): (i64, Option<i64>) =
        (counted.get("written"), counted.get("retry_after"));
    if count >= per_hour {
        let seconds = retry_after.unwrap_or(3600).clamp(1, 3600) as u64;
        return Err(ApiError::rate_limited(kind.code(), seconds));
    }
    Ok(())
}
