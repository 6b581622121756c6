//! Logging setup: JSON lines when Lambda asks for them (`AWS_LAMBDA_LOG_FORMAT=JSON`), plain
//! text otherwise, level from `AWS_LAMBDA_LOG_LEVEL` / `RUST_LOG`.

/// Installs the global tracing subscriber; call once at the top of `main`.
pub fn init() {
    lambda_runtime::tracing::init_default_subscriber();
}
