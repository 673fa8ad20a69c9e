//! A newcomer's first hour, end to end through the real window and with no
//! drag: a destination typed with a scheme-less loopback endpoint (the
//! proposed http:// accepted), a wrong secret saved, tested, and fixed
//! through the action the diagnosis offers; a folder delivered through the
//! native folder chooser; the same folder again, meeting existing objects,
//! resolved through the offered "New keys"; the history exported through
//! the save dialog. Each native dialog is cancelled once, and after every
//! step the window must still answer.

use std::time::{Duration, Instant};

use fantoccini::Locator;

use crate::harness::*;
use crate::native_dialog::{assert_responsive, NativeDialog};
use crate::support;
use crate::support::content::{content, write};

async fn wait_enabled(c: &fantoccini::Client, css: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while attr_in_page(c, css, "disabled").await.is_some() {
        assert!(Instant::now() < deadline, "`{css}` never became enabled");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newcomers_first_hour_without_a_drag() {
    let fs = support::servers::S3sFs::start();
    let env = Env::new("newcomer");
    // No browser can run here: a recording `xdg-open` stands in for it, so
    // the test sees which URL the app (its Rust side) asked to open.
    let browser = FakeBrowser::install();
    let driver = Driver::start_with(&env, &[("PATH", &browser.path_var)]);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    assert_responsive(&c, "at start").await;

    // The endpoint typed as `127.0.0.1:PORT`: http:// is proposed (this
    // machine), in one click.
    let bare = fs.endpoint().trim_start_matches("http://").to_string();
    start_minio_form(&c, "#add-first", "Reports", &bare).await;
    let problem = wait_shown(&c, "[data-problem-for=\"endpoint\"][data-code=\"endpoint_no_scheme\"]", 20).await;
    assert!(problem.contains("http://"), "the message says which scheme and why: {problem}");
    env.screenshot("00-scheme-less-endpoint");
    click(&c, "[data-fix=\"endpoint_no_scheme\"]").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while value_of(&c, "#destination-form [name=\"endpoint\"]").await != fs.endpoint() {
        assert!(
            Instant::now() < deadline,
            "the fix did not set {}: {}",
            fs.endpoint(),
            value_of(&c, "#destination-form [name=\"endpoint\"]").await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    type_into(&c, "prefix", "incoming/").await;
    type_into(&c, "access_key_id", support::servers::S3S_KEY).await;
    type_into(&c, "secret_access_key", "not-the-right-secret").await;
    wait_enabled(&c, "#save-destination").await;
    click(&c, "#save-destination").await;
    wait_gone(&c, "#destination-form").await;
    wait_for_text(&c, ".destination-row .dest-name", "Reports").await;
    assert_responsive(&c, "after saving the destination").await;

    // Test: the wrong secret is diagnosed, with "Replace the key" offered.
    click(&c, ".destination-row [data-action=\"test\"]").await;
    wait_shown(&c, "#probe-outcome[data-outcome=\"failed\"]", 60).await;
    wait_shown(&c, ".diagnosis[data-code=\"wrong_secret\"]", 10).await;
    let action = wait_shown(&c, "[data-edit=\"wrong_secret\"]", 5).await;
    assert_eq!(action.trim(), "Replace the key");
    env.screenshot("01-wrong-secret");
    assert_responsive(&c, "after a failed test").await;

    // Until a test passes, the card says the last one failed, and why.
    click(&c, "[data-edit=\"wrong_secret\"]").await;
    wait_gone(&c, "#probe-panel").await;
    wait_shown(&c, "#destination-form", 10).await;
    let alert = shown_text(&c, ".destination-row .dest-alert").await.expect("the card shows the failed test");
    assert!(alert.contains("Last test failed") && alert.contains("secret access key is wrong"), "{alert}");
    // The editor opened on the credentials, ready for the new secret.
    wait_shown(&c, "#cred-keys", 10).await;
    if value_of(&c, "#destination-form [name=\"access_key_id\"]").await.is_empty() {
        type_into(&c, "access_key_id", support::servers::S3S_KEY).await;
    }
    type_into(&c, "secret_access_key", support::servers::S3S_SECRET).await;
    env.screenshot("02-replacing-the-key");
    wait_enabled(&c, "#save-destination").await;
    click(&c, "#save-destination").await;
    wait_gone(&c, "#destination-form").await;
    click(&c, ".destination-row [data-action=\"test\"]").await;
    wait_shown(&c, "#probe-outcome[data-outcome=\"passed\"]", 60).await;
    c.active_element().await.unwrap().send_keys("\u{E00C}").await.unwrap();
    wait_gone(&c, "#probe-panel").await;
    wait_gone(&c, ".destination-row .dest-alert").await;
    assert_responsive(&c, "after the test passed").await;

    // A folder through the native folder chooser (cancelled once first).
    let src = tempfile::tempdir().unwrap();
    let folder = src.path().join("exports");
    let files: Vec<(&str, Vec<u8>)> = vec![("summary.csv", b"id,total\n1,10\n".to_vec()), ("detail/rows.csv", content(3, 300_000))];
    for (rel, bytes) in &files {
        write(&folder, rel, bytes);
    }
    click(&c, ".destination-row [data-action=\"deliver\"]").await;
    click(&c, "#deliver-menu [data-pick=\"folder\"]").await;
    NativeDialog::wait(&env, "Deliver folders", 20).cancel();
    assert_responsive(&c, "after cancelling the folder chooser").await;
    click(&c, ".destination-row [data-action=\"deliver\"]").await;
    click(&c, "#deliver-menu [data-pick=\"folder\"]").await;
    NativeDialog::wait(&env, "Deliver folders", 20).choose(&folder);
    wait_shown(&c, "#delivery-preview[data-existing=\"checked\"]", 30).await;
    assert!(shown_text(&c, "[data-notice=\"existing\"][data-state=\"found\"]").await.is_none(), "nothing is there yet");
    click(&c, "#delivery-confirm").await;
    wait_shown(&c, "#delivery-outcome[data-outcome=\"delivered\"]", 60).await;
    for (rel, bytes) in &files {
        assert!(std::fs::read(fs.root.path().join("reports/incoming").join(rel)).unwrap() == *bytes, "{rel} landed intact");
    }
    env.screenshot("03-delivered");
    assert_responsive(&c, "after the first delivery").await;

    // The same folder again: the preview warns before anything is sent,
    // and "New keys for them…" puts them under another prefix.
    click(&c, ".destination-row [data-action=\"deliver\"]").await;
    click(&c, "#deliver-menu [data-pick=\"folder\"]").await;
    NativeDialog::wait(&env, "Deliver folders", 20).choose(&folder);
    let warning = wait_shown(&c, "[data-notice=\"existing\"][data-state=\"found\"]", 30).await;
    assert!(warning.contains("2 files would meet objects"), "{warning}");
    env.screenshot("04-would-meet-existing");
    click(&c, "[data-existing-act=\"rekey\"]").await;
    wait_shown(&c, "#rekey-dialog", 10).await;
    assert!(attr_in_page(&c, "#rekey-apply", "disabled").await.is_some(), "the same keys are not offered again");
    let prefix = c.find(Locator::Css("#rekey-prefix")).await.unwrap();
    prefix.clear().await.unwrap();
    prefix.send_keys("incoming/second/").await.unwrap();
    env.screenshot("05-new-keys");
    wait_enabled(&c, "#rekey-apply").await;
    click(&c, "#rekey-apply").await;
    wait_gone(&c, "#rekey-dialog").await;
    wait_shown(&c, "#delivery-preview[data-existing=\"checked\"]", 30).await;
    let mut keys = texts(&c, "#delivery-preview .plan-row .plan-key-text").await;
    keys.sort();
    assert_eq!(keys, vec!["incoming/second/detail/rows.csv".to_string(), "incoming/second/summary.csv".to_string()]);
    assert!(shown_text(&c, "[data-notice=\"existing\"][data-state=\"found\"]").await.is_none(), "the new keys are free");
    click(&c, "#delivery-confirm").await;
    wait_count(&c, "#delivery-batches .batch-tab", 2, 20).await;
    wait_shown(&c, "#delivery-outcome[data-outcome=\"delivered\"]", 60).await;
    for (rel, bytes) in &files {
        assert!(
            std::fs::read(fs.root.path().join("reports/incoming/second").join(rel)).unwrap() == *bytes,
            "{rel} landed again under the new prefix"
        );
        assert!(std::fs::read(fs.root.path().join("reports/incoming").join(rel)).unwrap() == *bytes, "{rel}'s first object is untouched");
    }
    env.screenshot("06-delivered-under-new-keys");
    assert_responsive(&c, "after resolving the existing objects").await;

    // The history, exported through the save dialog (cancelled once first).
    click(&c, "#nav-history").await;
    wait_count(&c, ".history-batch", 2, 20).await;
    click(&c, "#history-export").await;
    NativeDialog::wait(&env, "Export the history as CSV", 20).cancel();
    assert_responsive(&c, "after cancelling the save dialog").await;
    let out = src.path().join("deliveries.csv");
    click(&c, "#history-export").await;
    NativeDialog::wait(&env, "Export the history as CSV", 20).choose(&out);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !out.exists() {
        assert!(Instant::now() < deadline, "the CSV was not written");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 3, "a header and two deliveries");
    env.screenshot("07-exported");
    assert_responsive(&c, "after the export").await;

    // The destination shows its recent deliveries and opens an object.
    click(&c, "#nav-destinations").await;
    click(&c, ".destination-row .dest-name").await;
    wait_shown(&c, "#details-dialog", 10).await;
    wait_count(&c, "#recent-deliveries .recent-delivery", 2, 20).await;
    assert_eq!(attr_in_page(&c, "#recent-deliveries .recent-delivery", "data-outcome").await.as_deref(), Some("delivered"));
    let newest = shown_text(&c, "#recent-deliveries .recent-delivery").await.unwrap();
    assert!(newest.contains("2 of 2 files delivered") && newest.contains("incoming/second/"), "newest first: {newest}");
    env.screenshot("08-recent-deliveries");
    click(&c, "#recent-deliveries .recent-delivery [data-act=\"open-object\"]").await;
    let opened = browser.wait_opened(10);
    assert!(opened.starts_with(&format!("{}/reports/incoming/second/", fs.endpoint())), "{opened}");
    assert_responsive(&c, "at the end").await;
    c.close().await.unwrap();
}

/// A stand-in for the desktop's browser launcher: `xdg-open` on the app's
/// PATH that records the URL it was given.
struct FakeBrowser {
    dir: tempfile::TempDir,
    path_var: String,
}

impl FakeBrowser {
    fn install() -> FakeBrowser {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("xdg-open");
        std::fs::write(&script, format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", dir.path().join("opened.txt").display())).unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let path_var = format!("{}:{}", dir.path().display(), std::env::var("PATH").unwrap_or_default());
        FakeBrowser { dir, path_var }
    }

    /// The URL opened, waiting for it at most `secs`.
    fn wait_opened(&self, secs: u64) -> String {
        let log = self.dir.path().join("opened.txt");
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(url) = std::fs::read_to_string(&log).ok().and_then(|t| t.lines().last().map(str::to_string)) {
                return url;
            }
            assert!(Instant::now() < deadline, "nothing was opened in the browser");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
