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
    /// What the table calls it (the binary's name unless set).
    pub label: Option<&'static str>,
    /// Variables set over the shared environment for this subject alone.
    pub env: Vec<(String, String)>,
    /// The subject it is judged against (its label), when not the first one.
    pub floor: Option<&'static str>,
}

impl Subject {
    fn plain(binary: &'static str, event: Value) -> Self {
        Self {
            binary,
            event,
            label: None,
            env: Vec::new(),
            floor: None,
        }
    }
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
        Subject::plain("hello-lambda", json!({"hello": "world"})),
        Subject::plain("auth", http_event("GET", "/v1/openapi.json")),
        Subject::plain("profile", http_event("GET", "/v1/interests")),
        Subject::plain("events", http_event("GET", "/v1/events")),
        Subject::plain("attendance", http_event("GET", "/v1/me/tickets")),
        Subject::plain("payments", http_event("GET", "/v1/me/orders")),
        Subject::plain("notifications", http_event("GET", "/v1/me/notifications")),
        Subject::plain("reservation-expiry", sqs.clone()),
        Subject::plain("notification-worker", sqs),
    ]
}

/// Where the AWS-shaped start gets its configuration and database: a Secrets Manager secret
/// (moto on loopback) and a Postgres URL whose host name the server's certificate names.
pub struct AwsShape {
    /// The secret's ARN (`APP_SECRET_ARN`).
    pub secret_arn: String,
    /// The functions' URL over TLS (`hostaddr` reaches loopback; the host is verified).
    pub tls_database_url: String,
    /// The certificate (or CA) the server's certificate chains to.
    pub ca_bundle: String,
}

/// The label of the floor that reads its secret at init.
const SECRET_FLOOR: &str = "hello-secret (floor + GetSecretValue)";

/// The floor, a second floor that reads the same secret at init (what any function keeping its
/// keys in Secrets Manager pays), `profile` configured as in the other table (environment, no
/// TLS), and `profile` configured as in AWS: its ticket key read from Secrets Manager at init,
/// and its first request opening a Postgres connection that requires TLS with the
/// certificate verified.
pub fn aws_shaped_subjects(shape: &AwsShape) -> Vec<Subject> {
    let aws = vec![
        ("APP_SECRET_ARN".to_owned(), shape.secret_arn.clone()),
        ("DATABASE_URL".to_owned(), shape.tls_database_url.clone()),
        ("DATABASE_TLS".to_owned(), "verify-full".to_owned()),
        ("DATABASE_CA_BUNDLE".to_owned(), shape.ca_bundle.clone()),
    ];
    vec![
        Subject::plain("hello-lambda", json!({"hello": "world"})),
        Subject {
            label: Some(SECRET_FLOOR),
            env: aws[..1].to_vec(),
            ..Subject::plain("hello-secret", json!({"hello": "world"}))
        },
        Subject {
            label: Some("profile (environment, no TLS)"),
            ..Subject::plain("profile", http_event("GET", "/v1/interests"))
        },
        Subject {
            label: Some("profile (Secrets Manager + TLS)"),
            env: aws,
            floor: Some(SECRET_FLOOR),
            ..Subject::plain("profile", http_event("GET", "/v1/interests"))
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
    /// Page faults taken by the end of init.
    pub faults: Summary,
    /// The first run's answer, cut short (to show it reached the handler).
    pub sample_answer: String,
    /// The label of the subject it is judged against (`None`: the first).
    pub floor: Option<&'static str>,
}

/// What one start of a binary showed.
struct Run {
    init_ms: f64,
    first_response_ms: f64,
    rss_mib: Option<f64>,
    faults: Option<f64>,
    answer: String,
}

/// Starts `subject` once from `bin_dir` with `env` and times it.
async fn run_once(
    bin_dir: &Path,
    subject: &Subject,
    env: &[(String, String)],
) -> anyhow::Result<Run> {
    let api = RuntimeApi::start(subject.event.clone()).await?;
    let env: Vec<(String, String)> = env.iter().chain(&subject.env).cloned().collect();
    let (mut child, started) = api.launch(bin_dir, subject.binary, &env)?;
    let observed = api.finish(Duration::from_secs(15)).await;
    let _ = child.kill().await;
    let (Some(next_at), Some(response_at)) = (observed.next_at, observed.response_at) else {
        anyhow::bail!("{} gave no answer within 15 s", subject.binary);
    };
    Ok(Run {
        init_ms: ms(next_at - started),
        first_response_ms: ms(response_at - started),
        rss_mib: observed.rss_after_init_kib.map(|kib| kib as f64 / 1024.0),
        faults: observed.faults_at_init.map(|n| n as f64),
        answer: observed.response_body.chars().take(80).collect(),
    })
}

/// After a run, before the next start: what the last one left behind (its exit, the Postgres
/// backend of a connection it opened) is done by then. Without it the binary started after
/// `profile` paid for that: the floor itself, started in `events`' place, measured 1.09×.
const SETTLE: Duration = Duration::from_millis(50);

/// The order of `count` subjects in `round`: each round a different shuffle (the same one in
/// every set and every run of the harness), so no binary always follows the same neighbour.
fn round_order(count: usize, round: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..count).collect();
    fastrand::Rng::with_seed(round as u64).shuffle(&mut order);
    order
}

/// Starts every subject `runs` times from `bin_dir` with `env` and summarises each. The runs
/// go round-robin (every binary once, in a shuffled order, then again), so a machine that
/// slows down or speeds up during the measurement moves the floor and the functions alike.
pub async fn measure_all(
    bin_dir: &Path,
    subjects: &[Subject],
    env: &[(String, String)],
    runs: usize,
) -> anyhow::Result<Vec<ColdStart>> {
    let mut observed: Vec<Vec<Run>> = subjects.iter().map(|_| Vec::new()).collect();
    for round in 0..runs {
        for index in round_order(subjects.len(), round) {
            tokio::time::sleep(SETTLE).await;
            let run = run_once(bin_dir, &subjects[index], env)
                .await
                .with_context(|| format!("run {round}"))?;
            observed[index].push(run);
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
                binary: subject.label.unwrap_or(subject.binary),
                init_ms: of(|r| Some(r.init_ms)),
                first_response_ms: of(|r| Some(r.first_response_ms)),
                rss_mib: of(|r| r.rss_mib),
                faults: of(|r| r.faults),
                sample_answer: runs.first().map(|r| r.answer.clone()).unwrap_or_default(),
                floor: subject.floor,
            }
        })
        .collect())
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// The cold-start table of several sets measured one after another: per binary, the median
/// over the sets of each figure, each set's ratio to the floor, and the verdict on the median
/// ratio (one noisy set neither passes nor fails a binary alone).
pub fn table(
    title: &str,
    sets: &[Vec<ColdStart>],
    runs: usize,
    bin_dir: &Path,
    goal: f64,
) -> anyhow::Result<String> {
    use std::fmt::Write as _;
    let Some(first) = sets.first() else {
        anyhow::bail!("no cold-start set was measured");
    };
    let middle = |values: &[f64]| Summary::of(values).median;
    let mut table = String::new();
    writeln!(
        table,
        "### {title} ({} sets of {runs} runs each, round-robin in shuffled order, binaries from `{}`, local Runtime API)\n",
        sets.len(),
        bin_dir.display()
    )?;
    writeln!(table, "| binary | init median ms | init p90 ms | × floor, each set | × floor (median) | first response median ms | p90 ms | RSS after init MiB | page faults at init | goal (init ≤ {goal}× floor) |")?;
    writeln!(table, "|---|---|---|---|---|---|---|---|---|---|")?;
    let floors: Vec<&str> = first.iter().filter_map(|r| r.floor).collect();
    for (index, binary) in first.iter().map(|r| r.binary).enumerate() {
        // Judged against its own floor when it names one (the floor that reads a secret).
        let floor = first[index]
            .floor
            .and_then(|label| first.iter().position(|r| r.binary == label))
            .unwrap_or(0);
        let of = |figure: fn(&ColdStart) -> f64| -> Vec<f64> {
            sets.iter().map(|set| figure(&set[index])).collect()
        };
        let ratios: Vec<f64> = sets
            .iter()
            .map(|set| set[index].init_ms.median / set[floor].init_ms.median)
            .collect();
        let ratio = middle(&ratios);
        let versus = if floor == 0 {
            String::new()
        } else {
            format!(" (× {})", first[floor].binary)
        };
        let verdict = if index == 0 || floors.contains(&binary) {
            "floor".to_owned()
        } else if ratio <= goal {
            format!("met{versus}")
        } else {
            format!("**missed** ({ratio:.2}×{versus})")
        };
        let each: Vec<String> = ratios.iter().map(|r| format!("{r:.2}")).collect();
        writeln!(
            table,
            "| {binary} | {:.2} | {:.2} | {} | {ratio:.2} | {:.2} | {:.2} | {:.1} | {:.0} | {verdict} |",
            middle(&of(|r| r.init_ms.median)),
            middle(&of(|r| r.init_ms.p90)),
            each.join(", "),
            middle(&of(|r| r.first_response_ms.median)),
            middle(&of(|r| r.first_response_ms.p90)),
            middle(&of(|r| r.rss_mib.median)),
            middle(&of(|r| r.faults.median)),
        )?;
    }
    writeln!(table, "\nFirst answers (proof the handler ran):\n")?;
    for r in first {
        writeln!(
            table,
            "- {}: `{}`",
            r.binary,
            r.sample_answer.replace('`', "'")
        )?;
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start(binary: &'static str, init_ms: f64) -> ColdStart {
        let summary = Summary::of(&[init_ms]);
        ColdStart {
            binary,
            init_ms: summary,
            first_response_ms: summary,
            rss_mib: summary,
            faults: Summary::of(&[150.0]),
            sample_answer: "{}".into(),
            floor: None,
        }
    }

    #[test]
    fn the_verdict_goes_by_the_median_set_and_every_set_is_shown() {
        let sets = vec![
            vec![
                start("floor", 2.0),
                start("steady", 2.4),
                start("slow", 3.0),
            ],
            vec![
                start("floor", 2.0),
                start("steady", 2.8),
                start("slow", 2.8),
            ],
            vec![
                start("floor", 2.0),
                start("steady", 2.4),
                start("slow", 2.9),
            ],
        ];
        let table = table("Cold start", &sets, 20, Path::new("target/release"), 1.3).unwrap();
        assert!(table.contains("| steady | 2.40 | 2.40 | 1.20, 1.40, 1.20 | 1.20 |"));
        assert!(table.contains("| met |"));
        assert!(table.contains("| slow | 2.90 | 2.90 | 1.50, 1.40, 1.45 | 1.45 |"));
        assert!(table.contains("**missed** (1.45×)"));
        assert!(table.contains("3 sets of 20 runs"));
        assert!(
            table.contains("| 150 | met |"),
            "page faults shown: {table}"
        );
    }

    #[test]
    fn a_subject_naming_its_floor_is_judged_against_it() {
        let with_floor = |binary, init_ms, floor| ColdStart {
            floor,
            ..start(binary, init_ms)
        };
        let sets = vec![vec![
            start("floor", 2.0),
            start("secret-floor", 10.0),
            with_floor("configured", 12.0, Some("secret-floor")),
        ]];
        let table = table("Cold start", &sets, 20, Path::new("target/release"), 1.3).unwrap();
        assert!(
            table.contains("| secret-floor | 10.00 | 10.00 | 5.00 | 5.00 |")
                && table.contains("| floor |\n"),
            "{table}"
        );
        assert!(
            table.contains("| configured | 12.00 | 12.00 | 1.20 | 1.20 |")
                && table.contains("| met (× secret-floor) |"),
            "{table}"
        );
    }

    #[test]
    fn every_round_starts_each_subject_once_in_a_different_order() {
        let orders: Vec<Vec<usize>> = (0..20).map(|round| round_order(9, round)).collect();
        for order in &orders {
            let mut sorted = order.clone();
            sorted.sort();
            assert_eq!(sorted, (0..9).collect::<Vec<_>>());
        }
        // who follows subject 3 (events' place) varies from round to round
        let followers: std::collections::HashSet<Option<usize>> = orders
            .iter()
            .map(|order| {
                order
                    .iter()
                    .position(|&i| i == 3)
                    .and_then(|at| order.get(at + 1).copied())
            })
            .collect();
        assert!(followers.len() > 3, "{followers:?}");
        assert_eq!(
            round_order(9, 7),
            round_order(9, 7),
            "the same in every run"
        );
    }
}
