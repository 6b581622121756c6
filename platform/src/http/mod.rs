//! HTTP plumbing over API Gateway v2 events: the request view handlers read, JSON bodies that
//! answer 400/422 naming each bad field, responses, and the route dispatcher.

pub mod body;
pub mod field_types;
pub mod request;
pub mod request_body;
pub mod response;
pub mod router;

pub use body::FieldReader;
pub use field_types::{PublicId, Seats, Secret, Text};
pub use request::ApiRequest;
pub use request_body::RequestBody;
pub use response::{json_response, no_content, no_store_json_response};
pub use router::{HandlerResult, Router};
