//! JSON request bodies. Malformed JSON is a 400; a well-formed body with bad fields is a 422
//! listing every bad field (`FieldReader`, which the `request_body!` types read through).

use crate::error::ProblemCode;
use std::cell::RefCell;
use std::collections::BTreeSet;

use http::StatusCode;
use serde::de::DeserializeOwned;

use super::request::{ApiRequest, MAX_BODY_BYTES};
use crate::error::{ApiError, FieldError};

fn body_value(req: &ApiRequest) -> Result<serde_json::Value, ApiError> {
    if req.body.len() > MAX_BODY_BYTES {
        return Err(ApiError::client(
            StatusCode::PAYLOAD_TOO_LARGE,
            ProblemCode::PayloadTooLarge,
            format!("The body is larger than {MAX_BODY_BYTES} bytes."),
        ));
    }
    if let Some(content_type) = req.header("content-type") {
        let essence = content_type.split(';').next().unwrap_or("").trim();
        if !essence.eq_ignore_ascii_case("application/json") && !essence.ends_with("+json") {
            return Err(ApiError::client(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ProblemCode::UnsupportedMediaType,
                "Send the body as application/json.",
            ));
        }
    }
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::malformed(vec![FieldError::new(
            "body",
            "a JSON object is required",
        )]));
    }
    let mut value: serde_json::Value = serde_json::from_slice(&req.body).map_err(|e| {
        ApiError::malformed(vec![FieldError::new(
            "body",
            format!("not valid JSON: {e}"),
        )])
    })?;
    integral_floats_as_integers(&mut value);
    // Postgres text cannot hold NUL; refuse it here, naming the field, rather than fail later.
    let mut with_nul = Vec::new();
    find_nul(&value, "", &mut with_nul);
    if !with_nul.is_empty() {
        return Err(ApiError::validation(
            with_nul
                .into_iter()
                .map(|field| FieldError::new(field, "must not contain NUL characters"))
                .collect(),
        ));
    }
    Ok(value)
}

/// JSON Schema counts `2.0` as the integer 2 (and so does JavaScript, where every number is a
/// double); serde does not. Whole floats in the i64 range become integers before any field is
/// read, so an integer field accepts what the schema's `"type": "integer"` allows.
fn integral_floats_as_integers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if f.fract() == 0.0 && f.abs() < 9.0e15 {
                *value = serde_json::Value::from(f as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_floats_as_integers),
        serde_json::Value::Object(map) => map.values_mut().for_each(integral_floats_as_integers),
        _ => {}
    }
}

fn find_nul(value: &serde_json::Value, path: &str, found: &mut Vec<String>) {
    let name = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        serde_json::Value::String(text) if text.contains('\0') => found.push(if path.is_empty() {
            "body".to_owned()
        } else {
            path.to_owned()
        }),
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                find_nul(
                    item,
                    &format!("{}[{i}]", if path.is_empty() { "body" } else { path }),
                    found,
                );
            }
        }
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                if key.contains('\0') {
                    found.push(name(&key.replace('\0', "")));
                } else {
                    find_nul(item, &name(key), found);
                }
            }
        }
        _ => {}
    }
}

/// Reads a JSON object field by field and collects every problem, so one 422 lists them all.
/// A member the handler never asked about is refused at `finish` (the schemas say
/// `additionalProperties: false`), so a misspelt field is an error, not silently ignored.
#[derive(Debug)]
pub struct FieldReader {
    object: serde_json::Map<String, serde_json::Value>,
    errors: Vec<FieldError>,
    asked: RefCell<BTreeSet<String>>,
}

impl FieldReader {
    /// Reads the request body, which must be a JSON object.
    pub fn from_request(req: &ApiRequest) -> Result<Self, ApiError> {
        match body_value(req)? {
            serde_json::Value::Object(object) => Ok(Self::of(object)),
            _ => Err(ApiError::malformed(vec![FieldError::new(
                "body",
                "must be a JSON object",
            )])),
        }
    }

    fn of(object: serde_json::Map<String, serde_json::Value>) -> Self {
        Self {
            object,
            errors: Vec::new(),
            asked: RefCell::default(),
        }
    }

    fn ask(&self, name: &str) {
        self.asked.borrow_mut().insert(name.to_owned());
    }

    /// Like `from_request`, but an empty body reads as `{}` (for POSTs whose fields are all optional).
    pub fn from_request_or_empty(req: &ApiRequest) -> Result<Self, ApiError> {
        if req.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::of(serde_json::Map::new()));
        }
        Self::from_request(req)
    }

    /// Whether the field is present (even as `null`): PATCH semantics.
    pub fn has(&self, name: &str) -> bool {
        self.ask(name);
        self.object.contains_key(name)
    }

    /// A required field of type `T`; records an error and returns `None` when absent or mistyped.
    pub fn required<T: DeserializeOwned>(&mut self, name: &str) -> Option<T> {
        self.ask(name);
        match self.object.get(name) {
            None | Some(serde_json::Value::Null) => {
                self.error(name, "is required");
                None
            }
            Some(_) => self.optional(name),
        }
    }

    /// An optional field of type `T`: `None` when absent or null; records an error when mistyped.
    pub fn optional<T: DeserializeOwned>(&mut self, name: &str) -> Option<T> {
        self.ask(name);
        let value = self.object.get(name)?.clone();
        if value.is_null() {
            return None;
        }
        match serde_path_to_error::deserialize(value) {
            Ok(v) => Some(v),
            Err(e) => {
                // An element's or member's error names it: `profile_pictures[1]`, `a.b`.
                let field = match e.path().to_string() {
                    path if path == "." => name.to_owned(),
                    path if path.starts_with('[') => format!("{name}{path}"),
                    path => format!("{name}.{path}"),
                };
                self.error(&field, e.inner().to_string());
                None
            }
        }
    }

    /// Sets `names` aside unread: they are neither errors nor unknown members.
    pub fn skip(&self, names: &[String]) {
        names.iter().for_each(|name| self.ask(name));
    }

    /// A member as sent, without reading it (for a rule that needs more than the body).
    pub fn peek(&self, name: &str) -> Option<&serde_json::Value> {
        self.object.get(name)
    }

    /// Whether an error was already recorded for `field` or anything inside it.
    pub fn has_errors_for(&self, field: &str) -> bool {
        self.errors.iter().any(|e| {
            e.field
                .strip_prefix(field)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['[', '.']))
        })
    }

    /// Records a field error.
    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        self.ask(field);
        self.errors.push(FieldError::new(field, message));
    }

    /// Ends reading: `Ok` when no field was bad and none unknown, else one 422 naming all of them.
    pub fn finish(mut self) -> Result<(), ApiError> {
        let asked = self.asked.take();
        for key in self.object.keys() {
            if !asked.contains(key) {
                self.errors.push(FieldError::new(
                    key.as_str(),
                    "is not a field of this request",
                ));
            }
        }
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self.errors))
        }
    }
}
