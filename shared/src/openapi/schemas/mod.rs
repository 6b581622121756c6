//! The wire shapes of request and response bodies, as OpenAPI schemas. Most responses are
//! built as JSON inside Postgres (one round trip), so these types exist for the document; the
//! contract tests (schemathesis against the running stack) check that responses match them.

mod attendance;
mod auth;
mod events;
mod notifications;
mod payments;
mod problem;
mod profiles;

pub use attendance::*;
pub use auth::*;
pub use events::*;
pub use notifications::*;
pub use payments::*;
pub use problem::*;
pub use profiles::*;

/// Declares a page of `$item`s: this page's `items` and the `next_cursor` that fetches the next.
macro_rules! page_of {
    ($(#[$meta:meta])* $name:ident, $item:ty) => {
        $(#[$meta])*
        #[derive(serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        pub struct $name {
            /// This page.
            pub items: Vec<$item>,
            /// Pass as `cursor` for the next page; null at the end.
            pub next_cursor: Option<String>,
        }
    };
}
use page_of;
