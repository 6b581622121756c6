//! The wire shapes of request and response bodies, as OpenAPI schemas, one file per area.
//! Request bodies are the types handlers parse (`request_body!`). An answer built in Rust (login,
//! tokens, profiles, the interest catalogue, uploads, field errors) is the very type its area
//! serialises, re-exported here under its name in the document. The other answers are built as
//! JSON inside Postgres (one round trip), so their types exist for the document alone; the
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
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// This page.
            pub items: Vec<$item>,
            /// Pass as `cursor` for the next page; null at the end.
            pub next_cursor: Option<String>,
        }

        impl $name {
            /// The only page: every item asked for, and no cursor to a next one.
            pub fn only_page(items: Vec<$item>) -> Self {
                Self {
                    items,
                    next_cursor: None,
                }
            }
        }
    };
}
use page_of;
