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
        // Let open/close animations (0.2 s at most) finish first.
        std::thread::sleep(Duration::from_millis(350));
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
        Driver::start_with(env, &[])
    }

    /// With extra environment for the app, e.g. `GTK_THEME` for dark mode.
    fn start_with(env: &Env, extra: &[(&str, &str)]) -> Driver {
        let port = free_port();
        let native = free_port();
        let home = env.home.path();
        let log = std::fs::OpenOptions::new().create(true).append(true).open(env.artifacts.join("app-output.log")).unwrap();
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
            .envs(extra.iter().copied())
            // What the driver and the app print, kept for the secret sweep.
            .stdout(log.try_clone().unwrap())
            .stderr(log)
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
    wait_gone_within(c, css, 10).await;
}

async fn wait_gone_within(c: &Client, css: &str, secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
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

/// Wait until `css` is shown (page-side visibility, see `shown_text`).
async fn wait_shown(c: &Client, css: &str, secs: u64) -> String {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(text) = shown_text(c, css).await {
            return text;
        }
        assert!(Instant::now() < deadline, "`{css}` was not shown within {secs} s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// An attribute of the first element matching `css`, read in the page.
async fn attr_in_page(c: &Client, css: &str, attr: &str) -> Option<String> {
    let v = c
        .execute("const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;", vec![serde_json::json!(css), serde_json::json!(attr)])
        .await
        .unwrap();
    v.as_str().map(str::to_string)
}

/// How many elements match `css` and are shown.
async fn count_shown(c: &Client, css: &str) -> usize {
    let v = c
        .execute(
            "return [...document.querySelectorAll(arguments[0])].filter((e) => e.getClientRects().length > 0 && !e.closest('[hidden],[inert]')).length;",
            vec![serde_json::json!(css)],
        )
        .await
        .unwrap();
    v.as_u64().unwrap_or(0) as usize
}

async fn click(c: &Client, css: &str) {
    wait_for(c, css).await.click().await.unwrap_or_else(|e| panic!("could not click `{css}`: {e}"));
}

/// Open the form and describe moto's eu-reports bucket (in eu-west-1) with
/// the region deliberately wrong; waits until the form could be saved.
async fn fill_eu_reports_with_the_wrong_region(c: &Client, moto: &common::servers::Moto) {
    let writer = moto.user("writer");
    click(c, "#add-first").await;
    wait_for(c, "#destination-form").await;
    c.find(Locator::Css("#destination-form select[name=\"provider\"]")).await.unwrap().select_by_value("aws").await.unwrap();
    type_into(c, "name", "EU reports").await;
    type_into(c, "bucket", "eu-reports").await;
    type_into(c, "region", "us-east-1").await;
    type_into(c, "endpoint", &moto.endpoint()).await;
    type_into(c, "prefix", "incoming/").await;
    type_into(c, "access_key_id", &writer.access_key_id).await;
    type_into(c, "secret_access_key", &writer.secret_access_key).await;
    if attr_in_page(c, "#f-path_style:checked", "id").await.is_none() {
        click(c, "#destination-form [name=\"path_style\"]").await;
    }
    assert!(attr_in_page(c, "#f-path_style:checked", "id").await.is_some(), "path-style is on");
    let deadline = Instant::now() + Duration::from_secs(20);
    while attr_in_page(c, "#save-destination", "disabled").await.is_some() {
        assert!(Instant::now() < deadline, "Save never became enabled");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_region_is_diagnosed_fixed_in_one_click_and_retested() {
    let moto = common::servers::Moto::start();
    let env = Env::new("probe-wrong-region");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;

    fill_eu_reports_with_the_wrong_region(&c, &moto).await;
    click(&c, "#save-destination").await;
    wait_gone(&c, "#destination-form").await;
    wait_for_text(&c, ".destination-row .dest-name", "EU reports").await;
    env.screenshot("00-listed");

    // Test it from its row: the wrong region is found and explained.
    click(&c, ".destination-row [data-action=\"test\"]").await;
    wait_shown(&c, "#probe-panel", 10).await;
    wait_shown(&c, "#probe-outcome[data-outcome=\"failed\"]", 60).await;
    let card = wait_shown(&c, ".diagnosis[data-code=\"wrong_region\"]", 10).await;
    assert!(card.contains("eu-west-1"), "the diagnosis names the bucket's region: {card}");
    assert_eq!(attr_in_page(&c, ".diagnosis[data-code=\"wrong_region\"]", "data-level").await.as_deref(), Some("error"));
    env.screenshot("01-wrong-region");

    // One click saves the fix and tests again.
    click(&c, "[data-apply=\"wrong_region\"]").await;
    wait_shown(&c, "#probe-outcome[data-outcome=\"passed\"]", 60).await;
    for step in ["credentials", "connect", "reach", "head_bucket", "put_object", "delete_object"] {
        let css = format!(".probe-step[data-step=\"{step}\"]");
        assert!(shown_text(&c, &css).await.is_some(), "step {step} is shown");
        assert_eq!(attr_in_page(&c, &css, "data-status").await.as_deref(), Some("passed"), "step {step}");
    }
    assert_eq!(count_shown(&c, ".diagnosis[data-level=\"error\"]").await, 0, "no problem is left");
    env.screenshot("02-fixed-and-passed");
    assert!(moto.keys("eu-reports", "incoming/").is_empty(), "the probe object was cleaned up");

    // Escape closes the panel; the saved destination now says eu-west-1.
    c.active_element().await.unwrap().send_keys("\u{E00C}").await.unwrap();
    wait_gone(&c, "#probe-panel").await;

    // The detail view lists both tests, newest first, each openable.
    click(&c, ".destination-row .dest-name").await;
    wait_shown(&c, "#details-dialog", 10).await;
    let facts = wait_shown(&c, "#details-facts", 10).await;
    assert!(facts.contains("eu-west-1"), "the fix was saved: {facts}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while count_shown(&c, "#probe-history .probe-history-item").await != 2 {
        assert!(Instant::now() < deadline, "the detail view never listed two tests");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(attr_in_page(&c, "#probe-history li:nth-child(1) .probe-history-item", "data-outcome").await.as_deref(), Some("passed"));
    assert_eq!(attr_in_page(&c, "#probe-history li:nth-child(2) .probe-history-item", "data-outcome").await.as_deref(), Some("failed"));
    let older = shown_text(&c, "#probe-history li:nth-child(2) .probe-history-item").await.unwrap();
    assert!(older.contains("eu-west-1"), "the failed test shows its first finding: {older}");
    env.screenshot("03-details-history");

    click(&c, "#probe-history li:nth-child(2) .probe-history-item").await;
    wait_shown(&c, "#probe-outcome[data-outcome=\"failed\"]", 10).await;
    wait_shown(&c, ".diagnosis[data-code=\"wrong_region\"]", 10).await;
    env.screenshot("04-stored-test");
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_is_tested_before_saving_and_fixed_in_place() {
    let moto = common::servers::Moto::start();
    let env = Env::new("probe-form-dark");
    let driver = Driver::start_with(&env, &[("GTK_THEME", "Adwaita:dark")]);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    fill_eu_reports_with_the_wrong_region(&c, &moto).await;

    click(&c, "#test-connection").await;
    wait_shown(&c, "#probe-outcome[data-outcome=\"failed\"]", 60).await;
    let card = wait_shown(&c, ".diagnosis[data-code=\"wrong_region\"]", 10).await;
    assert!(card.contains("eu-west-1"), "{card}");
    click(&c, ".diagnosis[data-code=\"wrong_region\"] .diagnosis-details summary").await;
    env.screenshot("01-form-test-failed");

    // The fix goes into the form (not saved), and the form is tested again.
    click(&c, "[data-apply=\"wrong_region\"]").await;
    wait_shown(&c, "#probe-outcome[data-outcome=\"passed\"]", 60).await;
    assert_eq!(value_of(&c, "#destination-form [name=\"region\"]").await, "eu-west-1");
    env.screenshot("02-form-test-passed");

    // Escape closes the panel only; focus goes back to the Test button.
    c.active_element().await.unwrap().send_keys("\u{E00C}").await.unwrap();
    wait_gone(&c, "#probe-panel").await;
    assert!(shown_text(&c, "#destination-form").await.is_some(), "the form stays open");
    let deadline = Instant::now() + Duration::from_secs(5);
    while attr_in_page(&c, "#destination-form :focus", "id").await.as_deref() != Some("test-connection") {
        assert!(Instant::now() < deadline, "focus did not return to the Test button");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    env.screenshot("03-form-after-test");
    assert!(shown_text(&c, ".destination-row").await.is_none(), "testing saved nothing");
    assert!(!c.source().await.unwrap().contains(&moto.user("writer").secret_access_key), "the secret is not left in the page");
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_write_comes_with_the_policy_to_attach() {
    let moto = common::servers::Moto::start();
    let env = Env::new("probe-write-denied");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;

    // other-prefix may only write under reports/other/.
    let key = moto.user("other-prefix");
    click(&c, "#add-first").await;
    wait_for(&c, "#destination-form").await;
    c.find(Locator::Css("#destination-form select[name=\"provider\"]")).await.unwrap().select_by_value("aws").await.unwrap();
    type_into(&c, "name", "Reports").await;
    type_into(&c, "bucket", "reports").await;
    type_into(&c, "region", "us-east-1").await;
    type_into(&c, "endpoint", &moto.endpoint()).await;
    type_into(&c, "prefix", "incoming/").await;
    type_into(&c, "access_key_id", &key.access_key_id).await;
    type_into(&c, "secret_access_key", &key.secret_access_key).await;
    if attr_in_page(&c, "#f-path_style:checked", "id").await.is_none() {
        click(&c, "#destination-form [name=\"path_style\"]").await;
    }
    click(&c, "#test-connection").await;
    wait_shown(&c, "#probe-outcome[data-outcome=\"failed\"]", 60).await;
    assert_eq!(attr_in_page(&c, ".probe-step[data-step=\"put_object\"]", "data-status").await.as_deref(), Some("failed"));
    assert_eq!(attr_in_page(&c, ".probe-step[data-step=\"delete_object\"]", "data-status").await.as_deref(), Some("skipped"));
    let policy = wait_shown(&c, ".diagnosis[data-code=\"write_denied\"] .code-block", 10).await;
    assert!(policy.contains("arn:aws:s3:::reports/incoming/*"), "{policy}");
    assert!(attr_in_page(&c, ".diagnosis[data-code=\"write_denied\"] [data-apply]", "data-apply").await.is_none(), "no one-click fix for permissions");
    click(&c, ".diagnosis[data-code=\"write_denied\"] .diagnosis-details summary").await;
    let details = wait_shown(&c, ".diagnosis[data-code=\"write_denied\"] .evidence", 10).await;
    assert!(details.contains("403") && details.contains("AccessDenied"), "{details}");
    click(&c, ".diagnosis[data-code=\"write_denied\"] [data-copy=\"policy\"]").await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while attr_in_page(&c, ".diagnosis[data-code=\"write_denied\"] [data-copy=\"policy\"]", "data-copied").await.is_none() {
        assert!(Instant::now() < deadline, "Copy policy gave no feedback");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    env.screenshot("01-write-denied");
    c.close().await.unwrap();
}

/* ---------- delivery ---------- */

const MIB: usize = 1024 * 1024;

/// Bytes that differ from file to file (a fixed seed, no randomness).
fn pseudo_random(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn write_file(root: &Path, rel: &str, bytes: &[u8]) -> PathBuf {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Add a MinIO destination pointing at s3s-fs's `reports` bucket under `incoming/`.
async fn add_s3s_destination(c: &Client, fs: &common::servers::S3sFs, name: &str) {
    click(c, "#add-first").await;
    wait_for(c, "#destination-form").await;
    c.find(Locator::Css("#destination-form select[name=\"provider\"]")).await.unwrap().select_by_value("minio").await.unwrap();
    type_into(c, "name", name).await;
    type_into(c, "bucket", "reports").await;
    type_into(c, "endpoint", &fs.endpoint()).await;
    type_into(c, "prefix", "incoming/").await;
    type_into(c, "access_key_id", common::servers::S3S_KEY).await;
    type_into(c, "secret_access_key", common::servers::S3S_SECRET).await;
    // The "On delivery" defaults: keep existing objects, preview first, the usual ignores.
    assert!(attr_in_page(c, "#f-overwrite-never:checked", "id").await.is_some(), "never overwrite by default");
    assert!(attr_in_page(c, "#f-confirm_delivery:checked", "id").await.is_some(), "preview by default");
    assert!(value_of(c, "#f-ignore").await.contains(".DS_Store"));
    let deadline = Instant::now() + Duration::from_secs(20);
    while attr_in_page(c, "#save-destination", "disabled").await.is_some() {
        assert!(Instant::now() < deadline, "Save never became enabled");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    click(c, "#save-destination").await;
    wait_gone(c, "#destination-form").await;
    wait_for_text(c, ".destination-row .dest-name", name).await;
}

/// What Tauri sends when files are dragged: `event` (`tauri://drag-over`,
/// `tauri://drag-drop`, …) at the centre of `css` (CSS px) in physical pixels.
async fn drag_event(c: &Client, event: &str, css: &str, paths: &[&Path]) {
    let paths: Vec<String> = paths.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    c.execute(
        "const e = document.querySelector(arguments[1]);
         const r = e.getBoundingClientRect();
         const s = window.devicePixelRatio || 1;
         const position = { x: (r.left + r.width / 2) * s, y: (r.top + r.height / 2) * s };
         window.__TAURI__.event.emit(arguments[0], { paths: arguments[2], position });
         return [position.x, position.y];",
        vec![serde_json::json!(event), serde_json::json!(css), serde_json::json!(paths)],
    )
    .await
    .unwrap_or_else(|e| panic!("could not send {event} on `{css}`: {e}"));
}

/// Files dropped on the centre of `css`.
async fn drop_on(c: &Client, css: &str, paths: &[&Path]) {
    drag_event(c, "tauri://drag-drop", css, paths).await;
}

/// The text of every element matching `css`, in document order.
async fn texts(c: &Client, css: &str) -> Vec<String> {
    let v = c
        .execute("return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent);", vec![serde_json::json!(css)])
        .await
        .unwrap();
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap_or_default().to_string()).collect()
}

async fn wait_count(c: &Client, css: &str, n: usize, secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let got = count_shown(c, css).await;
        if got == n {
            return;
        }
        assert!(Instant::now() < deadline, "expected {n} of `{css}`, saw {got}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn focused(c: &Client) -> String {
    let v = c
        .execute(
            "const e = document.activeElement; return e ? (e.id || e.dataset.action || e.dataset.pick || e.tagName) : '';",
            vec![],
        )
        .await
        .unwrap();
    v.as_str().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_dropped_on_a_destination_is_previewed_delivered_and_linked() {
    let fs = common::servers::S3sFs::start();
    let env = Env::new("deliver-drop");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    add_s3s_destination(&c, &fs, "Reports").await;

    // A folder with a name with spaces, a sub-folder, a 7 MiB file and a file to leave out.
    let src = tempfile::tempdir().unwrap();
    let folder = src.path().join("Quarter 3");
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("notes.txt", b"plain notes\n".to_vec()),
        ("with spaces.txt", b"a name with spaces\n".to_vec()),
        ("sub/data.csv", b"a,b\n1,2\n".to_vec()),
        ("sub/notes.txt", b"other notes\n".to_vec()),
        ("big.bin", pseudo_random(7, 7 * MIB)),
    ];
    for (rel, bytes) in &files {
        write_file(&folder, rel, bytes);
    }
    write_file(&folder, ".DS_Store", b"finder junk");

    // Dragged over the row, it is highlighted and the hint names it.
    drag_event(&c, "tauri://drag-enter", ".destination-row", &[&folder]).await;
    drag_event(&c, "tauri://drag-over", ".destination-row", &[]).await;
    wait_shown(&c, ".destination-row.is-drop-target", 10).await;
    wait_for_text(&c, "#drop-hint", "Drop to deliver to “Reports”").await;
    env.screenshot("00-drag-over");
    drag_event(&c, "tauri://drag-leave", ".destination-row", &[]).await;
    wait_gone(&c, "#drop-hint").await;
    assert_eq!(count_shown(&c, ".is-drop-target").await, 0);

    // Dropped on the row: the preview lists every file and its key.
    drop_on(&c, ".destination-row", &[&folder]).await;
    wait_shown(&c, "#delivery-preview", 20).await;
    wait_count(&c, "#delivery-preview .plan-row:not(.plan-row--loading)", files.len(), 10).await;
    let mut keys = texts(&c, "#delivery-preview .plan-row .plan-key-text").await;
    keys.sort();
    let mut expected: Vec<String> = files.iter().map(|(rel, _)| format!("incoming/{rel}")).collect();
    expected.sort();
    assert_eq!(keys, expected);
    let facts = shown_text(&c, "#preview-facts").await.unwrap();
    assert!(facts.contains("5") && facts.contains("7.0 MB") && facts.contains("Existing objects are kept"), "{facts}");
    let excluded = wait_shown(&c, "#preview-notices [data-notice=\"excluded\"]", 5).await;
    assert!(excluded.contains("1 item left out"), "{excluded}");
    assert_eq!(shown_text(&c, "#delivery-confirm").await.unwrap().trim(), "Deliver 5 files");
    assert!(fs.object_paths("reports").is_empty(), "nothing is sent by the preview");
    env.screenshot("01-preview");

    // Deliver: the panel shows progress, then the outcome and the links.
    click(&c, "#delivery-confirm").await;
    wait_gone(&c, "#delivery-preview").await;
    wait_shown(&c, "#delivery-progress", 10).await;
    wait_shown(&c, "#delivery-outcome[data-outcome=\"delivered\"]", 60).await;
    wait_shown(&c, "#delivery-bar[data-percent=\"100\"]", 5).await;
    wait_count(&c, ".delivery-file[data-status=\"delivered\"]", files.len(), 10).await;
    let urls = texts(&c, ".delivery-url").await;
    let spaced = format!("{}/reports/incoming/with%20spaces.txt", fs.endpoint());
    assert!(urls.iter().any(|u| u == &spaced), "no link {spaced} in {urls:?}");
    let stats = shown_text(&c, "#delivery-stats").await.unwrap();
    assert!(stats.contains("5 of 5 files delivered"), "{stats}");
    env.screenshot("02-delivered");

    // Every byte arrived.
    for (rel, bytes) in &files {
        let stored = std::fs::read(fs.root.path().join("reports/incoming").join(rel)).unwrap_or_else(|e| panic!("{rel} not stored: {e}"));
        assert!(stored == *bytes, "{rel}: stored bytes differ from the source");
    }
    let mut stored = fs.object_paths("reports");
    stored.sort();
    assert_eq!(stored.len(), files.len(), "only the planned files: {stored:?}");

    // A presigned link for one file, with a chosen expiry.
    click(&c, ".delivery-file[data-status=\"delivered\"] [data-act=\"presign\"]").await;
    wait_shown(&c, "#presign-dialog", 10).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !value_of(&c, "#presign-url").await.contains("X-Amz-Expires=86400") {
        assert!(Instant::now() < deadline, "no one-day link: {}", value_of(&c, "#presign-url").await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    click(&c, "label[for=\"presign-1h\"]").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !value_of(&c, "#presign-url").await.contains("X-Amz-Expires=3600") {
        assert!(Instant::now() < deadline, "no one-hour link: {}", value_of(&c, "#presign-url").await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let link = value_of(&c, "#presign-url").await;
    assert!(link.starts_with(&format!("{}/reports/incoming/", fs.endpoint())) && link.contains("X-Amz-Signature="), "{link}");
    env.screenshot("03-presigned-link");
    c.active_element().await.unwrap().send_keys("\u{E00C}").await.unwrap();
    wait_gone(&c, "#presign-dialog").await;

    // Closing the finished delivery hides the panel.
    click(&c, "#delivery-close").await;
    wait_gone(&c, "#delivery-progress").await;

    // A flat key template: the example follows the real rules, and two
    // notes.txt would collide, so the preview refuses to deliver.
    click(&c, ".destination-row [data-action=\"edit\"]").await;
    wait_for(&c, "#destination-form").await;
    type_into(&c, "key_template", "{prefix}{name}").await;
    wait_for_text(&c, "#key-preview .key-preview-key", "incoming/report.csv").await;
    wait_shown(&c, "#f-ignore", 5).await;
    c.execute("document.querySelector('#sec-delivery').scrollIntoView({ block: 'start' });", vec![]).await.unwrap();
    env.screenshot("04-on-delivery-settings");
    let deadline = Instant::now() + Duration::from_secs(20);
    while attr_in_page(&c, "#save-destination", "disabled").await.is_some() {
        assert!(Instant::now() < deadline, "Save never became enabled");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    click(&c, "#save-destination").await;
    wait_gone(&c, "#destination-form").await;

    drop_on(&c, ".destination-row", &[&folder]).await;
    let collisions = wait_shown(&c, "#preview-notices [data-notice=\"collisions\"]", 20).await;
    assert!(collisions.contains("incoming/notes.txt"), "{collisions}");
    assert!(attr_in_page(&c, "#delivery-confirm", "disabled").await.is_some(), "Deliver is disabled while keys collide");
    env.screenshot("05-collision");
    click(&c, "#preview-edit-template").await;
    wait_gone(&c, "#delivery-preview").await;
    wait_shown(&c, "#destination-form", 10).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while attr_in_page(&c, "#destination-form :focus", "id").await.as_deref() != Some("f-key_template") {
        assert!(Instant::now() < deadline, "the key template did not get focus");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn existing_objects_are_reported_and_retried_after_a_policy_change() {
    let fs = common::servers::S3sFs::start();
    let env = Env::new("deliver-retry-dark");
    let driver = Driver::start_with(&env, &[("GTK_THEME", "Adwaita:dark")]);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    add_s3s_destination(&c, &fs, "Reports").await;

    // "Deliver files…" is on the row and reachable from the keyboard
    // (the native dialog itself cannot be driven over WebDriver).
    c.execute("document.querySelector('.destination-row .dest-name').focus();", vec![]).await.unwrap();
    let mut presses = 0;
    while focused(&c).await != "deliver" {
        presses += 1;
        assert!(presses < 8, "Tab never reached the Deliver button");
        c.active_element().await.unwrap().send_keys("\u{E004}").await.unwrap();
    }
    c.active_element().await.unwrap().send_keys("\u{E007}").await.unwrap();
    wait_shown(&c, "#deliver-menu", 5).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while focused(&c).await != "files" {
        assert!(Instant::now() < deadline, "the menu did not take focus");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(shown_text(&c, "#deliver-menu [data-pick=\"files\"]").await.unwrap().trim(), "Deliver files…");
    c.active_element().await.unwrap().send_keys("\u{E015}").await.unwrap();
    assert_eq!(focused(&c).await, "folder");
    assert_eq!(shown_text(&c, "#deliver-menu [data-pick=\"folder\"]").await.unwrap().trim(), "Deliver folder…");
    env.screenshot("01-deliver-menu");
    c.active_element().await.unwrap().send_keys("\u{E00C}").await.unwrap();
    wait_gone(&c, "#deliver-menu").await;
    assert_eq!(focused(&c).await, "deliver", "Escape returns to the button");

    // One of two files is already in the bucket.
    let existing = fs.root.path().join("reports/incoming");
    std::fs::create_dir_all(&existing).unwrap();
    std::fs::write(existing.join("report.csv"), b"original").unwrap();
    let src = tempfile::tempdir().unwrap();
    let report = write_file(src.path(), "report.csv", b"id,total\n1,10\n");
    let notes = write_file(src.path(), "notes.txt", b"notes\n");

    // Dropped outside the list: choose the destination.
    drop_on(&c, "#list-title", &[&report, &notes]).await;
    wait_shown(&c, "#drop-picker", 10).await;
    env.screenshot("02-picker");
    click(&c, "#drop-picker .picker-option").await;
    wait_shown(&c, "#delivery-preview", 20).await;
    wait_count(&c, "#delivery-preview .plan-row:not(.plan-row--loading)", 2, 10).await;
    click(&c, "#delivery-confirm").await;
    wait_shown(&c, "#delivery-outcome[data-outcome=\"partial\"]", 60).await;
    let card = wait_shown(&c, ".delivery-error[data-code=\"already_exists\"]", 10).await;
    assert!(!card.trim().is_empty());
    assert_eq!(count_shown(&c, ".delivery-file[data-status=\"failed\"]").await, 1, "the failed files are listed");
    let failed = shown_text(&c, ".delivery-file[data-status=\"failed\"]").await.unwrap();
    assert!(failed.contains("report.csv"), "{failed}");
    assert_eq!(std::fs::read(existing.join("report.csv")).unwrap(), b"original", "never overwrite kept the object");
    assert_eq!(std::fs::read(existing.join("notes.txt")).unwrap(), b"notes\n");
    wait_shown(&c, "#delivery-retry", 5).await;
    env.screenshot("03-partial");

    // Allow replacing and skip the preview, then retry the failed file.
    click(&c, ".destination-row [data-action=\"edit\"]").await;
    wait_for(&c, "#destination-form").await;
    click(&c, "label[for=\"f-overwrite-overwrite\"]").await;
    let hint = wait_shown(&c, "#overwrite-hint", 5).await;
    assert!(hint.contains("replaces"), "{hint}");
    click(&c, "label[for=\"f-confirm_delivery\"]").await;
    assert!(attr_in_page(&c, "#f-confirm_delivery:checked", "id").await.is_none(), "preview turned off");
    env.screenshot("04-on-delivery-settings");
    let deadline = Instant::now() + Duration::from_secs(20);
    while attr_in_page(&c, "#save-destination", "disabled").await.is_some() {
        assert!(Instant::now() < deadline, "Save never became enabled");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    click(&c, "#save-destination").await;
    wait_gone(&c, "#destination-form").await;

    // No preview now: the retry starts at once.
    click(&c, "#delivery-retry").await;
    wait_shown(&c, "#delivery-outcome[data-outcome=\"delivered\"]", 60).await;
    assert!(shown_text(&c, "#delivery-preview").await.is_none(), "no preview when the destination skips it");
    wait_shown(&c, "#delivery-bar[data-percent=\"100\"]", 5).await;
    assert_eq!(std::fs::read(existing.join("report.csv")).unwrap(), b"id,total\n1,10\n");
    assert_eq!(count_shown(&c, "#delivery-batches .batch-tab").await, 2, "both deliveries stay listed");
    env.screenshot("05-retried");

    // A paused destination refuses drops, and says why.
    click(&c, ".destination-row [data-action=\"toggle\"]").await;
    wait_for(&c, ".destination-row[data-active=\"false\"]").await;
    drop_on(&c, ".destination-row", &[&notes]).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !texts(&c, ".toast[data-kind=\"warning\"]").await.iter().any(|t| t.contains("“Reports” is paused")) {
        assert!(Instant::now() < deadline, "no toast says the destination is paused: {:?}", texts(&c, ".toast").await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(shown_text(&c, "#delivery-preview").await.is_none(), "no preview for a paused destination");
    env.screenshot("06-paused-refuses");
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_batch_stays_light_and_can_be_paused_and_resumed() {
    const N: usize = 3000;
    let fs = common::servers::S3sFs::start();
    let env = Env::new("deliver-large");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    add_s3s_destination(&c, &fs, "Bulk").await;

    let src = tempfile::tempdir().unwrap();
    let folder = src.path().join("bulk");
    for i in 0..N {
        write_file(&folder, &format!("d{:02}/f{i:05}.txt", i % 50), format!("file {i}\n").as_bytes());
    }

    // The preview shows all of them, but only the rows in view exist.
    drop_on(&c, ".destination-row", &[&folder]).await;
    wait_shown(&c, "#delivery-preview", 30).await;
    // Grouped as the locale groups thousands (none in the C locale).
    assert_eq!(shown_text(&c, "#delivery-confirm").await.unwrap().trim().replace([',', '\u{a0}', '\u{202f}', '.'], ""), "Deliver 3000 files");
    let in_dom = texts(&c, "#delivery-preview .plan-row").await.len();
    assert!(in_dom > 5 && in_dom < 80, "{in_dom} preview rows in the DOM");
    // The last rows load on demand (plan_page) when scrolled to.
    c.execute("const v = document.querySelector('#plan-rows'); v.scrollTop = v.scrollHeight;", vec![]).await.unwrap();
    let last = format!("incoming/d{:02}/f{:05}.txt", 49, N - 1);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !texts(&c, "#delivery-preview .plan-key-text").await.contains(&last) {
        assert!(Instant::now() < deadline, "the last row never loaded");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Pause as soon as it runs: the numbers stop, then resume to the end.
    click(&c, "#delivery-confirm").await;
    wait_shown(&c, "#delivery-pause", 10).await;
    let started = Instant::now();
    click(&c, "#delivery-pause").await;
    wait_shown(&c, "#delivery-pause[aria-pressed=\"true\"]", 5).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let done_at = |t: String| t.split(" of ").next().unwrap_or_default().trim().replace(',', "").parse::<usize>().unwrap_or(usize::MAX);
    let first = done_at(shown_text(&c, "#delivery-list-count").await.unwrap());
    tokio::time::sleep(Duration::from_millis(800)).await;
    let second = done_at(shown_text(&c, "#delivery-list-count").await.unwrap());
    assert!(first < N, "paused after {first} files (in {:?})", started.elapsed());
    assert_eq!(first, second, "nothing finished while paused");
    let stats = shown_text(&c, "#delivery-stats").await.unwrap();
    assert!(stats.starts_with("Paused"), "{stats}");
    let pct: u32 = attr_in_page(&c, "#delivery-bar", "data-percent").await.unwrap().parse().unwrap();
    assert!(pct < 100, "{pct}");
    env.screenshot("01-paused");

    click(&c, "#delivery-pause").await;
    wait_shown(&c, "#delivery-outcome[data-outcome=\"delivered\"]", 120).await;
    wait_shown(&c, "#delivery-bar[data-percent=\"100\"]", 5).await;
    let rows_in_dom = texts(&c, ".delivery-file").await.len();
    assert!(rows_in_dom < 80, "{rows_in_dom} progress rows in the DOM");
    assert_eq!(fs.object_paths("reports").len(), N);
    env.screenshot("02-delivered");
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_finds_a_partial_delivery_and_explains_its_failed_file() {
    let fs = common::servers::S3sFs::start();
    let env = Env::new("history");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    record_ipc(&c).await;
    add_s3s_destination(&c, &fs, "Reports").await;
    assert!(shown_text(&c, "#interrupted-banner").await.is_none(), "nothing was interrupted");

    // One of three files is already in the bucket (never overwrite).
    let existing = fs.root.path().join("reports/incoming");
    std::fs::create_dir_all(&existing).unwrap();
    std::fs::write(existing.join("quarterly-report.csv"), b"original").unwrap();
    let src = tempfile::tempdir().unwrap();
    let folder = src.path().join("batch");
    write_file(&folder, "quarterly-report.csv", b"id,total\n1,10\n");
    write_file(&folder, "notes.txt", b"notes\n");
    write_file(&folder, "sub/summary.txt", b"summary\n");

    drop_on(&c, ".destination-row", &[&folder]).await;
    wait_shown(&c, "#delivery-preview", 20).await;
    wait_count(&c, "#delivery-preview .plan-row:not(.plan-row--loading)", 3, 10).await;
    click(&c, "#delivery-confirm").await;
    wait_shown(&c, "#delivery-outcome[data-outcome=\"partial\"]", 60).await;
    click(&c, "#delivery-close").await;
    wait_gone(&c, "#delivery-progress").await;

    // History: the batch is there, newest first, with its outcome.
    click(&c, "#nav-history").await;
    wait_shown(&c, "#history-view", 10).await;
    assert!(shown_text(&c, "#list-view").await.is_none(), "the destinations step aside");
    assert_eq!(attr_in_page(&c, "#nav-history", "aria-current").await.as_deref(), Some("page"));
    let row = wait_shown(&c, ".history-batch[data-outcome=\"partial\"]", 20).await;
    assert!(row.contains("Reports") && row.contains("2 of 3 files delivered") && row.contains("1 failed"), "{row}");
    assert_eq!(attr_in_page(&c, ".history-batch", "data-state").await.as_deref(), Some("finished"));

    // Filter by status, then search for the failing file.
    c.find(Locator::Css("#history-status")).await.unwrap().select_by_value("delivered").await.unwrap();
    wait_shown(&c, "#history-empty", 10).await;
    assert_eq!(count_shown(&c, ".history-batch").await, 0, "no fully delivered batch");
    c.find(Locator::Css("#history-status")).await.unwrap().select_by_value("partial").await.unwrap();
    wait_count(&c, ".history-batch[data-outcome=\"partial\"]", 1, 10).await;
    let search = wait_for(&c, "#history-search").await;
    search.send_keys("no-such-file").await.unwrap();
    wait_shown(&c, "#history-empty", 10).await;
    search.clear().await.unwrap();
    search.send_keys("quarterly").await.unwrap();
    wait_count(&c, ".history-batch[data-outcome=\"partial\"]", 1, 10).await;
    assert!(shown_text(&c, "#history-empty").await.is_none());

    // Details: the files matching the search, then failed only, with the error and its fix.
    click(&c, ".history-batch[data-outcome=\"partial\"]").await;
    wait_shown(&c, "#history-details .history-file", 10).await;
    let title = shown_text(&c, "#hd-title").await.unwrap();
    assert_eq!(title.trim(), "Reports");
    c.find(Locator::Css("#history-search")).await.unwrap().clear().await.unwrap();
    c.execute("document.querySelector('#history-search').dispatchEvent(new Event('input'));", vec![]).await.unwrap();
    wait_count(&c, "#history-details .history-file", 3, 10).await;
    click(&c, "#history-failed-only").await;
    wait_shown(&c, "#history-failed-only[aria-pressed=\"true\"]", 5).await;
    wait_count(&c, "#history-details .history-file", 1, 10).await;
    let failed = wait_shown(&c, ".history-file[data-status=\"failed\"]", 10).await;
    assert!(failed.contains("incoming/quarterly-report.csv"), "{failed}");
    let error = wait_shown(&c, ".history-file[data-status=\"failed\"] .hf-error[data-code=\"already_exists\"]", 5).await;
    let fix = shown_text(&c, ".history-file[data-status=\"failed\"] .hf-error-fix").await.expect("the fix is shown");
    assert!(!fix.trim().is_empty() && error.contains(fix.trim()), "{error}");
    env.screenshot("01-failed-file");
    // A delivered file offers its URL and its source; a failed one its source.
    let reveal = attr_in_page(&c, ".history-file[data-status=\"failed\"] [data-act=\"reveal\"]", "aria-label").await.unwrap_or_default();
    assert!(reveal.contains("batch/quarterly-report.csv"), "{reveal}");
    assert!(shown_text(&c, ".history-file[data-status=\"failed\"] [data-act=\"copy-url\"]").await.is_none());

    // The old object is cleared away; retry the failed file from the history.
    std::fs::remove_file(existing.join("quarterly-report.csv")).unwrap();
    let retry = wait_shown(&c, "#history-retry", 5).await;
    assert!(retry.contains("Retry 1 file"), "{retry}");
    click(&c, "#history-retry").await;
    wait_shown(&c, "#delivery-preview", 20).await;
    wait_count(&c, "#delivery-preview .plan-row:not(.plan-row--loading)", 1, 10).await;
    let planned = texts(&c, "#delivery-preview .plan-row").await.join("\n");
    assert!(planned.contains("incoming/quarterly-report.csv") && !planned.contains("notes.txt"), "only the failed file, same key: {planned}");
    click(&c, "#delivery-confirm").await;
    wait_shown(&c, "#delivery-outcome[data-outcome=\"delivered\"]", 60).await;
    assert_eq!(std::fs::read(existing.join("quarterly-report.csv")).unwrap(), b"id,total\n1,10\n");
    click(&c, "#delivery-close").await;
    wait_gone(&c, "#delivery-progress").await;

    // The history refreshed by itself: the retry is the newest batch, delivered.
    c.find(Locator::Css("#history-status")).await.unwrap().select_by_value("").await.unwrap();
    wait_count(&c, ".history-batch", 2, 20).await;
    assert_eq!(attr_in_page(&c, ".history-batch", "data-outcome").await.as_deref(), Some("delivered"), "newest first");
    click(&c, ".history-batch[data-outcome=\"delivered\"]").await;
    let how = wait_shown(&c, "#history-details .hd-facts", 10).await;
    assert!(how.contains("Retry") && how.contains("Repeats"), "{how}");
    wait_count(&c, "#history-details .history-file[data-status=\"delivered\"]", 1, 10).await;
    assert!(shown_text(&c, ".history-file [data-act=\"copy-url\"]").await.is_some(), "a delivered file's URL can be copied");
    env.screenshot("02-retried");

    // Delete the original from the history: its record goes, the objects stay.
    click(&c, ".history-batch[data-outcome=\"partial\"]").await;
    wait_shown(&c, "#history-details[data-outcome=\"partial\"]", 10).await;
    click(&c, "#history-delete").await;
    wait_shown(&c, "#confirm-dialog", 5).await;
    click(&c, "#confirm-delete").await;
    wait_gone(&c, "#confirm-dialog").await;
    wait_count(&c, ".history-batch", 1, 10).await;
    assert_eq!(count_shown(&c, ".history-batch[data-outcome=\"partial\"]").await, 0);
    assert_eq!(fs.object_paths("reports").len(), 3, "deleting history never touches the bucket");

    // Retention: shortening it asks first; the choice is kept.
    c.find(Locator::Css("#history-retention")).await.unwrap().select_by_value("30").await.unwrap();
    wait_shown(&c, "#confirm-dialog", 5).await;
    click(&c, "#confirm-delete").await;
    wait_gone(&c, "#confirm-dialog").await;
    let db = rusqlite::Connection::open(env.data.path().join("chute.db")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let v: Option<String> = db.query_row("SELECT value FROM app_settings WHERE key = 'history.keep_days'", [], |r| r.get(0)).ok();
        if v.as_deref() == Some("30") {
            break;
        }
        assert!(Instant::now() < deadline, "the retention was not saved: {v:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(count_shown(&c, ".history-batch").await, 1, "today's delivery is kept");

    // Back to the destinations.
    click(&c, "#nav-destinations").await;
    wait_shown(&c, "#list-view", 10).await;
    assert!(shown_text(&c, "#history-view").await.is_none());

    ipc_refusals(&c).await;
    let replies = ipc_log(&c).await;
    assert!(replies.len() > 20, "the IPC recorder saw the session's replies ({})", replies.len());
    assert!(replies.iter().any(|r| r.contains("\"Reports\"")), "the recorded replies hold their content");
    leak_sweep(&c, &env, common::servers::S3S_SECRET, &replies).await;
    c.close().await.unwrap();
}

/// Record every IPC reply the window receives (for the secret sweep). Set up
/// before anything is typed; `ipc_log` reads it back. (`__TAURI__.core` is
/// frozen and the internal invoke read-only, so the IPC protocol's fetches
/// are what is recorded: every command's reply body.)
async fn record_ipc(c: &Client) {
    let ok = c
        .execute(
            "const orig = window.fetch.bind(window);
             window.__ipcLog = [];
             const recorder = async (input, init) => {
               const url = typeof input === 'string' ? input : input.url;
               const resp = await orig(input, init);
               if (url.startsWith('ipc:') || url.startsWith('http://ipc.localhost')) {
                 resp.clone().text().then((t) => window.__ipcLog.push(url + ' ' + t), () => {});
               }
               return resp;
             };
             window.fetch = recorder;
             return window.fetch === recorder;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(ok, serde_json::json!(true), "the IPC recorder is in place");
}

async fn ipc_log(c: &Client) -> Vec<String> {
    let v = c.execute("return window.__ipcLog || [];", vec![]).await.unwrap();
    v.as_array().unwrap().iter().map(|x| x.as_str().unwrap_or_default().to_string()).collect()
}

/// The secret's bytes are nowhere: not in the data or home folders (SQLite,
/// WAL, config), not in what the app printed, not in any IPC reply, not in
/// the window's text (what a screenshot or a screen reader shows).
async fn leak_sweep(c: &Client, env: &Env, secret: &str, replies: &[String]) {
    assert_eq!(common::bytes_found_under(env.data.path(), secret.as_bytes()), Vec::<PathBuf>::new(), "secret in the data folder");
    assert_eq!(common::bytes_found_under(env.home.path(), secret.as_bytes()), Vec::<PathBuf>::new(), "secret in the home folder");
    let output = std::fs::read_to_string(env.artifacts.join("app-output.log")).unwrap_or_default();
    assert!(!output.contains(secret), "secret in the app's output");
    let leaked: Vec<&String> = replies.iter().filter(|r| r.contains(secret)).collect();
    assert!(leaked.is_empty(), "secret in IPC replies: {leaked:?}");
    let text = c.execute("return document.body.innerText + ' ' + [...document.querySelectorAll('[aria-label],[title]')].map(e => e.getAttribute('aria-label') + ' ' + e.getAttribute('title')).join(' ');", vec![]).await.unwrap();
    assert!(!text.as_str().unwrap_or_default().contains(secret), "secret in the window's text");
}

/// The web side can call only Chute's commands, and those check what they get.
async fn ipc_refusals(c: &Client) {
    let call = |cmd: &'static str, args: serde_json::Value| async move {
        c.execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])
               .then((r) => done({ ok: r }), (e) => done({ err: e }));",
            vec![serde_json::json!(cmd), args],
        )
        .await
        .unwrap()
    };
    let uuid = "00000000-0000-4000-8000-000000000000";
    let code = |v: &serde_json::Value| v["err"]["code"].as_str().map(str::to_string).unwrap_or_else(|| format!("{v}"));
    assert_eq!(code(&call("delete_history", serde_json::json!({ "batch_ids": ["../../etc/passwd"] })).await), "bad_argument");
    assert_eq!(code(&call("plan_delivery", serde_json::json!({ "id": uuid, "paths": ["relative/file.txt"] })).await), "bad_argument");
    assert_eq!(code(&call("history_batches", serde_json::json!({ "filter": { "search": "x".repeat(600) } })).await), "bad_argument");
    assert_eq!(code(&call("reveal_source", serde_json::json!({ "batch_id": uuid, "file_id": 1 })).await), "bad_argument");
    assert_eq!(code(&call("presign_link", serde_json::json!({ "id": uuid, "key": "k", "expires_secs": 30 * 24 * 3600 })).await), "bad_argument");
    // Commands of plugins (none granted), and names that are not commands at all.
    for forbidden in ["plugin:opener|open_url", "plugin:notification|notify", "plugin:shell|execute", "plugin:fs|read_file", "no_such_command"] {
        let r = call(forbidden, serde_json::json!({ "url": "https://example.com", "path": "/etc/passwd" })).await;
        assert!(r.get("ok").is_none(), "{forbidden} must be refused: {r}");
    }
}

/// The CLI built beside the app (`cargo build --workspace`, as scripts/test.sh does).
fn cli_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let p = exe.parent().and_then(|d| d.parent()).unwrap().join("chute");
    assert!(p.exists(), "{} is missing: build the workspace first (scripts/test.sh does)", p.display());
    p
}

/// Deliver `file` with the CLI into the app's data folder and SIGKILL it
/// once parts are being sent, as a crash would: the batch is left running
/// with its multipart upload open.
fn cli_deliver_and_kill(env: &Env, file: &Path) {
    use std::io::BufRead;
    let home = env.home.path();
    let mut child = Command::new(cli_binary())
        .args(["--json", "deliver", "Reports"])
        .arg(file)
        .args(["--yes", "--concurrency", "1", "--multipart-threshold", "5MiB", "--part-size", "5MiB"])
        .env("CHUTE_DATA_DIR", env.data.path())
        .env("DBUS_SESSION_BUS_ADDRESS", env.keyring.address())
        .env("HOME", home)
        .env("XDG_RUNTIME_DIR", env.keyring.bus.dir.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let mut line = String::new();
        assert!(out.read_line(&mut line).unwrap() > 0, "the CLI ended before sending a part");
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_ne!(v["event"], "summary", "finished before the kill");
        if v["event"] == "progress" && v["bytes_sent"].as_u64().unwrap_or(0) > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "no part was sent in time");
    }
    child.kill().unwrap();
    assert_eq!(child.wait().unwrap().code(), None, "killed by a signal");
}

fn open_uploads(fs: &common::servers::S3sFs) -> usize {
    std::fs::read_dir(fs.root.path()).unwrap().flatten().filter(|e| e.file_name().to_string_lossy().starts_with(".upload")).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupted_deliveries_are_resumed_or_discarded_from_the_window() {
    let fs = common::servers::S3sFs::start();
    let env = Env::new("interrupted");
    let src = tempfile::tempdir().unwrap();
    let big = pseudo_random(7, 320 * 1024 * 1024 + 77);
    let file = write_file(src.path(), "big.bin", &big);
    {
        let driver = Driver::start(&env);
        let c = driver.session().await;
        wait_for(&c, "body[data-ready=\"true\"]").await;
        add_s3s_destination(&c, &fs, "Reports").await;
        c.close().await.unwrap();
    }

    // A crash mid-upload, then the app opens: the banner offers to resume.
    cli_deliver_and_kill(&env, &file);
    assert!(open_uploads(&fs) > 0, "the kill left the multipart upload open");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    let banner = wait_shown(&c, "#interrupted-banner", 20).await;
    assert!(banner.contains("A delivery was interrupted") && banner.contains("Reports") && banner.contains("1 of 1 file not delivered"), "{banner}");
    env.screenshot("01-banner");
    click(&c, "#interrupted-banner [data-resume]").await;
    wait_gone_within(&c, "#interrupted-banner", 120).await;
    wait_gone(&c, "#resume-progress").await;
    let stored = std::fs::read(fs.root.path().join("reports/incoming/big.bin")).unwrap();
    assert!(stored == big, "the resumed object differs from the source ({} vs {} bytes)", stored.len(), big.len());
    assert_eq!(open_uploads(&fs), 0, "no multipart upload is left open");
    let db = rusqlite::Connection::open(env.data.path().join("chute.db")).unwrap();
    let (state, outcome): (String, String) = db.query_row("SELECT state, outcome FROM batches", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((state.as_str(), outcome.as_str()), ("finished", "delivered"));
    c.close().await.unwrap();
    drop(driver);

    // Another crash; this time the user discards it from the History.
    std::fs::remove_file(fs.root.path().join("reports/incoming/big.bin")).unwrap();
    cli_deliver_and_kill(&env, &file);
    assert!(open_uploads(&fs) > 0);
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    wait_shown(&c, "#interrupted-banner", 20).await;
    click(&c, "#nav-history").await;
    click(&c, ".history-batch[data-state=\"interrupted\"]").await;
    let note = wait_shown(&c, "#history-details[data-state=\"interrupted\"] .hd-note", 10).await;
    assert!(note.contains("cut short"), "{note}");
    assert!(shown_text(&c, "#history-retry").await.is_none(), "an interrupted batch is resumed, not retried");
    assert!(shown_text(&c, "#history-delete").await.is_none(), "nor deleted while its upload is open");
    click(&c, "#history-details [data-discard]").await;
    wait_shown(&c, "#confirm-dialog", 5).await;
    click(&c, "#confirm-delete").await;
    wait_gone(&c, "#confirm-dialog").await;
    wait_gone(&c, "#interrupted-banner").await;
    wait_shown(&c, ".history-batch[data-state=\"discarded\"]", 10).await;
    assert_eq!(open_uploads(&fs), 0, "discarding aborted the open upload");
    assert!(!fs.root.path().join("reports/incoming/big.bin").exists(), "nothing half-written was left as an object");
    env.screenshot("02-discarded");
    c.close().await.unwrap();
}
