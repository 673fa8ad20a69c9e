//! The real app window, driven over WebDriver: tauri-driver + WebKitWebDriver
//! under a private Xvfb display, with a real gnome-keyring on a private
//! D-Bus session and a real SQLite file. Screenshots of the X display are
//! saved under target/test-artifacts/gui/.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

const APP: &str = env!("CARGO_BIN_EXE_chute-app");
const SECRET: &str = "gui-Secret/Value+0123456789abcdefXYZ";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A private X display.
struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    /// Xvfb chooses a free display itself and prints its number on
    /// `-displayfd` once it accepts connections, so parallel tests cannot race.
    fn start() -> Xvfb {
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
struct Env {
    xvfb: Xvfb,
    keyring: common::Keyring,
    data: tempfile::TempDir,
    home: tempfile::TempDir,
    artifacts: PathBuf,
}

impl Env {
    fn new(test: &str) -> Env {
        let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../test-artifacts/gui").join(test);
        std::fs::create_dir_all(&artifacts).unwrap();
        Env {
            xvfb: Xvfb::start(),
            keyring: common::Keyring::start(),
            data: tempfile::tempdir().unwrap(),
            home: tempfile::tempdir().unwrap(),
            artifacts,
        }
    }

    fn screenshot(&self, name: &str) {
        // `import` on the X display; WebDriver screenshots were seen stale here.
        let path = self.artifacts.join(format!("{name}.png"));
        let ok = Command::new("import")
            .args(["-window", "root", "-display", &self.xvfb.display])
            .arg(&path)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok, "screenshot {name} failed");
    }
}

/// tauri-driver on free ports, launching the app with the test environment.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(env: &Env) -> Driver {
        let port = free_port();
        let native = free_port();
        let home = env.home.path();
        let child = Command::new(tauri_driver())
            .args(["--port", &port.to_string(), "--native-port", &native.to_string()])
            .env("DISPLAY", &env.xvfb.display)
            .env_remove("WAYLAND_DISPLAY")
            .env("DBUS_SESSION_BUS_ADDRESS", env.keyring.address())
            .env("CHUTE_DATA_DIR", env.data.path())
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("XDG_RUNTIME_DIR", env.keyring.bus.dir.path())
            .env("AWS_CONFIG_FILE", home.join(".aws/config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", home.join(".aws/credentials"))
            .env("NO_AT_BRIDGE", "1")
            .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tauri-driver must be installed (scripts/test.sh installs it)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not listen on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, port }
    }

    async fn session(&self) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert("tauri:options".into(), serde_json::json!({ "application": APP }));
        caps.insert("browserName".into(), serde_json::json!("wry"));
        ClientBuilder::native().capabilities(caps).connect(&format!("http://127.0.0.1:{}", self.port)).await.expect("WebDriver session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM lets tauri-driver stop WebKitWebDriver and the app; SIGKILL would orphan them.
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if self.child.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tauri_driver() -> PathBuf {
    if let Some(p) = std::env::var_os("TAURI_DRIVER") {
        return p.into();
    }
    let cargo_bin = dirs_home().join(".cargo/bin/tauri-driver");
    if cargo_bin.exists() { cargo_bin } else { PathBuf::from("tauri-driver") }
}

fn dirs_home() -> PathBuf {
    std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default()
}

async fn wait_for(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("element `{css}` did not appear: {e}"))
}

async fn wait_gone(c: &Client, css: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while shown_text(c, css).await.is_some() {
        assert!(Instant::now() < deadline, "`{css}` is still shown");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The text of the first element matching `css` if it is rendered: a
/// non-empty box, `visibility: visible`, not inside `hidden` or `inert`.
/// (WebKitWebDriver's own displayedness check misjudged visible rows laid
/// out with CSS grid here, so the page answers instead.)
const SHOWN_TEXT: &str = "const e = document.querySelector(arguments[0]);
  if (!e || e.getClientRects().length === 0) return null;
  if (getComputedStyle(e).visibility !== 'visible' || e.closest('[hidden],[inert]')) return null;
  return e.textContent;";

async fn shown_text(c: &Client, css: &str) -> Option<String> {
    let v = c.execute(SHOWN_TEXT, vec![serde_json::json!(css)]).await.ok()?;
    v.as_str().map(str::to_string)
}

/// Wait until `css` is shown with `expected` as its text.
async fn wait_for_text(c: &Client, css: &str, expected: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let last = shown_text(c, css).await;
        if last.as_deref().map(str::trim) == Some(expected) {
            return;
        }
        assert!(Instant::now() < deadline, "`{css}` never showed {expected:?} (last: {last:?})");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn type_into(c: &Client, name: &str, text: &str) {
    let e = wait_for(c, &format!("#destination-form [name=\"{name}\"]")).await;
    e.clear().await.unwrap();
    e.send_keys(text).await.unwrap();
}

async fn value_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css)).await.unwrap().prop("value").await.unwrap().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_destination_through_the_form_and_it_survives_a_restart() {
    let env = Env::new("add-destination");
    let driver = Driver::start(&env);

    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    wait_for(&c, "#empty-state").await;
    assert!(shown_text(&c, "#empty-state").await.is_some(), "a new user sees the empty state");
    env.screenshot("01-empty-state");

    c.find(Locator::Css("#add-first")).await.unwrap().click().await.unwrap();
    wait_for(&c, "#destination-form").await;
    c.find(Locator::Css("#destination-form select[name=\"provider\"]")).await.unwrap().select_by_value("minio").await.unwrap();
    type_into(&c, "name", "Local MinIO").await;
    type_into(&c, "bucket", "reports").await;
    type_into(&c, "endpoint", "http://127.0.0.1:9000").await;
    type_into(&c, "access_key_id", "AKIAIOSFODNN7EXAMPLE").await;
    type_into(&c, "secret_access_key", SECRET).await;
    type_into(&c, "prefix", "incoming").await;

    // The classic trap is caught live, with the key it would produce.
    let warning = wait_for(&c, "[data-problem-for=\"prefix\"][data-code=\"prefix_no_trailing_slash\"]").await;
    let text = warning.text().await.unwrap();
    assert!(text.contains("incomingreport.csv"), "warning shows the wrong key: {text}");
    env.screenshot("02-prefix-warning");

    // One click fixes it.
    c.find(Locator::Css("[data-fix=\"prefix_no_trailing_slash\"]")).await.unwrap().click().await.unwrap();
    assert_eq!(value_of(&c, "#destination-form [name=\"prefix\"]").await, "incoming/");
    wait_gone(&c, "[data-code=\"prefix_no_trailing_slash\"]").await;

    let save = c.find(Locator::Css("#save-destination")).await.unwrap();
    assert!(save.is_enabled().await.unwrap());
    save.click().await.unwrap();
    wait_gone(&c, "#destination-form").await;
    env.screenshot("03-saved");
    wait_for_text(&c, ".destination-row .dest-name", "Local MinIO").await;
    let row = c.find(Locator::Css(".destination-row")).await.unwrap();
    let path = shown_text(&c, ".destination-row .dest-path").await.expect("bucket/prefix shown");
    assert!(path.contains("reports") && path.contains("incoming/"), "{path}");
    let page = c.source().await.unwrap();
    assert!(!page.contains(SECRET), "the secret is not left in the page");
    env.screenshot("04-listed");

    // The secret is in the keychain, and in no file Chute wrote.
    let id = row.attr("data-id").await.unwrap().expect("row has data-id");
    let item = env.keyring.lookup("chute", &format!("destination:{id}")).expect("keychain item");
    assert!(item.contains(SECRET));
    c.close().await.unwrap();
    drop(driver);
    assert!(common::bytes_found_under(env.data.path(), SECRET.as_bytes()).is_empty());
    assert!(common::bytes_found_under(env.home.path(), SECRET.as_bytes()).is_empty());

    // Restart the app: the destination is still there.
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    wait_for_text(&c, ".destination-row .dest-name", "Local MinIO").await;
    assert!(shown_text(&c, "#empty-state").await.is_none(), "no empty state once a destination exists");
    env.screenshot("05-after-restart");
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_from_a_newer_version_is_explained_not_damaged() {
    let env = Env::new("newer-database");
    let db = env.data.path().join("chute.db");
    stamp_future_database(&db);
    let before = std::fs::read(&db).unwrap();
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "[data-error-code=\"database_too_new\"]").await;
    let text = shown_text(&c, "[data-error-code=\"database_too_new\"]").await.expect("the error is shown");
    assert!(text.contains("newer Chute"), "{text}");
    assert!(text.contains("Update Chute"), "{text}");
    env.screenshot("01-newer-database");
    c.close().await.unwrap();
    drop(driver);
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

/// A database stamped with a schema version from the future.
fn stamp_future_database(path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch("CREATE TABLE from_the_future (x); PRAGMA user_version = 42;").unwrap();
}
