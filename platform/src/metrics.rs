//! Business metrics as CloudWatch Embedded Metric Format: one JSON line per event on stdout,
//! which CloudWatch turns into a metric without any API call from the function.

use serde_json::{json, Value};

/// Namespace of every metric.
pub const NAMESPACE: &str = "EventHost";

/// The EMF document of one occurrence of `event` (e.g. `otp_sent`, `seats_held`).
pub fn document(event: &str, timestamp_ms: i64) -> Value {
    json!({
        "_aws": {
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [["Event"]],
                "Metrics": [{ "Name": "Count", "Unit": "Count" }]
            }]
        },
        "Event": event,
        "Count": 1
    })
}

/// Emits one occurrence of a business event.
pub fn emit(event: &str) {
    println!("{}", document(event, chrono::Utc::now().timestamp_millis()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_valid_emf_for_one_count() {
        let doc = document("check_in", 1_764_000_000_000);
        let directive = &doc["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(directive["Namespace"], "EventHost");
        assert_eq!(directive["Dimensions"], json!([["Event"]]));
        assert_eq!(directive["Metrics"][0]["Name"], "Count");
        assert_eq!(doc["Event"], "check_in");
        assert_eq!(doc["Count"], 1);
        assert_eq!(doc["_aws"]["Timestamp"], 1_764_000_000_000_i64);
    }
}
