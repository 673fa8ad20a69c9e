//! How a batch is run: concurrency and whether it adapts, multipart sizes,
//! integrity attempts, progress pace, the history journal told of every
//! step, the check of each object delivered (its receipt), uploads to
//! continue when resuming, a per-run overwrite policy and the bandwidth
//! limits the run obeys.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use super::{FileError, FileResult, PlannedFile, MIB};

#[derive(Debug, Clone)]
pub struct TransferOptions {
    /// Requests in flight at once, across files and parts: where the run
    /// starts when `adaptive`, else all the run sends.
    pub concurrency: usize,
    /// The number of requests at once adapts: halved when the server says
    /// to slow down, grown while throughput grows (`deliver/adaptive.rs`).
    /// Not under a bandwidth limit, which sets its own.
    pub adaptive: bool,
    /// Files at or above this size go multipart.
    pub multipart_threshold: u64,
    /// Smallest part size Chute uses (the provider's minimum still applies).
    pub min_part_size: u64,
    /// Attempts per file or part for corruption (BadDigest) and integrity mismatches;
    /// transient network and 5xx errors are retried by the client itself.
    pub integrity_attempts: u32,
    /// Minimum time between progress events.
    pub progress_interval: Duration,
    /// Told of every step that matters after a crash (the history store).
    pub journal: Option<JournalRef>,
    /// Checks each object at the destination once its file is delivered,
    /// before the file's result is reported (the batch's receipt); files
    /// delivered close together are checked together.
    pub verifier: Option<VerifierRef>,
    /// Multipart uploads to continue, by plan index (resuming a batch).
    pub resume: std::collections::HashMap<usize, ResumeUpload>,
    /// Plan indices an interrupted run had started without recording an
    /// upload: the open uploads of their exact keys are aborted first (the
    /// run may have opened one and died before hearing its id).
    /// (Ascending; a boxed slice keeps the options small.)
    pub strays: Box<[usize]>,
    /// Resuming an interrupted batch: a file refused as existing may have
    /// landed before the crash, unrecorded; if the object is this file, it
    /// is delivered.
    pub resuming: bool,
    /// For this batch only, instead of the destination's overwrite policy
    /// (`Chute::deliver` records the policy used in the batch's snapshot).
    pub overwrite: Option<crate::destination::Overwrite>,
    /// Requests go without credentials (refusals are explained as such).
    pub anonymous: bool,
    /// The drop this batch is one destination of, when it goes to several:
    /// the history groups their batches by it.
    pub group: Option<String>,
    /// What the destination's endpoint was seen to do: "never overwrite"
    /// is atomic only where a conditional create was seen honoured, and
    /// parts carry CRC32C only where it was seen verified. `None`: not
    /// measured, so Chute looks before each write.
    pub capabilities: Option<Arc<crate::s3::capabilities::Capabilities>>,
    /// The bandwidth limits the request bodies obey; `None`: full speed,
    /// without pacing. A front end may give a run's own limit
    /// (`Throttle::run_limit`) instead of the destination's; `Chute::deliver`
    /// sets what the run obeys: that or the destination's limit, and the
    /// app's overall one.
    pub throttle: Option<super::Throttle>,
}

/// A multipart upload left open by an interrupted batch, and the parts the
/// history recorded as completed.
#[derive(Debug, Clone)]
pub struct ResumeUpload {
    pub upload_id: String,
    pub part_size: u64,
    /// (part number, ETag, checksum: MD5 hex or `crc32c:<base64>`) as recorded when each part completed.
    pub parts: Vec<(i32, String, String)>,
}

/// What the engine reports as it goes, for the history and crash recovery.
/// Calls must be cheap: implementations queue, they do not write in place.
pub trait Journal: Send + Sync {
    fn file_started(&self, _index: usize) {}
    fn upload_created(&self, _index: usize, _upload_id: &str, _part_size: u64) {}
    /// `checksum` is the part's MD5 in hex, or `crc32c:<base64>`.
    fn part_done(&self, _index: usize, _number: i32, _etag: &str, _checksum: &str, _size: u64) {}
    fn file_finished(&self, _result: &FileResult) {}
    /// Return once everything told so far is written to disk: called after
    /// an upload is created, before any of its parts is sent, so a crash
    /// never leaves parts in an upload the journal does not know.
    fn sync(&self) {}
}

#[derive(Clone)]
pub struct JournalRef(pub Arc<dyn Journal>);

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A file just delivered, its object to be checked (its index in the
/// plan is its result's).
#[derive(Debug, Clone)]
pub struct DeliveredFile {
    pub file: PlannedFile,
    pub result: FileResult,
}

/// Checks the objects files were just delivered to (`verify::AtDelivery`
/// is the one Chute uses). The engine hands it the files delivered in the
/// last moments together, so that many can be described by one listing;
/// each request it makes holds one of the batch's request slots, so a
/// batch's checks are bounded like its uploads.
pub trait Verifier: Send + Sync {
    /// For each of `delivered`, in order, `Some(error)` when its object is
    /// not what was sent: the file then fails with that error instead of
    /// being reported delivered.
    fn verify(self: Arc<Self>, delivered: &[DeliveredFile], requests: Arc<Semaphore>) -> BoxFuture<'static, Vec<Option<FileError>>>;
}

#[derive(Clone)]
pub struct VerifierRef(pub Arc<dyn Verifier>);

impl std::fmt::Debug for VerifierRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Verifier")
    }
}

impl std::fmt::Debug for JournalRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Journal")
    }
}

impl Default for TransferOptions {
    fn default() -> Self {
        TransferOptions {
            concurrency: 16,
            adaptive: true,
            multipart_threshold: 16 * MIB,
            min_part_size: 8 * MIB,
            integrity_attempts: 3,
            progress_interval: Duration::from_millis(100),
            journal: None,
            verifier: None,
            resume: Default::default(),
            strays: Default::default(),
            resuming: false,
            overwrite: None,
            anonymous: false,
            capabilities: None,
            group: None,
            throttle: None,
        }
    }
}
