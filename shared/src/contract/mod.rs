//! The contract: what the HTTP API promises, written once in Rust. Request and response types
//! (`schemas`, one file per area), the route table (`operations`: caller, body, answer and
//! problem codes of every route, from which the watch router, the template's events and
//! `docs/API.md` are written by `routes`), the problem-code enum (`ProblemCode`, defined in `platform::error`) and what
//! types cannot say (`request_rules`).
//!
//! The OpenAPI 3.1 document is generated from it: component schemas from the `ToSchema` types,
//! operations from the route table (checked against every function's router by a test).
//! `make openapi` writes it to `openapi.json`; the auth function serves it at
//! `GET /v1/openapi.json`.

mod guide;
pub mod operations;

pub use guide::guide_text;
pub mod request_rules;
pub mod routes;
pub mod schemas;

use serde_json::{json, Map, Value};
use utoipa::openapi::{ComponentsBuilder, InfoBuilder, OpenApiBuilder};

/// The problem-code enum, defined beside the error that carries it (`platform::error`).
pub use crate::platform::error::ProblemCode;
use operations::{Caller, OperationDoc, Success, OPERATIONS};
pub use routes::Operations;

macro_rules! components {
    ($($schema:ident),* $(,)?) => {
        ComponentsBuilder::new()$(.schema_from::<schemas::$schema>())*.build()
    };
}

/// The document as JSON (stable order, so the committed file can be compared).
pub fn document() -> Value {
    let components = components!(
        Problem,
        FieldProblem,
        OtpRequest,
        OtpSent,
        OtpVerify,
        RefreshRequest,
        TokenPair,
        LoginUser,
        Login,
        Interest,
        InterestList,
        Profile,
        ProfileUpdate,
        InterestsUpdate,
        PublicProfile,
        UploadRequest,
        Upload,
        PersonSummary,
        Venue,
        VenueCreate,
        VenuePage,
        EventImage,
        EventImageAdd,
        EventImageOrder,
        EventImageList,
        InterestTag,
        EventWrite,
        EventDetail,
        EventCard,
        EventPage,
        CohostAdd,
        Cohost,
        SeatHold,
        Requester,
        JoinRequestCreate,
        JoinRequest,
        RequestReply,
        InviteAccept,
        JoinRequestPage,
        InviteCreate,
        Inviter,
        Invite,
        InvitePage,
        Attendee,
        AttendeePage,
        CheckIn,
        AttendeeCancelled,
        TicketSummary,
        TicketPage,
        Ticket,
        CheckedIn,
        OrderCreate,
        OrderAmounts,
        Checkout,
        Order,
        OrderPage,
        PaymentVerify,
        RefundRequest,
        SandboxPayment,
        WebhookAck,
        NotificationSender,
        Notification,
        NotificationPage,
    );
    let info = InfoBuilder::new()
        .title("Event hosting API")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(
            "Host events and attend them: phone OTP login, requests and invites, seat holds, \
             payments, tickets, check-in and notifications. Errors are RFC 9457 problem+json \
             with a stable `code`.",
        ))
        .build();
    let base = OpenApiBuilder::new()
        .info(info)
        .components(Some(components))
        .build();
    let mut document = serde_json::to_value(base).expect("the document serialises");
    if let Some(schemas) = document["components"]["schemas"].as_object_mut() {
        request_rules::apply(schemas);
    }
    document["servers"] = json!([
        {"url": "http://127.0.0.1:9000", "description": "make dev (cargo lambda watch)"},
        {"url": "https://{api_id}.execute-api.{region}.amazonaws.com/{stage}",
         "description": "AWS (the stack's ApiUrl output)",
         "variables": {"api_id": {"default": "api"}, "region": {"default": "ap-south-1"},
                       "stage": {"default": "prod"}}}
    ]);
    document["components"]["securitySchemes"] = json!({
        "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                   "description": "access_token from /v1/auth/otp/verify or /v1/auth/refresh"}
    });
    let mut paths = Map::new();
    for op in OPERATIONS {
        let item = paths.entry(op.path.to_owned()).or_insert_with(|| json!({}));
        item[op.method.to_lowercase()] = operation(op);
    }
    document["paths"] = Value::Object(paths);
    document
}

/// The document as pretty JSON with a trailing newline, exactly as `openapi.json` holds it.
pub fn document_text() -> String {
    let mut text = serde_json::to_string_pretty(&document()).expect("the document serialises");
    text.push('\n');
    text
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn path_parameters(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| {
            // Events are also addressed by slug; every other id is a UUID.
            let schema = if name == "event_id" {
                json!({"type": "string", "minLength": 1, "maxLength": 200})
            } else {
                json!({"type": "string", "format": "uuid"})
            };
            json!({"name": name, "in": "path", "required": true, "schema": schema})
        })
        .collect()
}

fn operation(op: &OperationDoc) -> Value {
    let mut parameters = path_parameters(op.path);
    for query in op.query {
        let schema = request_rules::query_schema(
            query.name,
            serde_json::from_str(query.schema).expect("query schemas are valid JSON"),
        );
        parameters.push(json!({"name": query.name, "in": "query", "required": false,
                               "description": query.description, "schema": schema}));
    }
    if op.idempotent {
        parameters.push(
            json!({"name": "Idempotency-Key", "in": "header", "required": false,
            "description": "Retry-safe key: the same key and body give the stored response again.",
            "schema": {"type": "string", "minLength": 1, "maxLength": 255}}),
        );
    }
    if op.caller == Caller::Razorpay {
        parameters.push(
            json!({"name": "X-Razorpay-Signature", "in": "header", "required": true,
            "description": "HMAC-SHA256 of the raw body with the webhook secret.",
            "schema": {"type": "string"}}),
        );
    }
    let mut responses = Map::new();
    let (status, success) = success_response(op.success);
    responses.insert(status.to_string(), success);
    for (status, codes) in problem_statuses(op) {
        responses.insert(
            status.to_string(),
            json!({
                "description": format!(
                    "Problem: {}",
                    codes.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
                ),
                "content": {"application/problem+json": {"schema": schema_ref("Problem")}}
            }),
        );
    }
    let mut operation = json!({
        "operationId": op.operation_id,
        "summary": op.summary,
        "tags": [op.function],
        "parameters": parameters,
        "responses": responses,
    });
    operation["security"] = match op.caller {
        Caller::SignedIn => json!([{"bearer": []}]),
        Caller::Anyone | Caller::Razorpay => json!([]),
    };
    if let Some(body) = op.body {
        operation["requestBody"] = json!({
            "required": true,
            "content": {"application/json": {"schema": schema_ref(body)}}
        });
    } else if op.caller == Caller::Razorpay {
        operation["requestBody"] = json!({
            "required": true,
            "content": {"application/json": {"schema": {"type": "object"}}}
        });
    }
    operation
}

fn success_response(success: Success) -> (u16, Value) {
    match success {
        Success::Json(status, schema) => (
            status,
            json!({"description": "OK", "content": {"application/json": {"schema": schema_ref(schema)}}}),
        ),
        Success::Empty(status) => (status, json!({"description": "Done; no body."})),
        Success::Calendar => (
            200,
            json!({"description": "An iCalendar file.",
                   "content": {"text/calendar": {"schema": {"type": "string"}}}}),
        ),
        Success::JsonOrCsv(schema) => (
            200,
            json!({"description": "JSON, or CSV with Accept: text/csv.",
                   "content": {"application/json": {"schema": schema_ref(schema)},
                               "text/csv": {"schema": {"type": "string"}}}}),
        ),
        Success::OpenApi => (
            200,
            json!({"description": "This document.",
                   "content": {"application/json": {"schema": {"type": "object"}}}}),
        ),
    }
}

/// The operation's own problems plus the ones every operation of its kind can answer.
pub fn problem_statuses(op: &OperationDoc) -> std::collections::BTreeMap<u16, Vec<ProblemCode>> {
    use ProblemCode as P;
    let mut statuses: std::collections::BTreeMap<u16, Vec<ProblemCode>> = Default::default();
    let mut add = |status: u16, codes: &[ProblemCode]| {
        let entry = statuses.entry(status).or_default();
        for code in codes {
            if !entry.contains(code) {
                entry.push(*code);
            }
        }
    };
    // A path id that does not parse names no resource (404), so only a body, a query or an
    // Idempotency-Key can be invalid (422).
    let takes_input = op.body.is_some() || !op.query.is_empty() || op.idempotent;
    // Any request may be malformed: a NUL in the path or query, or an unreadable body.
    add(400, &[P::MalformedRequest]);
    if op.body.is_some() || op.caller == Caller::Razorpay {
        add(413, &[P::PayloadTooLarge]);
        add(415, &[P::UnsupportedMediaType]);
    }
    if op.caller == Caller::SignedIn {
        add(401, &[P::Unauthorized]);
    }
    if takes_input {
        add(422, &[P::ValidationFailed]);
    }
    for (status, codes) in op.problems {
        add(*status, codes);
    }
    add(503, &[P::ServiceUnavailable]);
    add(500, &[P::InternalError]);
    statuses
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_reference_resolves() {
        let document = document();
        let text = document.to_string();
        let schemas = document["components"]["schemas"].as_object().unwrap();
        for part in text.split("#/components/schemas/").skip(1) {
            let name = part.split('"').next().unwrap();
            assert!(schemas.contains_key(name), "{name} is not a component");
        }
    }

    #[test]
    fn the_document_is_openapi_3_1() {
        let document = document();
        assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
        assert_eq!(
            document["paths"]["/v1/auth/otp"]["post"]["operationId"],
            "requestOtp"
        );
    }
}
