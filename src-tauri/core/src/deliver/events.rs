//! What a delivery reports: each file's status and error, its result, the
//! batch's summary, and the events a front end receives while it runs.

use serde::{Deserialize, Serialize};

use crate::report::{Code, Outcome};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    Delivered,
    /// Not sent: an object already exists and the policy said skip.
    Skipped,
    Failed,
    Cancelled,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileError {
    pub code: Code,
    pub message: String,
    pub fix: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s3_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileResult {
    pub index: usize,
    pub key: String,
    pub status: FileStatus,
    pub bytes: u64,
    pub attempts: u32,
    /// HTTP requests sent for this file, retries included.
    #[serde(default)]
    pub requests: u32,
    pub multipart: bool,
    pub etag: Option<String>,
    pub version_id: Option<String>,
    /// MD5 of the bytes sent, hex.
    pub md5: Option<String>,
    /// A multipart upload whose every part's CRC32C the server verified as
    /// it was sent (the endpoint was seen to verify CRC32C): the object is
    /// those bytes, so its receipt compares the completed upload's size and
    /// ETag instead of reading the file again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub parts_checked: bool,
    pub duration_ms: u64,
    /// Boxed: most files have none.
    pub error: Option<Box<FileError>>,
    /// The object's URL (unsigned), for a file delivered or already there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BatchSummary {
    /// The history's id for this batch, when it was recorded.
    #[serde(default)]
    pub batch_id: Option<String>,
    /// How it went, by the one rule (files refused before sending count).
    pub outcome: Outcome,
    /// The files that did not land (failed or cancelled), in plan order.
    /// Every file's result went by as a [`DeliveryEvent::File`] and, for a
    /// batch in the history, is in its rows: a summary does not grow with
    /// the files delivered.
    pub not_landed: Vec<FileResult>,
    pub delivered: usize,
    pub skipped: usize,
    pub failed: usize,
    pub cancelled: usize,
    pub bytes_sent: u64,
    pub duration_ms: u64,
    /// The manifest and marker written after the batch, for destinations that ask for them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<super::manifest::ManifestOutcome>,
    /// What checking the delivered objects at the destination found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<super::receipt::Receipt>,
}

/// A batch's numbers while it runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub bytes_sent: u64,
    pub bytes_total: u64,
    pub files_done: usize,
    pub files_total: usize,
    /// Bytes per second over the batch so far.
    pub rate: u64,
    pub eta_secs: Option<u64>,
    pub paused: bool,
    /// The bandwidth limit in force now, in bytes per second (the lower of
    /// the destination's and the app's overall limit); `None`: full speed.
    pub rate_limit: Option<u64>,
    /// The server asked this run to slow down (503 SlowDown, 429), and it
    /// now sends this many requests at once, fewer than it started with;
    /// `None`: not slowed.
    #[serde(default)]
    pub slowed_to: Option<usize>,
}

/// What a running delivery tells its front end: its progress, at most
/// every `progress_interval`, and each file as it ends. Every front end
/// receives these as they are.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum DeliveryEvent {
    Progress(Progress),
    File(Box<FileResult>),
}

pub(crate) fn err(code: Code, message: impl Into<String>, fix: impl Into<String>) -> FileError {
    FileError { code, message: message.into(), fix: fix.into(), s3_code: None, request_id: None }
}

pub(super) fn is_corruption(e: &FileError) -> bool {
    matches!(e.code, Code::CorruptedInTransit | Code::EtagMismatch | Code::ChecksumMismatch)
}
