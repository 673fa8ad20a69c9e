//! Delivered files gathered for their check at the destination: a file
//! waits at most `WAIT` for others delivered after it, up to a listing
//! page of them, so that one listing can describe them all instead of a
//! HEAD each. A few windows are checked at once; while they are all under
//! way and the next is full, no new file starts, so what waits for its
//! check stays bounded at any batch size.

use std::time::{Duration, Instant};

use super::DeliveredFile;

/// Files a window holds: the keys one ListObjectsV2 page gives.
const MOST: usize = 1000;
/// The longest a delivered file waits for others before its check starts.
const WAIT: Duration = Duration::from_millis(200);
/// Windows checked at once.
const AT_ONCE: usize = 4;

#[derive(Default)]
pub(super) struct CheckWindows {
    waiting: Vec<DeliveredFile>,
    since: Option<Instant>,
    running: usize,
}

impl CheckWindows {
    pub(super) fn push(&mut self, d: DeliveredFile) {
        self.since.get_or_insert_with(Instant::now);
        self.waiting.push(d);
    }

    /// Room for more files to start: fewer than two windows wait.
    pub(super) fn has_room(&self) -> bool {
        self.waiting.len() < 2 * MOST
    }

    /// The files whose check should start now: a full window, the files
    /// waiting longest `WAIT`, or all that wait once `all_sent`.
    pub(super) fn take_due(&mut self, all_sent: bool) -> Option<Vec<DeliveredFile>> {
        let due = self.waiting.len() >= MOST || all_sent || self.since.is_some_and(|t| t.elapsed() >= WAIT);
        if self.waiting.is_empty() || self.running >= AT_ONCE || !due {
            return None;
        }
        self.running += 1;
        let rest = self.waiting.split_off(self.waiting.len().min(MOST));
        self.since = (!rest.is_empty()).then(Instant::now);
        Some(std::mem::replace(&mut self.waiting, rest))
    }

    /// A window's check came back.
    pub(super) fn checked(&mut self) {
        self.running -= 1;
    }

    /// Nothing waits for its check, and none is under way.
    pub(super) fn idle(&self) -> bool {
        self.waiting.is_empty() && self.running == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deliver::{FileStatus, PlannedFile};

    fn delivered(index: usize) -> DeliveredFile {
        let file = PlannedFile {
            from: crate::deliver::SourcePath::Own(format!("/f{index}").into()),
            relpath: format!("f{index}"),
            key: format!("k{index}"),
            size: 1,
            mtime_ms: 0,
            content_type: "text/plain".into(),
        };
        let result = crate::deliver::file::result(index, &file, FileStatus::Delivered, Instant::now());
        DeliveredFile { file, result }
    }

    #[test]
    fn a_window_goes_when_full_when_it_waited_or_when_everything_is_sent() {
        let mut w = CheckWindows::default();
        assert!(w.take_due(true).is_none(), "nothing to check");
        w.push(delivered(0));
        assert!(w.take_due(false).is_none(), "one file waits for others");
        assert_eq!(w.take_due(true).map(|f| f.len()), Some(1), "the last files go at once");
        assert!(!w.idle());
        w.checked();
        assert!(w.idle());

        (0..MOST + 5).for_each(|i| w.push(delivered(i)));
        let first = w.take_due(false).expect("a full window goes");
        assert_eq!((first.len(), first[0].result.index), (MOST, 0));
        assert!(w.take_due(false).is_none(), "five files wait for more");
        w.since = Some(Instant::now() - WAIT);
        assert_eq!(w.take_due(false).map(|f| f[0].result.index), Some(MOST), "…until they waited long enough");
    }

    #[test]
    fn no_more_windows_than_at_once_and_new_files_wait_when_two_are_full() {
        let mut w = CheckWindows::default();
        (0..(AT_ONCE + 2) * MOST).for_each(|i| w.push(delivered(i)));
        assert!(!w.has_room());
        for _ in 0..AT_ONCE {
            assert!(w.take_due(false).is_some());
        }
        assert!(w.take_due(true).is_none(), "{AT_ONCE} windows are being checked");
        assert!(!w.has_room(), "two windows wait: no file starts");
        w.checked();
        assert!(w.take_due(false).is_some());
        assert!(w.has_room());
    }
}
