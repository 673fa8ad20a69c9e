//! The GUI harness: a private Xvfb display, a real gnome-keyring on a
//! private D-Bus, tauri-driver + WebKitWebDriver launching the app, and
//! page-side helpers that wait for what the user would see.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

use crate::support::content::bytes_found_under;
use crate::support::keychain::Keyring;
use crate::support::servers::{cargo_bin, free_port, wait_for_port, Moto, S3sFs, S3S_KEY, S3S_SECRET};
use crate::support::world::read_until_sending;

pub(crate) const APP: &str = env!("CARGO_BIN_EXE_chute-app");
pub(crate) const SECRET: &str = "gui-Secret/Value+0123456789abcdefXYZ";

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
}

impl Env {
    pub(crate) fn new(test: &str) -> Env {
        let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../test-artifacts/gui").join(test);
        std::fs::create_dir_all(&artifacts).unwrap();
        Env {
            xvfb: Xvfb::start(),
            keyring: Keyring::start(),
            data: tempfile::tempdir().unwrap(),
            home: tempfile::tempdir().unwrap(),
            artifacts,
        }
    }

    pub(crate) fn screenshot(&self, name: &str) {
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
pub(crate) struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    pub(crate) fn start(env: &Env) -> Driver {
        Driver::start_with(env, &[])
    }

    /// With extra environment for the app, e.g. `GTK_THEME` for dark mode.
    pub(crate) fn start_with(env: &Env, extra: &[(&str, &str)]) -> Driver {
        let port = free_port();
        let native = free_port();
        let home = env.home.path();
        let log = std::fs::OpenOptions::new().create(true).append(true).open(env.artifacts.join("app-output.log")).unwrap();
        let mut child = Command::new(tauri_driver())
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
        wait_for_port(port, "tauri-driver", &mut child);
        Driver { child, port }
    }

    pub(crate) async fn session(&self) -> Client {
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

pub(crate) fn tauri_driver() -> PathBuf {
    std::env::var_os("TAURI_DRIVER").map(PathBuf::from).unwrap_or_else(|| cargo_bin("tauri-driver"))
}

pub(crate) async fn wait_for(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("element `{css}` did not appear: {e}"))
}

pub(crate) async fn wait_gone(c: &Client, css: &str) {
    wait_gone_within(c, css, 10).await;
}

pub(crate) async fn wait_gone_within(c: &Client, css: &str, secs: u64) {
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
pub(crate) const SHOWN_TEXT: &str = "const e = document.querySelector(arguments[0]);
  if (!e || e.getClientRects().length === 0) return null;
  if (getComputedStyle(e).visibility !== 'visible' || e.closest('[hidden],[inert]')) return null;
  return e.textContent;";

pub(crate) async fn shown_text(c: &Client, css: &str) -> Option<String> {
    let v = c.execute(SHOWN_TEXT, vec![serde_json::json!(css)]).await.ok()?;
    v.as_str().map(str::to_string)
}

/// The text of `css` once it is shown and contains `expected`.
pub(crate) async fn wait_text_containing(c: &Client, css: &str, expected: &str, secs: u64) -> String {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let last = shown_text(c, css).await;
        if let Some(t) = last.as_deref().filter(|t| t.contains(expected)) {
            return t.to_string();
        }
        assert!(Instant::now() < deadline, "`{css}` never contained {expected:?} (last: {last:?})");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Wait until `css` is shown with `expected` as its text.
pub(crate) async fn wait_for_text(c: &Client, css: &str, expected: &str) {
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

pub(crate) async fn type_into(c: &Client, name: &str, text: &str) {
    let e = wait_for(c, &format!("#destination-form [name=\"{name}\"]")).await;
    e.clear().await.unwrap();
    e.send_keys(text).await.unwrap();
}

pub(crate) async fn value_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css)).await.unwrap().prop("value").await.unwrap().unwrap_or_default()
}

/// A database stamped with a schema version from the future.
pub(crate) fn stamp_future_database(path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch("CREATE TABLE from_the_future (x); PRAGMA user_version = 42;").unwrap();
}

/// Wait until `css` is shown (page-side visibility, see `shown_text`).
pub(crate) async fn wait_shown(c: &Client, css: &str, secs: u64) -> String {
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
pub(crate) async fn attr_in_page(c: &Client, css: &str, attr: &str) -> Option<String> {
    let v = c
        .execute(
            "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
            vec![serde_json::json!(css), serde_json::json!(attr)],
        )
        .await
        .unwrap();
    v.as_str().map(str::to_string)
}

/// How many elements match `css` and are shown.
pub(crate) async fn count_shown(c: &Client, css: &str) -> usize {
    let v = c
        .execute(
            "return [...document.querySelectorAll(arguments[0])].filter((e) => e.getClientRects().length > 0 && !e.closest('[hidden],[inert]')).length;",
            vec![serde_json::json!(css)],
        )
        .await
        .unwrap();
    v.as_u64().unwrap_or(0) as usize
}

/// Click `css` as a person would: scrolled to the middle of its scrolling
/// box first, so a sticky header or footer does not cover it.
pub(crate) async fn click(c: &Client, css: &str) {
    let e = wait_for(c, css).await;
    let _ = c
        .execute(
            "const e = document.querySelector(arguments[0]); if (e) e.scrollIntoView({ block: 'center', inline: 'nearest' });",
            vec![serde_json::json!(css)],
        )
        .await;
    e.click().await.unwrap_or_else(|e| panic!("could not click `{css}`: {e}"));
}

/// Wait until the destination form's Save button is enabled (the form is valid).
pub(crate) async fn wait_save_enabled(c: &Client) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while attr_in_page(c, "#save-destination", "disabled").await.is_some() {
        assert!(Instant::now() < deadline, "Save never became enabled");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Open the form and describe moto's eu-reports bucket (in eu-west-1) with
/// the region deliberately wrong; waits until the form could be saved.
pub(crate) async fn fill_eu_reports_with_the_wrong_region(c: &Client, moto: &Moto) {
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
    wait_save_enabled(c).await;
}

/// Add a MinIO destination pointing at s3s-fs's `reports` bucket under `incoming/`.
pub(crate) async fn add_s3s_destination(c: &Client, fs: &S3sFs, name: &str) {
    add_minio_destination(c, name, &fs.endpoint(), S3S_KEY, S3S_SECRET).await;
}

/// The access key id typed for destinations no server answers, and how Chute shows it.
pub(crate) const KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
pub(crate) const KEY_HINT: &str = "AKIA…MPLE";

/// Add the MinIO destination `name` with an access key, at an endpoint
/// nothing listens on (for what needs no server).
pub(crate) async fn add_offline_destination(c: &Client, name: &str) {
    add_minio_destination(c, name, "http://127.0.0.1:9", KEY_ID, SECRET).await;
}

/// Add a MinIO destination for the `reports` bucket under `incoming/` at
/// `endpoint`, with an access key, through the form.
pub(crate) async fn add_minio_destination(c: &Client, name: &str, endpoint: &str, key_id: &str, secret: &str) {
    click(c, "#add-destination").await;
    wait_for(c, "#destination-form").await;
    c.find(Locator::Css("#destination-form select[name=\"provider\"]")).await.unwrap().select_by_value("minio").await.unwrap();
    type_into(c, "name", name).await;
    type_into(c, "bucket", "reports").await;
    type_into(c, "endpoint", endpoint).await;
    type_into(c, "prefix", "incoming/").await;
    type_into(c, "access_key_id", key_id).await;
    type_into(c, "secret_access_key", secret).await;
    // The "On delivery" defaults: keep existing objects, preview first, the usual ignores.
    assert!(attr_in_page(c, "#f-overwrite-never:checked", "id").await.is_some(), "never overwrite by default");
    assert!(attr_in_page(c, "#f-confirm_delivery:checked", "id").await.is_some(), "preview by default");
    assert!(value_of(c, "#f-ignore").await.contains(".DS_Store"));
    wait_save_enabled(c).await;
    click(c, "#save-destination").await;
    wait_gone(c, "#destination-form").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while !texts(c, ".destination-row .dest-name").await.iter().any(|n| n == name) {
        assert!(Instant::now() < deadline, "{name} was never listed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// What Tauri sends when files are dragged: `event` (`tauri://drag-over`,
/// `tauri://drag-drop`, …) at the centre of `css` (CSS px) in physical pixels.
pub(crate) async fn drag_event(c: &Client, event: &str, css: &str, paths: &[&Path]) {
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
pub(crate) async fn drop_on(c: &Client, css: &str, paths: &[&Path]) {
    drag_event(c, "tauri://drag-drop", css, paths).await;
}

/// The text of every element matching `css`, in document order.
pub(crate) async fn texts(c: &Client, css: &str) -> Vec<String> {
    let v = c
        .execute("return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent);", vec![serde_json::json!(css)])
        .await
        .unwrap();
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap_or_default().to_string()).collect()
}

pub(crate) async fn wait_count(c: &Client, css: &str, n: usize, secs: u64) {
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

pub(crate) async fn focused(c: &Client) -> String {
    let v = c
        .execute("const e = document.activeElement; return e ? (e.id || e.dataset.action || e.dataset.pick || e.tagName) : '';", vec![])
        .await
        .unwrap();
    v.as_str().unwrap_or_default().to_string()
}

pub(crate) async fn record_ipc(c: &Client) {
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

pub(crate) async fn ipc_log(c: &Client) -> Vec<String> {
    let v = c.execute("return window.__ipcLog || [];", vec![]).await.unwrap();
    v.as_array().unwrap().iter().map(|x| x.as_str().unwrap_or_default().to_string()).collect()
}

/// The secret's bytes are nowhere: not in the data or home folders (SQLite,
/// WAL, config), not in what the app printed, not in any IPC reply, not in
/// the window's text (what a screenshot or a screen reader shows).
pub(crate) async fn leak_sweep(c: &Client, env: &Env, secret: &str, replies: &[String]) {
    assert_eq!(bytes_found_under(env.data.path(), secret.as_bytes()), Vec::<PathBuf>::new(), "secret in the data folder");
    assert_eq!(bytes_found_under(env.home.path(), secret.as_bytes()), Vec::<PathBuf>::new(), "secret in the home folder");
    let output = std::fs::read_to_string(env.artifacts.join("app-output.log")).unwrap_or_default();
    assert!(!output.contains(secret), "secret in the app's output");
    let leaked: Vec<&String> = replies.iter().filter(|r| r.contains(secret)).collect();
    assert!(leaked.is_empty(), "secret in IPC replies: {leaked:?}");
    let text = c.execute("return document.body.innerText + ' ' + [...document.querySelectorAll('[aria-label],[title]')].map(e => e.getAttribute('aria-label') + ' ' + e.getAttribute('title')).join(' ');", vec![]).await.unwrap();
    assert!(!text.as_str().unwrap_or_default().contains(secret), "secret in the window's text");
}

/// The web side can call only Chute's commands, and those check what they get.
pub(crate) async fn ipc_refusals(c: &Client) {
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
    assert_eq!(
        code(&call("presign_link", serde_json::json!({ "id": uuid, "key": "k", "expires_secs": 30 * 24 * 3600 })).await),
        "bad_argument"
    );
    // Commands of plugins (none granted), and names that are not commands at all.
    for forbidden in
        ["plugin:opener|open_url", "plugin:notification|notify", "plugin:shell|execute", "plugin:fs|read_file", "no_such_command"]
    {
        let r = call(forbidden, serde_json::json!({ "url": "https://example.com", "path": "/etc/passwd" })).await;
        assert!(r.get("ok").is_none(), "{forbidden} must be refused: {r}");
    }
}

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
