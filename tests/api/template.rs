//! template.yaml as a deployment reviewer reads it: least-privilege policies, queues with DLQs
//! and long enough visibility timeouts, no secret in a plain parameter.

use std::collections::{BTreeMap, BTreeSet};

use serde_norway::Value;

fn template() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml")).unwrap();
    serde_norway::from_str(&text).unwrap()
}

/// Every logical id a value refers to (`!Ref X`, `!GetAtt X.Attr`, `${X}` / `${X.Arn}` in `!Sub`).
fn references(value: &Value, found: &mut BTreeSet<String>) {
    match value {
        Value::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            match (tag.as_str(), tagged.value.as_str()) {
                ("!Ref", Some(target)) | ("!GetAtt", Some(target)) => {
                    found.insert(target.split('.').next().unwrap().to_owned());
                }
                ("!Sub", Some(text)) => {
                    for part in text.split("${").skip(1) {
                        let name = part.split('}').next().unwrap().split('.').next().unwrap();
                        if !name.starts_with("AWS::") {
                            found.insert(name.to_owned());
                        }
                    }
                }
                _ => references(&tagged.value, found),
            }
        }
        Value::Mapping(map) => map.values().for_each(|v| references(v, found)),
        Value::Sequence(items) => items.iter().for_each(|v| references(v, found)),
        _ => {}
    }
}

fn functions(template: &Value) -> BTreeMap<String, Value> {
    template["Resources"]
        .as_mapping()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"].as_str() == Some("AWS::Serverless::Function"))
        .map(|(_, r)| {
            (
                r["Metadata"]["BuildProperties"]["Binary"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                r.clone(),
            )
        })
        .collect()
}

#[test]
fn every_function_may_touch_only_the_resources_it_uses() {
    let template = template();
    let expected: BTreeMap<&str, &[&str]> = BTreeMap::from([
        ("auth", &[][..]),
        ("profile", &["UploadsBucket"][..]),
        (
            "events",
            &["NotificationQueue", "ReservationExpiryQueue"][..],
        ),
        (
            "attendance",
            &["NotificationQueue", "ReservationExpiryQueue"][..],
        ),
        (
            "payments",
            &["NotificationQueue", "ReservationExpiryQueue"][..],
        ),
        ("notifications", &[][..]),
        ("notification-worker", &[][..]),
        (
            "reservation-expiry",
            &["NotificationQueue", "ReservationExpiryQueue"][..],
        ),
        ("migrate", &[][..]),
    ]);
    for (function, resource) in functions(&template) {
        let mut found = BTreeSet::new();
        references(&resource["Properties"]["Policies"], &mut found);
        let want: BTreeSet<String> = expected[function.as_str()]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(found, want, "{function}'s policies");
    }
}

#[test]
fn every_queue_has_a_dlq_and_a_visibility_timeout_of_six_times_its_consumer() {
    let template = template();
    let resources = template["Resources"].as_mapping().unwrap();
    let mut consumed = 0;
    for (_, function) in functions(&template) {
        let timeout = function["Properties"]["Timeout"]
            .as_i64()
            .or_else(|| template["Globals"]["Function"]["Timeout"].as_i64())
            .unwrap();
        let Some(events) = function["Properties"]["Events"].as_mapping() else {
            continue;
        };
        for (_, event) in events {
            if event["Type"].as_str() != Some("SQS") {
                continue;
            }
            let mut queue = BTreeSet::new();
            references(&event["Properties"]["Queue"], &mut queue);
            let queue_id = queue.into_iter().next().unwrap();
            let queue = &resources[&Value::String(queue_id.clone())];
            let visibility = queue["Properties"]["VisibilityTimeout"].as_i64().unwrap();
            assert!(
                visibility >= 6 * timeout,
                "{queue_id}: visibility {visibility} < 6 × {timeout}"
            );
            let redrive = &queue["Properties"]["RedrivePolicy"];
            let mut dlq = BTreeSet::new();
            references(&redrive["deadLetterTargetArn"], &mut dlq);
            assert_eq!(dlq.len(), 1, "{queue_id} has a DLQ");
            assert!(
                redrive["maxReceiveCount"].as_i64().is_some_and(|n| n > 1),
                "{queue_id} retries before the DLQ"
            );
            let fn_types: Vec<&str> = event["Properties"]["FunctionResponseTypes"]
                .as_sequence()
                .unwrap()
                .iter()
                .filter_map(|v| v.as_str())
                .collect();
            assert_eq!(fn_types, vec!["ReportBatchItemFailures"]);
            consumed += 1;
        }
    }
    assert_eq!(consumed, 2);
}

#[test]
fn no_secret_is_a_plain_parameter_or_a_literal() {
    let template = template();
    for (name, parameter) in template["Parameters"].as_mapping().unwrap() {
        let name = name.as_str().unwrap();
        let secretish = ["Secret", "Password", "Key", "Token"]
            .iter()
            .any(|w| name.contains(w))
            && !name.ends_with("Arn");
        assert!(
            !secretish || parameter.get("Default").is_none(),
            "parameter {name} has a default"
        );
    }
    let env = &template["Globals"]["Function"]["Environment"]["Variables"];
    for (name, value) in env.as_mapping().unwrap() {
        let name = name.as_str().unwrap();
        if ["SECRET", "KEY", "PASSWORD", "DATABASE_URL"]
            .iter()
            .any(|w| name.contains(w))
            && name != "RAZORPAY_KEY_ID"
        {
            let text = serde_norway::to_string(value).unwrap();
            assert!(
                text.contains("resolve:secretsmanager"),
                "{name} is not resolved from Secrets Manager: {text}"
            );
        }
    }
}
