//! What the front ends show of a destination: its stored fields plus what
//! is derived from them, and the result of a save.

use serde::Serialize;

use crate::destination::{Destination, Problem};
use crate::s3::capabilities::{Capabilities, OverwriteGuard};
use crate::store;

/// A destination as the UI and `--json` show it: the stored fields plus
/// what is derived from them.
#[derive(Debug, Clone, Serialize)]
pub struct DestinationView {
    #[serde(flatten)]
    pub destination: Destination,
    pub provider_label: &'static str,
    /// Where requests go; empty means the AWS SDK's regional default.
    pub effective_endpoint: String,
    pub effective_region: String,
    /// Warnings that still apply (errors cannot be saved).
    pub warnings: Vec<Problem>,
    /// The newest connection test, if any (the card says when it failed).
    pub last_test: Option<store::LastTest>,
    /// What its endpoint was seen to do, if measured on the current endpoint.
    pub capabilities: Option<Capabilities>,
    /// How "never overwrite" is kept there: atomic, a look before each
    /// write, or not known until measured.
    pub overwrite_guard: OverwriteGuard,
    /// Its server-side encryption in words (`SSE-KMS with key alias/x`).
    pub encryption_words: String,
}

/// The result of a save: the destination and the warnings the user accepted.
#[derive(Debug, Clone, Serialize)]
pub struct Saved {
    pub destination: DestinationView,
    pub warnings: Vec<Problem>,
}
