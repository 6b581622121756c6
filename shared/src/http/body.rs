//! JSON request bodies. Malformed JSON is a 400; a well-formed body with bad fields is a 422
//! listing every bad field (`FieldReader`) or the first one (`parse_json`, for small bodies).

use http::StatusCode;
use serde::de::DeserializeOwned;

use super::request::{ApiRequest, MAX_BODY_BYTES};
use crate::error::{ApiError, FieldError};

fn body_value(req: &ApiRequest) -> Result<serde_json::Value, ApiError> {
    if req.body.len() > MAX_BODY_BYTES {
        return Err(ApiError::client(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("The body is larger than {MAX_BODY_BYTES} bytes."),
        ));
    }
    if let Some(content_type) = req.header("content-type") {
        let essence = content_type.split(';').next().unwrap_or("").trim();
        if !essence.eq_ignore_ascii_case("application/json") && !essence.ends_with("+json") {
            return Err(ApiError::client(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
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
    let value: serde_json::Value = serde_json::from_slice(&req.body).map_err(|e| {
        ApiError::malformed(vec![FieldError::new(
            "body",
            format!("not valid JSON: {e}"),
        )])
    })?;
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

/// Deserialises the whole body into `T`; a type or missing-field error names the field (422).
pub fn parse_json<T: DeserializeOwned>(req: &ApiRequest) -> Result<T, ApiError> {
    let value = body_value(req)?;
    if !value.is_object() {
        return Err(ApiError::malformed(vec![FieldError::new(
            "body",
            "must be a JSON object",
        )]));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { "body".to_owned() } else { path };
        ApiError::validation(vec![FieldError::new(field, e.into_inner().to_string())])
    })
}

/// Reads a JSON object field by field and collects every problem, so one 422 lists them all.
#[derive(Debug)]
pub struct FieldReader {
    object: serde_json::Map<String, serde_json::Value>,
    errors: Vec<FieldError>,
}

impl FieldReader {
    /// Reads the request body, which must be a JSON object.
    pub fn from_request(req: &ApiRequest) -> Result<Self, ApiError> {
        match body_value(req)? {
            serde_json::Value::Object(object) => Ok(Self {
                object,
                errors: Vec::new(),
            }),
            _ => Err(ApiError::malformed(vec![FieldError::new(
                "body",
                "must be a JSON object",
            )])),
        }
    }

    /// Like `from_request`, but an empty body reads as `{}` (for POSTs whose fields are all optional).
    pub fn from_request_or_empty(req: &ApiRequest) -> Result<Self, ApiError> {
        if req.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self {
                object: serde_json::Map::new(),
                errors: Vec::new(),
            });
        }
        Self::from_request(req)
    }

    /// Whether the field is present (even as `null`): PATCH semantics.
    pub fn has(&self, name: &str) -> bool {
        self.object.contains_key(name)
    }

    /// A required field of type `T`; records an error and returns `None` when absent or mistyped.
    pub fn required<T: DeserializeOwned>(&mut self, name: &str) -> Option<T> {
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
        let value = self.object.get(name)?.clone();
        if value.is_null() {
            return None;
        }
        match serde_json::from_value(value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(name, e.to_string());
                None
            }
        }
    }

    /// The names of every member of the body.
    pub fn keys(&self) -> Vec<String> {
        self.object.keys().cloned().collect()
    }

    /// Whether an error was already recorded for `field`.
    pub fn has_errors_for(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }

    /// Records a field error.
    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// Records `message` for `field` unless `ok`.
    pub fn check(&mut self, ok: bool, field: &str, message: &str) {
        if !ok {
            self.error(field, message);
        }
    }

    /// Ends reading: `Ok` when no field was bad, else one 422 naming all of them.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self.errors))
        }
    }
}
