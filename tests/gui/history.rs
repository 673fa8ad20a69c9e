//! The History view and interrupted deliveries.

use std::time::{Duration, Instant};

use fantoccini::Locator;

use crate::harness::*;
use crate::support;
use crate::support::content::{content, write};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_finds_a_partial_delivery_and_explains_its_failed_file() {
    let fs = support::servers::S3sFs::start();
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
    write(&folder, "quarterly-report.csv", b"id,total\n1,10\n");
    write(&folder, "notes.txt", b"notes\n");
    write(&folder, "sub/summary.txt", b"summary\n");

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

    // The file met an existing object: no Retry that would meet it again,
    // but new keys or an overwrite, the latter after naming the object.
    wait_shown(&c, "#history-overwrite", 5).await;
    let rekey = wait_shown(&c, "#history-rekey", 5).await;
    assert!(rekey.contains("New keys for 1"), "{rekey}");
    assert!(shown_text(&c, "#history-retry").await.is_none(), "no Retry for a file whose key is taken");
    click(&c, "#history-overwrite").await;
    let confirm = wait_shown(&c, "#confirm-dialog", 10).await;
    assert!(confirm.contains("incoming/quarterly-report.csv"), "the confirmation names the object: {confirm}");
    click(&c, "#confirm-delete").await;
    wait_gone(&c, "#confirm-dialog").await;
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

    // Paused, the destination's actions are visibly unavailable and
    // "Resume and deliver" is offered; it resumes and asks for new keys.
    click(&c, "#nav-destinations").await;
    click(&c, ".destination-row [data-action=\"toggle\"]").await;
    wait_for(&c, ".destination-row[data-active=\"false\"]").await;
    click(&c, "#nav-history").await;
    click(&c, ".history-batch[data-outcome=\"partial\"]").await;
    wait_shown(&c, "#history-resume-deliver", 10).await;
    assert_eq!(attr_in_page(&c, "#history-redeliver", "aria-disabled").await.as_deref(), Some("true"));
    assert_eq!(attr_in_page(&c, "#history-rekey", "aria-disabled").await.as_deref(), Some("true"));
    env.screenshot("03-paused");
    click(&c, "#history-resume-deliver").await;
    wait_shown(&c, "#rekey-dialog", 10).await;
    c.active_element().await.unwrap().send_keys("\u{E00C}").await.unwrap();
    wait_gone(&c, "#rekey-dialog").await;
    wait_gone(&c, "#history-resume-deliver").await;
    assert_eq!(attr_in_page(&c, "#history-rekey", "aria-disabled").await, None, "available again once resumed");

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
    leak_sweep(&c, &env, support::servers::S3S_SECRET, &replies).await;
    c.close().await.unwrap();
}

/// Record every IPC reply the window receives (for the secret sweep). Set up
/// before anything is typed; `ipc_log` reads it back. (`__TAURI__.core` is
/// frozen and the internal invoke read-only, so the IPC protocol's fetches
/// are what is recorded: every command's reply body.)

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupted_deliveries_are_resumed_or_discarded_from_the_window() {
    let fs = support::servers::S3sFs::start();
    let env = Env::new("interrupted");
    let src = tempfile::tempdir().unwrap();
    let big = content(7, 320 * 1024 * 1024 + 77);
    let file = write(src.path(), "big.bin", &big);
    {
        let driver = Driver::start(&env);
        let c = driver.session().await;
        wait_for(&c, "body[data-ready=\"true\"]").await;
        add_s3s_destination(&c, &fs, "Reports").await;
        c.close().await.unwrap();
    }

    // A crash mid-upload, then the app opens: the banner offers to resume.
    cli_deliver_and_kill(&env, &file);
    assert!(!fs.upload_files().is_empty(), "the kill left the multipart upload open");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    let banner = wait_shown(&c, "#interrupted-banner", 20).await;
    assert!(
        banner.contains("A delivery was interrupted") && banner.contains("Reports") && banner.contains("1 of 1 file not delivered"),
        "{banner}"
    );
    env.screenshot("01-banner");
    click(&c, "#interrupted-banner [data-resume]").await;
    // It goes on in the delivery panel like any delivery: paused, resumed, finished.
    wait_gone(&c, "#interrupted-banner").await;
    // (The panel opens as the resume's plan arrives; its title follows within a moment.)
    let title = wait_text_containing(&c, "#delivery-title", "Resuming the delivery to", 20).await;
    assert!(title.contains("Reports"), "{title}");
    click(&c, "#delivery-pause").await;
    wait_text_containing(&c, "#delivery-title", "Paused", 10).await;
    // Paused means sending stops once the parts in flight have ended.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let sent = shown_text(&c, "#delivery-stats [data-stat=\"bytes\"]").await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        if shown_text(&c, "#delivery-stats [data-stat=\"bytes\"]").await == sent {
            break;
        }
        assert!(Instant::now() < deadline, "still sending a minute after the pause: {sent:?}");
    }
    env.screenshot("01b-resume-paused");
    click(&c, "#delivery-pause").await;
    wait_shown(&c, "#delivery-outcome[data-outcome=\"delivered\"]", 120).await;
    let url = wait_shown(&c, ".delivery-url", 10).await;
    assert!(url.ends_with("/reports/incoming/big.bin"), "the resumed file's link: {url}");
    let stored = std::fs::read(fs.root.path().join("reports/incoming/big.bin")).unwrap();
    assert!(stored == big, "the resumed object differs from the source ({} vs {} bytes)", stored.len(), big.len());
    assert_eq!(fs.upload_files().len(), 0, "no multipart upload is left open");
    let db = rusqlite::Connection::open(env.data.path().join("chute.db")).unwrap();
    let (state, outcome): (String, String) =
        db.query_row("SELECT state, outcome FROM batches", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((state.as_str(), outcome.as_str()), ("finished", "delivered"));
    c.close().await.unwrap();
    drop(driver);

    // Another crash; this time the user discards it from the History.
    std::fs::remove_file(fs.root.path().join("reports/incoming/big.bin")).unwrap();
    cli_deliver_and_kill(&env, &file);
    assert!(!fs.upload_files().is_empty());
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
    assert_eq!(fs.upload_files().len(), 0, "discarding aborted the open upload");
    assert!(!fs.root.path().join("reports/incoming/big.bin").exists(), "nothing half-written was left as an object");
    env.screenshot("02-discarded");
    c.close().await.unwrap();
}

/// Deliver `paths` with the CLI beside the app; returns its exit code.
fn cli_deliver(env: &Env, paths: &[&std::path::Path]) -> i32 {
    let out = cli(env).args(["--json", "deliver", "Reports"]).args(paths).arg("--yes").output().unwrap();
    out.status.code().expect("the CLI ended by itself")
}

async fn select_status(c: &fantoccini::Client, value: &str) {
    c.find(Locator::Css("#history-status")).await.unwrap().select_by_value(value).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_tells_the_truth_about_a_long_delivery() {
    use fantoccini::key::Key;
    let fs = support::servers::S3sFs::start();
    let env = Env::new("history-truth");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    add_s3s_destination(&c, &fs, "Reports").await;

    // A long delivery made beside the app: 1,200 files, two of them meeting existing objects
    // ("never overwrite"), ignored names, a name no key can carry and a path that is not there.
    let src = tempfile::tempdir().unwrap();
    let folder = src.path().join("photos");
    for i in 0..1200 {
        write(&folder, &format!("f{i:04}.txt"), format!("{i}\n").as_bytes());
    }
    write(&folder, ".DS_Store", b"finder");
    write(&folder, ".git/HEAD", b"ref: refs/heads/main\n");
    write(&folder, "bell\u{7}.txt", b"no key carries this name");
    let existing = fs.root.path().join("reports/incoming");
    for taken in ["f0700.txt", "f1100.txt"] {
        write(&existing, taken, b"already there");
    }
    let missing = src.path().join("gone.csv");
    assert_eq!(cli_deliver(&env, &[&folder, &missing]), 1, "two failed and two were refused");
    let one = write(src.path(), "one.txt", b"1");
    let two = write(src.path(), "two.txt", b"2");
    assert_eq!(cli_deliver(&env, &[&one]), 0);
    assert_eq!(cli_deliver(&env, &[&two]), 0);

    // Exact counts, and a details pane that follows the filters.
    click(&c, "#nav-history").await;
    wait_count(&c, ".history-batch", 3, 20).await;
    wait_for_text(&c, "#history-count", "3 deliveries").await;
    click(&c, ".history-batch[data-outcome=\"delivered\"]").await;
    wait_for_text(&c, "#hd-title", "Reports").await;
    select_status(&c, "partial").await;
    wait_for_text(&c, "#history-count", "1 of 3 shown").await;
    wait_shown(&c, "#hd-placeholder", 10).await;
    assert!(shown_text(&c, "#hd-title").await.is_none(), "the hidden delivery's details are cleared");
    assert_eq!(attr_in_page(&c, "#history-details", "data-id").await, None);
    assert_eq!(count_shown(&c, "#history-details .history-file").await, 0);
    select_status(&c, "delivered").await;
    wait_for_text(&c, "#history-count", "2 of 3 shown").await;
    select_status(&c, "").await;
    wait_for_text(&c, "#history-count", "3 deliveries").await;

    // The long one: what was given, what was left out and why, counts exact and grouped.
    click(&c, ".history-batch[data-outcome=\"partial\"]").await;
    let batch_id = attr_in_page(&c, ".history-batch[data-outcome=\"partial\"]", "data-id").await.unwrap();
    let counts = wait_shown(&c, "#history-details .hd-counts", 10).await;
    assert_eq!(counts, "1,198 of 1,202 files delivered · 2 failed · 2 refused");
    wait_for_text(&c, "#hd-file-count", "1,202 files").await;
    let given = wait_shown(&c, ".hd-source[data-kind=\"folder\"]", 10).await;
    assert!(given.contains(folder.to_str().unwrap()) && given.contains("1,200 files"), "{given}");
    let gone = wait_shown(&c, ".hd-source[data-kind=\"missing\"]", 5).await;
    assert!(gone.contains("gone.csv") && gone.contains("not found"), "{gone}");
    assert!(attr_in_page(&c, "#history-left-out", "open").await.is_some(), "a short list of what was left out starts open");
    let ignored = texts(&c, ".hd-left[data-kind=\"excluded\"]").await.join("\n");
    assert!(ignored.contains(".DS_Store") && ignored.contains("ignored by .DS_Store") && ignored.contains(".git"), "{ignored}");
    let bell = wait_shown(&c, ".hd-left[data-kind=\"refused\"][data-code=\"key_control_chars\"]", 5).await;
    assert!(bell.contains("bell\u{2407}.txt") && bell.contains("control character") && bell.contains("Rename"), "{bell}");
    wait_shown(&c, ".hd-left[data-kind=\"refused\"][data-code=\"not_found\"]", 5).await;
    env.screenshot("01-given-and-left-out");

    // Jump to any row: by number (a wrong one is explained), with the keys, to the first failed file.
    let jump = wait_for(&c, "#history-file-jump-to").await;
    jump.send_keys(&format!("5000{}", Key::Enter)).await.unwrap();
    let error = wait_shown(&c, "#history-file-jump-error", 5).await;
    assert!(error.contains("from 1 to 1,202"), "{error}");
    jump.clear().await.unwrap();
    jump.send_keys(&format!("1000{}", Key::Enter)).await.unwrap();
    wait_shown(&c, ".history-file[aria-posinset=\"1000\"][aria-current=\"true\"]", 10).await;
    wait_for_text(&c, "#hf-detail-title", "incoming/f0999.txt").await;
    assert_eq!(
        texts(&c, "#history-file-announce").await,
        ["File 1,000 of 1,202: incoming/f0999.txt, Delivered"],
        "said to screen readers too"
    );
    assert!(shown_text(&c, "#history-file-jump-error").await.is_none());
    assert_eq!(count_shown(&c, ".history-file[aria-posinset=\"1\"]").await, 0, "only the rows in view exist");
    let list = wait_for(&c, "#history-files").await;
    list.send_keys(&Key::End.to_string()).await.unwrap();
    wait_shown(&c, ".history-file[aria-posinset=\"1202\"][aria-current=\"true\"][data-status=\"refused\"]", 10).await;
    wait_text_containing(&c, "#history-file-detail", "No such file or directory", 5).await;
    list.send_keys(&Key::Home.to_string()).await.unwrap();
    wait_for_text(&c, "#hf-detail-title", "incoming/f0000.txt").await;
    list.send_keys(&Key::PageDown.to_string()).await.unwrap();
    let paged = attr_in_page(&c, ".history-file[aria-current=\"true\"]", "aria-posinset").await.unwrap();
    assert!(paged.parse::<u32>().unwrap() > 2, "Page Down moves by a page: at row {paged}");
    click(&c, "#history-first-failed").await;
    wait_shown(&c, ".history-file[aria-posinset=\"701\"][aria-current=\"true\"][data-status=\"failed\"]", 10).await;
    wait_for_text(&c, "#hf-detail-title", "incoming/f0700.txt").await;
    wait_shown(&c, "#history-file-detail .hf-error[data-code=\"already_exists\"]", 5).await;
    click(&c, "#history-failed-only").await;
    wait_for_text(&c, "#hd-file-count", "2 of 1,202 files shown").await;
    wait_count(&c, "#history-details .history-file[data-status=\"failed\"]", 2, 10).await;

    // "Show in folder" with no file manager on this session bus: said plainly, with the path to copy.
    click(&c, ".history-file[aria-posinset=\"1\"]").await;
    click(&c, "#history-file-detail [data-act=\"reveal\"]").await;
    let note = wait_shown(&c, "#history-file-detail .hf-reveal-note[data-code=\"no_file_manager\"]", 15).await;
    let source = folder.join("f0700.txt");
    assert!(note.contains("No file manager answered; the file is at") && note.contains(source.to_str().unwrap()), "{note}");
    assert!(!note.contains("org.freedesktop") && !note.contains("DBus"), "no raw D-Bus message: {note}");
    click(&c, "#hf-copy-path").await;
    wait_text_containing(&c, "#hf-copy-path", "Copied", 5).await;
    env.screenshot("02-jumped-and-no-file-manager");

    // A search the selection still matches narrows its files; one it does not clears it.
    click(&c, "#history-failed-only").await;
    let search = wait_for(&c, "#history-search").await;
    search.send_keys("f0999").await.unwrap();
    wait_for_text(&c, "#hd-file-count", "1 of 1,202 files shown").await;
    wait_for_text(&c, "#history-count", "1 of 3 shown").await;
    assert_eq!(attr_in_page(&c, "#history-details", "data-id").await.as_deref(), Some(batch_id.as_str()));
    search.clear().await.unwrap();
    search.send_keys("two.txt").await.unwrap();
    wait_shown(&c, "#hd-placeholder", 10).await;
    assert_eq!(attr_in_page(&c, "#history-details", "data-id").await, None, "hidden by the search: cleared");
    search.clear().await.unwrap();
    c.execute("document.querySelector('#history-search').dispatchEvent(new Event('input'));", vec![]).await.unwrap();
    wait_for_text(&c, "#history-count", "3 deliveries").await;

    // Relative times keep up by themselves: 50 s ago is "just now", ten seconds later it is not.
    let db = rusqlite::Connection::open(env.data.path().join("chute.db")).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    db.execute("UPDATE batches SET started_at = ?1 WHERE id = ?2", rusqlite::params![now - 45_000, batch_id]).unwrap();
    click(&c, "#history-refresh").await;
    let time = format!(".history-batch[data-id=\"{batch_id}\"] .hb-time");
    wait_for_text(&c, &time, "just now").await;
    click(&c, &format!(".history-batch[data-id=\"{batch_id}\"]")).await;
    wait_text_containing(&c, "#history-details .hd-facts time", "just now", 5).await;
    wait_text_containing(&c, &time, "1 minute ago", 40).await;
    wait_text_containing(&c, "#history-details .hd-facts time", "1 minute ago", 5).await;
    c.close().await.unwrap();
    drop(driver);

    // The same details in dark mode.
    let driver = Driver::start_with(&env, &[("GTK_THEME", "Adwaita:dark")]);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    click(&c, "#nav-history").await;
    click(&c, &format!(".history-batch[data-id=\"{batch_id}\"]")).await;
    wait_shown(&c, ".hd-left[data-kind=\"refused\"]", 10).await;
    click(&c, "#history-first-failed").await;
    wait_for_text(&c, "#hf-detail-title", "incoming/f0700.txt").await;
    env.screenshot("03-dark");
    c.close().await.unwrap();
}
