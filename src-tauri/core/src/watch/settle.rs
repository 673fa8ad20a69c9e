//! Which files have settled: a file the OS said changed is delivered only
//! once its size and modification time stayed the same for the watch's
//! settle time. Every new change starts the wait again, so a file still
//! growing is never sent torn and an editor that saves twice sends once.
//! Pure bookkeeping: the caller stats files and keeps the clock.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What a file looked like when last seen: size and mtime (Unix ms).
pub type Look = (u64, i64);

#[derive(Debug)]
struct Pending {
    look: Option<Look>,
    since: Instant,
}

#[derive(Debug)]
pub struct Settle {
    wait: Duration,
    pending: HashMap<PathBuf, Pending>,
}

impl Settle {
    pub fn new(wait: Duration) -> Settle {
        Settle { wait, pending: HashMap::new() }
    }

    /// The OS reported a change at `path`: wait again from `now`.
    pub fn touch(&mut self, path: PathBuf, now: Instant) {
        let p = self.pending.entry(path).or_insert(Pending { look: None, since: now });
        p.since = now;
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Files waiting to settle.
    pub fn len(&self) -> usize {
        self.pending.len()
    }

    /// The files that have settled by `now`, each with its look; they are
    /// no longer tracked. `look` stats a path (`None`: gone, or not a
    /// regular file any more, and it is forgotten).
    pub fn settled(&mut self, now: Instant, look: impl Fn(&Path) -> Option<Look>) -> Vec<(PathBuf, Look)> {
        let mut out = vec![];
        self.pending.retain(|path, p| {
            let Some(current) = look(path) else { return false };
            if p.look != Some(current) {
                p.look = Some(current);
                p.since = now;
                return true;
            }
            if now.duration_since(p.since) >= self.wait {
                out.push((path.clone(), current));
                return false;
            }
            true
        });
        out.sort();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    const WAIT: Duration = Duration::from_secs(2);

    fn at(t0: Instant, ms: u64) -> Instant {
        t0 + Duration::from_millis(ms)
    }

    #[test]
    fn a_file_settles_after_the_wait_without_change() {
        let t0 = Instant::now();
        let mut s = Settle::new(WAIT);
        s.touch("a".into(), t0);
        let look = |_: &Path| Some((10, 1));
        assert!(s.settled(at(t0, 0), look).is_empty(), "first look starts the wait");
        assert!(s.settled(at(t0, 1_999), look).is_empty());
        assert_eq!(s.settled(at(t0, 2_000), look), vec![(PathBuf::from("a"), (10, 1))]);
        assert!(s.is_empty());
    }

    #[test]
    fn a_growing_file_waits_until_it_stops_growing() {
        let t0 = Instant::now();
        let size = RefCell::new(0u64);
        let look = |_: &Path| Some((*size.borrow(), 1));
        let mut s = Settle::new(WAIT);
        s.touch("g".into(), t0);
        for second in 0..5 {
            *size.borrow_mut() += 100;
            assert!(s.settled(at(t0, second * 1_000 + 500), look).is_empty(), "still growing at {second} s");
        }
        assert!(s.settled(at(t0, 6_000), look).is_empty());
        assert_eq!(s.settled(at(t0, 6_500), look), vec![(PathBuf::from("g"), (500, 1))]);
    }

    #[test]
    fn a_new_change_event_restarts_the_wait_even_with_the_same_look() {
        let t0 = Instant::now();
        let look = |_: &Path| Some((5, 1));
        let mut s = Settle::new(WAIT);
        s.touch("e".into(), t0);
        assert!(s.settled(at(t0, 100), look).is_empty());
        s.touch("e".into(), at(t0, 1_500));
        assert!(s.settled(at(t0, 2_500), look).is_empty(), "saved again at 1.5 s");
        assert_eq!(s.settled(at(t0, 3_500), look).len(), 1);
    }

    #[test]
    fn a_file_gone_before_it_settles_is_forgotten() {
        let t0 = Instant::now();
        let mut s = Settle::new(WAIT);
        s.touch("tmp".into(), t0);
        assert!(s.settled(at(t0, 3_000), |_| None).is_empty());
        assert!(s.is_empty());
    }
}
