//! Log lines are JSON when Lambda asks for JSON, and carry the request's fields.

use std::io::Write;
use std::sync::{Arc, Mutex};

use http::Method;
use shared::telemetry::{subscriber, LogFormat};
use tracing_subscriber::fmt::MakeWriter;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[test]
fn the_lambda_log_format_setting_selects_json() {
    assert_eq!(LogFormat::from_setting(Some("JSON")), LogFormat::Json);
    assert_eq!(LogFormat::from_setting(Some("json")), LogFormat::Json);
    assert_eq!(LogFormat::from_setting(Some("Text")), LogFormat::Text);
    assert_eq!(LogFormat::from_setting(None), LogFormat::Text);
}

#[tokio::test]
async fn a_handled_request_logs_one_json_line_with_its_request_id_route_and_status() {
    let captured = Captured::default();
    let _guard =
        tracing::subscriber::set_default(subscriber(LogFormat::Json, "info", captured.clone()));

    let request = http::Request::builder()
        .method(Method::GET)
        .uri("/v1/nowhere")
        .body(lambda_http::Body::Empty)
        .unwrap();
    let state = std::sync::Arc::new(
        shared::AppState::from_config(crate::helpers::test_config("postgres")).unwrap(),
    );
    let mut api_request = shared::http::ApiRequest::from_lambda(request);
    api_request.request_id = "req-log-1".into();
    profile::router().dispatch(state, api_request).await;

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let handled = lines
        .iter()
        .find(|l| l["message"] == "handled")
        .unwrap_or_else(|| panic!("no 'handled' line in {text}"));
    assert_eq!(handled["request_id"], "req-log-1");
    assert_eq!(handled["status"], 404);
    assert_eq!(handled["level"], "INFO");
}
