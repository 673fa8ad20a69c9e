//! A private D-Bus session with a real gnome-keyring Secret Service,
//! unlocked from a test password. Nothing here touches the user's own
//! session or keychain.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const KEYRING_PASSWORD: &str = "chute-test-password";

/// A dbus-daemon on a private socket, with no service activation at all
/// (so nothing on the machine is started behind the test's back).
pub struct Bus {
    pub dir: tempfile::TempDir,
    pub address: String,
    child: Child,
}

impl Bus {
    pub fn start() -> Bus {
        let dir = tempfile::tempdir().expect("tempdir");
        let socket = dir.path().join("bus");
        let config = dir.path().join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>"#,
                socket.display()
            ),
        )
        .unwrap();
        let mut child = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon must be installed (scripts/test.sh installs it)");
        gone_with_this_process(child.id());
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let address = line.trim().to_string();
        assert!(address.starts_with("unix:"), "dbus-daemon printed no address: {line:?}");
        Bus { dir, address, child }
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The keyring of this test process, started once: the Secret Service's
/// bus is read from the environment, which is per process, so a binary
/// whose tests call the core in-process shares one. Profiles resolve from
/// files that do not exist.
pub fn process_keyring() -> &'static Keyring {
    static K: std::sync::OnceLock<Keyring> = std::sync::OnceLock::new();
    K.get_or_init(|| {
        let k = Keyring::start();
        std::env::set_var("DBUS_SESSION_BUS_ADDRESS", k.address());
        std::env::set_var("AWS_CONFIG_FILE", k.home.join("no-aws-config"));
        std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", k.home.join("no-aws-credentials"));
        k
    })
}

/// Stop a daemon when the test process ends, even when its handle is never
/// dropped (a keyring kept in a `static` for the whole test binary): a
/// watcher polls this process, then terminates the daemon if it is still
/// the same process (same start time: its pid may have been reused).
fn gone_with_this_process(daemon: u32) {
    let started =
        |pid: u32| std::fs::read_to_string(format!("/proc/{pid}/stat")).ok().and_then(|s| s.split(' ').nth(21).map(str::to_string));
    let Some(at) = started(daemon) else { return };
    let watch = format!(
        "while kill -0 {me} 2>/dev/null; do sleep 1; done; \
         [ \"$(cut -d' ' -f22 /proc/{daemon}/stat 2>/dev/null)\" = {at} ] && kill {daemon}",
        me = std::process::id()
    );
    let _ = Command::new("sh").args(["-c", &watch]).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn();
}

/// gnome-keyring's Secret Service on a private bus, with a fresh "login"
/// keyring unlocked by `KEYRING_PASSWORD`.
pub struct Keyring {
    pub bus: Bus,
    pub home: PathBuf,
    child: Child,
}

impl Keyring {
    pub fn start() -> Keyring {
        let bus = Bus::start();
        let home = bus.dir.path().join("home");
        let data = home.join(".local/share");
        std::fs::create_dir_all(&data).unwrap();
        let mut child = Command::new("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets", "--foreground"])
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .env("HOME", &home)
            .env("XDG_DATA_HOME", &data)
            .env("XDG_RUNTIME_DIR", bus.dir.path())
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon must be installed (scripts/test.sh installs it)");
        gone_with_this_process(child.id());
        {
            let mut stdin = child.stdin.take().unwrap();
            stdin.write_all(KEYRING_PASSWORD.as_bytes()).unwrap();
        }
        let k = Keyring { bus, home, child };
        // Wait until the Secret Service answers.
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let ok =
                k.secret_tool(&["search", "--all", "service", "chute-fixture-ready-probe"]).map(|o| o.status.success()).unwrap_or(false);
            if ok {
                break;
            }
            assert!(Instant::now() < deadline, "gnome-keyring did not come up on the private bus");
            std::thread::sleep(Duration::from_millis(100));
        }
        k
    }

    pub fn address(&self) -> &str {
        &self.bus.address
    }

    /// Environment for a child process that should use this keyring.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![("DBUS_SESSION_BUS_ADDRESS".into(), self.bus.address.clone())]
    }

    pub fn secret_tool(&self, args: &[&str]) -> std::io::Result<std::process::Output> {
        Command::new("secret-tool")
            .args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus.address)
            .env_remove("DISPLAY")
            .stdin(Stdio::null())
            .output()
    }

    /// The secret stored for (service, user), read back with `secret-tool`.
    pub fn lookup(&self, service: &str, user: &str) -> Option<String> {
        // keyring-core's Secret Service store names the account attribute `username`.
        let out = self.secret_tool(&["lookup", "service", service, "username", user]).ok()?;
        (out.status.success() && !out.stdout.is_empty()).then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Number of items stored under `service`.
    pub fn count(&self, service: &str) -> usize {
        let out = self.secret_tool(&["search", "--all", "service", service]).expect("secret-tool");
        // secret-tool prints one header line per item: `[/1]` here, the full
        // object path on other versions.
        String::from_utf8_lossy(&out.stdout).lines().filter(|l| l.starts_with("[/") && l.ends_with(']')).count()
    }

    /// Whether any item under `service` holds a secret containing `needle`
    /// (other tests of the binary may add items meanwhile; this asks about one).
    pub fn holds_secret(&self, service: &str, needle: &str) -> bool {
        let out = self.secret_tool(&["search", "--all", "service", service]).expect("secret-tool");
        String::from_utf8_lossy(&out.stdout).lines().any(|l| l.starts_with("secret = ") && l.contains(needle))
    }

    /// Lock the login collection, as a screen lock or `seahorse` would.
    pub fn lock(&self) {
        let status = Command::new("dbus-send")
            .args([
                "--session",
                "--dest=org.freedesktop.secrets",
                "--type=method_call",
                "--print-reply",
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.Lock",
                "array:objpath:/org/freedesktop/secrets/collection/login",
            ])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus.address)
            .stdout(Stdio::null())
            .status()
            .expect("dbus-send");
        assert!(status.success(), "could not lock the test keyring");
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
