//! The interest catalogue (Music, Travel, ...) that profiles and events are tagged with.

pub mod repo;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One interest as the API shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Interest {
    /// Public id.
    pub interest_id: Uuid,
    /// Display name.
    pub name: String,
    /// Stable slug used in requests (`music`).
    pub slug: String,
    /// Icon name for the app.
    pub icon: Option<String>,
}
