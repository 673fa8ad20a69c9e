//! Pause, cancel and per-file cancel of a running batch, from any thread.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

/// Controls for a running batch, usable from any thread.
#[derive(Clone)]
pub struct Control {
    pub(super) cancel: watch::Sender<bool>,
    pub(super) pause: watch::Sender<bool>,
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
    pub fn is_paused(&self) -> bool {
        *self.pause.borrow()
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
