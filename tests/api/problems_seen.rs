//! What each operation really sends is what it documents: every response the tests get goes
//! through `record`, and a problem whose code the operation does not document
//! (`shared::contract::problem_statuses`) fails the test that got it, whichever test that is;
//! so does a JSON answer that its documented response schema does not accept (most answers
//! are built as JSON inside Postgres, so this is what keeps the SQL and the Rust type that
//! describes it in step, in every state the tests reach).
//! With `PROBLEM_CODES_LOG` set, each problem is also appended (`operation_id code`) to that
//! file, to see which documented codes no test sends yet.

use std::io::Write;
use std::sync::OnceLock;

use http::Method;
use shared::contract::operations::{OperationDoc, Success, OPERATIONS};

use crate::helpers::TestResponse;

/// The operation serving `method` `path`, by the route table's templates.
fn operation_of(method: &Method, path: &str) -> Option<&'static OperationDoc> {
    type Templates = Vec<(Method, matchit::Router<&'static OperationDoc>)>;
    static TEMPLATES: OnceLock<Templates> = OnceLock::new();
    let templates = TEMPLATES.get_or_init(|| {
        let mut by_method: Templates = Vec::new();
        for op in OPERATIONS {
            let method = Method::from_bytes(op.method.as_bytes()).unwrap();
            let index = match by_method.iter().position(|(m, _)| *m == method) {
                Some(index) => index,
                None => {
                    by_method.push((method, matchit::Router::new()));
                    by_method.len() - 1
                }
            };
            by_method[index].1.insert(op.path, op).unwrap();
        }
        by_method
    });
    let (_, router) = templates.iter().find(|(m, _)| m == method)?;
    router.at(path).ok().map(|found| *found.value)
}

/// The validator of the documented schema `name` (resolving its references in the document).
fn schema_validator(name: &str) -> &'static jsonschema::Validator {
    type Validators =
        std::sync::Mutex<std::collections::HashMap<String, &'static jsonschema::Validator>>;
    static VALIDATORS: OnceLock<Validators> = OnceLock::new();
    static DOCUMENT: OnceLock<serde_json::Value> = OnceLock::new();
    let document = DOCUMENT.get_or_init(shared::contract::document);
    let mut validators = VALIDATORS.get_or_init(Default::default).lock().unwrap();
    validators.entry(name.to_owned()).or_insert_with(|| {
        let schema = serde_json::json!({
            "$ref": format!("#/components/schemas/{name}"),
            "components": document["components"],
        });
        Box::leak(Box::new(
            jsonschema::validator_for(&schema).expect("the document's schemas compile"),
        ))
    })
}

/// Checks a JSON answer against the operation's documented success schema.
fn check_answer(op: &OperationDoc, response: &TestResponse) {
    let schema = match op.success {
        Success::Json(status, schema) if status == response.status.as_u16() => schema,
        Success::JsonOrCsv(schema) if response.status.is_success() => schema,
        _ => return,
    };
    let is_json = response
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/json"));
    if !is_json {
        return;
    }
    let errors: Vec<String> = schema_validator(schema)
        .iter_errors(&response.body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{} answered JSON that its schema {schema} does not accept: {errors:?}\n{}",
        op.operation_id,
        response.text
    );
}

/// Checks a response against its operation's documentation: a success against its schema, a
/// problem against its documented codes (and logs it).
pub fn record(method: &Method, path: &str, response: &TestResponse) {
    let Some(op) = operation_of(method, path) else {
        return;
    };
    if response.status.as_u16() < 400 {
        check_answer(op, response);
        return;
    }
    let Some(code) = response.body["code"].as_str() else {
        return;
    };
    let documented = shared::contract::problem_statuses(op);
    let status = response.status.as_u16();
    assert!(
        documented
            .get(&status)
            .is_some_and(|codes| codes.iter().any(|c| c.as_str() == code)),
        "{} answered {status} {code}, which its documentation does not list (shared/src/contract/operations.rs)",
        op.operation_id
    );
    if let Ok(log) = std::env::var("PROBLEM_CODES_LOG") {
        let line = format!("{} {code}\n", op.operation_id);
        // One short append per line: lines from parallel tests never interleave.
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
        {
            let _ = file.write_all(line.as_bytes());
        }
    }
}
