//! `GET /v1/interests`: the active interest catalogue, for anyone.

use std::sync::Arc;

use http::StatusCode;
use shared::interests::{repo, InterestList};
use shared::platform::db::connection;
use shared::platform::http::{json_response, ApiRequest, HandlerResult};
use shared::AppState;

/// Lists the catalogue; it is small and fixed, so it is not paged.
pub async fn list(state: Arc<AppState>, _req: ApiRequest) -> HandlerResult {
    let client = connection(&state.pool).await?;
    let items = repo::list_active(&client).await?;
    json_response(StatusCode::OK, &InterestList { items })
}
