//! The window hosts the runner of watched folders: a thread started with
//! the app runs the core's `run_watches` and forwards each of its events
//! to the window as a `watch-event`. When another runner holds the
//! watches (`chute watch run`), that is no failure: the Watches view says
//! who runs them, and this thread tries again every few seconds, so the
//! window takes over once the other one stops. When the app exits, the
//! runner is asked to stop: deliveries under way get a moment to finish,
//! then are cancelled (their files wait in the journal for the next run).

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chute_core::{Chute, Code, Error, ErrorInfo, StopWatching, WatchEvent};
use tauri::{AppHandle, Emitter};

/// How the window names itself as the runner (to `chute watch run`, and in the Watches view).
pub const RUNNER_NAME: &str = "the Chute window";
/// The event the window listens to; its payload is the core's `WatchEvent` as is.
pub const WATCH_EVENT: &str = "watch-event";
/// How often the window tries to take the watches over from another runner.
const TAKE_OVER_EVERY: Duration = Duration::from_secs(10);
/// At exit: how long deliveries under way may finish, then how long cancelling them may take.
const FINISH_AT_EXIT: Duration = Duration::from_secs(3);
const CANCEL_AT_EXIT: Duration = Duration::from_secs(5);

/// What the runner's thread and the app share.
#[derive(Default)]
struct Shared {
    quitting: Mutex<bool>,
    wake: Condvar,
    /// Why the window cannot run the watches, unless it is only that another runner holds them.
    problem: Mutex<Option<ErrorInfo>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    /// Wait `pause` unless the app quits meanwhile; true when it quits.
    fn quits_within(&self, pause: Duration) -> bool {
        let quitting = lock(&self.quitting);
        let (quitting, _) = self.wake.wait_timeout_while(quitting, pause, |q| !*q).unwrap_or_else(|p| p.into_inner());
        *quitting
    }
}

/// The runner hosted by the window (state of the app).
pub struct Watching {
    stop: StopWatching,
    shared: Arc<Shared>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Watching {
    /// Start running the watches on a thread of their own; without a core
    /// (the database could not be opened) nothing runs.
    pub fn start(app: AppHandle, core: Option<Arc<Chute>>) -> Watching {
        let stop = StopWatching::default();
        let shared = Arc::new(Shared::default());
        let thread = core.map(|core| {
            let (stop, shared) = (stop.clone(), shared.clone());
            std::thread::Builder::new()
                .name("watches".into())
                .spawn(move || run(&app, core, &stop, &shared))
                .expect("a thread for the watches")
        });
        Watching { stop, shared, thread: Mutex::new(thread) }
    }

    /// Why the window cannot run the watches now (not counting another runner holding them).
    pub fn problem(&self) -> Option<ErrorInfo> {
        lock(&self.shared.problem).clone()
    }

    /// Stop the runner as the app exits: deliveries under way may finish
    /// for a moment, then are cancelled; never waits longer than that.
    pub fn stop_and_wait(&self) {
        *lock(&self.shared.quitting) = true;
        self.shared.wake.notify_all();
        let Some(thread) = lock(&self.thread).take() else { return };
        self.stop.request();
        if !finished_within(&thread, FINISH_AT_EXIT) {
            self.stop.request();
            finished_within(&thread, CANCEL_AT_EXIT);
        }
        if thread.is_finished() {
            let _ = thread.join();
        }
    }
}

fn finished_within(thread: &JoinHandle<()>, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while !thread.is_finished() {
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    true
}

/// Run the watches until the app quits, taking them over whenever another runner lets go.
fn run(app: &AppHandle, core: Arc<Chute>, stop: &StopWatching, shared: &Shared) {
    let mut forward = |event: WatchEvent| {
        // A window not listening (yet) is no reason to stop watching.
        let _ = app.emit(WATCH_EVENT, &event);
    };
    loop {
        // Said again below if this attempt fails too.
        *lock(&shared.problem) = None;
        match chute_core::run_watches(core.clone(), RUNNER_NAME, stop, &mut forward) {
            // Asked to stop: the app quits.
            Ok(()) => return,
            // Another runner holds the watches; the Watches view says who.
            Err(Error::Watch(info)) if info.code == Code::WatchRunnerBusy => {}
            Err(e) => {
                let info = e.reply().info;
                eprintln!("chute: the window cannot run the watches: {}", info.message);
                *lock(&shared.problem) = Some(info);
            }
        }
        if shared.quits_within(TAKE_OVER_EVERY) {
            return;
        }
    }
}
