//! The `chute` CLI run beside the app, on the same data folder and keychain.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::launch::Env;
use crate::support::world::read_until_sending;

/// The CLI built beside the app (`cargo build --workspace`, as scripts/test.sh does).
pub(crate) fn cli_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let p = exe.parent().and_then(|d| d.parent()).unwrap().join("chute");
    assert!(p.exists(), "{} is missing: build the workspace first (scripts/test.sh does)", p.display());
    p
}

/// The CLI on the app's data folder and keychain, as its user would run it beside the app.
pub(crate) fn cli(env: &Env) -> Command {
    let mut cmd = Command::new(cli_binary());
    cmd.env("CHUTE_DATA_DIR", env.data.path())
        .env("DBUS_SESSION_BUS_ADDRESS", env.keyring.address())
        .env("HOME", env.home.path())
        .env("XDG_RUNTIME_DIR", env.keyring.bus.dir.path())
        .env("AWS_EC2_METADATA_DISABLED", "true");
    cmd
}

/// Deliver `file` with the CLI into the app's data folder and SIGKILL it
/// once parts are being sent, as a crash would: the batch is left running
/// with its multipart upload open.
pub(crate) fn cli_deliver_and_kill(env: &Env, file: &Path) {
    let mut child = cli(env)
        .args(["--json", "deliver", "Reports"])
        .arg(file)
        .args(["--yes", "--concurrency", "1", "--multipart-threshold", "5MiB", "--part-size", "5MiB"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    read_until_sending(&mut out, &mut String::new(), true);
    child.kill().unwrap();
    assert_eq!(child.wait().unwrap().code(), None, "killed by a signal");
}

/// `chute watch run` beside the app: the headless runner of the watches,
/// holding them until it is stopped.
pub(crate) struct WatchAgent {
    child: std::process::Child,
    lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl WatchAgent {
    /// Start it on the app's data folder; returns once it watches a folder
    /// (its first `watching` event).
    pub(crate) fn start(env: &Env) -> WatchAgent {
        use std::io::BufRead;
        let mut child = cli(env)
            .args(["--json", "watch", "run"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chute watch run");
        let out = std::io::BufReader::new(child.stdout.take().unwrap());
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = lines.clone();
        std::thread::spawn(move || out.lines().map_while(Result::ok).for_each(|l| sink.lock().unwrap().push(l)));
        let agent = WatchAgent { child, lines };
        agent.wait_printed("\"event\":\"watching\"", 30, "chute watch run did not start watching");
        agent
    }

    /// Waits up to `secs` for one of its JSON lines to contain `text`;
    /// fails with `why` and every line so far. An object lands on the
    /// server before the agent has checked it and says so.
    pub(crate) fn wait_printed(&self, text: &str, secs: u64, why: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        while !self.printed(text) {
            assert!(std::time::Instant::now() < deadline, "{why}: {:?}", self.lines.lock().unwrap());
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether one of its JSON lines so far contains `text`.
    pub(crate) fn printed(&self, text: &str) -> bool {
        self.lines.lock().unwrap().iter().any(|l| l.contains(text))
    }

    /// SIGTERM (a graceful stop, as Ctrl-C), then its exit code.
    #[cfg(unix)]
    pub(crate) fn stop(mut self) -> Option<i32> {
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        self.child.wait().unwrap().code()
    }
}

impl Drop for WatchAgent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
