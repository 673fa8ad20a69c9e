//! Delivering from the window: drop, preview, progress, results, existing
//! objects, a large batch paused and resumed.

use std::time::{Duration, Instant};

use crate::harness::*;
use crate::support;
use crate::support::content::{content, write, MIB};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_dropped_on_a_destination_is_previewed_delivered_and_linked() {
    let fs = support::servers::S3sFs::start();
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
        ("big.bin", content(7, 7 * MIB)),
    ];
    for (rel, bytes) in &files {
        write(&folder, rel, bytes);
    }
    write(&folder, ".DS_Store", b"finder junk");

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
    wait_save_enabled(&c).await;
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
async fn existing_objects_are_warned_about_and_resolved_through_the_offered_actions() {
    let fs = support::servers::S3sFs::start();
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
    let report = write(src.path(), "report.csv", b"id,total\n1,10\n");
    let notes = write(src.path(), "notes.txt", b"notes\n");

    // Dropped outside the list: choose the destination. The preview asks the
    // server first and warns that one file would meet an existing object.
    drop_on(&c, "#list-title", &[&report, &notes]).await;
    wait_shown(&c, "#drop-picker", 10).await;
    env.screenshot("02-picker");
    click(&c, "#drop-picker .picker-option").await;
    wait_shown(&c, "#delivery-preview", 20).await;
    wait_count(&c, "#delivery-preview .plan-row:not(.plan-row--loading)", 2, 10).await;
    let warning = wait_shown(&c, "#preview-notices [data-notice=\"existing\"][data-state=\"found\"]", 20).await;
    assert!(warning.contains("1 file would meet an object") && warning.contains("incoming/report.csv"), "{warning}");
    assert!(!warning.contains("notes.txt"), "only the file whose key is taken: {warning}");
    for act in ["rekey", "overwrite", "skip"] {
        assert!(shown_text(&c, &format!("[data-notice=\"existing\"] [data-existing-act=\"{act}\"]")).await.is_some(), "{act} is offered");
    }
    env.screenshot("03-preview-warns");

    // Delivered as it stands: the taken key is reported, not overwritten.
    click(&c, "#delivery-confirm").await;
    wait_shown(&c, "#delivery-outcome[data-outcome=\"partial\"]", 60).await;
    let card = wait_shown(&c, ".delivery-error[data-code=\"already_exists\"]", 10).await;
    assert!(!card.trim().is_empty());
    assert_eq!(count_shown(&c, ".delivery-file[data-status=\"failed\"]").await, 1, "the failed files are listed");
    let failed = shown_text(&c, ".delivery-file[data-status=\"failed\"]").await.unwrap();
    assert!(failed.contains("report.csv"), "{failed}");
    assert_eq!(std::fs::read(existing.join("report.csv")).unwrap(), b"original", "never overwrite kept the object");
    assert_eq!(std::fs::read(existing.join("notes.txt")).unwrap(), b"notes\n");
    // No Retry that cannot succeed: new keys or overwrite instead.
    wait_shown(&c, "#delivery-overwrite", 5).await;
    wait_shown(&c, "#delivery-rekey", 5).await;
    assert!(shown_text(&c, "#delivery-retry").await.is_none(), "no Retry for a file whose key is taken");
    let detail = wait_shown(&c, "#delivery-outcome [data-detail=\"existing\"]", 5).await;
    assert!(detail.contains("already in the bucket"), "{detail}");
    env.screenshot("04-partial-offers");

    // Overwrite, after a confirmation that names the object.
    click(&c, "#delivery-overwrite").await;
    let confirm = wait_shown(&c, "#confirm-dialog", 10).await;
    assert!(confirm.contains("incoming/report.csv"), "the confirmation names the object: {confirm}");
    env.screenshot("05-confirm-overwrite");
    click(&c, "#confirm-delete").await;
    wait_gone(&c, "#confirm-dialog").await;
    wait_count(&c, "#delivery-batches .batch-tab", 2, 10).await;
    wait_shown(&c, "#delivery-outcome[data-outcome=\"delivered\"]", 60).await;
    assert!(shown_text(&c, "#delivery-preview").await.is_none(), "confirmed already: no second preview");
    assert_eq!(std::fs::read(existing.join("report.csv")).unwrap(), b"id,total\n1,10\n");
    env.screenshot("06-overwritten");

    // Replace existing objects and skip the preview: a drop is sent at once.
    click(&c, ".destination-row [data-action=\"edit\"]").await;
    wait_for(&c, "#destination-form").await;
    click(&c, "label[for=\"f-overwrite-overwrite\"]").await;
    let hint = wait_shown(&c, "#overwrite-hint", 5).await;
    assert!(hint.contains("replaces"), "{hint}");
    click(&c, "label[for=\"f-confirm_delivery\"]").await;
    assert!(attr_in_page(&c, "#f-confirm_delivery:checked", "id").await.is_none(), "preview turned off");
    env.screenshot("07-on-delivery-settings");
    wait_save_enabled(&c).await;
    click(&c, "#save-destination").await;
    wait_gone(&c, "#destination-form").await;
    std::fs::write(&report, b"id,total\n1,11\n").unwrap();
    drop_on(&c, ".destination-row", &[&report]).await;
    wait_count(&c, "#delivery-batches .batch-tab", 3, 20).await;
    wait_shown(&c, "#delivery-outcome[data-outcome=\"delivered\"]", 60).await;
    assert!(shown_text(&c, "#delivery-preview").await.is_none(), "no preview when the destination skips it");
    assert_eq!(std::fs::read(existing.join("report.csv")).unwrap(), b"id,total\n1,11\n");

    // A paused destination's Deliver is visibly unavailable; a drop on it
    // offers "Resume and deliver" (declined once, then accepted).
    click(&c, ".destination-row [data-action=\"toggle\"]").await;
    wait_for(&c, ".destination-row[data-active=\"false\"]").await;
    assert_eq!(attr_in_page(&c, ".destination-row .row-action--deliver", "data-paused").await.as_deref(), Some("true"));
    drop_on(&c, ".destination-row", &[&notes]).await;
    let offer = wait_shown(&c, "#confirm-dialog", 10).await;
    assert!(offer.contains("“Reports” is paused") && offer.contains("Resume and deliver"), "{offer}");
    env.screenshot("08-paused-offers-resume");
    click(&c, "#confirm-cancel").await;
    wait_gone(&c, "#confirm-dialog").await;
    assert!(shown_text(&c, "#delivery-preview").await.is_none(), "nothing for a destination kept paused");
    assert_eq!(attr_in_page(&c, ".destination-row", "data-active").await.as_deref(), Some("false"));
    drop_on(&c, ".destination-row", &[&notes]).await;
    wait_shown(&c, "#confirm-dialog", 10).await;
    click(&c, "#confirm-delete").await;
    wait_for(&c, ".destination-row[data-active=\"true\"]").await;
    wait_count(&c, "#delivery-batches .batch-tab", 4, 20).await;
    wait_shown(&c, "#delivery-outcome[data-outcome=\"delivered\"]", 60).await;
    env.screenshot("09-resumed-and-delivered");
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_batch_stays_light_and_can_be_paused_and_resumed() {
    const N: usize = 3000;
    let fs = support::servers::S3sFs::start();
    let env = Env::new("deliver-large");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    add_s3s_destination(&c, &fs, "Bulk").await;

    let src = tempfile::tempdir().unwrap();
    let folder = src.path().join("bulk");
    for i in 0..N {
        write(&folder, &format!("d{:02}/f{i:05}.txt", i % 50), format!("file {i}\n").as_bytes());
    }

    // The preview shows all of them, but only the rows in view exist.
    drop_on(&c, ".destination-row", &[&folder]).await;
    wait_shown(&c, "#delivery-preview", 30).await;
    // Grouped as the locale groups thousands (none in the C locale).
    assert_eq!(
        shown_text(&c, "#delivery-confirm").await.unwrap().trim().replace([',', '\u{a0}', '\u{202f}', '.'], ""),
        "Deliver 3000 files"
    );
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
