//! Closing the window while it runs an active watch asks first, through
//! the real close request (the window manager's `WM_DELETE_WINDOW`, as the
//! title bar's close button sends it): Cancel keeps the window open and
//! watching; an agent that cannot start is explained and the window stays
//! and watches; "Keep delivering in the background" hands the watches to a
//! detached `chute watch run` on the same data folder and the app exits;
//! the agent then delivers what lands in the folder. "Don't ask again" is
//! remembered by the next window, which hands over without asking, until
//! "Ask again"; "Stop watching" closes with nothing left running.

use std::time::{Duration, Instant};

use super::{cli_setup, wait_object};
use crate::harness::*;
use crate::interact::press_escape;
use crate::support::servers::S3sFs;
use crate::window_close::request_close;

/// The watch "Drop box" as `chute watch show --json` reports it.
pub(super) fn watch_show(env: &Env) -> serde_json::Value {
    let out = cli(env).args(["--json", "watch", "show", "Drop box"]).output().unwrap();
    assert!(out.status.success(), "chute watch show: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Whether process `pid` has ended (gone, or a zombie nobody reaped yet).
pub(super) fn ended(pid: u64) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

pub(super) fn wait_ended(pid: u64, what: &str, secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !ended(pid) {
        assert!(Instant::now() < deadline, "{what} (pid {pid}) did not exit within {secs} s");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The agent the app left running: stopped with SIGTERM however the test ends.
struct Agent(u64);

impl Drop for Agent {
    fn drop(&mut self) {
        if !ended(self.0) {
            unsafe { libc::kill(self.0 as i32, libc::SIGTERM) };
        }
    }
}

/// A window of the app on the Watches view, running the watches; with its pid.
pub(super) async fn open_window(driver: &Driver, env: &Env) -> (fantoccini::Client, u64) {
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    click(&c, "#nav-watches").await;
    wait_shown(&c, "#watches-runner[data-runner=\"here\"]", 30).await;
    wait_shown(&c, ".watch-card[data-started=\"true\"]", 20).await;
    let window = watch_show(env)["runner"].clone();
    assert_eq!(window["who"], "the Chute window", "{window}");
    (c, window["pid"].as_u64().unwrap())
}

/// The app `app_pid` exits and `chute watch run` holds the watches: the agent.
fn agent_took_over(env: &Env, app_pid: u64) -> Agent {
    wait_ended(app_pid, "the app", 30);
    let runner = watch_show(env)["runner"].clone();
    assert_eq!(runner["who"], "chute watch run", "{runner}");
    let agent = Agent(runner["pid"].as_u64().unwrap());
    assert_ne!(agent.0, app_pid);
    agent
}

fn stop_agent(env: &Env, agent: Agent) {
    unsafe { libc::kill(agent.0 as i32, libc::SIGTERM) };
    wait_ended(agent.0, "chute watch run", 30);
    assert!(watch_show(env)["runner"].is_null(), "nothing runs the watches any more");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_with_an_active_watch_asks_and_can_leave_the_agent_delivering() {
    let fs = S3sFs::start();
    let env = Env::new("watch-close");
    let src = tempfile::tempdir().unwrap();
    let folder = src.path().join("drop box");
    std::fs::create_dir_all(&folder).unwrap();
    cli_setup(&env, &fs, &folder);
    let driver = Driver::start(&env);
    let (c, app_pid) = open_window(&driver, &env).await;

    // Asked to close: the question names the watch; Escape cancels it.
    request_close(&env, "Chute");
    let asked = wait_shown(&c, "#close-dialog", 10).await;
    assert!(
        asked.contains("“Drop box”") && asked.contains("Keep delivering in the background") && asked.contains("Stop watching"),
        "{asked}"
    );
    assert_eq!(focused(&c).await, "close-keep", "the answer that loses nothing is offered first");
    env.screenshot("00-asked");
    press_escape(&c).await;
    wait_gone(&c, "#close-dialog").await;
    // Cancel from the keyboard (Enter on it) likewise.
    request_close(&env, "Chute");
    wait_shown(&c, "#close-dialog", 10).await;
    wait_for(&c, "#close-cancel").await.send_keys("\u{E007}").await.unwrap();
    wait_gone(&c, "#close-dialog").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(!ended(app_pid), "the window stays open after Cancel");
    wait_shown(&c, "#watches-runner[data-runner=\"here\"]", 5).await;
    assert_eq!(watch_show(&env)["runner"]["pid"].as_u64(), Some(app_pid), "and keeps running the watches");

    // The agent cannot start (its log cannot be written): the dialog says why, the window stays and watches again.
    let log = env.data.path().join("watch-agent.log");
    std::fs::create_dir(&log).unwrap();
    request_close(&env, "Chute");
    wait_shown(&c, "#close-dialog", 10).await;
    click(&c, "#close-keep").await;
    let why = wait_shown(&c, "#close-error", 30).await;
    assert!(why.contains("could not start") && why.contains("watch-agent.log") && why.contains("data folder writable"), "{why}");
    assert_eq!(focused(&c).await, "close-keep", "the focus stays on the answers");
    env.screenshot("01-agent-cannot-start");
    assert!(!ended(app_pid), "the window stays open");
    let deadline = Instant::now() + Duration::from_secs(10);
    while watch_show(&env)["runner"]["pid"].as_u64() != Some(app_pid) {
        assert!(Instant::now() < deadline, "the window runs the watches again");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Keep delivering in the background, not to be asked again: the app exits, the agent holds the watches.
    std::fs::remove_dir(&log).unwrap();
    click(&c, "#close-remember").await;
    click(&c, "#close-keep").await;
    let agent = agent_took_over(&env, app_pid);
    drop(c);

    // The agent delivers what lands in the folder, and stops gracefully.
    std::fs::write(folder.join("after the window.txt"), b"agent\n").unwrap();
    wait_object(&fs, "incoming/after the window.txt", b"agent\n", 30).await;
    // The object lands before the agent has checked it and said so: its line follows.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let said = std::fs::read_to_string(&log).unwrap();
        if said.contains("\"event\":\"delivered\"") {
            break;
        }
        assert!(Instant::now() < deadline, "its events go to the log in the data folder: {said}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop_agent(&env, agent);

    // Opened again, the window says what closing does, and does it without asking.
    let (c, app_pid) = open_window(&driver, &env).await;
    let remembered = wait_shown(&c, "#watch-close-remembered", 10).await;
    assert!(remembered.contains("keeps delivering in the background") && remembered.contains("Ask again"), "{remembered}");
    request_close(&env, "Chute");
    let agent = agent_took_over(&env, app_pid);
    assert!(shown_text(&c, "#close-dialog").await.is_none(), "not asked");
    drop(c);
    stop_agent(&env, agent);

    // "Ask again": the next close asks, and "Stop watching" closes with nothing left running.
    let (c, app_pid) = open_window(&driver, &env).await;
    click(&c, "#watch-close-ask-again").await;
    wait_gone(&c, "#watch-close-remembered").await;
    request_close(&env, "Chute");
    wait_shown(&c, "#close-dialog", 10).await;
    // The window closes while the click is answered: WebDriver may report the lost session.
    let _ = wait_for(&c, "#close-stop").await.click().await;
    wait_ended(app_pid, "the app", 30);
    assert!(watch_show(&env)["runner"].is_null(), "Stop watching leaves nothing running the watches");
}
