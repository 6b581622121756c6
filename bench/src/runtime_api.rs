//! A Lambda Runtime API on loopback that serves a list of events in order: the first
//! `GET …/invocation/next` marks the end of init, the answer to the last event ends the run
//! (with the process's peak RSS read then); later `next` calls wait forever, as they would in an
//! idle sandbox.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::process::Child;
use tokio::sync::Notify;

const REQUEST_ID: &str = "bench-invocation";

/// What one run observed.
#[derive(Debug, Default, Clone)]
pub struct Observed {
    /// When the function first asked for an event (its init is over).
    pub next_at: Option<Instant>,
    /// Resident memory of the process at that moment, in KiB.
    pub rss_after_init_kib: Option<u64>,
    /// Page faults the process had taken by then (minor and major).
    pub faults_at_init: Option<u64>,
    /// When the answer to the event arrived.
    pub response_at: Option<Instant>,
    /// The answer to the first event (or the error the function reported).
    pub response_body: String,
    /// Events answered.
    pub answered: usize,
    /// Peak resident memory of the process when the last event was answered, in KiB.
    pub peak_rss_kib: Option<u64>,
}

struct Shared {
    events: Vec<Bytes>,
    handed_out: AtomicUsize,
    pid: Mutex<Option<u32>>,
    observed: Mutex<Observed>,
    answered: Notify,
}

/// A running emulator for one invocation.
pub struct RuntimeApi {
    /// Where the function should connect (`AWS_LAMBDA_RUNTIME_API`).
    pub address: SocketAddr,
    shared: Arc<Shared>,
}

impl RuntimeApi {
    /// Listens on an ephemeral loopback port and serves `event` once.
    pub async fn start(event: serde_json::Value) -> anyhow::Result<Self> {
        Self::start_many(vec![event]).await
    }

    /// Listens on an ephemeral loopback port and serves `events`, one per `next`, in order.
    pub async fn start_many(events: Vec<serde_json::Value>) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let events = events
            .iter()
            .map(|e| serde_json::to_vec(e).map(Bytes::from))
            .collect::<Result<_, _>>()?;
        let shared = Arc::new(Shared {
            events,
            handed_out: AtomicUsize::new(0),
            pid: Mutex::new(None),
            observed: Mutex::new(Observed::default()),
            answered: Notify::new(),
        });
        let serving = Arc::clone(&shared);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let shared = Arc::clone(&serving);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let shared = Arc::clone(&shared);
                        async move { Ok::<_, Infallible>(handle(&shared, req).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Self { address, shared })
    }

    /// Starts `binary` from `bin_dir` as Lambda would, pointed at this API, with `env` (output
    /// discarded), and watches it; returns it with the moment just before it was spawned.
    pub fn launch(
        &self,
        bin_dir: &Path,
        binary: &str,
        env: &[(String, String)],
    ) -> std::io::Result<(Child, Instant)> {
        let mut command = tokio::process::Command::new(bin_dir.join(binary));
        command
            .envs(env.iter().cloned())
            .env("AWS_LAMBDA_RUNTIME_API", self.address.to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", binary)
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_LOG_FORMAT", "JSON")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        let started = Instant::now();
        let child = command.spawn()?;
        if let Some(pid) = child.id() {
            // The process to read memory from at its first `next` and at the last answer.
            *self.shared.pid.lock().expect("pid lock") = Some(pid);
        }
        Ok((child, started))
    }

    /// Waits for the answer to the last event (or `timeout`), then returns what was observed.
    pub async fn finish(&self, timeout: std::time::Duration) -> Observed {
        let answered = self.shared.answered.notified();
        let already =
            self.shared.observed.lock().expect("lock").answered == self.shared.events.len();
        if !already {
            let _ = tokio::time::timeout(timeout, answered).await;
        }
        self.shared.observed.lock().expect("lock").clone()
    }
}

async fn handle(shared: &Shared, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let now = Instant::now();
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    if method == Method::GET && path.ends_with("/runtime/invocation/next") {
        {
            let mut observed = shared.observed.lock().expect("lock");
            if observed.next_at.is_none() {
                observed.next_at = Some(now);
                let pid = *shared.pid.lock().expect("pid lock");
                observed.rss_after_init_kib = pid.and_then(|pid| proc_status_kib(pid, "VmRSS:"));
                observed.faults_at_init = pid.and_then(proc_page_faults);
            }
        }
        let index = shared.handed_out.fetch_add(1, Ordering::SeqCst);
        let Some(event) = shared.events.get(index).cloned() else {
            // An idle sandbox: the next event never comes.
            std::future::pending::<()>().await;
            unreachable!("a pending future never completes");
        };
        let deadline = chrono::Utc::now().timestamp_millis() + 30_000;
        return Response::builder()
            .header(
                "lambda-runtime-aws-request-id",
                format!("{REQUEST_ID}-{index}"),
            )
            .header("lambda-runtime-deadline-ms", deadline.to_string())
            .header(
                "lambda-runtime-invoked-function-arn",
                "arn:aws:lambda:ap-south-1:000000000000:function:bench",
            )
            .header(
                "lambda-runtime-trace-id",
                "Root=1-00000000-000000000000000000000000",
            )
            .body(Full::new(event))
            .expect("a valid response");
    }
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    if method == Method::POST && (path.ends_with("/response") || path.ends_with("/error")) {
        let mut observed = shared.observed.lock().expect("lock");
        if observed.response_at.is_none() {
            observed.response_at = Some(now);
            observed.response_body = String::from_utf8_lossy(&body).into_owned();
        }
        observed.answered += 1;
        if observed.answered == shared.events.len() {
            let pid = *shared.pid.lock().expect("pid lock");
            observed.peak_rss_kib = pid.and_then(|pid| proc_status_kib(pid, "VmHWM:"));
            // `finish` creates its waiter before it looks at `answered`, so this reaches it.
            shared.answered.notify_waiters();
        }
    }
    Response::builder()
        .status(StatusCode::ACCEPTED)
        .body(Full::new(Bytes::from_static(b"{}")))
        .expect("a valid response")
}

/// A memory figure of a process from `/proc/<pid>/status` (Linux), in KiB: `VmRSS:` now,
/// `VmHWM:` at its peak.
pub fn proc_status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
}

/// The page faults a process has taken so far, minor and major, from `/proc/<pid>/stat`
/// (Linux): unlike a time, the same binary gives the same count on a noisy machine.
pub fn proc_page_faults(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    page_faults_in_stat(&stat)
}

/// `minflt` + `majflt` of a `/proc/<pid>/stat` line (fields 10 and 12; the command name in
/// field 2 may hold spaces, so fields are counted after its closing parenthesis).
fn page_faults_in_stat(stat: &str) -> Option<u64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // after the name: state is field 3, so field n is at index n - 3
    let minor: u64 = fields.get(10 - 3)?.parse().ok()?;
    let major: u64 = fields.get(12 - 3)?.parse().ok()?;
    Some(minor + major)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_faults_are_read_after_a_command_name_with_spaces() {
        let stat = "4242 (my (odd) fn) S 1 4242 4242 0 -1 4194304 173 0 2 0 1 0 0 0 20 0 1 0";
        assert_eq!(page_faults_in_stat(stat), Some(175));
        assert_eq!(page_faults_in_stat("garbage"), None);
    }

    #[test]
    fn this_process_has_taken_page_faults() {
        assert!(proc_page_faults(std::process::id()).is_some_and(|n| n > 0));
    }
}
