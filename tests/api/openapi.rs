//! The OpenAPI document: generated from the code, committed as `openapi.json`, served at
//! `GET /v1/openapi.json`, and naming exactly the routes the functions serve.

use std::collections::BTreeSet;

use http::{Method, StatusCode};
use shared::contract::operations::OPERATIONS;

use crate::helpers::{routers, spawn_app};

#[test]
fn the_committed_openapi_json_is_what_the_code_generates() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.json"))
            .expect("openapi.json exists (make openapi writes it)");
    assert!(
        committed == shared::contract::document_text(),
        "openapi.json is stale: run `make openapi` and commit it"
    );
}

#[test]
fn the_committed_api_guide_is_what_the_code_generates() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/API.md"))
        .expect("docs/API.md exists (make openapi writes it)");
    assert!(
        committed == shared::contract::guide_text(),
        "docs/API.md is stale: run `make openapi` and commit it"
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
    assert_eq!(response.body, shared::contract::document());
    assert!(response.body["openapi"]
        .as_str()
        .unwrap()
        .starts_with("3.1"));
}

/// The variant names of the problem codes the production code constructs (`ProblemCode::X`
/// outside the enum's own file and the contract's route table).
fn codes_used_in_source() -> std::collections::BTreeSet<String> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut dirs = vec![
        std::path::PathBuf::from(format!("{root}/platform/src")),
        std::path::PathBuf::from(format!("{root}/shared/src")),
    ];
    for entry in std::fs::read_dir(format!("{root}/functions")).unwrap() {
        dirs.push(entry.unwrap().path().join("src"));
    }
    let used = regex::Regex::new(r"ProblemCode::([A-Z][A-Za-z]*)").unwrap();
    let mut names = std::collections::BTreeSet::new();
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let text = path.to_string_lossy();
            if path.is_dir() {
                // The contract documents codes; it sends none.
                if !text.ends_with("contract") {
                    dirs.push(path);
                }
            } else if text.ends_with(".rs") && !text.ends_with("error/problem_codes.rs") {
                let source = std::fs::read_to_string(&path).unwrap();
                // Production code only: a file's unit tests may build problems of their own.
                let source = source.split("#[cfg(test)]").next().unwrap();
                names.extend(used.captures_iter(source).map(|c| c[1].to_owned()));
            }
        }
    }
    names
}

#[test]
fn every_problem_code_is_both_sent_by_the_code_and_documented_on_an_operation() {
    use shared::platform::error::ProblemCode;
    let used = codes_used_in_source();
    let documented: std::collections::BTreeSet<ProblemCode> =
        shared::contract::operations::OPERATIONS
            .iter()
            .flat_map(|op| {
                shared::contract::problem_statuses(op)
                    .into_values()
                    .flatten()
            })
            .collect();
    // A method no operation has: the router answers 405 before any operation is chosen, so
    // there is no operation to document it on.
    let outside_operations = [ProblemCode::MethodNotAllowed];
    let mut wrong = Vec::new();
    for code in ProblemCode::ALL {
        let sent = used.contains(&format!("{code:?}"));
        let listed = documented.contains(code) || outside_operations.contains(code);
        if sent != listed {
            wrong.push(format!(
                "{code}: {}",
                if sent {
                    "sent, documented nowhere"
                } else {
                    "documented, never sent"
                }
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
