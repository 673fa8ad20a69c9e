//! The deliveries running in this window now, by plan id, each with its
//! latest progress: what the tray says while delivering ("3 of 10 files,
//! 45%"), and which deliveries "Pause all" reaches. Fed by
//! `start_delivery` (started, each progress, ended).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use chute_core::Progress;

/// All deliveries running in the window, summed up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delivering {
    pub deliveries: usize,
    pub files_done: usize,
    pub files_total: usize,
    pub bytes_sent: u64,
    pub bytes_total: u64,
    /// Every one of them is paused.
    pub paused: bool,
    /// The lowest bandwidth limit in force among them, bytes per second.
    pub rate_limit: Option<u64>,
}

impl Delivering {
    /// Percent of the bytes sent, 0 to 100 (by files when there are no bytes).
    pub fn percent(&self) -> u64 {
        let (done, total) =
            if self.bytes_total > 0 { (self.bytes_sent, self.bytes_total) } else { (self.files_done as u64, self.files_total as u64) };
        (done.saturating_mul(100).checked_div(total).unwrap_or(0)).min(100)
    }
}

/// The window's running deliveries (state of the app).
#[derive(Default)]
pub struct Activity(Mutex<HashMap<String, Progress>>);

impl Activity {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Progress>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A plan starts sending: `files` files, `bytes` bytes.
    pub fn started(&self, plan_id: &str, files: usize, bytes: u64) {
        let progress = Progress { files_total: files, bytes_total: bytes, ..Progress::default() };
        self.lock().insert(plan_id.to_string(), progress);
    }

    pub fn progress(&self, plan_id: &str, progress: &Progress) {
        if let Some(p) = self.lock().get_mut(plan_id) {
            *p = *progress;
        }
    }

    pub fn ended(&self, plan_id: &str) {
        self.lock().remove(plan_id);
    }

    /// The plans running now.
    pub fn running(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    /// What runs now, summed up; `None` when nothing does.
    pub fn now(&self) -> Option<Delivering> {
        let all = self.lock();
        if all.is_empty() {
            return None;
        }
        let mut d = Delivering { deliveries: all.len(), paused: true, ..Delivering::default() };
        for p in all.values() {
            d.files_done += p.files_done;
            d.files_total += p.files_total;
            d.bytes_sent += p.bytes_sent;
            d.bytes_total += p.bytes_total;
            d.paused &= p.paused;
            d.rate_limit = match (d.rate_limit, p.rate_limit) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        Some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deliveries_running_side_by_side_are_summed_up_and_gone_once_ended() {
        let a = Activity::default();
        assert_eq!(a.now(), None);
        a.started("p1", 4, 400);
        a.started("p2", 6, 600);
        let limited =
            Progress { files_done: 2, files_total: 4, bytes_sent: 200, bytes_total: 400, rate_limit: Some(2048), ..Progress::default() };
        a.progress("p1", &limited);
        let now = a.now().unwrap();
        assert_eq!((now.deliveries, now.files_done, now.files_total, now.percent()), (2, 2, 10, 20));
        assert_eq!(now.rate_limit, Some(2048));
        assert!(!now.paused);
        a.ended("p1");
        a.ended("p2");
        assert_eq!(a.now(), None);
        assert!(a.running().is_empty());
    }
}
