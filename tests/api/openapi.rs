//! The OpenAPI document: generated from the code, committed as `openapi.json`, served at
//! `GET /v1/openapi.json`, and naming exactly the routes the functions serve.

use std::collections::BTreeSet;

use http::{Method, StatusCode};
use shared::openapi::operations::OPERATIONS;

use crate::helpers::{routers, spawn_app};

#[test]
fn the_committed_openapi_json_is_what_the_code_generates() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.json"))
            .expect("openapi.json exists (make openapi writes it)");
    assert!(
        committed == shared::openapi::document_text(),
        "openapi.json is stale: run `make openapi` and commit it"
    );
}

#[test]
fn every_routed_operation_is_documented_on_its_function_and_nothing_else() {
    let routed: BTreeSet<(String, String, String)> = routers()
        .iter()
        .flat_map(|(function, router)| {
            router.routes().into_iter().map(move |(method, path)| {
                (function.to_string(), method.to_string(), path.to_owned())
            })
        })
        .collect();
    let documented: BTreeSet<(String, String, String)> = OPERATIONS
        .iter()
        .map(|op| {
            (
                op.function.to_owned(),
                op.method.to_owned(),
                op.path.to_owned(),
            )
        })
        .collect();
    assert_eq!(
        documented.len(),
        OPERATIONS.len(),
        "an operation is listed twice"
    );
    assert_eq!(documented, routed);
}

#[tokio::test]
async fn the_document_is_served_to_anyone() {
    let app = spawn_app().await;
    let response = app.request(Method::GET, "/v1/openapi.json").send().await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.body, shared::openapi::document());
    assert!(response.body["openapi"]
        .as_str()
        .unwrap()
        .starts_with("3.1"));
}
