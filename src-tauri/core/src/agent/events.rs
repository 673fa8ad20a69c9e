//! What the runner tells its front end, one event at a time: the agent
//! prints each as a JSON line, the window turns them into its Watches view
//! and notifications.

use serde::Serialize;

use crate::report::ErrorInfo;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum WatchEvent {
    /// A watch is being watched: through OS events, or by polling where the
    /// OS gives none (network mounts), with the reason.
    Watching {
        watch: String,
        name: String,
        folder: String,
        polling: Option<String>,
    },
    /// A watch is no longer watched (paused, removed, or the runner stops).
    Unwatched {
        watch: String,
        name: String,
        reason: String,
    },
    /// Files already in the folder when the watch began, taken in.
    Existing {
        watch: String,
        files: u64,
        delivered: bool,
    },
    /// A settled file waits to be sent to a destination.
    Queued {
        watch: String,
        destination: String,
        path: String,
        size: u64,
    },
    /// A settled file whose content was delivered before: not sent again.
    Unchanged {
        watch: String,
        path: String,
    },
    Delivered {
        watch: String,
        destination: String,
        path: String,
        key: String,
        url: Option<String>,
    },
    /// Not delivered this time; tried again in `retry_in_ms`.
    Retrying {
        watch: String,
        destination: String,
        path: String,
        attempt: u32,
        retry_in_ms: u64,
        #[serde(flatten)]
        error: ErrorInfo,
    },
    /// Not delivered, and not tried again unless the file changes.
    Failed {
        watch: String,
        destination: String,
        path: String,
        #[serde(flatten)]
        error: ErrorInfo,
    },
    /// The local file after it landed everywhere: moved or deleted.
    Moved {
        watch: String,
        path: String,
        to: String,
    },
    Deleted {
        watch: String,
        path: String,
    },
    /// The runner cannot watch a folder now (gone, unreadable, OS limit), or
    /// cannot act on a file (move, delete).
    Problem {
        watch: String,
        #[serde(flatten)]
        error: ErrorInfo,
    },
    /// The runner stops: every file waits in the journal for the next run.
    Stopping {
        in_flight: usize,
    },
    Stopped,
}
