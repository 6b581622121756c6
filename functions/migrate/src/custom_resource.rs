//! The deploy's migration step: a CloudFormation custom resource (`MigrationRun` in
//! template.yaml) whose every create or update invokes this function, which applies the
//! migrations and answers CloudFormation on the request's presigned `ResponseURL`. Every other
//! function depends on that resource, so no new function version takes traffic before the
//! schema it needs exists; a failed migration answers FAILED, the stack update fails and rolls
//! back, and the old code keeps serving (each migration is one transaction).

use anyhow::Context;
use serde_json::{json, Value};
use shared::platform::config::Config;

/// Whether `event` is a CloudFormation custom-resource request (not a plain invoke).
pub fn is_custom_resource(event: &Value) -> bool {
    event["RequestType"].is_string() && event["ResponseURL"].is_string()
}

/// The answer CloudFormation expects for `event`: SUCCESS with `data`, or FAILED with the
/// reason (which CloudFormation shows in the stack's events).
pub fn response(event: &Value, outcome: &Result<Value, String>) -> Value {
    let (status, reason, data) = match outcome {
        Ok(data) => ("SUCCESS", "migrations applied".to_owned(), data.clone()),
        Err(reason) => ("FAILED", reason.clone(), json!({})),
    };
    json!({
        "Status": status,
        "Reason": reason,
        // One resource for the life of the stack: the same id on every update (a new one
        // would make CloudFormation delete the "old" resource).
        "PhysicalResourceId": event["PhysicalResourceId"].as_str().unwrap_or("eventhost-migrations"),
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "Data": data,
    })
}

/// Handles a custom-resource request: migrates on Create and Update (Delete changes nothing:
/// the schema outlives the stack's resources), then PUTs the answer to `ResponseURL`.
/// Returns the answer sent.
pub async fn handle(
    config: &Config,
    app_login: Option<&crate::AppLogin>,
    event: &Value,
) -> anyhow::Result<Value> {
    let outcome = if event["RequestType"] == "Delete" {
        Ok(json!({ "applied": [] }))
    } else {
        // The function has 300 s; a new stack's proxy may need a few minutes to reach its
        // database, and CloudFormation must still get an answer in time.
        crate::migrate_when_reachable(config, app_login, std::time::Duration::from_secs(200))
            .await
            .map_err(|e| format!("{e:#}"))
    };
    if let Err(reason) = &outcome {
        tracing::error!(%reason, "migrations failed; the deploy stops here");
    }
    let answer = response(event, &outcome);
    let url = event["ResponseURL"]
        .as_str()
        .context("the request has no ResponseURL")?;
    let http = reqwest::Client::builder()
        .use_preconfigured_tls(shared::platform::tls::client_config(
            shared::platform::tls::mozilla_roots(),
        )?)
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .context("building the HTTP client")?;
    // The presigned URL was signed without a content type: send none.
    http.put(url)
        .header("content-type", "")
        .body(answer.to_string())
        .send()
        .await
        .context("answering CloudFormation")?
        .error_for_status()
        .context("CloudFormation refused the answer")?;
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(kind: &str) -> Value {
        json!({
            "RequestType": kind,
            "ResponseURL": "https://cloudformation-custom-resource-response.example/abc",
            "StackId": "arn:aws:cloudformation:ap-south-1:123456789012:stack/eventhost/1",
            "RequestId": "req-1",
            "LogicalResourceId": "MigrationRun",
            "ResourceType": "Custom::Migrations",
        })
    }

    #[test]
    fn only_a_cloudformation_request_is_one() {
        assert!(is_custom_resource(&request("Create")));
        assert!(!is_custom_resource(&json!({})));
    }

    #[test]
    fn the_answer_names_the_request_and_keeps_one_physical_id() {
        let created = response(&request("Create"), &Ok(json!({"applied": [16]})));
        assert_eq!(created["Status"], "SUCCESS");
        assert_eq!(created["RequestId"], "req-1");
        assert_eq!(created["LogicalResourceId"], "MigrationRun");
        assert_eq!(created["PhysicalResourceId"], "eventhost-migrations");
        assert_eq!(created["Data"]["applied"], json!([16]));
        let mut update = request("Update");
        update["PhysicalResourceId"] = "eventhost-migrations".into();
        let failed = response(&update, &Err("relation x does not exist".into()));
        assert_eq!(failed["Status"], "FAILED");
        assert_eq!(failed["Reason"], "relation x does not exist");
        assert_eq!(failed["PhysicalResourceId"], "eventhost-migrations");
    }
}
