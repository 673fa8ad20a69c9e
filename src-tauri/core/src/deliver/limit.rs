//! Bandwidth limits while bytes are sent: a token bucket (`Limiter`) with a
//! small burst, whose rate can change while deliveries run, and the limits
//! one delivery obeys together (`Throttle`: its destination's and the app's
//! overall one, the lower winning). Every request of a delivery (parts,
//! single PUTs, their retries) draws from the same buckets.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How much may go at once after a pause: this long at the rate.
const BURST: Duration = Duration::from_millis(50);
/// The bucket holds at least this (so a tiny rate still sends whole chunks).
const MIN_BURST: f64 = 4096.0;

/// A token bucket of bytes. Each chunk takes its bytes at once, running
/// into debt when the bucket is short, and waits until the debt is paid:
/// the chunks of every request sharing the bucket are released at exactly
/// the rate, in the order they asked.
#[derive(Debug)]
pub struct Limiter {
    /// Bytes per second; 0: no limit.
    rate: AtomicU64,
    bucket: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Limiter {
    pub fn new(bytes_per_sec: Option<u64>) -> Limiter {
        let rate = bytes_per_sec.unwrap_or(0);
        Limiter { rate: AtomicU64::new(rate), bucket: Mutex::new(Bucket { tokens: burst(rate as f64), at: Instant::now() }) }
    }

    /// The limit in bytes per second, `None` when there is none.
    pub fn rate(&self) -> Option<u64> {
        Some(self.rate.load(Ordering::Relaxed)).filter(|r| *r > 0)
    }

    /// Change the limit; deliveries drawing from this bucket follow at
    /// their next chunk.
    pub fn set_rate(&self, bytes_per_sec: Option<u64>) {
        let rate = bytes_per_sec.unwrap_or(0);
        let mut b = self.bucket.lock().unwrap_or_else(|p| p.into_inner());
        // Debt run up at the old rate is forgiven: the new one starts now.
        b.tokens = b.tokens.clamp(0.0, burst(rate as f64));
        b.at = Instant::now();
        self.rate.store(rate, Ordering::Relaxed);
    }

    /// Take `bytes` from the bucket: how long to wait before sending them.
    pub fn reserve(&self, bytes: u64) -> Duration {
        let rate = self.rate.load(Ordering::Relaxed) as f64;
        if rate == 0.0 {
            return Duration::ZERO;
        }
        let mut b = self.bucket.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * rate).min(burst(rate));
        b.at = now;
        b.tokens -= bytes as f64;
        if b.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-b.tokens / rate)
        }
    }
}

fn burst(rate: f64) -> f64 {
    (rate * BURST.as_secs_f64()).max(MIN_BURST)
}

/// The limits one delivery obeys: its destination's (or this run's) and
/// the app's overall one, shared with every other delivery of the process.
/// (One pointer wide: the transfer options that carry it stay small.)
#[derive(Debug, Clone)]
pub struct Throttle(Arc<Limits>);

#[derive(Debug)]
struct Limits {
    /// This delivery's own bucket.
    own: Option<Limiter>,
    /// The process-wide bucket.
    overall: Option<Arc<Limiter>>,
}

impl Throttle {
    /// A limit of one run's own, instead of its destination's (the
    /// command line's `--bandwidth-limit`); `Chute::deliver` adds the
    /// overall limit to it.
    pub fn run_limit(bytes_per_sec: std::num::NonZeroU64) -> Throttle {
        Throttle(Arc::new(Limits { own: Some(Limiter::new(Some(bytes_per_sec.get()))), overall: None }))
    }

    /// This throttle's own limit (not the shared one), as `run_limit` made it.
    pub(crate) fn own_rate(&self) -> Option<u64> {
        self.0.own.as_ref().and_then(Limiter::rate)
    }

    /// `own`: this delivery's limit; `overall`: the process-wide bucket,
    /// kept even while it has no limit, so setting one reaches a delivery
    /// that is running. `None` when neither limits anything now: the
    /// delivery then sends without pacing.
    pub fn of(own: Option<u64>, overall: &Arc<Limiter>) -> Option<Throttle> {
        if own.is_none() && overall.rate().is_none() {
            return None;
        }
        Some(Throttle(Arc::new(Limits { own: own.map(|r| Limiter::new(Some(r))), overall: Some(overall.clone()) })))
    }

    fn limiters(&self) -> impl Iterator<Item = &Limiter> {
        self.0.own.iter().chain(self.0.overall.as_deref())
    }

    /// The limit in force now: the lower of the two.
    pub fn rate(&self) -> Option<u64> {
        self.limiters().filter_map(Limiter::rate).min()
    }

    /// Take `bytes` from every bucket: how long to wait (the longest wait).
    pub(super) fn reserve(&self, bytes: u64) -> Duration {
        self.limiters().map(|l| l.reserve(bytes)).max().unwrap_or_default()
    }

    /// How many bytes to release at a time: a twentieth of a second at the
    /// rate (between 1 KiB and 256 KiB), so the rate holds over any second;
    /// everything at once when no limit is in force.
    pub(super) fn chunk(&self) -> usize {
        match self.rate() {
            Some(rate) => (rate / 20).clamp(1024, 256 * 1024) as usize,
            None => usize::MAX,
        }
    }
}

/// A request's body should take about this long at its share of the limit.
const BODY_TIME: Duration = Duration::from_secs(20);

/// Requests in flight under a limit of `rate` bytes per second when the
/// largest body is `largest_body` bytes: as many as leave each body about
/// `BODY_TIME` at its share (16 requests sharing 500 KB/s would each take
/// minutes per 8 MiB part), at least one, at most `concurrency`.
pub(super) fn requests_under(rate: u64, largest_body: u64, concurrency: usize) -> usize {
    let fit = (rate as f64 * BODY_TIME.as_secs_f64() / largest_body.max(1) as f64) as usize;
    fit.clamp(1, concurrency.max(1))
}

/// The timeouts of a request carrying a body under a limit: the client's
/// usual ones (`base`), stretched so the largest body can go at its share
/// of the limit four times over (the limit may be lowered while it runs).
/// The read timeout counts from the request's start until the answer, the
/// body's sending included.
pub(super) fn body_timeouts(
    base: &crate::s3::ClientOptions,
    rate: u64,
    requests: usize,
    largest_body: u64,
) -> aws_smithy_types::timeout::TimeoutConfig {
    let body = Duration::from_secs_f64(4.0 * largest_body as f64 * requests as f64 / rate.max(1) as f64);
    aws_smithy_types::timeout::TimeoutConfig::builder()
        .connect_timeout(base.connect_timeout)
        .read_timeout(base.read_timeout.max(body + base.read_timeout))
        .operation_timeout(base.operation_timeout.max(body + base.read_timeout))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_releases_bytes_at_its_rate_after_a_small_burst() {
        let l = Limiter::new(Some(1_000_000));
        assert_eq!(l.reserve(50_000), Duration::ZERO, "the burst goes at once");
        // Then each chunk waits for its share: 500 kB more is half a second.
        let waited = l.reserve(500_000);
        assert!((waited.as_secs_f64() - 0.5).abs() < 0.01, "{waited:?}");
        // Chunks queue behind each other.
        let next = l.reserve(100_000);
        assert!((next.as_secs_f64() - 0.6).abs() < 0.01, "{next:?}");
    }

    #[test]
    fn no_limit_never_waits_and_a_new_rate_applies_at_once() {
        let l = Limiter::new(None);
        assert_eq!(l.rate(), None);
        assert_eq!(l.reserve(u64::MAX / 2), Duration::ZERO);
        l.set_rate(Some(100_000));
        assert_eq!(l.rate(), Some(100_000));
        l.reserve(5_000);
        let w = l.reserve(100_000);
        assert!((w.as_secs_f64() - 1.0).abs() < 0.02, "{w:?}");
        l.set_rate(None);
        assert_eq!(l.reserve(1_000_000), Duration::ZERO, "lifted: nothing waits");
    }

    #[test]
    fn the_lower_of_two_limits_wins() {
        let overall = Arc::new(Limiter::new(Some(4_000_000)));
        let t = Throttle::of(Some(1_000_000), &overall).unwrap();
        assert_eq!(t.rate(), Some(1_000_000));
        overall.set_rate(Some(500_000));
        assert_eq!(t.rate(), Some(500_000), "a change of the overall limit reaches a running delivery");
        assert!(Throttle::of(None, &Arc::new(Limiter::new(None))).is_none(), "no limit: no pacing at all");
        let run = Throttle::run_limit(std::num::NonZeroU64::new(300_000).unwrap());
        assert_eq!((run.rate(), run.own_rate(), t.own_rate()), (Some(300_000), Some(300_000), Some(1_000_000)));
        let only_overall = Throttle::of(None, &overall).unwrap();
        assert_eq!(only_overall.own_rate(), None);
        overall.set_rate(None);
        assert_eq!(only_overall.rate(), None);
        assert_eq!(only_overall.chunk(), usize::MAX);
    }

    #[test]
    fn a_low_limit_sends_fewer_requests_at_once_each_with_time_for_its_body() {
        const MIB: u64 = 1 << 20;
        assert_eq!(requests_under(8 * MIB, 8 * MIB, 16), 16, "fast enough: all of them");
        assert_eq!(requests_under(2 * MIB, 8 * MIB, 16), 5);
        assert_eq!(requests_under(100 * 1024, 8 * MIB, 16), 1, "at least one");
        assert_eq!(requests_under(1024 * MIB, 4096, 16), 16, "at most the run's concurrency");
        let base = crate::s3::ClientOptions::delivery();
        let t = body_timeouts(&base, 100 * 1024, 1, 16 * MIB);
        assert!(t.read_timeout().unwrap() > Duration::from_secs(4 * 160), "{t:?}");
        assert!(t.operation_timeout().unwrap() >= base.operation_timeout);
        assert_eq!(body_timeouts(&base, 1 << 30, 16, MIB).operation_timeout(), Some(base.operation_timeout), "fast: as usual");
    }
}
