//! Starting the app under test: a private X display, a real keyring, its
//! own data and home folders (`Env`), and tauri-driver launching the app
//! (`Driver`); a database the app should refuse, prepared before it starts.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};

use super::processes::{carrying, kill};
use super::watchdog::Watchdog;
use crate::support::keychain::Keyring;
use crate::support::servers::{cargo_bin, free_port, wait_for_port};

pub(crate) const APP: &str = env!("CARGO_BIN_EXE_chute-app");

/// A private X display.
pub(crate) struct Xvfb {
    child: Child,
    pub(crate) display: String,
}

impl Xvfb {
    /// Xvfb chooses a free display itself and prints its number on
    /// `-displayfd` once it accepts connections, so parallel tests cannot race.
    pub(crate) fn start() -> Xvfb {
        use std::io::{BufRead, BufReader};
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb must be installed (scripts/test.sh installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let n: u32 = line.trim().parse().unwrap_or_else(|_| panic!("Xvfb printed no display number: {line:?}"));
        Xvfb { child, display: format!(":{n}") }
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Everything one app instance needs: display, keyring, data and home folders.
pub(crate) struct Env {
    pub(crate) xvfb: Xvfb,
    pub(crate) keyring: Keyring,
    pub(crate) data: tempfile::TempDir,
    pub(crate) home: tempfile::TempDir,
    pub(crate) artifacts: PathBuf,
    /// Stops the test's processes if it runs past its time budget.
    watchdog: Watchdog,
}

impl Env {
    pub(crate) fn new(test: &str) -> Env {
        let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../test-artifacts/gui").join(test);
        std::fs::create_dir_all(&artifacts).unwrap();
        let xvfb = Xvfb::start();
        let keyring = Keyring::start();
        let watchdog = Watchdog::arm(test, bus_marker(&keyring), xvfb.display.clone(), xvfb.child.id(), artifacts.clone());
        Env {
            xvfb,
            keyring,
            // As Chute makes it: its owner's alone (a 0755 folder is tightened
            // at start, and that is said in a toast).
            data: tempfile::Builder::new().permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700)).tempdir().unwrap(),
            home: tempfile::tempdir().unwrap(),
            artifacts,
            watchdog,
        }
    }

    /// The app's environment: this test's display, session bus (and its
    /// keychain), data folder and home, for the app the driver launches and
    /// for a launch of the app by hand beside it.
    pub(crate) fn app_environment(&self, cmd: &mut Command) {
        let home = self.home.path();
        cmd.env("DISPLAY", &self.xvfb.display)
            .env_remove("WAYLAND_DISPLAY")
            .env("DBUS_SESSION_BUS_ADDRESS", self.keyring.address())
            .env("CHUTE_DATA_DIR", self.data.path())
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("XDG_RUNTIME_DIR", self.keyring.bus.dir.path())
            .env("AWS_CONFIG_FILE", home.join(".aws/config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", home.join(".aws/credentials"))
            .env("NO_AT_BRIDGE", "1")
            .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }

    /// Launch the app by hand with `args`, as a file manager or a terminal
    /// would, while the driven one runs.
    pub(crate) fn launch_app(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(APP);
        cmd.args(args);
        self.app_environment(&mut cmd);
        cmd
    }

    /// A second launch with `args` while the driven app runs: it must hand
    /// its files over and exit, successfully, within 20 s (a second window
    /// that stays would otherwise hang the test).
    pub(crate) fn second_launch(&self, args: &[&str]) {
        let mut child = self.launch_app(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                assert!(status.success(), "the second launch failed: {status}");
                return;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("the second launch did not hand over and exit: a second window runs");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub(crate) fn screenshot(&self, name: &str) {
        // Let open/close animations (0.2 s at most) finish first.
        std::thread::sleep(Duration::from_millis(350));
        let ok = capture_display(&self.xvfb.display, &self.artifacts.join(format!("{name}.png")));
        assert!(ok, "screenshot {name} failed");
    }
}

/// tauri-driver on free ports, launching the app with the test environment.
pub(crate) struct Driver {
    child: Child,
    port: u16,
    /// The environment entry the test's processes carry (its bus address).
    marker: String,
}

impl Driver {
    pub(crate) fn start(env: &Env) -> Driver {
        Driver::start_with(env, &[])
    }

    /// With extra environment for the app, e.g. `GTK_THEME` for dark mode.
    pub(crate) fn start_with(env: &Env, extra: &[(&str, &str)]) -> Driver {
        let port = free_port();
        let native = free_port();
        let log = std::fs::OpenOptions::new().create(true).append(true).open(env.artifacts.join("app-output.log")).unwrap();
        let mut driver = Command::new(tauri_driver());
        driver.args(["--port", &port.to_string(), "--native-port", &native.to_string()]);
        env.app_environment(&mut driver);
        let mut child = driver
            .envs(extra.iter().copied())
            // What the driver and the app print, kept for the secret sweep.
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("tauri-driver must be installed (scripts/test.sh installs it)");
        wait_for_port(port, "tauri-driver", &mut child);
        Driver { child, port, marker: bus_marker(&env.keyring) }
    }

    /// The app and WebKitWebDriver end with the driver; one left running
    /// would hold the single-instance name on the test's bus, and the next
    /// launch would hand over to it and exit. Killed after 5 s, and said.
    fn end_app_instances(&self) {
        let left = || {
            carrying(&self.marker)
                .into_iter()
                .filter(|(_, cmd)| cmd.starts_with(APP) || cmd.contains("WebKitWebDriver"))
                .collect::<Vec<_>>()
        };
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if left().is_empty() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        for (pid, cmd) in left() {
            eprintln!("still running 5 s after its driver stopped, killed: {pid} {cmd}");
            kill(pid);
        }
    }

    pub(crate) async fn session(&self) -> Client {
        self.session_with_args(&[]).await
    }

    /// A session whose app is launched with these arguments (files to open, `--deliver-to NAME`).
    pub(crate) async fn session_with_args(&self, args: &[&str]) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert("tauri:options".into(), serde_json::json!({ "application": APP, "args": args }));
        caps.insert("browserName".into(), serde_json::json!("wry"));
        let mut builder = ClientBuilder::native();
        let url = format!("http://127.0.0.1:{}", self.port);
        let connect = builder.capabilities(caps).connect(&url);
        // WebKitWebDriver waits for the app it launched to offer automation;
        // an app that exits at once (handing over to an instance left
        // running on this bus) would make it wait for ever.
        match tokio::time::timeout(Duration::from_secs(90), connect).await {
            Ok(client) => client.expect("WebDriver session"),
            Err(_) => {
                panic!("no WebDriver session within 90 s: the app did not start. This test's processes: {:?}", carrying(&self.marker))
            }
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM lets tauri-driver stop WebKitWebDriver and the app; SIGKILL would orphan them.
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && self.child.try_wait().ok().flatten().is_none() {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.end_app_instances();
    }
}

/// A screenshot of the whole X `display` into `path` (`import`; WebDriver
/// screenshots were seen stale here).
pub(crate) fn capture_display(display: &str, path: &Path) -> bool {
    Command::new("import").args(["-window", "root", "-display", display]).arg(path).status().map(|s| s.success()).unwrap_or(false)
}

/// The environment entry only this test's processes carry.
fn bus_marker(keyring: &Keyring) -> String {
    format!("DBUS_SESSION_BUS_ADDRESS={}", keyring.address())
}

pub(crate) fn tauri_driver() -> PathBuf {
    std::env::var_os("TAURI_DRIVER").map(PathBuf::from).unwrap_or_else(|| cargo_bin("tauri-driver"))
}

/// A database stamped with a schema version from the future.
pub(crate) fn stamp_future_database(path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch("CREATE TABLE from_the_future (x); PRAGMA user_version = 42;").unwrap();
}
