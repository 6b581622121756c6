//! Reading the event sources of template.yaml: SQS queues and schedules, each with the binary
//! of the function it invokes.

use anyhow::Context;
use serde_json::Value;
use serde_norway::Value as Yaml;

/// A queue and the function that consumes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueSource {
    /// The queue's logical id in the template (`NotificationQueue`).
    pub logical_id: String,
    /// The local queue name without prefix (`notification`).
    pub local_name: String,
    /// The consuming function's binary.
    pub function: String,
    /// Messages per invocation.
    pub batch_size: i32,
}

/// A schedule and the function it fires.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// The function's binary.
    pub function: String,
    /// The event it receives.
    pub input: Value,
}

/// Everything the bridge serves.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    /// Queue sources.
    pub queues: Vec<QueueSource>,
    /// Schedules.
    pub schedules: Vec<Schedule>,
}

/// `NotificationQueue` → `notification`, `ReservationExpiryQueue` → `reservation-expiry`.
fn local_name(logical_id: &str) -> String {
    let stem = logical_id.strip_suffix("Queue").unwrap_or(logical_id);
    let mut name = String::new();
    for (i, c) in stem.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            name.push('-');
        }
        name.extend(c.to_lowercase());
    }
    name
}

fn queue_logical_id(queue: &Yaml) -> Option<String> {
    // `!GetAtt NotificationQueue.Arn` parses as a tagged scalar.
    match queue {
        Yaml::Tagged(tagged) => tagged
            .value
            .as_str()
            .and_then(|s| s.split('.').next())
            .map(str::to_owned),
        Yaml::Mapping(map) => map
            .get("Fn::GetAtt")
            .and_then(|v| v.as_sequence())
            .and_then(|s| s.first())
            .and_then(|v| v.as_str())
            .map(str::to_owned),
        _ => None,
    }
}

/// Reads the mapping from the template's text.
pub fn read(template: &str) -> anyhow::Result<Mapping> {
    let doc: Yaml = serde_norway::from_str(template).context("template.yaml parses")?;
    let mut mapping = Mapping::default();
    for (_, resource) in doc["Resources"].as_mapping().context("Resources")? {
        if resource["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let Some(function) = resource["Metadata"]["BuildProperties"]["Binary"].as_str() else {
            continue;
        };
        let Some(events) = resource["Properties"]["Events"].as_mapping() else {
            continue;
        };
        for (_, event) in events {
            let props = &event["Properties"];
            match event["Type"].as_str() {
                Some("SQS") => {
                    let logical_id = queue_logical_id(&props["Queue"])
                        .context("an SQS event names its queue")?;
                    mapping.queues.push(QueueSource {
                        local_name: local_name(&logical_id),
                        logical_id,
                        function: function.to_owned(),
                        batch_size: props["BatchSize"].as_i64().unwrap_or(10) as i32,
                    });
                }
                Some("ScheduleV2") | Some("Schedule") => {
                    let input = props["Input"]
                        .as_str()
                        .map(serde_json::from_str)
                        .transpose()?
                        .unwrap_or(Value::Null);
                    mapping.schedules.push(Schedule {
                        function: function.to_owned(),
                        input,
                    });
                }
                _ => {}
            }
        }
    }
    Ok(mapping)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_template_maps_both_queues_and_the_schedule() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../template.yaml"))
                .unwrap();
        let mapping = read(&text).unwrap();
        let mut queues: Vec<(String, String)> = mapping
            .queues
            .iter()
            .map(|q| (q.local_name.clone(), q.function.clone()))
            .collect();
        queues.sort();
        assert_eq!(
            queues,
            vec![
                ("notification".to_owned(), "notification-worker".to_owned()),
                (
                    "reservation-expiry".to_owned(),
                    "reservation-expiry".to_owned()
                )
            ]
        );
        assert_eq!(mapping.schedules.len(), 1);
        assert_eq!(mapping.schedules[0].function, "reservation-expiry");
        assert_eq!(mapping.schedules[0].input["kind"], "sweep");
    }
}
