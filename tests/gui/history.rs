//! The History view and interrupted deliveries.

use std::time::{Duration, Instant};

use fantoccini::Locator;

use crate::common;
use crate::harness::*;

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

