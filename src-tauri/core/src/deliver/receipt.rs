//! A batch's receipt: what checking its delivered objects at the
//! destination found, as its delivery ended or at a later re-check. The
//! counts, a note on what could not be verified, and each object that
//! differs or could not be checked with its cause and fix. A difference is
//! a failure with a diagnosis, never counted as verified.

use serde::{Deserialize, Serialize};

use crate::report::{Code, ReceiptKind, Verification};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Receipt {
    pub kind: ReceiptKind,
    /// Unix ms.
    pub checked_at: i64,
    /// Objects checked.
    pub checked: usize,
    /// Size and content match (or unchanged since delivery).
    pub verified: usize,
    /// Size matches; the content could not be compared on this server.
    pub size_only: usize,
    /// Differing from the file, changed since delivery, or missing.
    pub differing: usize,
    /// The server could not be asked.
    pub unchecked: usize,
    /// Why some content could not be verified, or some objects not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Each object that differs or could not be checked, in batch order.
    pub problems: Vec<ReceiptProblem>,
}

/// An object of the batch that is not verified, and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ReceiptProblem {
    /// The file's index in its batch.
    pub index: usize,
    pub key: String,
    pub state: Verification,
    pub code: Code,
    pub message: String,
    pub fix: String,
}

impl Receipt {
    /// Every object checked is verified (by content, or by size where the
    /// server allows no more): nothing differs and nothing went unchecked.
    pub fn all_verified(&self) -> bool {
        self.differing == 0 && self.unchecked == 0
    }
}
