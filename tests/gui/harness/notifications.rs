//! A real notification daemon in the test's world: dunst, on the test's
//! private D-Bus session (the keyring's bus, where the app sends its
//! notifications) and its Xvfb display (where it draws them, so they are
//! in the screenshots). What it showed is read back with `dunstctl`.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::launch::Env;

/// A notification as the daemon received it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Shown {
    pub(crate) summary: String,
    pub(crate) body: String,
}

pub(crate) struct NotificationDaemon {
    child: Child,
    bus: String,
}

fn dunstctl(bus: &str, args: &[&str]) -> Option<String> {
    let out = Command::new("dunstctl").args(args).env("DBUS_SESSION_BUS_ADDRESS", bus).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

impl NotificationDaemon {
    /// Start dunst (with its default settings: the test's HOME holds no
    /// dunstrc) and wait until it owns the notifications' bus name.
    pub(crate) fn start(env: &Env) -> NotificationDaemon {
        let home = env.home.path();
        let log = std::fs::File::create(env.artifacts.join("dunst.log")).unwrap();
        let mut child = Command::new("dunst")
            .env("DISPLAY", &env.xvfb.display)
            .env_remove("WAYLAND_DISPLAY")
            .env("DBUS_SESSION_BUS_ADDRESS", env.keyring.address())
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("dunst must be installed (scripts/install-deps.sh --test installs it)");
        let bus = env.keyring.address().to_string();
        let deadline = Instant::now() + Duration::from_secs(10);
        while dunstctl(&bus, &["is-paused"]).is_none() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("dunst stopped at once ({status}); see dunst.log");
            }
            assert!(Instant::now() < deadline, "dunst did not answer on the test's bus within 10 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        NotificationDaemon { child, bus }
    }

    /// Wait (at most `secs`) until a notification is on screen, left open (for a screenshot).
    pub(crate) fn wait_on_screen(&self, secs: u64) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while dunstctl(&self.bus, &["count", "displayed"]).and_then(|n| n.trim().parse::<u32>().ok()).unwrap_or(0) == 0 {
            assert!(Instant::now() < deadline, "no notification was shown within {secs} s");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Every notification received so far, oldest first: the ones still
    /// shown are closed (as a person would), then the history is read.
    pub(crate) fn received(&self) -> Vec<Shown> {
        dunstctl(&self.bus, &["close-all"]);
        // Closing reaches the history within the daemon's next turn.
        std::thread::sleep(Duration::from_millis(300));
        let text = dunstctl(&self.bus, &["history"]).unwrap_or_default();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        let field = |n: &serde_json::Value, k: &str| n[k]["data"].as_str().unwrap_or_default().to_string();
        let mut all: Vec<(i64, Shown)> = json["data"][0]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|n| (n["id"]["data"].as_i64().unwrap_or(0), Shown { summary: field(n, "summary"), body: field(n, "body") }))
                    .collect()
            })
            .unwrap_or_default();
        all.sort_by_key(|(id, _)| *id);
        all.into_iter().map(|(_, s)| s).collect()
    }

    /// Wait (at most `secs`) for a notification whose title contains `text`.
    pub(crate) fn wait_for(&self, text: &str, secs: u64) -> Shown {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(s) = self.received().into_iter().find(|s| s.summary.contains(text)) {
                return s;
            }
            assert!(Instant::now() < deadline, "no notification titled with {text:?} within {secs} s: {:?}", self.received());
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for NotificationDaemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
