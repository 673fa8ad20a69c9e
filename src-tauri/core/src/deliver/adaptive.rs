//! How many requests a batch sends at once, adapted as it runs, as TCP
//! does with its window. It starts at the run's concurrency.
//! - When the server says to slow down (503 SlowDown or 429) twice within a
//!   second, it halves; at most once per cool-down, so that one wave of
//!   refusals counts once (a lone refusal is retried by the client and
//!   changes nothing).
//! - After a cut, while every request slot is busy, it recovers one request
//!   a second up to the level refused, then rests.
//! - Otherwise, while every slot is busy, it grows by a quarter a second as
//!   long as each step raised the throughput (bytes or files per second) by
//!   a tenth, up to a ceiling; after a step that did not pay it rests, then
//!   tries again.
//!
//! Shrinking takes free request slots back at once and the others as their
//! requests end (a task queued for them in turn); growing adds slots, and
//! the engine as many file slots. A file refused as too many requests even
//! after the client's own retries (their budget is shared by the batch)
//! goes again after a pause, under the lowered limit, up to three times,
//! where the server has answered other requests (one that refuses them all
//! is said at once).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use super::{FileResult, FileStatus};
use crate::report::Code;

/// How long throughput is measured before a step is judged.
const WINDOW: Duration = Duration::from_secs(1);
/// After a cut, further refusals are the same wave: no cut until this has passed.
const COOL_DOWN: Duration = Duration::from_secs(1);
/// The least rise in throughput that counts as a step up paying off.
const GAIN: f64 = 1.10;
/// The ceiling, as a multiple of the starting concurrency, and at least.
const CEILING_FACTOR: usize = 4;
const CEILING_AT_LEAST: usize = 64;
/// After a step up that did not pay, or a recovery to the level last
/// refused, how long before a step above is tried.
const REST: Duration = Duration::from_secs(10);
/// Times a file the server refused as too many requests goes again.
const BUSY_AGAIN: u32 = 3;

pub(super) struct Adaptive {
    slots: Arc<Semaphore>,
    /// The server answered a request without refusing it.
    answered: AtomicBool,
    start: usize,
    ceiling: usize,
    state: Mutex<State>,
}

#[derive(Debug, Clone, Copy)]
struct Rate {
    bytes: f64,
    files: f64,
}

impl Rate {
    fn rose_from(self, before: Rate) -> bool {
        self.bytes >= before.bytes * GAIN && self.bytes > 0.0 || self.files >= before.files * GAIN && self.files > 0.0
    }
}

struct State {
    limit: usize,
    last_cut: Option<Instant>,
    last_refusal: Option<Instant>,
    /// The limit when the server last refused: below it the limit recovers
    /// one request at a time.
    cut_from: Option<usize>,
    /// No step above until then: set once a step up did not pay off, or the
    /// limit recovered to the level refused.
    rest_until: Option<Instant>,
    /// The throughput measured before the last step up, while that step is judged.
    before_step: Option<Rate>,
    window_start: Instant,
    window_bytes: u64,
    window_files: u64,
    /// Ticks in this window, and those on which every request slot was taken.
    ticks: u32,
    busy_ticks: u32,
}

impl Adaptive {
    /// A limit over `slots`, which hold `start` permits now.
    pub(super) fn new(slots: Arc<Semaphore>, start: usize, now: Instant) -> Adaptive {
        let start = start.max(1);
        Adaptive {
            slots,
            answered: AtomicBool::new(false),
            start,
            ceiling: (start * CEILING_FACTOR).max(CEILING_AT_LEAST),
            state: Mutex::new(State {
                limit: start,
                last_cut: None,
                last_refusal: None,
                cut_from: None,
                rest_until: None,
                before_step: None,
                window_start: now,
                window_bytes: 0,
                window_files: 0,
                ticks: 0,
                busy_ticks: 0,
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Requests allowed at once now.
    #[cfg(test)]
    fn limit(&self) -> usize {
        self.state().limit
    }

    /// Requests allowed at once now, if the server asked to slow down and
    /// that is fewer than at the start.
    pub(super) fn slowed_to(&self) -> Option<usize> {
        let st = self.state();
        (st.last_cut.is_some() && st.limit < self.start).then_some(st.limit)
    }

    /// The server refused a request as too many (503, 429): halve if it
    /// refused another within the cool-down, unless this wave was already
    /// counted.
    pub(super) fn throttled(&self, now: Instant) {
        let mut st = self.state();
        let recent = |at: Option<Instant>| at.is_some_and(|at| now.saturating_duration_since(at) < COOL_DOWN);
        let again = recent(st.last_refusal);
        st.last_refusal = Some(now);
        if !again || recent(st.last_cut) || st.limit == 1 {
            return;
        }
        let cut = st.limit - st.limit / 2;
        st.cut_from = Some(st.limit);
        st.limit -= cut;
        st.last_cut = Some(now);
        st.before_step = None;
        drop(st);
        let owed = cut - self.slots.forget_permits(cut);
        if owed > 0 {
            // The rest as requests end: queued behind those already waiting.
            let slots = self.slots.clone();
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(async move {
                    for _ in 0..owed {
                        match slots.acquire().await {
                            Ok(p) => p.forget(),
                            Err(_) => break,
                        }
                    }
                });
            }
        }
    }

    /// The server answered a request without refusing it as too many.
    pub(super) fn answered(&self) {
        if !self.answered.load(Ordering::Relaxed) {
            self.answered.store(true, Ordering::Relaxed);
        }
    }

    /// How long to wait before the file of `result` goes again, if the
    /// server refused it as too many requests but answered others (it has
    /// gone again `times` times already); `None`: its result stands.
    pub(super) fn again_after(&self, result: &FileResult, times: u32) -> Option<Duration> {
        let busy = result.status == FileStatus::Failed && result.error.as_ref().is_some_and(|e| e.code == Code::ServerBusy);
        (busy && times < BUSY_AGAIN && self.answered.load(Ordering::Relaxed)).then(|| COOL_DOWN * (times + 1))
    }

    /// Called on the engine's progress tick with the batch's bytes sent and
    /// files done so far. Returns the slots added (then as many file slots
    /// are due).
    pub(super) fn tick(&self, bytes: u64, files: u64, now: Instant) -> usize {
        let mut st = self.state();
        st.ticks += 1;
        if self.slots.available_permits() == 0 {
            st.busy_ticks += 1;
        }
        let elapsed = now.saturating_duration_since(st.window_start);
        if elapsed < WINDOW {
            return 0;
        }
        let secs = elapsed.as_secs_f64();
        let rate =
            Rate { bytes: bytes.saturating_sub(st.window_bytes) as f64 / secs, files: files.saturating_sub(st.window_files) as f64 / secs };
        let busy = st.busy_ticks * 2 >= st.ticks;
        (st.window_start, st.window_bytes, st.window_files, st.ticks, st.busy_ticks) = (now, bytes, files, 0, 0);
        let settling = st.last_cut.is_some_and(|at| now.saturating_duration_since(at) < WINDOW + COOL_DOWN);
        if settling || !busy {
            st.before_step = None;
            return 0;
        }
        // Below the level last refused: one more at a time while no refusal comes.
        if let Some(level) = st.cut_from.filter(|&level| st.limit < level) {
            st.limit += 1;
            if st.limit >= level {
                st.rest_until = Some(now + REST);
            }
            drop(st);
            self.slots.add_permits(1);
            return 1;
        }
        if st.rest_until.is_some_and(|until| now < until) {
            return 0;
        }
        if let Some(before) = st.before_step.take() {
            if !rate.rose_from(before) {
                st.rest_until = Some(now + REST);
                return 0;
            }
        }
        let step = (st.limit / 4).max(1).min(self.ceiling.saturating_sub(st.limit));
        if step == 0 {
            return 0;
        }
        st.limit += step;
        st.before_step = Some(rate);
        drop(st);
        self.slots.add_permits(step);
        step
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(start: Instant, ms: u64) -> Instant {
        start + Duration::from_millis(ms)
    }

    /// Every slot taken, as in a busy batch.
    fn busy(slots: &Arc<Semaphore>) -> Vec<tokio::sync::OwnedSemaphorePermit> {
        (0..slots.available_permits()).map(|_| slots.clone().try_acquire_owned().unwrap()).collect()
    }

    #[test]
    fn refusals_halve_the_limit_once_per_wave_and_never_below_one() {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            let t0 = Instant::now();
            let slots = Arc::new(Semaphore::new(16));
            let a = Adaptive::new(slots.clone(), 16, t0);
            a.throttled(at(t0, 10));
            assert_eq!((a.limit(), a.slowed_to()), (16, None), "a lone refusal changes nothing");
            a.throttled(at(t0, 20));
            assert_eq!((a.limit(), slots.available_permits()), (8, 8), "a second within a second: halved, free slots taken back at once");
            assert_eq!(a.slowed_to(), Some(8), "said while below the start");
            a.throttled(at(t0, 500));
            assert_eq!(a.limit(), 8, "the same wave of refusals counts once");
            a.throttled(at(t0, 1_100));
            assert_eq!(a.limit(), 4);
            a.throttled(at(t0, 3_000));
            assert_eq!(a.limit(), 4, "refusals more than a second apart are lone ones");
            for i in 0..10 {
                a.throttled(at(t0, 4_200 + i * 1_100));
                a.throttled(at(t0, 4_210 + i * 1_100));
            }
            assert_eq!(a.limit(), 1, "never below one request");
        });
    }

    #[test]
    fn a_file_refused_as_too_many_requests_goes_again_three_times_after_a_growing_pause() {
        let a = Adaptive::new(Arc::new(Semaphore::new(4)), 4, Instant::now());
        let result = |status, code: Option<Code>| FileResult {
            index: 0,
            key: "k".into(),
            status,
            bytes: 0,
            attempts: 1,
            requests: 6,
            multipart: false,
            etag: None,
            version_id: None,
            md5: None,
            parts_checked: false,
            duration_ms: 0,
            error: code.map(|code| {
                Box::new(super::super::FileError { code, message: String::new(), fix: String::new(), s3_code: None, request_id: None })
            }),
            url: None,
        };
        let busy = result(FileStatus::Failed, Some(Code::ServerBusy));
        assert_eq!(a.again_after(&busy, 0), None, "a server that answered nothing but refusals is said at once");
        a.answered();
        let pauses: Vec<Option<Duration>> = (0..4).map(|times| a.again_after(&busy, times)).collect();
        assert_eq!(pauses, [Some(COOL_DOWN), Some(COOL_DOWN * 2), Some(COOL_DOWN * 3), None]);
        assert_eq!(a.again_after(&result(FileStatus::Failed, Some(Code::WriteDenied)), 0), None, "only a refusal as too many requests");
        assert_eq!(a.again_after(&result(FileStatus::Delivered, None), 0), None);
    }

    #[test]
    fn slots_in_use_are_taken_back_as_their_requests_end() {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            let t0 = Instant::now();
            let slots = Arc::new(Semaphore::new(8));
            let a = Adaptive::new(slots.clone(), 8, t0);
            let mut held = busy(&slots);
            a.throttled(at(t0, 10));
            a.throttled(at(t0, 20));
            assert_eq!(a.limit(), 4);
            held.truncate(2);
            tokio::task::yield_now().await;
            tokio::task::yield_now().await;
            assert_eq!(slots.available_permits(), 2, "four of the six freed went back to the limit");
            drop(held);
            tokio::task::yield_now().await;
            assert_eq!(slots.available_permits(), 4, "the limit's four, no more");
        });
    }

    #[test]
    fn it_grows_while_throughput_grows_and_stops_when_a_step_does_not_pay() {
        let t0 = Instant::now();
        let slots = Arc::new(Semaphore::new(16));
        let a = Adaptive::new(slots.clone(), 16, t0);
        let _held = busy(&slots);
        assert_eq!(a.tick(0, 100, at(t0, 1_000)), 4, "first window busy: a quarter more");
        assert_eq!((a.limit(), slots.available_permits()), (20, 4));
        let _held2 = busy(&slots);
        assert_eq!(a.tick(0, 250, at(t0, 2_000)), 5, "150 files/s against 100: up again");
        let _held3 = busy(&slots);
        assert_eq!(a.tick(0, 400, at(t0, 3_000)), 0, "150 files/s again: the step did not pay");
        assert_eq!(a.tick(0, 700, at(t0, 4_000)), 0, "no more climbing");
        assert_eq!(a.limit(), 25);
    }

    #[test]
    fn idle_slots_are_no_reason_to_grow_and_the_ceiling_holds() {
        let t0 = Instant::now();
        let slots = Arc::new(Semaphore::new(4));
        let a = Adaptive::new(slots.clone(), 4, t0);
        assert_eq!(a.tick(1 << 20, 10, at(t0, 1_000)), 0, "slots free: not limited by them");
        let mut held = busy(&slots);
        let mut bytes = 0;
        for s in 2..40u64 {
            bytes += s * s * (1 << 20);
            a.tick(bytes, 0, at(t0, s * 1_000));
            held.extend(busy(&slots));
        }
        assert_eq!(a.limit(), 64, "at most the ceiling (4 × 4, at least 64)");
    }

    #[test]
    fn after_a_cut_it_waits_then_climbs_again() {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            let t0 = Instant::now();
            let slots = Arc::new(Semaphore::new(16));
            let a = Adaptive::new(slots.clone(), 16, t0);
            a.throttled(at(t0, 490));
            a.throttled(at(t0, 500));
            let _held = busy(&slots);
            assert_eq!(a.tick(0, 100, at(t0, 1_000)), 0, "settling after the cut");
            assert_eq!(a.tick(0, 200, at(t0, 2_000)), 0, "still settling");
            assert_eq!(a.tick(0, 300, at(t0, 3_000)), 1, "recovering from 8, one at a time");
            let mut t = 3_000;
            while a.limit() < 16 {
                let _more = busy(&slots);
                t += 1_000;
                assert_eq!(a.tick(0, t, at(t0, t)), 1);
            }
            assert_eq!(t, 10_000, "one a second back to the 16 refused");
            let _more = busy(&slots);
            assert_eq!(a.tick(0, 20_000, at(t0, 11_000)), 0, "resting at the level refused");
            assert_eq!(a.tick(0, 30_000, at(t0, 20_100)), 4, "then a step above it");
        });
    }
}
