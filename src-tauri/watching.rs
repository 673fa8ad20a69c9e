//! The window hosts the runner of watched folders: a thread started with
//! the app runs the core's `run_watches` and forwards each of its events
//! to the window as a `watch-event`. When another runner holds the
//! watches (`chute watch run`), that is no failure: the Watches view says
//! who runs them, and this thread tries again every few seconds, so the
//! window takes over once the other one stops. When the app exits, the
//! runner is asked to stop: deliveries under way get a moment to finish,
//! then are cancelled (their files wait in the journal for the next run);
//! the same when the window hands the watches to the agent as it closes
//! (`closing`), after which it can run them again if the agent could not
//! start. Each event also goes to the desktop notifications (`notify`).

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
    app: AppHandle,
    core: Option<Arc<Chute>>,
    shared: Arc<Shared>,
    running: Mutex<Option<Running>>,
}

/// The runner's thread, and how to ask it to stop.
struct Running {
    stop: StopWatching,
    thread: JoinHandle<()>,
}

impl Watching {
    /// Start running the watches on a thread of their own; without a core
    /// (the database could not be opened) nothing runs.
    pub fn start(app: AppHandle, core: Option<Arc<Chute>>) -> Watching {
        let watching = Watching { app, core, shared: Arc::new(Shared::default()), running: Mutex::new(None) };
        watching.resume();
        watching
    }

    /// Run the watches again after `stop_and_wait` (a hand-over to the
    /// agent that did not happen); nothing when they run already.
    pub fn resume(&self) {
        let Some(core) = self.core.clone() else { return };
        let mut running = lock(&self.running);
        if running.is_some() {
            return;
        }
        *lock(&self.shared.quitting) = false;
        let stop = StopWatching::default();
        let (app, shared, asked) = (self.app.clone(), self.shared.clone(), stop.clone());
        let thread = std::thread::Builder::new()
            .name("watches".into())
            .spawn(move || run(&app, core, &asked, &shared))
            .expect("a thread for the watches");
        *running = Some(Running { stop, thread });
    }

    /// Why the window cannot run the watches now (not counting another runner holding them).
    pub fn problem(&self) -> Option<ErrorInfo> {
        lock(&self.shared.problem).clone()
    }

    /// Stop the runner (as the app exits, or hands the watches to the
    /// agent): deliveries under way may finish for a moment, then are
    /// cancelled; never waits longer than that. True when it stopped.
    pub fn stop_and_wait(&self) -> bool {
        *lock(&self.shared.quitting) = true;
        self.shared.wake.notify_all();
        let Some(Running { stop, thread }) = lock(&self.running).take() else { return true };
        stop.request();
        if !finished_within(&thread, FINISH_AT_EXIT) {
            stop.request();
            finished_within(&thread, CANCEL_AT_EXIT);
        }
        let stopped = thread.is_finished();
        if stopped {
            let _ = thread.join();
        }
        stopped
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
        crate::notify::on_watch_event(app, &event);
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
