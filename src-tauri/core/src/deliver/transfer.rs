//! The transfer: every planned file to its key, streamed from disk, in
//! parallel, with integrity checks, the overwrite policy, retries of corrupt
//! uploads, cancel, pause and throttled progress. One failing file never
//! stops the batch.

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_s3::error::SdkError;
use aws_sdk_s3::primitives::{ByteStream, Length};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use base64::Engine;
use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncReadExt;
use tokio::sync::{watch, Semaphore};

use super::failure::Failures;
use super::plan::{Plan, PlannedFile};
use crate::destination::{Overwrite, Settings};
use crate::report::Code;

const MIB: u64 = 1024 * 1024;

/// Counts the HTTP requests sent for one file, the client's own retries
/// included (an interceptor on each of the file's operations), so the
/// history shows what really crossed the network.
#[derive(Debug, Clone, Default)]
pub(super) struct Requests(Arc<std::sync::atomic::AtomicU32>);

impl Requests {
    pub(super) fn count(&self) -> u32 {
        self.0.load(Ordering::Relaxed)
    }
}

impl aws_smithy_runtime_api::client::interceptors::Intercept for Requests {
    fn name(&self) -> &'static str {
        "ChuteRequestCounter"
    }

    fn read_before_attempt(
        &self,
        _: &aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef<'_>,
        _: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        _: &mut aws_smithy_types::config_bag::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}
/// Files below this are read once into memory; above, hashed then streamed.
const SMALL_FILE: u64 = MIB;

#[derive(Debug, Clone)]
pub struct TransferOptions {
    /// Requests in flight at once, across files and parts.
    pub concurrency: usize,
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
    /// Multipart uploads to continue, by plan index (resuming a batch).
    pub resume: std::collections::HashMap<usize, ResumeUpload>,
    /// Resuming an interrupted batch: a file refused as existing may have
    /// landed before the crash, unrecorded; if the object is this file, it
    /// is delivered.
    pub resuming: bool,
    /// For this batch only, instead of the destination's overwrite policy
    /// (`Chute::deliver` records the policy used in the batch's snapshot).
    pub overwrite: Option<crate::destination::Overwrite>,
    /// Requests go without credentials (refusals are explained as such).
    pub anonymous: bool,
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
}

#[derive(Clone)]
pub struct JournalRef(pub Arc<dyn Journal>);

impl std::fmt::Debug for JournalRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Journal")
    }
}

impl Default for TransferOptions {
    fn default() -> Self {
        TransferOptions {
            concurrency: 16,
            multipart_threshold: 16 * MIB,
            min_part_size: 8 * MIB,
            integrity_attempts: 3,
            progress_interval: Duration::from_millis(100),
            journal: None,
            resume: Default::default(),
            resuming: false,
            overwrite: None,
            anonymous: false,
        }
    }
}

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
    pub duration_ms: u64,
    pub error: Option<FileError>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BatchSummary {
    /// The history's id for this batch, when it was recorded.
    #[serde(default)]
    pub batch_id: Option<String>,
    pub files: Vec<FileResult>,
    pub delivered: usize,
    pub skipped: usize,
    pub failed: usize,
    pub cancelled: usize,
    pub bytes_sent: u64,
    pub duration_ms: u64,
}

/// Progress, throttled to `progress_interval`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum DeliveryEvent {
    Batch {
        bytes_sent: u64,
        bytes_total: u64,
        files_done: usize,
        files_total: usize,
        /// Bytes per second over the batch so far.
        rate: u64,
        eta_secs: Option<u64>,
        paused: bool,
    },
    File(Box<FileResult>),
}

/// Controls for a running batch, usable from any thread.
#[derive(Clone)]
pub struct Control {
    pub(super) cancel: watch::Sender<bool>,
    pause: watch::Sender<bool>,
    cancelled_files: Arc<Mutex<HashSet<usize>>>,
    /// Bumped on every cancel, batch or file, to wake whatever waits on a request.
    pub(super) cancels: watch::Sender<u64>,
}

impl Default for Control {
    fn default() -> Self {
        Control {
            cancel: watch::channel(false).0,
            pause: watch::channel(false).0,
            cancelled_files: Arc::default(),
            cancels: watch::channel(0).0,
        }
    }
}

impl Control {
    pub fn cancel(&self) {
        self.cancel.send_replace(true);
        self.pause.send_replace(false);
        self.cancels.send_modify(|n| *n += 1);
    }
    pub fn cancel_file(&self, index: usize) {
        self.cancelled_files.lock().unwrap_or_else(|p| p.into_inner()).insert(index);
        self.cancels.send_modify(|n| *n += 1);
    }
    pub fn pause(&self, paused: bool) {
        self.pause.send_replace(paused);
    }
    pub fn is_cancelled(&self) -> bool {
        *self.cancel.borrow()
    }
    pub(super) fn file_cancelled(&self, index: usize) -> bool {
        self.is_cancelled() || self.cancelled_files.lock().unwrap_or_else(|p| p.into_inner()).contains(&index)
    }
    /// Wait while paused; false if cancelled meanwhile.
    pub(super) async fn gate(&self) -> bool {
        let mut rx = self.pause.subscribe();
        while *rx.borrow_and_update() {
            if self.is_cancelled() || rx.changed().await.is_err() {
                break;
            }
        }
        !self.is_cancelled()
    }
}

pub(super) struct Shared {
    pub(super) client: aws_sdk_s3::Client,
    pub(super) settings: Settings,
    pub(super) opts: TransferOptions,
    pub(super) requests: Arc<Semaphore>,
    pub(super) control: Control,
    pub(super) bytes_sent: Arc<AtomicU64>,
    files_done: AtomicU64,
    pub(super) conditional_put: bool,
    /// One request counter per planned file.
    pub(super) counters: Vec<Requests>,
    /// Puts failed requests in the catalogue's words.
    pub(super) failures: Failures,
}

impl Shared {
    /// The request counter of file `index`, to attach to its operations.
    pub(super) fn counter(&self, index: usize) -> Requests {
        self.counters.get(index).cloned().unwrap_or_default()
    }
}

/// Deliver every file of `plan`. Returns when all have delivered, failed,
/// been skipped or been cancelled.
pub async fn deliver(
    client: aws_sdk_s3::Client,
    settings: &Settings,
    plan: &Plan,
    opts: &TransferOptions,
    control: &Control,
    on_event: &mut (dyn FnMut(DeliveryEvent) + Send),
) -> BatchSummary {
    let started = Instant::now();
    let shared = Arc::new(Shared {
        client,
        settings: Settings { overwrite: opts.overwrite.unwrap_or(settings.overwrite), ..settings.clone() },
        opts: opts.clone(),
        requests: Arc::new(Semaphore::new(opts.concurrency.max(1))),
        control: control.clone(),
        bytes_sent: Arc::new(AtomicU64::new(0)),
        files_done: AtomicU64::new(0),
        conditional_put: settings.preset().conditional_put,
        counters: (0..plan.files.len()).map(|_| Requests::default()).collect(),
        failures: Failures::new(settings, opts.anonymous),
    });
    let total_bytes = plan.total_bytes;
    let total_files = plan.files.len();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<FileResult>();
    // Files are started as request slots free up, so 100,000 queued files cost
    // one small task each at a time, not 100,000 at once.
    let files = Arc::new(plan.files.clone());
    let starter = {
        let shared = shared.clone();
        let files = files.clone();
        tokio::spawn(async move {
            let file_slots = Arc::new(Semaphore::new(shared.opts.concurrency.max(1)));
            let mut set = tokio::task::JoinSet::new();
            for index in 0..files.len() {
                let permit = file_slots.clone().acquire_owned().await.expect("semaphore open");
                let (shared, files, tx) = (shared.clone(), files.clone(), tx.clone());
                set.spawn(async move {
                    let r = one_file(&shared, index, &files[index]).await;
                    shared.files_done.fetch_add(1, Ordering::Relaxed);
                    let _ = tx.send(r);
                    drop(permit);
                });
                while set.try_join_next().is_some() {}
            }
            while set.join_next().await.is_some() {}
        })
    };
    let mut results: Vec<Option<FileResult>> = vec![None; total_files];
    let mut last = Instant::now() - opts.progress_interval;
    let mut tick = tokio::time::interval(opts.progress_interval);
    let batch_event = |shared: &Shared| {
        let sent = shared.bytes_sent.load(Ordering::Relaxed);
        let secs = started.elapsed().as_secs_f64().max(0.001);
        let rate = (sent as f64 / secs) as u64;
        DeliveryEvent::Batch {
            bytes_sent: sent,
            bytes_total: total_bytes,
            files_done: shared.files_done.load(Ordering::Relaxed) as usize,
            files_total: total_files,
            rate,
            eta_secs: (rate > 0).then(|| total_bytes.saturating_sub(sent) / rate),
            paused: *shared.control.pause.borrow(),
        }
    };
    loop {
        tokio::select! {
            r = rx.recv() => match r {
                Some(r) => {
                    if let Some(j) = &opts.journal {
                        j.0.file_finished(&r);
                    }
                    let i = r.index;
                    on_event(DeliveryEvent::File(Box::new(r.clone())));
                    results[i] = Some(r);
                }
                None => break,
            },
            _ = tick.tick() => {
                if last.elapsed() >= opts.progress_interval {
                    on_event(batch_event(&shared));
                    last = Instant::now();
                }
            }
        }
    }
    let _ = starter.await;
    on_event(batch_event(&shared));
    let files: Vec<FileResult> = results.into_iter().flatten().collect();
    let count = |s: FileStatus| files.iter().filter(|f| f.status == s).count();
    BatchSummary {
        batch_id: None,
        delivered: count(FileStatus::Delivered),
        skipped: count(FileStatus::Skipped),
        failed: count(FileStatus::Failed),
        cancelled: count(FileStatus::Cancelled),
        bytes_sent: shared.bytes_sent.load(Ordering::Relaxed),
        duration_ms: started.elapsed().as_millis() as u64,
        files,
    }
}

pub(super) fn err(code: Code, message: impl Into<String>, fix: impl Into<String>) -> FileError {
    FileError { code, message: message.into(), fix: fix.into(), s3_code: None, request_id: None }
}

pub(super) fn is_corruption(e: &FileError) -> bool {
    matches!(e.code, Code::CorruptedInTransit | Code::EtagMismatch | Code::ChecksumMismatch)
}

/// 412 Precondition Failed and 304 Not Modified both mean "already exists"
/// for `If-None-Match: *`, depending on the server.
pub(super) fn is_precondition<E>(e: &SdkError<E, HttpResponse>) -> bool {
    e.raw_response().is_some_and(|r| matches!(r.status().as_u16(), 412 | 304))
}

fn mtime_ms(meta: &std::fs::Metadata) -> i64 {
    meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// The file must still be what the plan saw.
pub(super) fn unchanged(f: &PlannedFile) -> Result<(), FileError> {
    let meta = std::fs::metadata(&f.source).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            err(Code::SourceMissing, format!("{} was moved or deleted after the preview.", f.source.display()), "Drop the file again.")
        }
        _ => err(
            Code::SourceUnreadable,
            format!("{} cannot be read: {e}.", f.source.display()),
            "Check the file's permissions, then retry it.",
        ),
    })?;
    if meta.len() != f.size || mtime_ms(&meta) != f.mtime_ms {
        return Err(err(
            Code::SourceChanged,
            format!(
                "{} changed while it was being delivered ({} → {} bytes); nothing was left at the key.",
                f.source.display(),
                f.size,
                meta.len()
            ),
            "Let whatever writes the file finish, then deliver it again.",
        ));
    }
    Ok(())
}

/// What a part (or small file) is checked by: its MD5 (Content-MD5), or a
/// CRC32C the server verifies (x-amz-checksum-crc32c), several times cheaper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PartSum {
    Md5([u8; 16]),
    Crc32c([u8; 4]),
}

impl PartSum {
    /// As the history records it: MD5 hex, or `crc32c:<base64>`.
    pub(super) fn record(&self) -> String {
        match self {
            PartSum::Md5(m) => hex(m),
            PartSum::Crc32c(c) => format!("crc32c:{}", b64(c)),
        }
    }

    pub(super) fn parse(text: &str) -> Option<PartSum> {
        if let Some(b) = text.strip_prefix("crc32c:") {
            let bytes = base64::engine::general_purpose::STANDARD.decode(b).ok()?;
            return Some(PartSum::Crc32c(bytes.try_into().ok()?));
        }
        let bytes: Vec<u8> = (0..16).map(|i| u8::from_str_radix(text.get(i * 2..i * 2 + 2)?, 16).ok()).collect::<Option<_>>()?;
        Some(PartSum::Md5(bytes.try_into().ok()?))
    }
}

pub(super) async fn sum_of_range(path: &Path, offset: u64, len: u64, crc: bool) -> std::io::Result<PartSum> {
    use tokio::io::AsyncSeekExt;
    let mut file = tokio::fs::File::open(path).await?;
    file.seek(std::io::SeekFrom::Start(offset)).await?;
    let mut left = len;
    let mut md5 = Md5::new();
    let mut crc32c = crc_fast::Digest::new(crc_fast::CrcAlgorithm::Crc32Iscsi);
    let mut buf = vec![0u8; 256 * 1024];
    while left > 0 {
        let want = buf.len().min(left as usize);
        let n = file.read(&mut buf[..want]).await?;
        if n == 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the file is shorter than planned"));
        }
        if crc {
            crc32c.update(&buf[..n]);
        } else {
            md5.update(&buf[..n]);
        }
        left -= n as u64;
    }
    Ok(if crc { PartSum::Crc32c((crc32c.finalize() as u32).to_be_bytes()) } else { PartSum::Md5(md5.finalize().into()) })
}

pub(super) fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub(super) fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// The body of `len` bytes at `offset`, and its MD5.
pub(super) async fn body(path: &Path, offset: u64, len: u64) -> Result<(ByteStream, [u8; 16]), FileError> {
    match body_with(path, offset, len, false).await? {
        (stream, PartSum::Md5(m)) => Ok((stream, m)),
        (_, PartSum::Crc32c(_)) => unreachable!("asked for an MD5"),
    }
}

/// The body of `len` bytes at `offset` and its checksum (CRC32C if `crc`).
pub(super) async fn body_with(path: &Path, offset: u64, len: u64, crc: bool) -> Result<(ByteStream, PartSum), FileError> {
    let io = |e: std::io::Error| {
        err(Code::SourceUnreadable, format!("{} could not be read: {e}.", path.display()), "Check the file, then retry it.")
    };
    if len < SMALL_FILE && !crc {
        use tokio::io::AsyncSeekExt;
        let mut file = tokio::fs::File::open(path).await.map_err(io)?;
        file.seek(std::io::SeekFrom::Start(offset)).await.map_err(io)?;
        let mut buf = vec![0u8; len as usize];
        file.read_exact(&mut buf).await.map_err(io)?;
        let md5: [u8; 16] = Md5::digest(&buf).into();
        return Ok((ByteStream::from(buf), PartSum::Md5(md5)));
    }
    let sum = sum_of_range(path, offset, len, crc).await.map_err(io)?;
    let stream =
        ByteStream::read_from().path(path).offset(offset).length(Length::Exact(len)).buffer_size(256 * 1024).build().await.map_err(
            |e| err(Code::SourceUnreadable, format!("{} could not be read: {e}.", path.display()), "Check the file, then retry it."),
        )?;
    Ok((stream, sum))
}

fn result(index: usize, f: &PlannedFile, status: FileStatus, started: Instant) -> FileResult {
    FileResult {
        index,
        key: f.key.clone(),
        status,
        bytes: 0,
        attempts: 0,
        requests: 0,
        multipart: false,
        etag: None,
        version_id: None,
        md5: None,
        duration_ms: started.elapsed().as_millis() as u64,
        error: None,
    }
}

async fn one_file(sh: &Shared, index: usize, f: &PlannedFile) -> FileResult {
    let mut r = one_file_inner(sh, index, f).await;
    r.requests = sh.counter(index).count();
    r
}

async fn one_file_inner(sh: &Shared, index: usize, f: &PlannedFile) -> FileResult {
    let started = Instant::now();
    let mut r = result(index, f, FileStatus::Failed, started);
    if !sh.control.gate().await || sh.control.file_cancelled(index) {
        r.status = FileStatus::Cancelled;
        return r;
    }
    if let Err(e) = unchanged(f) {
        r.error = Some(e);
        return r;
    }
    // A resumed upload may have completed just before the crash: then the
    // object is there at the planned size and the file is delivered.
    if sh.opts.resume.contains_key(&index) {
        let _slot = sh.requests.acquire().await.expect("semaphore open");
        if let Ok(head) =
            sh.client.head_object().bucket(&sh.settings.bucket).key(&f.key).customize().interceptor(sh.counter(index)).send().await
        {
            if head.content_length() == Some(f.size as i64) {
                return already_there(r, f, &head, started);
            }
        }
    }
    // Overwrite policy, part 1: look first where the server cannot refuse atomically.
    let policy = sh.settings.overwrite;
    let look_first = policy == Overwrite::Skip || (policy == Overwrite::Never && !sh.conditional_put);
    if look_first {
        let _slot = sh.requests.acquire().await.expect("semaphore open");
        match sh.client.head_object().bucket(&sh.settings.bucket).key(&f.key).customize().interceptor(sh.counter(index)).send().await {
            // Resuming: the object may be this very file, sent before the crash.
            Ok(head) if sh.opts.resuming && f.size < sh.opts.multipart_threshold => {
                let mine = match sum_of_range(&f.source, 0, f.size, false).await {
                    Ok(PartSum::Md5(m)) => head.e_tag().is_some_and(|e| e.trim_matches('"').len() == 32 && etag_matches(Some(e), &hex(&m))),
                    _ => false,
                };
                if !mine {
                    return exists(r, policy, f, started);
                }
                return already_there(r, f, &head, started);
            }
            Ok(_) => return exists(r, policy, f, started),
            Err(e) if e.raw_response().is_some_and(|x| x.status().as_u16() == 404) => {}
            Err(e) => {
                r.error = Some(sh.failures.of(&format!("Checking for an existing object at `{}`", f.key), &e));
                return r;
            }
        }
    }
    let multipart = f.size >= sh.opts.multipart_threshold;
    r.multipart = multipart;
    if let Some(j) = &sh.opts.journal {
        j.0.file_started(index);
    }
    let mut attempts = 0;
    let mut fresh = false;
    loop {
        attempts += 1;
        r.attempts = attempts;
        let outcome = if multipart { super::multipart::upload(sh, index, f, fresh).await } else { single_put(sh, index, f).await };
        match outcome {
            Ok(Sent::Done { etag, version_id, md5 }) => {
                sh.bytes_sent.fetch_add(if multipart { 0 } else { f.size }, Ordering::Relaxed);
                r.status = FileStatus::Delivered;
                r.bytes = f.size;
                r.etag = etag;
                r.version_id = version_id;
                r.md5 = md5;
                r.error = None;
                break;
            }
            Ok(Sent::Exists) => return exists(r, policy, f, started),
            Ok(Sent::Cancelled) => {
                r.status = FileStatus::Cancelled;
                r.error = None;
                break;
            }
            Err(e) if is_corruption(&e) && attempts < sh.opts.integrity_attempts => continue,
            // Continuing an interrupted upload failed (the server lost it, or
            // will not take its parts again): it was aborted; start afresh once.
            Err(_) if multipart && !fresh && sh.opts.resume.contains_key(&index) && !sh.control.file_cancelled(index) => {
                fresh = true;
                continue;
            }
            Err(e) => {
                r.error = Some(e);
                break;
            }
        }
    }
    r.duration_ms = started.elapsed().as_millis() as u64;
    r
}

/// Delivered without sending: the object at the key is this file, stored
/// before an interruption.
fn already_there(
    mut r: FileResult,
    f: &PlannedFile,
    head: &aws_sdk_s3::operation::head_object::HeadObjectOutput,
    started: Instant,
) -> FileResult {
    r.status = FileStatus::Delivered;
    r.bytes = f.size;
    r.etag = head.e_tag().map(str::to_string);
    r.version_id = head.version_id().map(str::to_string);
    r.duration_ms = started.elapsed().as_millis() as u64;
    r
}

fn exists(mut r: FileResult, policy: Overwrite, f: &PlannedFile, started: Instant) -> FileResult {
    r.duration_ms = started.elapsed().as_millis() as u64;
    if policy == Overwrite::Skip {
        r.status = FileStatus::Skipped;
    } else {
        r.status = FileStatus::Failed;
        r.error = Some(err(
            Code::AlreadyExists,
            format!("An object already exists at `{}`; it was left untouched.", f.key),
            "Change the key template or prefix, or set this destination to overwrite (or skip) existing objects.",
        ));
    }
    r
}

pub(super) enum Sent {
    Done { etag: Option<String>, version_id: Option<String>, md5: Option<String> },
    Exists,
    Cancelled,
}

/// The destination's object attributes (content headers, Expires, storage
/// class, ACL, metadata, tags) on a PutObject or CreateMultipartUpload
/// request: both builders name them alike, so one list serves both.
macro_rules! with_object_attributes {
    ($b:expr, $s:expr) => {{
        let (mut b, s) = ($b, $s);
        let h = &s.headers;
        let opt = |v: &str| (!v.trim().is_empty()).then(|| v.trim().to_string());
        b = b.set_cache_control(opt(&h.cache_control)).set_content_disposition(opt(&h.content_disposition));
        b = b.set_content_encoding(opt(&h.content_encoding)).set_content_language(opt(&h.content_language));
        if let Some(exp) =
            opt(&h.expires).and_then(|e| aws_smithy_types::DateTime::from_str(&e, aws_smithy_types::date_time::Format::HttpDate).ok())
        {
            b = b.expires(exp);
        }
        if !s.storage_class.trim().is_empty() {
            b = b.storage_class(s.storage_class.trim().into());
        }
        if !s.acl.trim().is_empty() {
            b = b.acl(s.acl.trim().into());
        }
        for (k, v) in &s.metadata {
            b = b.metadata(k, v);
        }
        if !s.tags.is_empty() {
            b = b.tagging($crate::deliver::transfer::tagging(s));
        }
        b
    }};
}
pub(super) use with_object_attributes;

pub(super) fn tagging(s: &Settings) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in &s.tags {
        q.append_pair(k, v);
    }
    q.finish()
}

pub(super) fn etag_matches(etag: Option<&str>, md5_hex: &str) -> bool {
    match etag.map(|e| e.trim_matches('"')) {
        // A plain MD5 ETag must match; others (SSE-KMS, multipart, providers' own) cannot be compared.
        Some(e) if e.len() == 32 && e.chars().all(|c| c.is_ascii_hexdigit()) => e.eq_ignore_ascii_case(md5_hex),
        _ => true,
    }
}

async fn single_put(sh: &Shared, index: usize, f: &PlannedFile) -> Result<Sent, FileError> {
    let (stream, md5) = body(&f.source, 0, f.size).await?;
    unchanged(f)?;
    let _slot = sh.requests.acquire().await.expect("semaphore open");
    let mut req = sh
        .client
        .put_object()
        .bucket(&sh.settings.bucket)
        .key(&f.key)
        .content_type(&f.content_type)
        .content_length(f.size as i64)
        .content_md5(b64(&md5))
        .body(stream);
    req = with_object_attributes!(req, &sh.settings);
    if sh.settings.overwrite == Overwrite::Never && sh.conditional_put {
        req = req.if_none_match("*");
    }
    // A cancel cuts the PUT short: S3 never stores a partial PUT.
    let mut cancels = sh.control.cancels.subscribe();
    let counter = sh.counter(index);
    let before = counter.count();
    let send = req.customize().interceptor(counter.clone()).send();
    tokio::pin!(send);
    let sent = loop {
        tokio::select! {
            r = &mut send => break r,
            changed = cancels.changed() => {
                if changed.is_err() || sh.control.file_cancelled(index) {
                    return Ok(Sent::Cancelled);
                }
            }
        }
    };
    let md5_hex = hex(&md5);
    match sent {
        Ok(out) => {
            if !etag_matches(out.e_tag(), &md5_hex) {
                // What the server stored is not what was read from disk: take it
                // away (it was written by this PUT) before a retry or the failure.
                remove_written(sh, index, &f.key, out.version_id()).await;
                return Err(err(
                    Code::EtagMismatch,
                    format!("The server stored different bytes than were sent (ETag {} ≠ MD5 {md5_hex}).", out.e_tag().unwrap_or("")),
                    "Retry; check proxies in between.",
                ));
            }
            Ok(Sent::Done { etag: out.e_tag().map(str::to_string), version_id: out.version_id().map(str::to_string), md5: Some(md5_hex) })
        }
        // Refused as existing after the client retried: the first attempt may
        // have landed with its answer lost. The object is ours if it holds
        // exactly these bytes.
        Err(e) if is_precondition(&e) && (counter.count() > before + 1 || sh.opts.resuming) => {
            match own_object(sh, index, &f.key, |etag| etag_matches(Some(etag), &md5_hex) && etag.trim_matches('"').len() == 32).await {
                Some((etag, version_id)) => Ok(Sent::Done { etag: Some(etag), version_id, md5: Some(md5_hex) }),
                None => Ok(Sent::Exists),
            }
        }
        Err(e) if is_precondition(&e) => Ok(Sent::Exists),
        Err(e) => Err(sh.failures.of(&format!("Uploading `{}`", f.key), &e)),
    }
}

/// The object at `key` if `is_ours` accepts its ETag: (ETag, version id).
pub(super) async fn own_object(sh: &Shared, index: usize, key: &str, is_ours: impl Fn(&str) -> bool) -> Option<(String, Option<String>)> {
    let head = sh.client.head_object().bucket(&sh.settings.bucket).key(key).customize().interceptor(sh.counter(index)).send().await.ok()?;
    let etag = head.e_tag()?.to_string();
    is_ours(&etag).then(|| (etag, head.version_id().map(str::to_string)))
}

/// Delete an object this delivery wrote with the wrong bytes (its version
/// where the bucket keeps versions), so no corrupt object stays at the key.
pub(super) async fn remove_written(sh: &Shared, index: usize, key: &str, version_id: Option<&str>) {
    let _ = sh
        .client
        .delete_object()
        .bucket(&sh.settings.bucket)
        .key(key)
        .set_version_id(version_id.map(str::to_string))
        .customize()
        .interceptor(sh.counter(index))
        .send()
        .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_checksums_are_crc32c_and_round_trip() {
        // The CRC-32C check value: crc32c("123456789") = 0xE3069283.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("v");
        std::fs::write(&p, b"123456789").unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let sum = rt.block_on(sum_of_range(&p, 0, 9, true)).unwrap();
        assert_eq!(sum, PartSum::Crc32c(0xE306_9283u32.to_be_bytes()));
        assert_eq!(PartSum::parse(&sum.record()), Some(sum));
        let md5 = rt.block_on(sum_of_range(&p, 0, 9, false)).unwrap();
        assert_eq!(md5.record(), "25f9e794323b453885f5181f1b624d0b");
        assert_eq!(PartSum::parse(&md5.record()), Some(md5));
        assert_eq!(PartSum::parse("nonsense"), None);
    }

    #[test]
    fn etags() {
        assert!(etag_matches(Some("\"900150983cd24fb0d6963f7d28e17f72\""), "900150983cd24fb0d6963f7d28e17f72"));
        assert!(!etag_matches(Some("\"00000000000000000000000000000000\""), "900150983cd24fb0d6963f7d28e17f72"));
        assert!(etag_matches(Some("\"abc-3\""), "900150983cd24fb0d6963f7d28e17f72"), "not comparable");
    }
}
