//! Destinations in the window: the form, the connection test and its fixes,
//! a database from a newer Chute.

use std::time::{Duration, Instant};

use fantoccini::Locator;

use crate::harness::*;
use crate::interact::*;
use crate::support;
use crate::support::content::write;

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
    assert!(support::content::bytes_found_under(env.data.path(), SECRET.as_bytes()).is_empty());
    assert!(support::content::bytes_found_under(env.home.path(), SECRET.as_bytes()).is_empty());

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_region_is_diagnosed_fixed_in_one_click_and_retested() {
    let moto = support::servers::Moto::start();
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
    // Nothing delivered yet: said in its own section, over nothing else.
    let empty = wait_shown(&c, "#recent-deliveries-empty", 5).await;
    assert!(empty.contains("Nothing delivered here yet"), "{empty}");
    let note = rect_of(&c, "#recent-deliveries-empty").await;
    assert!(note[1] >= rect_of(&c, "#recent-deliveries-title").await[3], "the note sits under its heading: {note:?}");
    for other in ["#details-facts", "#probe-history-title"] {
        assert!(!overlap(note, rect_of(&c, other).await), "the note overlaps {other}");
    }
    env.screenshot("03-details-history");

    click(&c, "#probe-history li:nth-child(2) .probe-history-item").await;
    wait_shown(&c, "#probe-outcome[data-outcome=\"failed\"]", 10).await;
    wait_shown(&c, ".diagnosis[data-code=\"wrong_region\"]", 10).await;
    env.screenshot("04-stored-test");
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_is_tested_before_saving_and_fixed_in_place() {
    let moto = support::servers::Moto::start();
    let env = Env::new("probe-form-dark");
    let driver = Driver::start_with(&env, &[("GTK_THEME", "Adwaita:dark")]);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    fill_eu_reports_with_the_wrong_region(&c, &moto).await;

    click_to_open(&c, "#test-connection", "#probe-panel", 60).await;
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
    let moto = support::servers::Moto::start();
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
    click_to_open(&c, "#test-connection", "#probe-panel", 60).await;
    wait_shown(&c, "#probe-outcome[data-outcome=\"failed\"]", 60).await;
    assert_eq!(attr_in_page(&c, ".probe-step[data-step=\"put_object\"]", "data-status").await.as_deref(), Some("failed"));
    assert_eq!(attr_in_page(&c, ".probe-step[data-step=\"delete_object\"]", "data-status").await.as_deref(), Some("skipped"));
    let policy = wait_shown(&c, ".diagnosis[data-code=\"write_denied\"] .code-block", 10).await;
    assert!(policy.contains("arn:aws:s3:::reports/incoming/*"), "{policy}");
    assert!(
        attr_in_page(&c, ".diagnosis[data-code=\"write_denied\"] [data-apply]", "data-apply").await.is_none(),
        "no one-click fix for permissions"
    );
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

/// Test connection pressed while the form's check of the last keystrokes is
/// still on its way (made slow here, as a loaded machine makes it) tests
/// what was typed: it waits for that check instead of refusing on what the
/// one before found ("Fix this before testing: Secret access key").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_connection_right_after_typing_tests_what_was_typed() {
    let env = Env::new("probe-after-typing");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    start_minio_form(&c, "#add-first", "Reports", "http://127.0.0.1:9").await;
    type_into(&c, "access_key_id", KEY_ID).await;
    // The form has been checked without a secret: one is missing.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(attr_in_page(&c, "#save-destination", "disabled").await.is_some(), "no secret yet, no save");

    // The page's own module, whose calls the form makes: its checks answer 2 s late.
    let slowed = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             import('/lib/api.js').then(({ api }) => {
               const check = api.validateDestination;
               api.validateDestination = (...args) => new Promise((later) => setTimeout(later, 2000)).then(() => check(...args));
               done(api.validateDestination !== check);
             }, (e) => done(String(e)));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(slowed, serde_json::json!(true), "the page's checks could not be slowed");
    type_into(&c, "secret_access_key", SECRET).await;
    // Tab on to the next field: the secret's change is in, and the pause
    // after it starts a check, still on its way when the button is pressed.
    c.active_element().await.unwrap().send_keys("\u{E004}").await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    click(&c, "#test-connection").await;
    wait_shown(&c, "#probe-panel", 30).await;
    let status = shown_text(&c, "#form-status").await.unwrap_or_default();
    assert!(!status.contains("before testing"), "the test was refused on an earlier check: {status}");
    wait_shown(&c, "#probe-outcome[data-outcome=\"failed\"]", 60).await;
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_chip_starts_the_form_and_a_schemeless_endpoint_gets_the_right_scheme() {
    let env = Env::new("provider-chip");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;

    // Every provider on the empty screen is a button that starts the form with it.
    assert_eq!(count_shown(&c, "#empty-marks button.provider-chip").await, 6);
    assert_eq!(attr_in_page(&c, "#empty-marks [data-provider=\"minio\"]", "aria-label").await.as_deref(), Some("Add a MinIO destination"));
    click(&c, "#empty-marks [data-provider=\"minio\"]").await;
    wait_shown(&c, "#destination-form", 10).await;
    assert_eq!(value_of(&c, "#f-provider").await, "minio");
    assert_eq!(attr_in_page(&c, "#destination-form :focus", "name").await.as_deref(), Some("name"));

    // A server on this machine typed without a scheme: http://, and why.
    type_into(&c, "endpoint", "127.0.0.1:9000").await;
    let problem = wait_shown(&c, "[data-problem-for=\"endpoint\"][data-code=\"endpoint_no_scheme\"]", 10).await;
    assert!(problem.contains("127.0.0.1 is this machine") && problem.contains("so the fix adds http://"), "{problem}");
    env.screenshot("01-scheme-proposed");
    click(&c, "[data-fix=\"endpoint_no_scheme\"]").await;
    assert_eq!(value_of(&c, "#f-endpoint").await, "http://127.0.0.1:9000");
    wait_gone(&c, "[data-code=\"endpoint_no_scheme\"]").await;

    // A public host: https://.
    type_into(&c, "endpoint", "s3.example.com").await;
    let problem = wait_shown(&c, "[data-code=\"endpoint_no_scheme\"]", 10).await;
    assert!(problem.contains("so the fix adds https://"), "{problem}");
    click(&c, "[data-fix=\"endpoint_no_scheme\"]").await;
    assert_eq!(value_of(&c, "#f-endpoint").await, "https://s3.example.com");
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_opens_the_copy_and_delete_says_exactly_what_goes() {
    let env = Env::new("duplicate-delete");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    add_offline_destination(&c, "Reports").await;

    // Duplicate: the copy is saved and open in the editor.
    click(&c, ".destination-row .row-action--duplicate").await;
    wait_for_text(&c, "#form-title", "Edit “Reports copy”").await;
    assert_eq!(value_of(&c, "#f-name").await, "Reports copy");
    assert_eq!(count_shown(&c, ".destination-row").await, 2, "the copy is saved");
    env.screenshot("01-copy-in-the-editor");
    press_escape(&c).await;
    wait_gone(&c, "#destination-form").await;

    // Delete: settings and keychain item go, the bucket and the history stay.
    let copy = ".destination-row:nth-child(2)";
    assert_eq!(shown_text(&c, &format!("{copy} .dest-name")).await.as_deref(), Some("Reports copy"));
    let id = attr_in_page(&c, copy, "data-id").await.unwrap();
    assert!(env.keyring.lookup("chute", &format!("destination:{id}")).is_some(), "the copy has its own keychain item");
    click(&c, &format!("{copy} .row-action--delete")).await;
    let text = wait_shown(&c, "#confirm-dialog", 10).await;
    for expected in [
        "Delete “Reports copy”?",
        "Removed: its settings",
        &format!("Its keychain item in Secret Service: the access key {KEY_HINT} and its secret."),
        "Untouched: the objects already in reports/incoming/ on MinIO; nothing in the bucket is deleted.",
        "Kept: its deliveries in the History.",
    ] {
        assert!(text.contains(expected), "the delete dialog lacks {expected:?}: {text}");
    }
    env.screenshot("02-delete-says-what-goes");
    click(&c, "#confirm-delete").await;
    wait_gone(&c, "#confirm-dialog").await;
    wait_count(&c, ".destination-row", 1, 10).await;
    assert!(env.keyring.lookup("chute", &format!("destination:{id}")).is_none(), "its keychain item is gone, as the dialog said");
    c.close().await.unwrap();
}

/// The status bar spans the window on one line; the keychain and the
/// version are whole, only the data folder's path gives way (ellipsis).
async fn assert_status_bar_whole(c: &fantoccini::Client, width: f64) {
    let status = rect_of(c, "#app-status").await;
    assert!(
        status[2] - status[0] >= width * 0.9 && status[2] <= width && status[3] - status[1] <= 32.0,
        "the status bar is one line across: {status:?}"
    );
    let items = c
        .execute(
            "return [...document.querySelectorAll('#app-status > *')].map((e) => {
               const r = e.getBoundingClientRect();
               return [e.textContent, r.right, r.bottom - r.top, e.scrollWidth - e.clientWidth];
             });",
            vec![],
        )
        .await
        .unwrap();
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 3, "{items:?}");
    for (i, item) in items.iter().enumerate() {
        let (right, height, cut) = (item[1].as_f64().unwrap(), item[2].as_f64().unwrap(), item[3].as_f64().unwrap());
        assert!(right <= width && height <= 20.0, "status item {item} is off the window or wrapped");
        if i != 1 {
            assert!(cut <= 0.0, "status item {item} is cut");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_minimum_size_nothing_is_clipped_and_the_test_result_shows_first() {
    let fs = support::servers::S3sFs::start();
    let env = Env::new("minimum-size-dark");
    // A data folder as deep as a real home's, for the status bar to show.
    let data = env.data.path().join("a-folder-with-a-rather-long-name/and-another-one-below-it/chute");
    std::fs::create_dir_all(&data).unwrap();
    let driver = Driver::start_with(&env, &[("GTK_THEME", "Adwaita:dark"), ("CHUTE_DATA_DIR", data.to_str().unwrap())]);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    add_s3s_destination(&c, &fs, "Reports").await;
    let (min_w, min_h) = to_minimum_size(&c).await;

    // The header's parts side by side, none cut; the status bar one line across.
    let (brand, tabs, actions) = (rect_of(&c, ".brand").await, rect_of(&c, ".view-tabs").await, rect_of(&c, ".header-actions").await);
    assert!(brand[2] <= tabs[0] && tabs[2] <= actions[0] && actions[2] <= min_w as f64, "{brand:?} {tabs:?} {actions:?}");
    let name = rect_of(&c, ".brand-name").await;
    assert!(name[2] <= tabs[0], "the brand's name runs under the view tabs: {name:?} {tabs:?}");
    assert_status_bar_whole(&c, min_w as f64).await;

    // A delivery: the panel's file list stays inside the panel, the status bar readable.
    let src = tempfile::tempdir().unwrap();
    let report = write(src.path(), "report.csv", b"a,b\n");
    drop_on(&c, ".destination-row", &[&report]).await;
    wait_shown(&c, "#delivery-preview", 20).await;
    click(&c, "#delivery-confirm").await;
    wait_shown(&c, "#delivery-outcome", 30).await;
    let on_status = c
        .execute("const r = document.querySelector('#status-keychain').getBoundingClientRect(); return Boolean(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2).closest('.app-footer'));", vec![])
        .await
        .unwrap();
    assert_eq!(on_status, serde_json::json!(true), "the delivery panel spills over the status bar");
    assert_status_bar_whole(&c, min_w as f64).await;
    env.screenshot("01-delivered-at-minimum-size");
    // The toast above the panel leaves the row's buttons free.
    let (toast, buttons) = (rect_of(&c, ".toast").await, rect_of(&c, ".destination-row .dest-actions .row-action--deliver").await);
    assert!(!overlap(toast, buttons), "the toast covers the row's buttons: {toast:?} {buttons:?}");

    // The connection test with read-back: read back before delete, the
    // outcome visible without scrolling.
    click(&c, ".destination-row [data-action=\"test\"]").await;
    wait_shown(&c, "#probe-outcome[data-outcome=\"passed\"]", 60).await;
    click(&c, "#probe-read-back").await;
    click(&c, "#probe-retest").await;
    wait_shown(&c, ".probe-step[data-step=\"read_back\"][data-status=\"passed\"]", 60).await;
    wait_shown(&c, "#probe-outcome[data-outcome=\"passed\"]", 60).await;
    let steps =
        c.execute("return [...document.querySelectorAll('#probe-steps .probe-step')].map((s) => s.dataset.step);", vec![]).await.unwrap();
    let steps: Vec<&str> = steps.as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
    assert_eq!(&steps[steps.len() - 4..], ["put_object", "read_back", "capabilities", "delete_object"]);
    assert_eq!(attr_in_page(&c, ".probe-step[data-step=\"delete_object\"]", "data-status").await.as_deref(), Some("passed"));
    assert!(fs.object_paths("reports").iter().all(|p| !p.contains("chute-probe")), "the probe object was deleted after the read-back");
    let (outcome, body) = (rect_of(&c, "#probe-outcome").await, rect_of(&c, "#probe-body").await);
    let scrolled = c.execute("return document.querySelector('#probe-body').scrollTop;", vec![]).await.unwrap();
    assert_eq!(scrolled.as_f64(), Some(0.0));
    assert!(
        outcome[1] >= body[1] && outcome[3] <= body[3] && outcome[3] <= min_h as f64,
        "the outcome is in view: {outcome:?} in {body:?}"
    );
    env.screenshot("02-test-result-at-minimum-size");
    c.close().await.unwrap();
}
