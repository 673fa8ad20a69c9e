//! Closing the window while it runs active watches asks first: the window
//! is told (`close-asked`, with the watches' names) and shows its
//! question; its answer comes back through the `answer_close` command.
//! "Keep delivering in the background" hands the watches to the headless
//! agent: the window's runner stops gracefully, `chute watch run` starts
//! detached on the same data folder (its output in a log file there), and
//! once it holds the watches the app quits; if it cannot start, the
//! window says why, runs the watches again and stays open. "Keep Chute in
//! the tray" hides the window: its runner goes on running the watches and
//! the tray (or a second launch) shows it again; with no tray icon (no
//! tray library on this system) it says so and the window stays. "Stop
//! watching" closes as before. An answer given for good is kept by the
//! core; the page applies it without asking. With no active watch (none, all paused,
//! or another runner holds them) the window closes at once; so it does
//! before the page has said it listens for the question
//! (`close-question-ready`): a page that failed to load never traps the
//! window open.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chute_core::{Chute, Code};
use tauri::{AppHandle, Emitter, Listener, Manager, Window};

use crate::ipc::{refusal, Reply};
use crate::state::AppState;
use crate::watching::Watching;

/// The event asking the window what to do; its payload names the active watches.
pub const CLOSE_ASKED: &str = "close-asked";
/// The event the page sends once it listens for `CLOSE_ASKED`.
pub const CLOSE_QUESTION_READY: &str = "close-question-ready";
/// The agent's output, in the data folder.
pub const AGENT_LOG: &str = "watch-agent.log";
/// How long the agent may take to hold the watches.
const AGENT_START: Duration = Duration::from_secs(20);

/// Whether the window may close without asking (state of the app).
#[derive(Default)]
pub struct Closing {
    answered: AtomicBool,
    page_listens: AtomicBool,
}

/// Note when the page listens for the question.
pub fn listen_for_the_page(app: &AppHandle) {
    let handle = app.clone();
    app.listen_any(CLOSE_QUESTION_READY, move |_| handle.state::<Closing>().page_listens.store(true, Ordering::SeqCst));
}

/// The window is asked to close (its close button, the window manager, Alt+F4).
pub fn on_close_requested(window: &Window, api: &tauri::CloseRequestApi) {
    let closing = window.state::<Closing>();
    if closing.answered.load(Ordering::SeqCst) || !closing.page_listens.load(Ordering::SeqCst) {
        return;
    }
    api.prevent_close();
    let window = window.clone();
    // The database is read off the window's thread.
    tauri::async_runtime::spawn_blocking(move || {
        let core = window.state::<AppState>().core().ok();
        let active = core.map(|c| active_watches(&c)).unwrap_or_default();
        // Nothing to lose, or no window to ask: it closes as before.
        if active.is_empty() || window.emit(CLOSE_ASKED, &active).is_err() {
            close_now(&window);
        }
    });
}

/// The names of the watches this window runs and that are not paused.
fn active_watches(core: &Chute) -> Vec<String> {
    let me = std::process::id();
    let views = core.watch_views().unwrap_or_default();
    views
        .into_iter()
        .filter(|v| !v.watch.settings.paused && v.runner.as_ref().is_some_and(|r| r.pid == me))
        .map(|v| v.watch.settings.name)
        .collect()
}

fn close_now(window: &Window) {
    window.state::<Closing>().answered.store(true, Ordering::SeqCst);
    let _ = window.close();
}

/// "Stop watching": close as before (the runner stops as the app exits).
pub fn stop_watching(window: &Window) {
    close_now(window);
}

/// "Keep Chute in the tray": the window hides, its runner goes on.
pub fn keep_in_tray(window: &Window) -> Reply<()> {
    let has_tray = window.try_state::<Arc<crate::tray::Tray>>().is_some_and(|t| t.is_shown());
    if !has_tray {
        return Err(refusal(
            Code::WatchSetupFailed,
            "Chute has no tray icon on this system, so a hidden window could not be brought back from it.",
            "Choose Keep delivering in the background, or install the tray library (on Linux, libayatana-appindicator3-1) and restart Chute.",
        ));
    }
    window.hide().map_err(|e| crate::ipc::internal(format!("the window could not be hidden: {e}")))?;
    crate::tray::refresh(window.app_handle());
    Ok(())
}

/// "Keep delivering in the background": the agent takes the watches over, then the app quits.
pub fn keep_delivering(window: &Window, core: Arc<Chute>) -> Reply<u32> {
    let watching = window.state::<Watching>();
    if !watching.stop_and_wait() {
        watching.resume();
        return Err(refusal(
            Code::WatchSetupFailed,
            "The window's deliveries did not stop in time, so the watches were not handed over.",
            "Try again in a moment, or choose Stop watching.",
        ));
    }
    match start_agent(&core) {
        Ok(pid) => {
            close_now(window);
            Ok(pid)
        }
        Err(e) => {
            watching.resume();
            Err(e)
        }
    }
}

/// `chute` next to the app's executable, else the one on PATH.
fn agent_program() -> PathBuf {
    let name = format!("chute{}", std::env::consts::EXE_SUFFIX);
    let beside = std::env::current_exe().ok().and_then(|exe| exe.parent().map(|d| d.join(&name)));
    beside.filter(|p| p.is_file()).unwrap_or_else(|| PathBuf::from(name))
}

/// Why the agent could not start, and what to do; the window goes on running the watches.
fn cannot_start(why: String, fix: &str) -> chute_core::ErrorReply {
    refusal(
        Code::WatchSetupFailed,
        format!("The background agent (`chute watch run`) could not start: {why}"),
        format!("{fix} Or choose Stop watching; this window runs the watches meanwhile."),
    )
}

const FIX_INSTALL: &str = "Install the `chute` command next to the app or on your PATH.";
const FIX_DATA_FOLDER: &str = "Make Chute's data folder writable, then try again.";
const FIX_SEE_LOG: &str = "Its log in Chute's data folder says more; fix what it names, then try again.";

/// Start `chute watch run` detached, and wait until it holds the watches; its pid.
fn start_agent(core: &Chute) -> Reply<u32> {
    let program = agent_program();
    let log_path = core.data_dir().join(AGENT_LOG);
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .map_err(|e| cannot_start(format!("its log {} cannot be written ({e}).", log_path.display()), FIX_DATA_FOLDER))?;
    let err = log.try_clone().map_err(|e| cannot_start(e.to_string(), FIX_DATA_FOLDER))?;
    let mut cmd = Command::new(&program);
    cmd.arg("--data-dir").arg(core.data_dir()).args(["--json", "watch", "run"]);
    cmd.stdin(Stdio::null()).stdout(log).stderr(err);
    detach(&mut cmd);
    let child = cmd.spawn().map_err(|e| cannot_start(format!("{} cannot be run ({e}).", program.display()), FIX_INSTALL))?;
    wait_until_it_runs(core, child, &log_path)
}

/// Its own process group (no signal meant for the app reaches it), no console.
fn detach(cmd: &mut Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    #[cfg(windows)]
    {
        use std::os::windows::process::CommandExt;
        const DETACHED_PROCESS: u32 = 0x0000_0008;
        const CREATE_NEW_PROCESS_GROUP: u32 = 0x0000_0200;
        cmd.creation_flags(DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP);
    }
}

fn wait_until_it_runs(core: &Chute, mut child: Child, log: &Path) -> Reply<u32> {
    let pid = child.id();
    let deadline = Instant::now() + AGENT_START;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            let said = std::fs::read_to_string(log).unwrap_or_default();
            let last = said.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("nothing").to_string();
            return Err(cannot_start(format!("it stopped at once ({status}); it said: {last}"), FIX_SEE_LOG));
        }
        let holds = core.watch_views().unwrap_or_default().iter().any(|v| v.runner.as_ref().is_some_and(|r| r.pid == pid));
        if holds {
            return Ok(pid);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(cannot_start(
                format!("it did not take the watches within {} s (see {}).", AGENT_START.as_secs(), log.display()),
                FIX_SEE_LOG,
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
