//! A time budget per GUI test. A WebDriver call has no timeout of its own,
//! nor has a read from a child's pipe: if the app, the driver or the CLI
//! stops answering, the test would wait for ever and the whole suite with
//! it. Past its budget the watchdog takes a screenshot, says which
//! processes it stops and what the app printed last, and kills every
//! process of the test's environment (they carry its private session bus),
//! so the waiting call fails and the test fails with it. If even that does
//! not end the test, the suite exits.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use super::launch::capture_display;
use super::processes::{carrying, kill};

/// Seconds a GUI test may take; `CHUTE_GUI_TEST_SECS` overrides it.
const BUDGET_SECS: u64 = 900;
/// After the kill, how long the test has to fail by itself.
const GRACE_SECS: u64 = 90;

/// Armed while the test's `Env` lives; dropping it disarms it.
pub(crate) struct Watchdog {
    _disarm: mpsc::Sender<()>,
}

impl Watchdog {
    /// `marker` is an environment entry (`NAME=value`) only this test's
    /// processes carry; `display` is its X display, for the screenshot.
    pub(crate) fn arm(test: &str, marker: String, display: String, xvfb_pid: u32, artifacts: std::path::PathBuf) -> Watchdog {
        let budget = std::env::var("CHUTE_GUI_TEST_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(BUDGET_SECS);
        let (tx, rx) = mpsc::channel::<()>();
        let test = test.to_string();
        std::thread::spawn(move || {
            if rx.recv_timeout(Duration::from_secs(budget)) != Err(RecvTimeoutError::Timeout) {
                return;
            }
            capture_display(&display, &artifacts.join("hung.png"));
            let stuck = carrying(&marker);
            eprintln!(
                "GUI test `{test}` is still running after {budget} s; stopping its processes so it fails \
                 (screenshot: {}):",
                artifacts.join("hung.png").display()
            );
            for (pid, cmdline) in &stuck {
                eprintln!("  {pid} {cmdline}");
            }
            let log = std::fs::read_to_string(artifacts.join("app-output.log")).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(30).collect();
            eprintln!("the last lines the driver and the app printed:");
            tail.iter().rev().for_each(|l| eprintln!("  | {l}"));
            stuck.iter().map(|(pid, _)| *pid).chain([xvfb_pid]).for_each(kill);
            if rx.recv_timeout(Duration::from_secs(GRACE_SECS)) == Err(RecvTimeoutError::Timeout) {
                eprintln!("GUI test `{test}` did not end {GRACE_SECS} s after its processes were stopped; ending the suite");
                std::process::exit(101);
            }
        });
        Watchdog { _disarm: tx }
    }
}
