//! Cold start of each function's release binary: exec → first `GET /next` (init) and → first
//! response, with RSS after init, side by side with the hello-world floor.

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use serde_json::{json, Value};

use crate::runtime_api::RuntimeApi;
use crate::stats::Summary;

/// A binary and the first event it is given.
pub struct Subject {
    /// The binary's name under the release directory.
    pub binary: &'static str,
    /// Its first event.
    pub event: Value,
}

/// An API Gateway HTTP API (payload 2.0) event for `method path`.
pub fn http_event(method: &str, path: &str) -> Value {
    json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"accept": "application/json", "user-agent": "bench"},
        "requestContext": {
            "accountId": "000000000000", "apiId": "bench", "domainName": "bench.local",
            "domainPrefix": "bench", "requestId": "bench-request-1", "routeKey": "$default",
            "stage": "$default", "time": "01/Dec/2026:00:00:00 +0000", "timeEpoch": 1796083200000_i64,
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                     "sourceIp": "127.0.0.1", "userAgent": "bench"}
        },
        "isBase64Encoded": false
    })
}

/// The subjects: the floor first, then every function with a cheap first request (for the
/// HTTP functions one that reaches the handler; for the workers an empty SQS batch).
pub fn subjects() -> Vec<Subject> {
    let sqs = json!({"Records": []});
    vec![
        Subject {
            binary: "hello-lambda",
            event: json!({"hello": "world"}),
        },
        Subject {
            binary: "auth",
            event: http_event("GET", "/v1/openapi.json"),
        },
        Subject {
            binary: "profile",
            event: http_event("GET", "/v1/interests"),
        },
        Subject {
            binary: "events",
            event: http_event("GET", "/v1/events"),
        },
        Subject {
            binary: "attendance",
            event: http_event("GET", "/v1/me/tickets"),
        },
        Subject {
            binary: "payments",
            event: http_event("GET", "/v1/me/orders"),
        },
        Subject {
            binary: "notifications",
            event: http_event("GET", "/v1/me/notifications"),
        },
        Subject {
            binary: "reservation-expiry",
            event: sqs.clone(),
        },
        Subject {
            binary: "notification-worker",
            event: sqs,
        },
    ]
}

/// One binary's figures over every run.
pub struct ColdStart {
    /// The binary.
    pub binary: &'static str,
    /// exec → first `GET /next`, in milliseconds.
    pub init_ms: Summary,
    /// exec → first response, in milliseconds.
    pub first_response_ms: Summary,
    /// RSS after init, in MiB.
    pub rss_mib: Summary,
    /// The first run's answer, cut short (to show it reached the handler).
    pub sample_answer: String,
}

/// What one start of a binary showed.
struct Run {
    init_ms: f64,
    first_response_ms: f64,
    rss_mib: Option<f64>,
    answer: String,
}

/// Starts `subject` once from `bin_dir` with `env` and times it.
async fn run_once(
    bin_dir: &Path,
    subject: &Subject,
    env: &[(String, String)],
) -> anyhow::Result<Run> {
    let api = RuntimeApi::start(subject.event.clone()).await?;
    let (mut child, started) = api.launch(bin_dir, subject.binary, env)?;
    let observed = api.finish(Duration::from_secs(15)).await;
    let _ = child.kill().await;
    let (Some(next_at), Some(response_at)) = (observed.next_at, observed.response_at) else {
        anyhow::bail!("{} gave no answer within 15 s", subject.binary);
    };
    Ok(Run {
        init_ms: ms(next_at - started),
        first_response_ms: ms(response_at - started),
        rss_mib: observed.rss_after_init_kib.map(|kib| kib as f64 / 1024.0),
        answer: observed.response_body.chars().take(80).collect(),
    })
}

/// Starts every subject `runs` times from `bin_dir` with `env` and summarises each. The runs
/// go round-robin (every binary once, then again), so a machine that slows down or speeds up
/// during the measurement moves the floor and the functions alike.
pub async fn measure_all(
    bin_dir: &Path,
    subjects: &[Subject],
    env: &[(String, String)],
    runs: usize,
) -> anyhow::Result<Vec<ColdStart>> {
    let mut observed: Vec<Vec<Run>> = subjects.iter().map(|_| Vec::new()).collect();
    for round in 0..runs {
        for (subject, runs_so_far) in subjects.iter().zip(&mut observed) {
            let run = run_once(bin_dir, subject, env)
                .await
                .with_context(|| format!("run {round}"))?;
            runs_so_far.push(run);
        }
    }
    Ok(subjects
        .iter()
        .zip(observed)
        .map(|(subject, runs)| {
            let of = |figure: fn(&Run) -> Option<f64>| {
                Summary::of(&runs.iter().filter_map(figure).collect::<Vec<_>>())
            };
            ColdStart {
                binary: subject.binary,
                init_ms: of(|r| Some(r.init_ms)),
                first_response_ms: of(|r| Some(r.first_response_ms)),
                rss_mib: of(|r| r.rss_mib),
                sample_answer: runs.first().map(|r| r.answer.clone()).unwrap_or_default(),
            }
        })
        .collect())
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
