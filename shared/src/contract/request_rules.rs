//! What the request bodies' types cannot say about themselves, applied to the document: each
//! body refuses members it does not define and NUL in its free text; `EventWrite` becomes
//! `EventCreate` (its core fields required) and `EventUpdate` (no `is_published`); a new event
//! names exactly one kind of venue. Every other rule (lengths, patterns, enums, bounds) is stated
//! by the field's own type, which the server also parses with, so a body the document allows is
//! a body the server accepts; the contract fuzz (`positive_data_acceptance` and
//! `negative_data_rejection`) checks both directions against the running stack.
//!
//! What JSON Schema cannot say is left to the server and listed in `scripts/fuzz_hooks.py`:
//! dates relative to today (an event in the next two years, an adult's birth date), the GSTIN
//! check character, paid ⇒ price, GST ⇒ GSTIN, and ids that must exist.

use crate::platform::http::field_types::{text_pattern, visible_text_pattern};
use serde_json::{json, Map, Value};

use crate::events::fields::REQUIRED_TO_CREATE;
use crate::platform::cursor::CURSOR_PATTERN;

/// Request bodies: every one refuses members it does not define.
pub const REQUEST_BODIES: &[&str] = &[
    "OtpRequest",
    "OtpVerify",
    "RefreshRequest",
    "ProfileUpdate",
    "InterestsUpdate",
    "UploadRequest",
    "VenueCreate",
    "EventImageAdd",
    "EventImageOrder",
    "EventCreate",
    "EventUpdate",
    "CohostAdd",
    "JoinRequestCreate",
    "RequestReply",
    "InviteAccept",
    "InviteCreate",
    "CheckIn",
    "OrderCreate",
    "PaymentVerify",
    "RefundRequest",
];

/// Applies the table to the component schemas (`EventWrite` becomes `EventCreate` and
/// `EventUpdate`), then closes every request body and forbids NUL in its free text.
pub fn apply(schemas: &mut Map<String, Value>) {
    for schema in schemas.values_mut() {
        inline_single_one_of(schema);
    }
    split_event_write(schemas);
    for name in REQUEST_BODIES {
        close(&mut schemas[*name]);
    }
    require_one_venue(schemas);
}

/// A query parameter's schema with the same text rules: the cursor's own pattern, visible text
/// where a minimum length is set (the server trims), NUL-free text everywhere else.
pub fn query_schema(name: &str, mut schema: Value) -> Value {
    if name == "cursor" {
        return json!({"type": "string", "pattern": CURSOR_PATTERN});
    }
    if is_type(&schema, "string")
        && schema.get("minLength").is_some()
        && schema.get("pattern").is_none()
    {
        schema["pattern"] = json!(visible_text_pattern());
    }
    forbid_nul(&mut schema);
    schema
}

/// utoipa wraps an inlined field type in a `oneOf` of one (`request_body!` fields); that is
/// the type itself, so its keywords move up beside the field's description.
fn inline_single_one_of(schema: &mut Value) {
    for object in objects(schema) {
        inline_properties(object);
    }
}

fn inline_properties(schema: &mut Value) {
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for property in properties.values_mut() {
            let single = property
                .get("oneOf")
                .and_then(Value::as_array)
                .filter(|variants| variants.len() == 1)
                .map(|variants| variants[0].clone());
            if let (Some(variant), Some(members)) = (single, property.as_object_mut()) {
                members.remove("oneOf");
                merge(property, variant);
            }
        }
    }
}

fn merge(target: &mut Value, keywords: Value) {
    if let (Value::Object(target), Value::Object(keywords)) = (target, keywords) {
        for (key, value) in keywords {
            match target.get_mut(&key) {
                Some(existing) if existing.is_object() && value.is_object() => {
                    merge(existing, value)
                }
                _ => {
                    target.insert(key, value);
                }
            }
        }
    }
}

/// The object schemas of a body: itself, or each variant of a `oneOf` of objects.
fn objects(schema: &mut Value) -> Vec<&mut Value> {
    if schema.get("properties").is_some() {
        return vec![schema];
    }
    match schema.get_mut("oneOf").and_then(Value::as_array_mut) {
        Some(variants) => variants.iter_mut().collect(),
        None => Vec::new(),
    }
}

/// `additionalProperties: false` on every object of a request body (variants included), and
/// the NUL-free pattern on every free string.
fn close(schema: &mut Value) {
    for object in objects(schema) {
        object["additionalProperties"] = json!(false);
        if let Some(properties) = object["properties"].as_object_mut() {
            properties.values_mut().for_each(forbid_nul);
        }
    }
}

fn is_type(schema: &Value, name: &str) -> bool {
    match &schema["type"] {
        Value::String(t) => t == name,
        Value::Array(types) => types.iter().any(|t| t == name),
        _ => false,
    }
}

fn forbid_nul(schema: &mut Value) {
    if is_type(schema, "array") {
        if let Some(items) = schema.get_mut("items") {
            forbid_nul(items);
        }
        return;
    }
    let free = is_type(schema, "string")
        && schema.get("pattern").is_none()
        && schema.get("enum").is_none()
        && schema.get("format").is_none();
    if free {
        schema["pattern"] = json!(text_pattern());
    }
}

/// Create needs the core fields (not null); an update may send any subset.
fn split_event_write(schemas: &mut Map<String, Value>) {
    let write = schemas
        .remove("EventWrite")
        .expect("EventWrite is a component");
    let mut update = write.clone();
    update["description"] = json!("`PATCH /v1/events/{event_id}`: any subset of the fields.");
    // Publishing after creation has its own routes; a title can be changed, never removed.
    if let Some(properties) = update["properties"].as_object_mut() {
        properties.remove("is_published");
    }
    update["properties"]["title"]["type"] = json!("string");
    let mut create = write;
    create["description"] =
        json!("`POST /v1/events`: a new event (a draft unless `is_published`).");
    for field in REQUIRED_TO_CREATE {
        let property = &mut create["properties"][field];
        if let Some(types) = property["type"].as_array() {
            let kept: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
            property["type"] = if kept.len() == 1 {
                kept[0].clone()
            } else {
                json!(kept)
            };
        }
    }
    create["required"] = json!(REQUIRED_TO_CREATE);
    schemas.insert("EventCreate".to_owned(), create);
    schemas.insert("EventUpdate".to_owned(), update);
}

/// Exactly one kind of venue on create: a catalogue venue, or a free-text place with a
/// visible character. (Wrapped in `allOf` with the fields, the form generators handle.)
fn require_one_venue(schemas: &mut Map<String, Value>) {
    let fields = schemas
        .remove("EventCreate")
        .expect("EventCreate was built");
    let description = fields["description"].clone();
    schemas.insert(
        "EventCreate".to_owned(),
        json!({
            "description": description,
            "allOf": [fields, {"oneOf": [
                {"required": ["venue_id"], "properties": {"venue_id": {"type": "string"}}},
                {"required": ["venue_text"],
                 "properties": {"venue_text": {"type": "string", "pattern": visible_text_pattern()}}}
            ]}]
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::platform::http::request_body::matches_pattern as matches;

    #[test]
    fn visible_text_needs_a_character_trim_keeps() {
        let pattern = visible_text_pattern();
        for text in ["a", " a ", "\u{1c}", "名"] {
            assert!(matches(&pattern, text), "{text:?}");
            assert!(!text.trim().is_empty());
        }
        for text in ["", " ", "\t\n", "\u{3000}", "\u{2028}", "a\u{0}"] {
            assert!(!matches(&pattern, text), "{text:?}");
        }
    }
}
