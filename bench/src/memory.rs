//! Peak memory while serving: each function's release binary answers a run of invocations
//! from the local Runtime API (signed-in requests against the seeded bench database for the
//! HTTP functions, empty batches for the workers), and its peak RSS (`VmHWM`) is read when the
//! last one is answered.

use std::path::Path;
use std::time::Duration;

use serde_json::json;

use crate::cold_start::Subject;
use crate::runtime_api::RuntimeApi;

/// Invocations per function.
pub const INVOCATIONS: usize = 500;

/// One function's figure.
pub struct PeakMemory {
    /// The binary.
    pub binary: &'static str,
    /// Peak RSS, MiB.
    pub peak_mib: f64,
    /// Invocations answered.
    pub answered: usize,
    /// The first answer's HTTP status (HTTP functions), to show the requests were served.
    pub first_status: Option<u64>,
}

/// Serves `INVOCATIONS` copies of the subject's event (HTTP ones carrying `token`) to one
/// process of the binary and reads its peak RSS.
pub async fn measure(
    bin_dir: &Path,
    subject: &Subject,
    env: &[(String, String)],
    token: &str,
) -> anyhow::Result<PeakMemory> {
    let mut event = subject.event.clone();
    if event.get("headers").is_some() {
        event["headers"]["authorization"] = json!(format!("Bearer {token}"));
    }
    let api = RuntimeApi::start_many(vec![event; INVOCATIONS]).await?;
    let mut env = env.to_vec();
    env.push(("AWS_LAMBDA_LOG_LEVEL".into(), "WARN".into()));
    let (mut child, _) = api.launch(bin_dir, subject.binary, &env)?;
    let observed = api.finish(Duration::from_secs(120)).await;
    let _ = child.kill().await;
    let peak = observed.peak_rss_kib.ok_or_else(|| {
        anyhow::anyhow!(
            "{} answered {} of {INVOCATIONS}",
            subject.binary,
            observed.answered
        )
    })?;
    Ok(PeakMemory {
        binary: subject.binary,
        peak_mib: peak as f64 / 1024.0,
        answered: observed.answered,
        first_status: serde_json::from_str::<serde_json::Value>(&observed.response_body)
            .ok()
            .and_then(|answer| answer["statusCode"].as_u64()),
    })
}
