//! Per-user spam limits on the writes other people see: join requests and invites, counted
//! over a rolling hour. Beyond the limit the caller gets 429 with `Retry-After` (when the
//! oldest write of the window leaves it).

use crate::platform::db::FromRow;
use crate::platform::error::ApiError;
use crate::platform::error::ProblemCode;

/// What is being limited: the table, its author column and the problem code.
#[derive(Debug, Clone, Copy)]
pub enum WriteKind {
    /// `POST /v1/events/{event_id}/requests`.
    JoinRequest,
    /// `POST /v1/events/{event_id}/invites`.
    Invite,
}

/// Counts the writes in `$table` by `$author` = the user whose public id is `$1` over the last
/// hour, and in how many seconds the oldest leaves the window (`WritesThisHour`).
macro_rules! count_writes {
    ($table:literal, $author:literal) => {
        concat!(
            "SELECT count(*) AS written, \
                    ceil(extract(epoch FROM min(created_at) + interval '1 hour' - now()))::bigint AS retry_after \
             FROM ",
            $table,
            " WHERE ",
            $author,
            " = (SELECT id FROM auth_user WHERE uuid = $1) AND created_at > now() - interval '1 hour'"
        )
    };
}

impl WriteKind {
    /// The statement counting this kind's writes in the last hour by the user whose public id
    /// is `$1`: sent with the write's other reads, inside its transaction, so writes in flight
    /// at the same moment may overshoot by their number (a spam limit, not a ledger).
    pub fn count_sql(self) -> &'static str {
        match self {
            Self::JoinRequest => count_writes!("event_request", "requester_id"),
            Self::Invite => count_writes!("event_invite", "invited_by"),
        }
    }

    fn code(self) -> ProblemCode {
        match self {
            Self::JoinRequest => ProblemCode::RequestRateLimited,
            Self::Invite => ProblemCode::InviteRateLimited,
        }
    }
}

/// A user's writes of one kind in the last hour (`WriteKind::count_sql`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromRow)]
pub struct WritesThisHour {
    /// How many.
    pub written: i64,
    /// Seconds until the oldest leaves the window (none when there are none).
    pub retry_after: Option<i64>,
}

/// 429 (with `Retry-After`: when the oldest write leaves the window, 1 s to an hour) when
/// `per_hour` writes or more were made this hour.
pub fn judge(kind: WriteKind, counted: WritesThisHour, per_hour: i64) -> Result<(), ApiError> {
    if counted.written >= per_hour {
        let seconds = counted.retry_after.unwrap_or(3600).clamp(1, 3600) as u64;
        return Err(ApiError::rate_limited(kind.code(), seconds));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(written: i64, retry_after: Option<i64>) -> WritesThisHour {
        WritesThisHour {
            written,
            retry_after,
        }
    }

    #[test]
    fn below_the_limit_passes_and_at_it_waits_for_the_oldest_write() {
        assert!(judge(WriteKind::Invite, counted(4, Some(10)), 5).is_ok());
        let retry_after = |error: ApiError| match error {
            ApiError::Client(problem) => (problem.code, problem.retry_after),
            other => panic!("not a client problem: {other:?}"),
        };
        assert_eq!(
            retry_after(judge(WriteKind::Invite, counted(5, Some(10)), 5).unwrap_err()),
            (ProblemCode::InviteRateLimited, Some(10))
        );
        // However the clock stands, the wait is never more than the window.
        assert_eq!(
            retry_after(judge(WriteKind::JoinRequest, counted(9, Some(99_999)), 5).unwrap_err()),
            (ProblemCode::RequestRateLimited, Some(3600))
        );
    }
}
