//! The request bodies exactly as the server reads them. The `ToSchema` types give names, types
//! and descriptions; this table adds the rules (lengths, patterns, enums, bounds), so a body the
//! document allows is a body the server accepts and a body it forbids is refused. Patterns,
//! enums and shared bounds come from the constants the parsers use (cursor, https URL, ticket
//! code, moods, genders, GST rates, interest slugs, image position); the text lengths and the
//! capacity range are written here and in the parsers alike, and the contract fuzz
//! (`positive_data_acceptance` and `negative_data_rejection`) checks both directions against
//! the running stack.
//!
//! What JSON Schema cannot say is left to the server and listed in `scripts/fuzz_hooks.py`:
//! dates relative to today (an event in the next two years, an adult's birth date), the GSTIN
//! check character, paid ⇒ price, GST ⇒ GSTIN, and ids that must exist.

use serde_json::{json, Map, Value};

use crate::cursor::CURSOR_PATTERN;
use crate::domain::https_url::{HTTPS_URL_MAX_LENGTH, HTTPS_URL_PATTERN};
use crate::events::fields::{GST_RATES, MOODS, REQUIRED_TO_CREATE};
use crate::profiles::GENDERS;
use crate::profiles::INTEREST_SLUGS;

/// Characters `str::trim` removes (Unicode White_Space), as a regex class body.
const SPACE: &str = r"\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

/// Any text without NUL (Postgres text cannot hold it; the server refuses it).
pub fn text_pattern() -> String {
    r"^[^\u0000]*$".to_owned()
}

/// Text without NUL and with at least one character that is not white space.
pub fn visible_text_pattern() -> String {
    format!(r"^[^\u0000]*[^\u0000{SPACE}][^\u0000]*$")
}

fn text(min: usize, max: usize) -> Value {
    let pattern = if min > 0 {
        visible_text_pattern()
    } else {
        text_pattern()
    };
    json!({"minLength": min, "maxLength": max, "pattern": pattern})
}

fn https_url() -> Value {
    json!({"type": "string", "maxLength": HTTPS_URL_MAX_LENGTH, "pattern": HTTPS_URL_PATTERN})
}

fn one_of(values: &[&str]) -> Value {
    json!({"enum": values})
}

/// A decimal string with up to two places, from 0 to 1 000 000 (a ticket price).
const PRICE_PATTERN: &str = r"^0*([0-9]{1,6}(\.[0-9]{1,2})?|1000000(\.00?)?)$";
/// HH:MM or HH:MM:SS, 24-hour.
const TIME_PATTERN: &str = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$";
/// A GSTIN's shape (the check character is verified by the server).
const GSTIN_PATTERN: &str = r"^(0[1-9]|[12][0-9]|3[0-8])[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$";
/// An ISO 8601 duration of weeks, or of days, hours, minutes and seconds (at least one part).
const DURATION_PATTERN: &str = concat!(
    r"^P([0-9]{1,2}W|[0-9]{1,2}D(T([0-9]{1,3}H([0-9]{1,4}M)?([0-9]{1,5}S)?|[0-9]{1,4}M([0-9]{1,5}S)?|[0-9]{1,5}S))?",
    r"|T([0-9]{1,3}H([0-9]{1,4}M)?([0-9]{1,5}S)?|[0-9]{1,4}M([0-9]{1,5}S)?|[0-9]{1,5}S))$"
);

/// (schema, property, keywords merged into the property's schema).
fn property_rules() -> Vec<(&'static str, &'static str, Value)> {
    // A profile's list may repeat a slug (kept once); an event's may not.
    let interests = |max: usize, min: usize| json!({"minItems": min, "maxItems": max, "uniqueItems": min > 0, "items": one_of(INTEREST_SLUGS)});
    let timezones: Vec<&str> = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect();
    let genders = json!({"minItems": 1, "maxItems": GENDERS.len(), "uniqueItems": true, "items": one_of(GENDERS)});
    let mut rules = Vec::new();
    for event in ["EventCreate", "EventUpdate"] {
        rules.extend([
            (event, "title", text(3, 120)),
            (event, "description", text(0, 5000)),
            (event, "mood", one_of(MOODS)),
            (event, "venue_text", text(0, 300)),
            (event, "start_time", json!({"pattern": TIME_PATTERN})),
            (event, "timezone", json!({"enum": timezones.clone()})),
            (event, "duration", json!({"pattern": DURATION_PATTERN})),
            (event, "capacity", json!({"minimum": 1, "maximum": 10_000})),
            (event, "ticket_price", json!({"pattern": PRICE_PATTERN})),
            (event, "gst_percent", json!({"enum": GST_RATES})),
            (event, "gstin", json!({"pattern": GSTIN_PATTERN})),
            (event, "allowed_genders", genders.clone()),
            (
                event,
                "cover_images",
                json!({"minItems": 1, "maxItems": 3, "items": https_url()}),
            ),
            (event, "interests", interests(5, 1)),
        ]);
    }
    rules
}

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
    for (schema, property, keywords) in property_rules() {
        let mut found = false;
        for variant in objects(&mut schemas[schema]) {
            if let Some(target) = variant["properties"].get_mut(property) {
                merge(target, keywords.clone());
                allow_null_in_enum(target);
                found = true;
            }
        }
        assert!(found, "{schema}.{property} is not a property");
    }
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

/// An `enum` holds for every type, so a nullable property's enum must list `null` too (the
/// server reads `null` as "not given" or "clear").
fn allow_null_in_enum(property: &mut Value) {
    let nullable = property["type"]
        .as_array()
        .is_some_and(|types| types.iter().any(|t| t == "null"));
    if let Some(values) = property.get_mut("enum").and_then(Value::as_array_mut) {
        if nullable && !values.contains(&Value::Null) {
            values.push(Value::Null);
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
    use crate::attendance::tickets::TICKET_CODE_PATTERN;
    use crate::domain::money::REFUND_PATTERN;

    fn matches(pattern: &str, text: &str) -> bool {
        regex::Regex::new(pattern).unwrap().is_match(text)
    }

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

    #[test]
    fn price_patterns_agree_with_the_price_parser() {
        use crate::domain::money::parse_price;
        use rust_decimal::Decimal;
        let cases = [
            "0",
            "0.5",
            "00.50",
            "499",
            "499.00",
            "999999.99",
            "1000000",
            "1000000.00",
            "1000000.01",
            "1000001",
            "10000000",
            "10000000.00",
            "10000000.01",
            "0.00",
            "0.01",
            ".5",
            "5.",
            "1.234",
            "",
            "-1",
            "1e3",
            " 1",
        ];
        for case in cases {
            let raw = json!(case);
            assert_eq!(
                matches(PRICE_PATTERN, case),
                parse_price(&raw, Decimal::ZERO, Decimal::from(1_000_000)).is_ok(),
                "price {case:?}"
            );
            assert_eq!(
                matches(REFUND_PATTERN, case),
                parse_price(&raw, Decimal::new(1, 2), Decimal::from(10_000_000)).is_ok(),
                "refund {case:?}"
            );
        }
    }

    #[test]
    fn issued_ticket_codes_match_the_pattern_and_parse() {
        use crate::attendance::tickets;
        let key = secrecy::SecretString::from("ticket-key".to_owned());
        for _ in 0..50 {
            let attendee = uuid::Uuid::new_v4();
            let code = tickets::code(&key, attendee, "c2FsdA");
            assert!(matches(TICKET_CODE_PATTERN, &code), "{code}");
            assert_eq!(tickets::parse(&code).map(|(a, _)| a), Some(attendee));
        }
        let shaped = format!(
            "EH1.{}.AAAAAAAAAAAAAAAAAAAAAw",
            uuid::Uuid::new_v4().simple()
        );
        assert!(matches(TICKET_CODE_PATTERN, &shaped));
        assert!(tickets::parse(&shaped).is_some());
    }

    #[test]
    fn the_gstin_pattern_admits_every_real_gstin() {
        for gstin in ["27AAPFU0939F1ZV", "29ABCDE1234F1ZW"] {
            assert!(matches(GSTIN_PATTERN, gstin));
            assert!(crate::domain::gstin::parse_gstin(gstin).is_ok());
        }
        assert!(!matches(GSTIN_PATTERN, "29abcde1234f1zw"));
    }

    #[test]
    fn every_duration_the_pattern_allows_parses() {
        for duration in [
            "PT3H", "P1DT2H", "PT90M", "P14D", "PT15M", "PT1H30M", "P2W", "PT59S",
        ] {
            assert!(matches(DURATION_PATTERN, duration), "{duration}");
            assert!(
                crate::domain::text::parse_duration(duration).is_ok(),
                "{duration}"
            );
        }
        for duration in ["P", "PT", "P1DT", "P1Y", "P1M", "PT3H "] {
            assert!(!matches(DURATION_PATTERN, duration), "{duration}");
        }
    }
}
