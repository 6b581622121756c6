//! `docs/API.md`, the API guide: the conventions every route follows, then one table per
//! function written from the route table (`operations.rs`), so the guide names exactly the
//! routes, callers, answers and problem codes the code has. `make openapi` writes it beside
//! `openapi.json`; a test fails when the committed file is stale.

use std::fmt::Write as _;

use super::operations::{Caller, OperationDoc, Success, OPERATIONS};
use super::problem_statuses;

const CONVENTIONS: &str = "# The event-hosting API (v1)

Written by `make openapi` from the route table in `shared/src/contract/operations.rs`; the
detailed contract (every schema) is `openapi.json`, generated from the same table. Locally
`make dev` serves every route on `http://127.0.0.1:9000`; in AWS the HTTP API serves them
under its stage or a custom domain.

## Conventions

- JSON in and out, `snake_case` names. Times are RFC 3339 UTC; `event_date` is a date and
  `start_time` a time. Money is a decimal string with two places (`\"499.00\"`) beside
  `currency` (`\"INR\"`), never a float.
- Resources are named by their public UUID (`event_id`, `user_id`, ...); an event can also be
  fetched by its `slug`. Internal ids never leave the database.
- Auth: `Authorization: Bearer <access_token>` from `POST /v1/auth/otp/verify` or
  `POST /v1/auth/refresh`.
- Errors are RFC 9457 `application/problem+json` with a stable `code` (one of
  `shared::contract::ProblemCode`), `detail`, `errors` (`[{field, message}]`, every bad field of
  a 400 or 422) and `request_id`; a 429 carries `Retry-After`; a 5xx never carries internal
  detail. Every route may also answer 400 `malformed_request`, 500 `internal_error` and 503
  `service_unavailable`; a signed-in route 401 `unauthorized`; a route that takes a body, a
  query or an `Idempotency-Key` 422 `validation_failed` (an id in the path that does not parse
  is a 404: it names nothing); a route with a body 413 `payload_too_large` and 415
  `unsupported_media_type`. The tables list each route's own codes besides these.
- Lists take `?limit=` (default 20, at most 100) and `?cursor=` (opaque); they answer
  `{\"items\": [...], \"next_cursor\"}`.
- `Idempotency-Key` on the routes marked so: the same key and body give the stored answer
  again (header `Idempotent-Replayed: true`); the same key with another body is 422
  `idempotency_key_reused`; the same key while the first request still runs is 409
  `idempotency_in_progress`.
";

fn caller(op: &OperationDoc) -> &'static str {
    match op.caller {
        Caller::Anyone => "anyone",
        Caller::SignedIn => "signed in",
        Caller::Razorpay => "Razorpay (signed body)",
    }
}

fn success(op: &OperationDoc) -> String {
    match op.success {
        Success::Json(status, schema) => format!("{status} `{schema}`"),
        Success::Empty(status) => status.to_string(),
        Success::Calendar => "200 `text/calendar`".to_owned(),
        Success::JsonOrCsv(schema) => format!("200 `{schema}` (or CSV)"),
        Success::OpenApi => "200 the OpenAPI document".to_owned(),
    }
}

/// The route's own problems (beyond the common ones the conventions list).
fn own_problems(op: &OperationDoc) -> String {
    let mut own = Vec::new();
    for (status, codes) in problem_statuses(op) {
        let listed: Vec<String> = codes
            .iter()
            .filter(|code| {
                op.problems
                    .iter()
                    .any(|(s, c)| *s == status && c.contains(code))
            })
            .map(|code| format!("`{code}`"))
            .collect();
        if !listed.is_empty() {
            own.push(format!("{status} {}", listed.join(", ")));
        }
    }
    own.join("; ")
}

/// The guide's Markdown.
pub fn guide_text() -> String {
    let mut text = CONVENTIONS.to_owned();
    let mut functions: Vec<&str> = Vec::new();
    for op in OPERATIONS {
        if !functions.contains(&op.function) {
            functions.push(op.function);
        }
    }
    for function in functions {
        let _ = write!(
            text,
            "\n## {function}\n\n| method | path | who | what | answers | its problems |\n|---|---|---|---|---|---|\n"
        );
        for op in OPERATIONS.iter().filter(|op| op.function == function) {
            let idempotent = if op.idempotent {
                " Takes `Idempotency-Key`."
            } else {
                ""
            };
            let _ = writeln!(
                text,
                "| {} | `{}` | {} | {}{idempotent} | {} | {} |",
                op.method,
                op.path,
                caller(op),
                op.summary.replace('|', "\\|"),
                success(op),
                own_problems(op),
            );
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_a_row_with_its_own_problem_codes() {
        let guide = guide_text();
        for op in OPERATIONS {
            let row = guide
                .lines()
                .find(|line| line.starts_with(&format!("| {} | `{}` |", op.method, op.path)))
                .unwrap_or_else(|| panic!("{} {} has no row", op.method, op.path));
            for (_, codes) in op.problems {
                for code in *codes {
                    assert!(row.contains(&format!("`{code}`")), "{row}");
                }
            }
        }
    }
}
