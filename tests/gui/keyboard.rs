//! Chute without a mouse: a destination added, files delivered and the
//! History browsed with the keyboard alone (Tab, Shift+Tab, arrows, Enter,
//! Escape, Ctrl+N; the native file chooser answered as a person types in
//! it), a slow delivery paused and resumed, and what a screen reader hears
//! meanwhile: the live regions say each delivery's start and end, its
//! pause and resume, never each percent.

use std::time::{Duration, Instant};

use fantoccini::Client;
use serde_json::json;

use crate::harness::*;
use crate::interact::{press, type_text};
use crate::native_dialog::NativeDialog;
use crate::support::content::write;
use crate::support::servers::{S3sFs, S3S_KEY, S3S_SECRET};

const TAB: char = '\u{E004}';
const ENTER: char = '\u{E007}';
const DOWN: char = '\u{E015}';
const CONTROL: char = '\u{E009}';

/// Whether the focused element matches `css`.
async fn focus_is(c: &Client, css: &str) -> bool {
    let v = c.execute("const e = document.activeElement; return Boolean(e && e.matches(arguments[0]));", vec![json!(css)]).await.unwrap();
    v.as_bool().unwrap_or(false)
}

/// Press Tab until the focus is on `css` (at most `max` presses): the
/// element is reachable from the keyboard, in a sensible number of steps.
async fn tab_to(c: &Client, css: &str, max: usize) {
    let mut seen = Vec::new();
    for _ in 0..max {
        if focus_is(c, css).await {
            return;
        }
        seen.push(focused(c).await);
        press(c, &[], TAB).await;
    }
    eprintln!("focus went through {seen:?}");
    assert!(focus_is(c, css).await, "{css} was not reached within {max} presses of Tab (focus on {})", focused(c).await);
}

/// Every text the live regions were given since `listen_to_live_regions`.
async fn heard(c: &Client) -> Vec<String> {
    let v = c.execute("return window.__heard || [];", vec![]).await.unwrap();
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap_or_default().to_string()).collect()
}

/// Record what is added to the polite live regions (#toasts, #announcer), as a screen reader would say it.
async fn listen_to_live_regions(c: &Client) {
    c.execute(
        "window.__heard = [];
         const say = (n) => { const t = (n.textContent || '').trim(); if (t) window.__heard.push(t); };
         const o = new MutationObserver((ms) => ms.forEach((m) => m.addedNodes.forEach(say)));
         for (const id of ['toasts', 'announcer']) o.observe(document.getElementById(id), { childList: true, subtree: true, characterData: false });
         return true;",
        vec![],
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_deliver_and_browse_history_with_the_keyboard_alone() {
    let fs = S3sFs::start();
    let env = Env::new("keyboard");
    let files = env.home.path().join("Reports");
    write(&files, "q3.csv", b"quarter,total\nq3,9\n");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    listen_to_live_regions(&c).await;

    // Ctrl+N opens the form with the focus on its first field.
    press(&c, &[CONTROL], 'n').await;
    wait_shown(&c, "#destination-form", 10).await;
    assert!(focus_is(&c, "[name=\"name\"]").await, "the form opens on Name (focus on {})", focused(&c).await);
    type_text(&c, "Keyboard reports").await;
    tab_to(&c, "select[name=\"provider\"]", 10).await;
    for _ in 0..10 {
        let v = c.execute("return document.querySelector('select[name=\"provider\"]').value;", vec![]).await.unwrap();
        if v == "minio" {
            break;
        }
        press(&c, &[], DOWN).await;
    }
    assert_eq!(value_of(&c, "#destination-form select[name=\"provider\"]").await, "minio", "the provider chosen with the arrow keys");
    tab_to(&c, "[name=\"bucket\"]", 10).await;
    type_text(&c, "reports").await;
    tab_to(&c, "[name=\"endpoint\"]", 15).await;
    type_text(&c, &fs.endpoint()).await;
    tab_to(&c, "[name=\"access_key_id\"]", 40).await;
    type_text(&c, S3S_KEY).await;
    tab_to(&c, "[name=\"secret_access_key\"]", 5).await;
    type_text(&c, S3S_SECRET).await;
    wait_save_enabled(&c).await;
    tab_to(&c, "#save-destination", 120).await;
    env.screenshot("01-save-focused");
    press(&c, &[], ENTER).await;
    wait_gone(&c, "#destination-form").await;
    wait_for_text(&c, ".destination-row .dest-name", "Keyboard reports").await;

    // Deliver: the row's Deliver button, its menu, the native file chooser, the preview.
    tab_to(&c, ".destination-row .row-action--deliver", 40).await;
    press(&c, &[], ENTER).await;
    wait_shown(&c, "#deliver-menu", 10).await;
    tab_to(&c, "#deliver-menu [data-pick=\"files\"]", 5).await;
    press(&c, &[], ENTER).await;
    NativeDialog::wait(&env, "Deliver files", 20).choose(&files.join("q3.csv"));
    wait_shown(&c, "#delivery-preview", 20).await;
    tab_to(&c, "#delivery-confirm", 30).await;
    env.screenshot("02-deliver-focused");
    press(&c, &[], ENTER).await;
    wait_shown(&c, "#delivery-outcome[data-outcome=\"delivered\"]", 60).await;
    assert_eq!(fs.objects("reports")["q3.csv"], b"quarter,total\nq3,9\n");

    // The History: its tab, the delivery in the list, its details.
    tab_to(&c, "#nav-history", 60).await;
    press(&c, &[], ENTER).await;
    wait_shown(&c, ".history-batch[data-outcome=\"delivered\"]", 20).await;
    tab_to(&c, ".history-batch[data-outcome=\"delivered\"]", 40).await;
    press(&c, &[], ENTER).await;
    let details = wait_shown(&c, "#history-details", 10).await;
    assert!(details.contains("Keyboard reports"), "{details}");
    env.screenshot("03-history-details");

    // A slow delivery (a 100 KB/s limit on 400 KB) paused and resumed from the keyboard.
    let mut edit = cli(&env);
    edit.args(["destination", "edit", "Keyboard reports", "--bandwidth-limit", "100KB/s"]);
    assert!(edit.status().unwrap().success());
    write(&files, "big.bin", &vec![7u8; 400 * 1024]);
    tab_to(&c, "#nav-destinations", 60).await;
    press(&c, &[], ENTER).await;
    tab_to(&c, ".destination-row .row-action--deliver", 40).await;
    press(&c, &[], ENTER).await;
    tab_to(&c, "#deliver-menu [data-pick=\"files\"]", 5).await;
    press(&c, &[], ENTER).await;
    NativeDialog::wait(&env, "Deliver files", 20).choose(&files.join("big.bin"));
    wait_shown(&c, "#delivery-preview", 20).await;
    tab_to(&c, "#delivery-confirm", 30).await;
    press(&c, &[], ENTER).await;
    wait_shown(&c, "#delivery-pause", 20).await;
    tab_to(&c, "#delivery-pause", 30).await;
    press(&c, &[], ENTER).await;
    wait_for(&c, "#delivery-pause[aria-pressed=\"true\"]").await;
    press(&c, &[], ENTER).await;
    wait_for(&c, "#delivery-pause[aria-pressed=\"false\"]").await;
    wait_count(&c, "#delivery-outcome[data-outcome=\"delivered\"]", 1, 60).await;

    // What was said: each start and end once, the pause and the resume; no percentages.
    let deadline = Instant::now() + Duration::from_secs(30);
    while heard(&c).await.iter().filter(|t| t.contains("Delivered 1 file to")).count() < 2 {
        assert!(Instant::now() < deadline, "the second delivery's end was not announced: {:?}", heard(&c).await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let said = heard(&c).await;
    assert_eq!(said.iter().filter(|t| t.contains("Delivering 1 file to")).count(), 2, "{said:?}");
    assert_eq!(said.iter().filter(|t| t.contains("Delivered 1 file to")).count(), 2, "{said:?}");
    for moment in ["Delivery to “Keyboard reports” paused", "Delivery to “Keyboard reports” resumed"] {
        assert_eq!(said.iter().filter(|t| t.as_str() == moment).count(), 1, "{moment}: {said:?}");
    }
    assert!(!said.iter().any(|t| t.contains('%')), "progress was announced per percent: {said:?}");
    c.close().await.unwrap();
}
