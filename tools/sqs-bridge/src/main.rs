//! The local event-source bridge. In AWS, event source mappings poll SQS and invoke the workers,
//! and EventBridge Scheduler fires the sweep. Locally this binary does the same against moto and
//! `cargo lambda watch`: it long-polls each queue, invokes the mapped function with a real SQS
//! batch event, deletes only the messages the function did not report as failed (so failures
//! come back after the visibility timeout and reach the DLQ after `maxReceiveCount`), and fires
//! each schedule every minute. The queue → function mapping is read from template.yaml, so local
//! and cloud cannot drift.

use sqs_bridge::{invoke, mapping, pump};

use std::time::{Duration, Instant};

use anyhow::Context;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    shared::platform::telemetry::init();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let template = std::env::var("TEMPLATE_PATH").unwrap_or_else(|_| "template.yaml".into());
    let invoke_base =
        std::env::var("LAMBDA_INVOKE_URL").unwrap_or_else(|_| "http://127.0.0.1:9000".into());
    let prefix = std::env::var("LOCAL_QUEUE_PREFIX").unwrap_or_else(|_| "eventhost-".into());
    let mapping = mapping::read(
        &std::fs::read_to_string(&template).with_context(|| format!("reading {template}"))?,
    )?;
    let config = shared::Config::from_env()?;
    let sqs = aws_sdk_sqs::Client::new(&shared::platform::aws::sdk_config(&config.aws).await);
    let http = reqwest::Client::new();
    let mut queues = Vec::new();
    for source in &mapping.queues {
        let name = format!("{prefix}{}", source.local_name);
        let url = sqs
            .get_queue_url()
            .queue_name(&name)
            .send()
            .await
            .with_context(|| format!("queue {name}"))?
            .queue_url
            .unwrap_or_default();
        tracing::info!(queue = %name, function = %source.function, "bridging");
        queues.push((url, source.clone()));
    }
    let mut last_schedule = Instant::now() - Duration::from_secs(3600);
    loop {
        if last_schedule.elapsed() >= Duration::from_secs(60) {
            last_schedule = Instant::now();
            for schedule in &mapping.schedules {
                if let Err(err) =
                    invoke(&http, &invoke_base, &schedule.function, &schedule.input).await
                {
                    tracing::warn!(function = %schedule.function, error = %format!("{err:#}"), "schedule invoke failed");
                }
            }
        }
        for (url, source) in &queues {
            if let Err(err) = pump(&sqs, &http, &invoke_base, url, source).await {
                tracing::warn!(function = %source.function, error = %format!("{err:#}"), "delivery failed");
            }
        }
    }
}
