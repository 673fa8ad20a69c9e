//! Watched folders in the window: a watch made through the form (its
//! folder chosen in the real GTK folder chooser) delivers a file written
//! into the real folder, counted on its card and listed in the History as
//! "Watched folder"; paused, it leaves new files alone until resumed;
//! refused settings are explained at their field; a destination's details
//! start the form with it chosen; and while `chute watch run` holds the
//! watches the view says so, then the window takes them over when it stops.
//! Delivery hours and combining files are set, shown and refused in the
//! form; closing the window with active watches asks (`closing.rs`); watch
//! events notify through a real notification daemon (`notifications.rs`);
//! closing into the tray, and the tray itself (`tray.rs`).

mod closing;
mod notifications;
mod tray;

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::Client;

use crate::harness::*;
use crate::interact::{press_escape, rect_of, to_minimum_size};
use crate::native_dialog::{assert_responsive, NativeDialog};
use crate::support;
use crate::support::servers::S3sFs;

const CHOOSER: &str = "Choose the folder to watch";

/// Wait until the object `key` of s3s-fs's bucket `reports` holds `bytes`.
async fn wait_object(fs: &S3sFs, key: &str, bytes: &[u8], secs: u64) {
    let path = fs.root.path().join("reports").join(key);
    let deadline = Instant::now() + Duration::from_secs(secs);
    while std::fs::read(&path).ok().as_deref() != Some(bytes) {
        assert!(Instant::now() < deadline, "{key} was not delivered within {secs} s (objects: {:?})", fs.object_paths("reports"));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The card's count of delivered files, once it reads `n`.
async fn wait_delivered(c: &Client, n: usize, secs: u64) {
    let css = format!(".watch-card .watch-delivered[data-count=\"{n}\"]");
    let deadline = Instant::now() + Duration::from_secs(secs);
    while shown_text(c, &css).await.is_none() {
        let now = shown_text(c, ".watch-card .watch-delivered").await;
        assert!(Instant::now() < deadline, "the card never counted {n} delivered (it says {now:?})");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn type_in(c: &Client, css: &str, text: &str) {
    let e = wait_for(c, css).await;
    e.clear().await.unwrap();
    if !text.is_empty() {
        e.send_keys(text).await.unwrap();
    }
}

async fn is_checked(c: &Client, css: &str) -> bool {
    let v = c.execute("const e = document.querySelector(arguments[0]); return Boolean(e && e.checked);", vec![serde_json::json!(css)]);
    v.await.unwrap() == serde_json::json!(true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_watched_from_the_window_delivers_what_lands_in_it_and_pauses() {
    let fs = S3sFs::start();
    let env = Env::new("watch-deliver-pause");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    add_s3s_destination(&c, &fs, "Reports").await;
    let src = tempfile::tempdir().unwrap();
    let folder = src.path().join("scanner exports");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("already-there.txt"), b"old\n").unwrap();

    // The view explains watches and offers one.
    click(&c, "#nav-watches").await;
    let empty = wait_shown(&c, "#watches-empty", 10).await;
    assert!(empty.contains("Watch a folder") && empty.contains("chute watch run"), "{empty}");
    assert_eq!(attr_in_page(&c, "#nav-watches", "aria-current").await.as_deref(), Some("page"));
    assert!(shown_text(&c, "#list-view").await.is_none(), "the destinations step aside");
    env.screenshot("00-empty");

    // The form, its folder chosen in the native chooser (cancelled once first).
    click(&c, "#watch-add-first").await;
    wait_shown(&c, "#watch-dialog", 10).await;
    assert_eq!(focused(&c).await, "w-name", "the name is typed first");
    assert!(is_checked(&c, "#w-existing-new_only").await && is_checked(&c, "#w-after input[value=\"keep\"]").await, "only new files, kept");
    assert!(is_checked(&c, "#w-recursive").await, "subfolders by default");
    assert_eq!(value_of(&c, "#w-settle").await, "2");
    assert!(is_checked(&c, ".watch-destination input[type=\"checkbox\"]").await, "the only destination is chosen");
    click(&c, "#w-choose-folder").await;
    NativeDialog::wait(&env, CHOOSER, 20).cancel();
    assert_responsive(&c, "after cancelling the folder chooser").await;
    assert_eq!(value_of(&c, "#w-folder").await, "", "a cancelled chooser sets nothing");
    click(&c, "#w-choose-folder").await;
    let chooser = NativeDialog::wait(&env, CHOOSER, 20);
    assert_responsive(&c, "while the folder chooser is open").await;
    chooser.choose(&folder);
    let deadline = Instant::now() + Duration::from_secs(10);
    while value_of(&c, "#w-folder").await != folder.to_string_lossy() {
        assert!(Instant::now() < deadline, "the chosen folder was not filled in: {}", value_of(&c, "#w-folder").await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(value_of(&c, "#w-name").await, "scanner exports", "named after its folder");
    env.screenshot("01-form-folder-chosen");
    // Deleting after delivery says plainly what it does.
    click(&c, "#w-after input[value=\"delete\"] + .choice-body").await;
    let warning = wait_shown(&c, "#w-delete-warning", 5).await;
    assert!(warning.contains("deleted") && warning.contains("no copy"), "{warning}");
    click(&c, "#w-after input[value=\"keep\"] + .choice-body").await;
    wait_gone(&c, "#w-delete-warning").await;
    env.screenshot("02-form-after-delivery");
    // Enter saves.
    wait_for(&c, "#w-name").await.send_keys("\u{E007}").await.unwrap();
    wait_gone(&c, "#watch-dialog").await;
    // Once the runner has taken in what the folder holds, it says it watches.
    let card = wait_shown(&c, ".watch-card[data-state=\"watching\"][data-started=\"true\"]", 20).await;
    assert_eq!(shown_text(&c, ".watch-card .watch-state-text").await.as_deref(), Some("Watching"));
    assert!(card.contains("scanner exports") && card.contains("Reports") && card.contains(&*folder.to_string_lossy()), "{card}");
    let runner = wait_shown(&c, "#watches-runner[data-runner=\"here\"]", 10).await;
    assert!(runner.contains("This window runs the watches"), "{runner}");

    // A file written into the real folder is delivered; the one already there is not.
    std::fs::write(folder.join("invoice 42.pdf"), b"%PDF-1.7 invoice\n").unwrap();
    wait_object(&fs, "incoming/invoice 42.pdf", b"%PDF-1.7 invoice\n", 30).await;
    wait_delivered(&c, 1, 20).await;
    assert!(shown_text(&c, ".watch-card .watch-last time").await.is_some(), "the last delivery's time is shown");
    assert!(!fs.object_paths("reports").iter().any(|p| p.ends_with("already-there.txt")), "only new files");
    env.screenshot("03-delivered");

    // The History lists the batch as a watched folder's.
    click(&c, "#nav-history").await;
    let row = wait_shown(&c, ".history-batch[data-outcome=\"delivered\"]", 20).await;
    assert!(row.contains("Watched folder") && row.contains("Reports"), "{row}");

    // Paused: a new file waits; resumed: it is delivered.
    click(&c, "#nav-watches").await;
    click(&c, ".watch-card [data-action=\"toggle\"]").await;
    let paused = wait_shown(&c, ".watch-card[data-state=\"paused\"] .watch-state-text", 10).await;
    assert!(paused.contains("Paused"), "{paused}");
    assert_eq!(wait_shown(&c, ".watch-card [data-action=\"toggle\"]", 5).await.trim(), "Resume");
    std::fs::write(folder.join("while paused.csv"), b"a,b\n1,2\n").unwrap();
    tokio::time::sleep(Duration::from_secs(6)).await; // three settle times
    assert!(!fs.object_paths("reports").iter().any(|p| p.contains("while paused")), "nothing is delivered while paused");
    wait_delivered(&c, 1, 1).await;
    env.screenshot("04-paused");
    click(&c, ".watch-card [data-action=\"toggle\"]").await;
    wait_object(&fs, "incoming/while paused.csv", b"a,b\n1,2\n", 30).await;
    wait_delivered(&c, 2, 20).await;
    wait_shown(&c, ".watch-card[data-state=\"watching\"]", 10).await;

    // Removing says what stays, and leaves the folder, the objects and the history.
    click(&c, ".watch-card [data-action=\"remove\"]").await;
    let confirm = wait_shown(&c, "#confirm-dialog", 10).await;
    assert!(confirm.contains(&*folder.to_string_lossy()) && confirm.contains("objects") && confirm.contains("History"), "{confirm}");
    click(&c, "#confirm-delete").await;
    wait_shown(&c, "#watches-empty", 10).await;
    assert!(folder.join("invoice 42.pdf").exists() && folder.join("while paused.csv").exists(), "the files stay");
    wait_object(&fs, "incoming/invoice 42.pdf", b"%PDF-1.7 invoice\n", 1).await;
    wait_object(&fs, "incoming/while paused.csv", b"a,b\n1,2\n", 1).await;
    click(&c, "#nav-history").await;
    wait_count(&c, ".history-batch[data-outcome=\"delivered\"]", 2, 20).await;
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_watch_is_explained_at_its_field_and_a_destination_starts_one() {
    let env = Env::new("watch-form-dark");
    let driver = Driver::start_with(&env, &[("GTK_THEME", "Adwaita:dark")]);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    add_offline_destination(&c, "Reports").await;
    add_offline_destination(&c, "Archive").await;
    let src = tempfile::tempdir().unwrap();
    let folder = src.path().join("exports");
    std::fs::create_dir_all(&folder).unwrap();

    // From Archive's details: the form opens with Archive alone chosen.
    let archive = c
        .execute(
            "return [...document.querySelectorAll('.destination-row')].find((r) => r.textContent.includes('Archive')).dataset.id;",
            vec![],
        )
        .await
        .unwrap();
    let archive = archive.as_str().unwrap().to_string();
    click(&c, &format!(".destination-row[data-id=\"{archive}\"] .dest-name")).await;
    wait_shown(&c, "#details-dialog", 10).await;
    click(&c, "#details-watch").await;
    wait_gone(&c, "#details-dialog").await;
    wait_shown(&c, "#watch-dialog", 10).await;
    assert!(is_checked(&c, &format!(".watch-destination[data-id=\"{archive}\"] input")).await, "Archive is chosen");
    wait_count(&c, ".watch-destination input:checked", 1, 5).await;

    // A folder that does not exist and a settle time out of range: both said at once, each at its field.
    type_in(&c, "#w-name", "Exports").await;
    type_in(&c, "#w-folder", &folder.join("not there").to_string_lossy()).await;
    let settle_in_view = "document.querySelector('#w-settle').scrollIntoView({ block: 'center' });";
    c.execute(settle_in_view, vec![]).await.unwrap();
    type_in(&c, "#w-settle", "0.1").await;
    click(&c, "#watch-save").await;
    let problem = wait_shown(&c, "#wp-folder .problem[data-code=\"watch_folder_missing\"]", 10).await;
    assert!(problem.contains("does not exist") && problem.contains("Create the folder"), "{problem}");
    assert_eq!(attr_in_page(&c, "#w-folder", "aria-invalid").await.as_deref(), Some("true"));
    assert_eq!(focused(&c).await, "w-folder", "the focus goes to the first field to fix");
    wait_shown(&c, "#wp-settle .problem[data-code=\"watch_settle_range\"]", 10).await;
    assert_eq!(attr_in_page(&c, "#w-settle", "aria-invalid").await.as_deref(), Some("true"));
    assert!(shown_text(&c, "#watch-dialog").await.is_some(), "the form stays open");
    env.screenshot("00-folder-refused");
    c.execute(settle_in_view, vec![]).await.unwrap();
    type_in(&c, "#w-settle", "2").await;

    // No destination: said at the destinations.
    type_in(&c, "#w-folder", &folder.to_string_lossy()).await;
    wait_gone(&c, "#wp-folder .problem").await;
    click(&c, ".watch-destination input:checked").await;
    click(&c, "#watch-save").await;
    let problem = wait_shown(&c, "#wp-destinations .problem[data-code=\"watch_no_destination\"]", 10).await;
    assert!(problem.contains("Choose at least one destination"), "{problem}");
    assert!(shown_text(&c, "#wp-folder .problem").await.is_none(), "the folder is fine now");
    // A settle time out of range: said at the settle time.
    click(&c, &format!(".watch-destination[data-id=\"{archive}\"]")).await;
    type_in(&c, "#w-settle", "0.1").await;
    click(&c, "#watch-save").await;
    wait_shown(&c, "#wp-settle .problem[data-code=\"watch_settle_range\"]", 10).await;
    env.screenshot("01-settle-refused");
    type_in(&c, "#w-settle", "1.5").await;
    click(&c, "#watch-save").await;
    wait_gone(&c, "#watch-dialog").await;
    let card = wait_shown(&c, ".watch-card", 20).await;
    assert!(card.contains("Exports") && card.contains("Archive") && !card.contains("Reports"), "{card}");
    assert!(card.contains("1.5 s"), "the settle time is shown: {card}");

    // A second watch with the same name: said at the name.
    click(&c, "#watch-add").await;
    wait_shown(&c, "#watch-dialog", 10).await;
    type_in(&c, "#w-name", "exports").await;
    type_in(&c, "#w-folder", &folder.to_string_lossy()).await;
    click(&c, ".watch-destination").await;
    click(&c, "#watch-save").await;
    wait_shown(&c, "#wp-name .problem[data-code=\"watch_name_duplicate\"]", 10).await;
    // Escape with typed work asks first; discarding closes.
    press_escape(&c).await;
    wait_shown(&c, "#confirm-dialog", 5).await;
    click(&c, "#confirm-delete").await;
    wait_gone(&c, "#watch-dialog").await;
    wait_count(&c, ".watch-card", 1, 5).await;

    // Editing: what was chosen at creation cannot change; the command line is offered.
    click(&c, ".watch-card [data-action=\"edit\"]").await;
    wait_shown(&c, "#watch-dialog", 10).await;
    assert_eq!(value_of(&c, "#w-settle").await, "1.5");
    assert!(attr_in_page(&c, "#w-existing-new_only", "disabled").await.is_some(), "files already there: chosen at creation");
    assert!(shown_text(&c, "#w-paused-field").await.is_none(), "pausing is the card's action");
    type_in(&c, "#w-name", "Exports (scans)").await;
    wait_for(&c, "#w-name").await.send_keys("\u{E007}").await.unwrap();
    wait_gone(&c, "#watch-dialog").await;
    wait_text_containing(&c, ".watch-card .watch-name", "Exports (scans)", 10).await;
    let copy = attr_in_page(&c, ".watch-card [data-action=\"copy-command\"]", "data-tooltip").await.unwrap_or_default();
    assert!(
        copy.starts_with("chute watch add 'Exports (scans)'") && copy.contains("--to Archive") && copy.contains("--settle 1500ms"),
        "{copy}"
    );

    // Delivery hours and combining files: refused at their field, then shown in words and kept by an edit.
    click(&c, ".watch-card [data-action=\"edit\"]").await;
    wait_shown(&c, "#watch-dialog", 10).await;
    assert!(!is_checked(&c, "#w-batch").await && shown_text(&c, "#w-batch-options").await.is_none(), "no batching by default");
    type_in(&c, "#w-hours-from", "25:00").await;
    type_in(&c, "#w-hours-to", "06:00").await;
    click(&c, "#watch-save").await;
    let problem = wait_shown(&c, "#wp-hours .problem[data-code=\"watch_hours_invalid\"]", 10).await;
    assert!(problem.contains("22:00-06:00"), "{problem}");
    assert_eq!(focused(&c).await, "w-hours-from", "the focus goes to the hours");
    type_in(&c, "#w-hours-from", "22:00").await;
    click(&c, "#w-batch").await;
    wait_shown(&c, "#w-batch-options", 5).await;
    assert_eq!(value_of(&c, "#w-batch-window").await, "60", "a minute by default");
    type_in(&c, "#w-batch-window", "0.5").await;
    click(&c, "#watch-save").await;
    wait_shown(&c, "#wp-batch .problem[data-code=\"watch_batch_range\"]", 10).await;
    assert!(shown_text(&c, "#wp-hours .problem").await.is_none(), "the hours are fine now");
    env.screenshot("02-batch-refused");
    type_in(&c, "#w-batch-window", "60").await;
    type_in(&c, "#w-batch-files", "500").await;
    click(&c, "#watch-save").await;
    wait_gone(&c, "#watch-dialog").await;
    let when = wait_text_containing(&c, ".watch-card .watch-timing", "Delivers 22:00–06:00", 10).await;
    assert!(when.contains("One .gz object a minute, or sooner at 500 files"), "{when}");
    let copy = attr_in_page(&c, ".watch-card [data-action=\"copy-command\"]", "data-tooltip").await.unwrap_or_default();
    assert!(
        copy.contains("--batch 60s --batch-files 500") && copy.contains("--hours 22:00-06:00") && copy.contains("--settle 1500ms"),
        "{copy}"
    );
    env.screenshot("03-hours-and-batch");
    // Edited again: the form shows them; cleared, the card no longer says them and the rest stays.
    click(&c, ".watch-card [data-action=\"edit\"]").await;
    wait_shown(&c, "#watch-dialog", 10).await;
    assert_eq!((value_of(&c, "#w-hours-from").await, value_of(&c, "#w-hours-to").await), ("22:00".into(), "06:00".into()));
    assert!(
        is_checked(&c, "#w-batch").await && value_of(&c, "#w-batch-files").await == "500" && value_of(&c, "#w-batch-mb").await.is_empty()
    );
    type_in(&c, "#w-hours-from", "").await;
    type_in(&c, "#w-hours-to", "").await;
    click(&c, "#w-batch").await;
    wait_gone(&c, "#w-batch-options").await;
    click(&c, "#watch-save").await;
    wait_gone(&c, "#watch-dialog").await;
    wait_gone(&c, ".watch-card .watch-timing").await;
    assert!(wait_shown(&c, ".watch-card", 5).await.contains("1.5 s"), "the settle time stays");
    wait_shown(&c, "#watches-runner[data-runner=\"here\"]", 10).await;
    wait_shown(&c, ".watch-card[data-started=\"true\"]", 20).await;

    // A file the destination cannot take (nothing answers there): retried, and why is said with its fix.
    std::fs::write(folder.join("scan 1.pdf"), b"%PDF scan\n").unwrap();
    wait_shown(&c, ".watch-card[data-state=\"retrying\"]", 30).await;
    let state = wait_shown(&c, ".watch-card .watch-state-text", 5).await;
    assert!(state.starts_with("Retrying since"), "{state}");
    let why = wait_shown(&c, ".watch-card .watch-diagnosis[data-kind=\"retrying\"]", 10).await;
    assert!(why.contains("scan 1.pdf") && why.contains("Archive") && why.contains("tried again"), "{why}");
    assert!(shown_text(&c, ".watch-card .watch-diagnosis .banner-text").await.is_some_and(|fix| !fix.trim().is_empty()), "with a fix");
    env.screenshot("04-retrying-dark");

    // The folder gone: the watch is stopped, and says so.
    std::fs::remove_dir_all(&folder).unwrap();
    wait_shown(&c, ".watch-card[data-state=\"stopped\"] .watch-diagnosis[data-code=\"watch_folder_gone\"]", 20).await;
    assert_eq!(shown_text(&c, ".watch-card .watch-state-text").await.as_deref(), Some("Stopped: folder gone"));

    // At the window's minimum size the card keeps its facts, its diagnosis and its actions inside it.
    let (min_w, _) = to_minimum_size(&c).await;
    let (card, actions, remove) =
        (rect_of(&c, ".watch-card").await, rect_of(&c, ".watch-card .watch-actions").await, rect_of(&c, ".watch-card .watch-remove").await);
    assert!(card[2] <= min_w as f64 && actions[2] <= card[2] && remove[2] <= card[2], "{card:?} {actions:?} {remove:?}");
    env.screenshot("05-stopped-at-minimum-size");
    c.close().await.unwrap();
}

/// The destination `name` at `endpoint` (s3s-fs's bucket `reports`, its
/// keys in the keychain), added with the CLI before the window opens.
fn cli_destination(env: &Env, name: &str, endpoint: &str) {
    use std::io::Write;
    let mut add = cli(env)
        .args(["destination", "add", "--name", name, "--provider", "minio", "--bucket", "reports", "--prefix", "incoming/"])
        .args(["--endpoint", endpoint, "--access-key-id", support::servers::S3S_KEY, "--secret-stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(support::servers::S3S_SECRET.as_bytes()).unwrap();
    assert!(add.wait().unwrap().success(), "chute destination add {name}");
}

/// A watch `name` of `folder` delivering to `to`, settling in 1 s, added with the CLI.
fn cli_watch(env: &Env, name: &str, folder: &Path, to: &str) {
    let watch = cli(env).args(["watch", "add", name]).arg(folder).args(["--to", to, "--settle", "1s"]).output().unwrap();
    assert!(watch.status.success(), "chute watch add: {}", String::from_utf8_lossy(&watch.stderr));
}

/// The destination Reports (s3s-fs, through the keychain) and a watch
/// "Drop box" of `folder`, set up with the CLI before the window opens.
fn cli_setup(env: &Env, fs: &S3sFs, folder: &Path) {
    cli_destination(env, "Reports", &fs.endpoint());
    cli_watch(env, "Drop box", folder, "Reports");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_the_agent_runs_the_watches_the_window_says_so_and_takes_over_when_it_stops() {
    let fs = S3sFs::start();
    let env = Env::new("watch-takeover");
    let src = tempfile::tempdir().unwrap();
    let folder = src.path().join("drop box");
    std::fs::create_dir_all(&folder).unwrap();
    cli_setup(&env, &fs, &folder);
    let agent = WatchAgent::start(&env);
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;

    // The agent holds the watches: the view says who, the card too.
    click(&c, "#nav-watches").await;
    let pid = agent.pid().to_string();
    let runner = wait_shown(&c, "#watches-runner[data-runner=\"elsewhere\"]", 20).await;
    assert!(runner.contains("chute watch run") && runner.contains(&pid) && runner.contains("takes them over"), "{runner}");
    let card = wait_shown(&c, ".watch-card[data-state=\"watching\"] .watch-runner", 10).await;
    assert!(card.contains("chute watch run") && card.contains(&pid), "{card}");
    env.screenshot("00-run-by-the-agent");

    // The agent delivers; the window's card follows (no event reaches it: it looks again).
    std::fs::write(folder.join("from the agent.txt"), b"agent\n").unwrap();
    wait_object(&fs, "incoming/from the agent.txt", b"agent\n", 30).await;
    agent.wait_printed("\"event\":\"delivered\"", 20, "the agent delivered it");
    wait_delivered(&c, 1, 20).await;

    // The agent stops; within seconds the window runs the watches and delivers.
    assert_eq!(agent.stop(), Some(0), "chute watch run stops gracefully");
    let runner = wait_shown(&c, "#watches-runner[data-runner=\"here\"]", 30).await;
    assert!(runner.contains("This window runs the watches"), "{runner}");
    assert!(shown_text(&c, ".watch-card .watch-runner").await.is_none(), "the card no longer names the agent");
    std::fs::write(folder.join("from the window.txt"), b"window\n").unwrap();
    wait_object(&fs, "incoming/from the window.txt", b"window\n", 30).await;
    wait_delivered(&c, 2, 20).await;
    env.screenshot("01-taken-over");
    click(&c, "#nav-history").await;
    wait_count(&c, ".history-batch[data-outcome=\"delivered\"]", 2, 20).await;
    let origins = texts(&c, ".history-batch .hb-origin").await;
    assert_eq!(origins, vec!["Watched folder".to_string(), "Watched folder".to_string()]);
    c.close().await.unwrap();
}
