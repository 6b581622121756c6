//! What each operation really sends is what it documents: every response the tests get goes
//! through `record`, and a problem whose code the operation does not document
//! (`shared::openapi::problem_statuses`) fails the test that got it, whichever test that is.
//! With `PROBLEM_CODES_LOG` set, each problem is also appended (`operation_id code`) to that
//! file, to see which documented codes no test sends yet.

use std::io::Write;
use std::sync::OnceLock;

use http::Method;
use shared::openapi::operations::{OperationDoc, OPERATIONS};

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

/// Checks a problem response against its operation's documented codes (and logs it).
pub fn record(method: &Method, path: &str, response: &TestResponse) {
    let (Some(code), Some(op)) = (response.body["code"].as_str(), operation_of(method, path))
    else {
        return;
    };
    if response.status.as_u16() < 400 {
        return;
    }
    let documented = shared::openapi::problem_statuses(op);
    let status = response.status.as_u16();
    assert!(
        documented
            .get(&status)
            .is_some_and(|codes| codes.iter().any(|c| c.as_str() == code)),
        "{} answered {status} {code}, which its documentation does not list (shared/src/openapi/operations.rs)",
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
