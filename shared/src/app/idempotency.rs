//! `Idempotency-Key` for POSTs that create money or seats (API.md): the same key with the same
//! request replays the stored answer; with another request it is 422; while the first is still
//! running it is 409. Keys belong to one user and are kept at least 24 hours.

use crate::platform::error::ProblemCode;
use std::future::Future;

use http::{header, HeaderValue, StatusCode};
use lambda_http::{Body, Response};
use sha2::{Digest, Sha256};

use crate::auth::{active_user_id, Actor};
use crate::platform::db::CachedStatements;
use crate::platform::error::{ApiError, FieldError};
use crate::platform::http::{ApiRequest, HandlerResult};

/// Header set on a replayed answer.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";

// A key whose first request died without an answer is taken over after this long.
const ABANDONED_AFTER_SECS: f64 = 60.0;

fn request_hash(req: &ApiRequest) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(req.method.as_str());
    hasher.update([0]);
    hasher.update(&req.path);
    hasher.update([0]);
    hasher.update(&req.body);
    hasher.finalize().to_vec()
}

fn body_text(body: &Body) -> String {
    match body {
        Body::Empty => String::new(),
        Body::Text(text) => text.clone(),
        Body::Binary(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        _ => String::new(),
    }
}

/// Runs `operation` at most once per (caller, key); without the header it simply runs. The
/// operation gets the actor back, found active by the claim when there was one, so the account
/// is checked once per request either way.
pub async fn once<'a, F, Fut>(actor: Actor<'a>, req: &ApiRequest, operation: F) -> HandlerResult
where
    F: FnOnce(Actor<'a>) -> Fut,
    Fut: Future<Output = HandlerResult>,
{
    let Some(key) = req.header("idempotency-key").map(str::trim) else {
        return operation(actor).await;
    };
    if key.is_empty() || key.len() > 255 {
        return Err(ApiError::validation(vec![FieldError::new(
            "Idempotency-Key",
            "must be 1 to 255 characters",
        )]));
    }
    let hash = request_hash(req);
    let (pool, caller) = (&actor.state.pool, &actor.caller);
    let client = pool.get().await?;
    // The account check and the claim go out together; for an account that is no longer
    // active the claim finds no user and inserts nothing.
    let (user_id, claimed) = crate::pipelined!(active_user_id(&client, caller), async {
        Ok(client
            .query_opt(
                "INSERT INTO idempotency_key (user_id, idempotency_key, route, request_hash) \
                 VALUES ((SELECT id FROM auth_user WHERE uuid = $1 AND is_active), $2, $3, $4) \
                 ON CONFLICT (user_id, idempotency_key) DO UPDATE SET created_at = now(), request_hash = EXCLUDED.request_hash \
                   WHERE idempotency_key.response_status IS NULL AND idempotency_key.request_hash = EXCLUDED.request_hash \
                     AND idempotency_key.created_at < now() - make_interval(secs => $5) \
                 RETURNING id",
                &[&caller.user_id, &key, &req.path, &hash, &ABANDONED_AFTER_SECS],
            )
            .await?)
    })?;
    let Some(row) = claimed else {
        let row = client
            .query_one(
                "SELECT request_hash, response_status, response_body FROM idempotency_key \
                 WHERE user_id = $1 AND idempotency_key = $2",
                &[&user_id, &key],
            )
            .await?;
        let (stored_hash, status, body): (Vec<u8>, Option<i16>, Option<String>) = (
            row.get("request_hash"),
            row.get("response_status"),
            row.get("response_body"),
        );
        if stored_hash != hash {
            return Err(ApiError::client(
                StatusCode::UNPROCESSABLE_ENTITY,
                ProblemCode::IdempotencyKeyReused,
                "This Idempotency-Key was used with a different request.",
            ));
        }
        return match (status, body) {
            (Some(status), Some(body)) => Response::builder()
                .status(status as u16)
                .header(header::CONTENT_TYPE, "application/json")
                .header(REPLAYED_HEADER, "true")
                .body(Body::from(body))
                .map_err(|e| ApiError::Internal(e.into())),
            _ => Err(ApiError::conflict(
                ProblemCode::IdempotencyInProgress,
                "A request with this Idempotency-Key is still running.",
            )),
        };
    };
    let id: i64 = row.get("id");
    // The operation takes its own connection: holding this one meanwhile would need two per
    // request, and concurrent requests holding one each while waiting for a second would
    // starve the pool (found by the race harness). Checkout is free with fast recycling.
    drop(client);
    let outcome = operation(actor.found_active(user_id)).await;
    let client = pool.get().await?;
    match outcome {
        Ok(response) => {
            let (parts, body) = response.into_parts();
            let text = body_text(&body);
            client
                .execute(
                    "UPDATE idempotency_key SET response_status = $2, response_body = $3 WHERE id = $1",
                    &[&id, &(parts.status.as_u16() as i16), &text],
                )
                .await?;
            let mut response = Response::from_parts(parts, Body::from(text));
            response
                .headers_mut()
                .insert(REPLAYED_HEADER, HeaderValue::from_static("false"));
            Ok(response)
        }
        Err(err) => {
            // A failed attempt stores nothing: the client may retry with the same key.
            client
                .execute("DELETE FROM idempotency_key WHERE id = $1", &[&id])
                .await?;
            Err(err)
        }
    }
}
