//! Logging setup: JSON lines when Lambda asks for them (`AWS_LAMBDA_LOG_FORMAT=JSON`, which the
//! template sets), plain text otherwise; level from `AWS_LAMBDA_LOG_LEVEL`, then `RUST_LOG`.

use tracing::Subscriber;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line, fields flattened (CloudWatch Logs Insights reads them).
    Json,
    /// Human-readable text for a terminal.
    Text,
}

impl LogFormat {
    /// The format `AWS_LAMBDA_LOG_FORMAT` asks for (`JSON`, any case); text otherwise.
    pub fn from_setting(value: Option<&str>) -> Self {
        match value {
            Some(v) if v.eq_ignore_ascii_case("json") => Self::Json,
            _ => Self::Text,
        }
    }
}

/// Builds a subscriber writing to `writer` at `level` (an `EnvFilter` directive).
pub fn subscriber<W>(format: LogFormat, level: &str, writer: W) -> Box<dyn Subscriber + Send + Sync>
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_new(level).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .with_target(false);
    match format {
        LogFormat::Json => Box::new(
            builder
                .json()
                .flatten_event(true)
                .with_current_span(true)
                .with_span_list(false)
                .finish(),
        ),
        LogFormat::Text => Box::new(builder.finish()),
    }
}

/// Installs the global subscriber from the environment; call once at the top of `main`.
pub fn init() {
    let format = LogFormat::from_setting(std::env::var("AWS_LAMBDA_LOG_FORMAT").ok().as_deref());
    let level = std::env::var("AWS_LAMBDA_LOG_LEVEL")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info".into())
        .to_lowercase();
    // A second call (tests, a reused process) keeps the first subscriber.
    let _ = tracing::subscriber::set_global_default(subscriber(format, &level, std::io::stdout));
}
