//! The request a handler sees: method, path parameters, query, headers, body, request id and
//! the caller's source IP, taken from the API Gateway v2 event (or built directly in tests).

use std::collections::HashMap;
use std::net::IpAddr;

use http::{HeaderMap, Method};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt};

use crate::error::{ApiError, FieldError};

/// Largest body accepted; API Gateway allows more, but nothing in this API needs it.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A parsed HTTP request.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    /// HTTP method.
    pub method: Method,
    /// Path without the query string.
    pub path: String,
    /// Parameters captured by the route template (`{event_id}` → value).
    pub path_params: HashMap<String, String>,
    /// Query parameters in order; a name may repeat.
    pub query: Vec<(String, String)>,
    /// Request headers.
    pub headers: HeaderMap,
    /// Raw body bytes.
    pub body: Vec<u8>,
    /// The Lambda / API Gateway request id (a fresh uuid when there is none).
    pub request_id: String,
    /// The caller's IP as API Gateway saw it.
    pub source_ip: Option<IpAddr>,
}

/// The path the routes match: lambda_http puts a named stage in front of the path
/// (`/prod/v1/interests`, whether or not API Gateway's `rawPath` had it); the routes know
/// `/v1/...` under any stage, `$default` included.
pub fn route_path<'a>(path: &'a str, stage: Option<&str>) -> &'a str {
    match stage {
        Some(stage) if stage != "$default" && !stage.is_empty() => path
            .strip_prefix('/')
            .and_then(|rest| rest.strip_prefix(stage))
            .filter(|rest| rest.is_empty() || rest.starts_with('/'))
            .map(|rest| if rest.is_empty() { "/" } else { rest })
            .unwrap_or(path),
        _ => path,
    }
}

/// The caller's address as API Gateway reports it: a plain IP, or one with a prefix length
/// (`192.168.0.1/32`, as the SAM CLI's events carry it).
fn parse_source_ip(raw: &str) -> Option<IpAddr> {
    raw.split('/').next()?.trim().parse().ok()
}

impl ApiRequest {
    /// Converts a lambda_http request.
    pub fn from_lambda(req: Request) -> Self {
        let context_request_id = req.lambda_context_ref().map(|c| c.request_id.clone());
        let (gateway_request_id, source_ip, stage) = match req.request_context_ref() {
            Some(RequestContext::ApiGatewayV2(ctx)) => (
                ctx.request_id.clone(),
                ctx.http.source_ip.as_deref().and_then(parse_source_ip),
                ctx.stage.clone(),
            ),
            _ => (None, None, None),
        };
        let mut query: Vec<(String, String)> = req
            .uri()
            .query()
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default();
        if query.is_empty() {
            let params = req.query_string_parameters_ref();
            if let Some(params) = params {
                for (name, _) in params.iter() {
                    for value in params.all(name).unwrap_or_default() {
                        query.push((name.to_owned(), value.to_owned()));
                    }
                }
            }
        }
        let request_id = context_request_id
            .or(gateway_request_id)
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let (parts, body) = req.into_parts();
        let body = match body {
            Body::Empty => Vec::new(),
            Body::Text(text) => text.into_bytes(),
            Body::Binary(bytes) => bytes,
            _ => Vec::new(),
        };
        Self {
            method: parts.method,
            path: route_path(parts.uri.path(), stage.as_deref()).to_owned(),
            path_params: HashMap::new(),
            query,
            headers: parts.headers,
            body,
            request_id,
            source_ip,
        }
    }

    /// A path parameter captured by the route (always present for a matched route).
    pub fn path_param(&self, name: &str) -> Result<&str, ApiError> {
        self.path_params
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("route has no parameter {name}")))
    }

    /// A path parameter that must be a UUID; anything else is a 404 (no such resource).
    pub fn path_uuid(&self, name: &str, what: &str) -> Result<uuid::Uuid, ApiError> {
        self.path_param(name)?
            .parse()
            .map_err(|_| ApiError::not_found(what))
    }

    /// The first value of a query parameter.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeatable query parameter.
    pub fn query_params(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// A header as text, if present and valid.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The token of an `Authorization: Bearer` header.
    pub fn bearer_token(&self) -> Option<&str> {
        let value = self.header("authorization")?;
        let (scheme, token) = value.split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim())
            .filter(|t| !t.is_empty())
    }

    /// The page size of a list request: `?limit=` 1..=100, default 20.
    pub fn page_limit(&self) -> Result<i64, ApiError> {
        match self.query_param("limit") {
            None => Ok(20),
            Some(raw) => match raw.parse::<i64>() {
                Ok(n) if (1..=100).contains(&n) => Ok(n),
                _ => Err(ApiError::validation(vec![FieldError::new(
                    "limit",
                    "must be a whole number from 1 to 100",
                )])),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_stage_is_taken_off_the_front_of_the_path_and_default_leaves_it() {
        assert_eq!(
            route_path("/prod/v1/interests", Some("prod")),
            "/v1/interests"
        );
        assert_eq!(route_path("/prod", Some("prod")), "/");
        assert_eq!(
            route_path("/v1/interests", Some("$default")),
            "/v1/interests"
        );
        assert_eq!(route_path("/v1/interests", None), "/v1/interests");
        assert_eq!(
            route_path("/production/v1", Some("prod")),
            "/production/v1",
            "only a whole segment is the stage"
        );
        // Through a custom domain mapped to the stage, the path comes without it.
        assert_eq!(route_path("/v1/interests", Some("prod")), "/v1/interests");
    }

    #[test]
    fn a_source_ip_may_carry_a_prefix_length() {
        assert_eq!(
            parse_source_ip("192.168.0.1/32"),
            "192.168.0.1".parse().ok()
        );
        assert_eq!(parse_source_ip("2001:db8::1"), "2001:db8::1".parse().ok());
        assert_eq!(parse_source_ip("nonsense"), None);
    }
}
