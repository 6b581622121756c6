//! The route table, `operations::OPERATIONS`, is the one place a route (function, method,
//! path) is written. Everything else follows from it:
//! - each function's `Router` binds operation ids to handlers (`Router::operation`), taking the
//!   method and path from here;
//! - the `cargo lambda watch` router in `Cargo.toml` and the `HttpApi` events of
//!   `template.yaml` are written by `make routes` (`with_routes`), and a test fails when the
//!   committed files differ from what it would write;
//! - the OpenAPI document and `docs/API.md` are built from the same entries.

use std::future::Future;
use std::sync::Arc;

use http::Method;

use super::operations::{OperationDoc, OPERATIONS};
use crate::platform::http::{ApiRequest, HandlerResult, Router};

/// The documented operation with this id; panics on an unknown id (a programming error the
/// route tests catch before anything ships).
pub fn operation(operation_id: &str) -> &'static OperationDoc {
    OPERATIONS
        .iter()
        .find(|op| op.operation_id == operation_id)
        .unwrap_or_else(|| panic!("no operation {operation_id} in shared::contract::operations"))
}

/// A router serving documented operations: each function's `router()` names an operation id
/// and its handler, and the method and path come from the route table.
pub trait Operations<S> {
    /// Serves the documented operation `operation_id` with `handler`. Panics on an unknown id
    /// (a programming error the route tests catch before anything ships).
    fn operation<F, Fut>(self, operation_id: &str, handler: F) -> Self
    where
        F: Fn(Arc<S>, ApiRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static;
}

impl<S: Send + Sync + 'static> Operations<S> for Router<S> {
    fn operation<F, Fut>(self, operation_id: &str, handler: F) -> Self
    where
        F: Fn(Arc<S>, ApiRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let op = operation(operation_id);
        let method = Method::from_bytes(op.method.as_bytes())
            .unwrap_or_else(|e| panic!("{operation_id}: {e}"));
        self.route(method, op.path, handler)
    }
}

/// The functions that serve HTTP, in the order of the route table.
pub fn api_functions() -> Vec<&'static str> {
    let mut functions: Vec<&str> = Vec::new();
    for op in OPERATIONS {
        if !functions.contains(&op.function) {
            functions.push(op.function);
        }
    }
    functions
}

/// The line that opens the watch router's table in `Cargo.toml`.
const WATCH_HEADER: &str = "[workspace.metadata.lambda.watch.router]";

/// The watch router's table: each path once, to the function that serves it.
fn watch_router() -> String {
    let mut table = format!("{WATCH_HEADER}\n");
    let mut seen: Vec<&str> = Vec::new();
    for op in OPERATIONS {
        if !seen.contains(&op.path) {
            seen.push(op.path);
            table.push_str(&format!("\"{}\" = \"{}\"\n", op.path, op.function));
        }
    }
    table
}

/// The template's logical id of a function's resource: `attendance` → `AttendanceFunction`.
pub fn function_resource(function: &str) -> String {
    let mut chars = function.chars();
    let first = chars.next().map(|c| c.to_ascii_uppercase());
    format!(
        "{}{}Function",
        first.into_iter().collect::<String>(),
        chars.as_str()
    )
}

/// The comment that opens each generated `Events:` block of `template.yaml`.
const TEMPLATE_NOTE: &str =
    "      # Written by `make routes` from shared/src/contract/operations.rs; edit the route table.";

/// The `Events:` block of one function's resource: an `HttpApi` event per operation, named
/// after its operation id.
fn template_events(function: &str) -> String {
    let mut block = format!("{TEMPLATE_NOTE}\n      Events:\n");
    for op in OPERATIONS.iter().filter(|op| op.function == function) {
        let mut name = op.operation_id.to_owned();
        name[..1].make_ascii_uppercase();
        block.push_str(&format!(
            "        {name}:\n          Type: HttpApi\n          Properties:\n            ApiId: !Ref HttpApi\n            Method: {}\n            Path: {}\n",
            op.method, op.path
        ));
    }
    block
}

/// `Cargo.toml` with the watch router's table as the route table says; the table must be the
/// manifest's last section.
pub fn cargo_toml_with_routes(manifest: &str) -> Result<String, String> {
    let start = manifest
        .find(WATCH_HEADER)
        .ok_or_else(|| format!("Cargo.toml has no {WATCH_HEADER}"))?;
    Ok(format!("{}{}", &manifest[..start], watch_router()))
}

/// `template.yaml` with each API function's `Events:` block as the route table says (the rest
/// of the file as it was). The block runs from `      Events:` to the next line indented
/// six spaces or less (or blank).
pub fn template_with_routes(template: &str) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut lines = template.lines().peekable();
    let mut function: Option<&str> = None;
    let functions = api_functions();
    let resources: Vec<(String, &str)> = functions
        .iter()
        .map(|f| (format!("  {}:", function_resource(f)), *f))
        .collect();
    let mut written = Vec::new();
    while let Some(line) = lines.next() {
        if line.starts_with("  ") && !line.starts_with("   ") {
            function = resources
                .iter()
                .find(|(header, _)| line == header)
                .map(|(_, f)| *f);
        }
        match function {
            Some(_) if line == TEMPLATE_NOTE => {}
            Some(f) if line == "      Events:" => {
                out.push_str(&template_events(f));
                while lines.peek().is_some_and(|next| next.starts_with("       ")) {
                    lines.next();
                }
                written.push(f);
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    match functions.iter().find(|f| !written.contains(f)) {
        Some(missing) => Err(format!(
            "template.yaml has no Events: block under {}",
            function_resource(missing)
        )),
        None => Ok(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_id_is_found_and_names_one_route() {
        for op in OPERATIONS {
            assert_eq!(operation(op.operation_id).path, op.path);
            let same = OPERATIONS
                .iter()
                .filter(|other| other.method == op.method && other.path == op.path)
                .count();
            assert_eq!(same, 1, "{} {} is listed twice", op.method, op.path);
        }
    }

    #[test]
    fn a_functions_events_block_is_replaced_and_the_rest_kept() {
        let template = "Resources:\n  NotificationsFunction:\n    Properties:\n      Events:\n        Old:\n          Type: HttpApi\n\n  Other:\n    Type: X\n";
        let err = template_with_routes(template).unwrap_err();
        assert!(err.contains("AuthFunction"), "{err}");
        let mut full = String::from("Resources:\n");
        for function in api_functions() {
            full.push_str(&format!(
                "  {}:\n    Properties:\n      Events:\n        Old:\n          Type: HttpApi\n      Timeout: 3\n",
                function_resource(function)
            ));
        }
        let written = template_with_routes(&full).unwrap();
        assert!(!written.contains("Old:"));
        assert!(written.contains(
            "        MarkAllNotificationsRead:\n          Type: HttpApi\n          Properties:\n            ApiId: !Ref HttpApi\n            Method: POST\n            Path: /v1/me/notifications/read-all\n"
        ));
        assert_eq!(
            written.matches("      Timeout: 3\n").count(),
            api_functions().len()
        );
        assert_eq!(template_with_routes(&written).unwrap(), written);
    }
}
