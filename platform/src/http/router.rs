//! The route dispatcher: (method, path template) → handler, with 404 and 405 (with `Allow`)
//! answered as problems. Each function builds one `Router` at init.

use crate::error::ProblemCode;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use http::Method;
use lambda_http::{Body, Request, Response};
use tracing::Instrument;

use super::request::ApiRequest;
use crate::error::{ApiError, FieldError};

/// What a handler returns.
pub type HandlerResult = Result<Response<Body>, ApiError>;

type HandlerFuture = Pin<Box<dyn Future<Output = HandlerResult> + Send>>;
type BoxedHandler<S> = Box<dyn Fn(Arc<S>, ApiRequest) -> HandlerFuture + Send + Sync>;

/// A route table for one function; `S` is the function's state built at init.
pub struct Router<S> {
    paths: Vec<&'static str>,
    handlers: Vec<Vec<(Method, BoxedHandler<S>)>>,
    matcher: matchit::Router<usize>,
}

impl<S: Send + Sync + 'static> Default for Router<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: Send + Sync + 'static> Router<S> {
    /// An empty table.
    pub fn new() -> Self {
        Self {
            paths: Vec::new(),
            handlers: Vec::new(),
            matcher: matchit::Router::new(),
        }
    }

    /// Adds a route; panics on a malformed or conflicting template.
    pub fn route<F, Fut>(mut self, method: Method, path: &'static str, handler: F) -> Self
    where
        F: Fn(Arc<S>, ApiRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let index = match self.paths.iter().position(|p| *p == path) {
            Some(index) => index,
            None => {
                let index = self.paths.len();
                self.matcher
                    .insert(path, index)
                    .unwrap_or_else(|e| panic!("route {path}: {e}"));
                self.paths.push(path);
                self.handlers.push(Vec::new());
                index
            }
        };
        assert!(
            !self.handlers[index].iter().any(|(m, _)| *m == method),
            "route {method} {path} registered twice"
        );
        let boxed: BoxedHandler<S> = Box::new(move |state, req| Box::pin(handler(state, req)));
        self.handlers[index].push((method, boxed));
        self
    }

    /// Every (method, path template) this table serves.
    pub fn routes(&self) -> Vec<(Method, &'static str)> {
        self.paths
            .iter()
            .zip(&self.handlers)
            .flat_map(|(path, handlers)| handlers.iter().map(|(m, _)| (m.clone(), *path)))
            .collect()
    }

    /// Runs the matching handler and renders any error as problem+json.
    pub async fn dispatch(&self, state: Arc<S>, req: ApiRequest) -> Response<Body> {
        // Every line logged while handling carries the request id, the route and, once the
        // caller is authenticated, the user id (recorded by `auth::authenticate`).
        let span = tracing::info_span!(
            "request",
            request_id = %req.request_id,
            route = tracing::field::Empty,
            user_id = tracing::field::Empty
        );
        self.dispatch_in_span(state, req).instrument(span).await
    }

    async fn dispatch_in_span(&self, state: Arc<S>, mut req: ApiRequest) -> Response<Body> {
        let request_id = req.request_id.clone();
        let started = Instant::now();
        let result = match self.matcher.at(&req.path) {
            Err(_) => Err(ApiError::client(
                http::StatusCode::NOT_FOUND,
                ProblemCode::RouteNotFound,
                "No route matches this path.",
            )),
            Ok(matched) => {
                let index = *matched.value;
                tracing::Span::current().record("route", self.paths[index]);
                req.path_params = matched
                    .params
                    .iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect::<HashMap<_, _>>();
                let handlers = &self.handlers[index];
                let with_nul: Vec<FieldError> = req
                    .path_params
                    .iter()
                    .chain(req.query.iter().map(|(k, v)| (k, v)))
                    .filter(|(k, v)| k.contains('\0') || v.contains('\0'))
                    .map(|(k, _)| {
                        FieldError::new(k.replace('\0', ""), "must not contain NUL characters")
                    })
                    .collect();
                let repeated = repeated_query_params(&req.query);
                match handlers.iter().find(|(m, _)| *m == req.method) {
                    // Postgres text cannot hold NUL: refuse it before any handler runs.
                    Some(_) if !with_nul.is_empty() => Err(ApiError::malformed(with_nul)),
                    Some(_) if !repeated.is_empty() => Err(ApiError::validation(repeated)),
                    Some((_, handler)) => handler(state, req).await,
                    None => {
                        let mut err = ApiError::client(
                            http::StatusCode::METHOD_NOT_ALLOWED,
                            ProblemCode::MethodNotAllowed,
                            "This path does not support this method.",
                        );
                        if let ApiError::Client(p) = &mut err {
                            p.allow = handlers.iter().map(|(m, _)| m.clone()).collect();
                        }
                        Err(err)
                    }
                }
            }
        };
        let response = result.unwrap_or_else(|err| err.into_response(&request_id));
        tracing::info!(
            status = response.status().as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "handled"
        );
        response
    }

    /// Entry point for `lambda_http::run`: converts the event and dispatches it.
    pub async fn handle(&self, state: Arc<S>, req: Request) -> Response<Body> {
        self.dispatch(state, ApiRequest::from_lambda(req)).await
    }
}

/// Query parameters that may be given more than once (`?interest=a&interest=b`).
pub const REPEATABLE_QUERY_PARAMS: &[&str] = &["interest"];

/// Every other parameter given twice: the handler would read only the first, so say so.
fn repeated_query_params(query: &[(String, String)]) -> Vec<FieldError> {
    let mut seen = std::collections::BTreeSet::new();
    let mut repeated = std::collections::BTreeSet::new();
    for (name, _) in query {
        if !REPEATABLE_QUERY_PARAMS.contains(&name.as_str()) && !seen.insert(name.as_str()) {
            repeated.insert(name.as_str());
        }
    }
    repeated
        .into_iter()
        .map(|name| FieldError::new(name, "is given more than once"))
        .collect()
}
