//! The state a batch's tasks share: the client, the settings as this run
//! applies them, the request limit and how it adapts, control, counters of
//! bytes and of each file's HTTP requests, the words for failed requests,
//! and how long a paced body may take.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;

use tokio::sync::Semaphore;

use super::adaptive::Adaptive;
use super::failure::Failures;
use super::paced::Pacing;
use super::{Control, TransferOptions};
use crate::destination::Settings;

/// Counts the HTTP requests sent for one file, the client's own retries
/// included (an interceptor on each of the file's operations), so the
/// history shows what really crossed the network, and tells the batch's
/// adaptive limit when the server refuses one as too many (503, 429). The
/// batch's counts are one array, a file's counter a place in it: 100,000
/// files cost 400 KB, not an allocation each.
#[derive(Clone)]
pub(super) struct Requests {
    counts: Arc<[AtomicU32]>,
    index: usize,
    adaptive: Option<Arc<Adaptive>>,
}

impl std::fmt::Debug for Requests {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Requests").field("index", &self.index).field("count", &self.count()).finish()
    }
}

impl Requests {
    /// A counter for each of `files` files.
    pub(super) fn per_file(files: usize) -> Arc<[AtomicU32]> {
        (0..files).map(|_| AtomicU32::new(0)).collect()
    }

    pub(super) fn count(&self) -> u32 {
        self.counts[self.index].load(Ordering::Relaxed)
    }
}

impl Default for Requests {
    /// A counter of its own, for a file outside the batch's array.
    fn default() -> Requests {
        Requests { counts: Requests::per_file(1), index: 0, adaptive: None }
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
        self.counts[self.index].fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &aws_smithy_runtime_api::client::interceptors::context::FinalizerInterceptorContextRef<'_>,
        _: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        _: &mut aws_smithy_types::config_bag::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        if let (Some(adaptive), Some(response)) = (&self.adaptive, context.response()) {
            match response.status().as_u16() {
                503 | 429 => adaptive.throttled(std::time::Instant::now()),
                status if status < 500 => adaptive.answered(),
                _ => {}
            }
        }
        Ok(())
    }
}

pub(super) struct Shared {
    pub(super) client: aws_sdk_s3::Client,
    pub(super) settings: Settings,
    pub(super) opts: TransferOptions,
    pub(super) requests: Arc<Semaphore>,
    /// Adapts the number of request slots as the run goes (`None`: fixed).
    pub(super) adaptive: Option<Arc<Adaptive>>,
    pub(super) control: Control,
    pub(super) bytes_sent: Arc<AtomicU64>,
    /// Files whose sending has ended (before their object is checked):
    /// what the adaptive number of requests measures its throughput by.
    pub(super) files_sent: AtomicU64,
    /// "Never overwrite" sends `If-None-Match: *` (seen honoured here);
    /// otherwise it looks before each write.
    pub(super) conditional_put: bool,
    /// Parts carry CRC32C (seen verified here, or the preset's default when
    /// not measured); otherwise Content-MD5.
    pub(super) part_checksums: bool,
    /// The endpoint was seen to verify CRC32C (a wrong one refused).
    pub(super) crc32c_verified: bool,
    /// A part's CRC32C came back in the answer during this run: parts need
    /// no MD5 for their check (until then each part's MD5 is summed too).
    pub(super) crc32c_echoed: Arc<std::sync::atomic::AtomicBool>,
    /// A part with a CRC32C was answered during this run (echoed or not):
    /// until then a multipart upload sends its first part alone, so the
    /// others know whether their MD5s are needed.
    pub(super) crc32c_answered: Arc<std::sync::atomic::AtomicBool>,
    /// One request count per planned file.
    pub(super) counters: Arc<[AtomicU32]>,
    /// Puts failed requests in the catalogue's words.
    pub(super) failures: Failures,
    /// How request bodies go: paced under a bandwidth limit, with time to.
    pub(super) pacing: Pacing,
    /// Each delivered object's URL, from a base worked out once.
    pub(super) urls: crate::s3::ObjectUrls,
}

impl Shared {
    /// Whether an object's (or a part's) ETag is the MD5 of its bytes here:
    /// not under SSE-KMS or SSE-C, where the server's own content checks
    /// (Content-MD5, CRC32C) and the receipt's size and checksum stand instead.
    pub(super) fn md5_etags(&self) -> bool {
        !self.settings.encryption.hides_md5()
    }

    /// The request counter of file `index`, to attach to its operations.
    pub(super) fn counter(&self, index: usize) -> Requests {
        if index < self.counters.len() {
            Requests { counts: self.counters.clone(), index, adaptive: self.adaptive.clone() }
        } else {
            Requests { adaptive: self.adaptive.clone(), ..Requests::default() }
        }
    }
}
