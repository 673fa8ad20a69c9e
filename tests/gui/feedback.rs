//! Toasts and tooltips never get in the way: toasts keep to one corner
//! above what is docked there, merge repeats, dismiss successes by
//! themselves and close with Escape; failures stay listed after their
//! toast is gone; no native tooltip is left to linger, and the page's own
//! tooltip gets out of the way of menus and dialogs.

use std::time::{Duration, Instant};

use crate::harness::*;
use crate::interact::*;
use crate::support;
use crate::support::content::write;

const DUPLICATE_FAILED: &str = "Could not duplicate “Reports”";

/// Every toast shown, its box by its message.
async fn toast_boxes(c: &fantoccini::Client) -> Vec<(String, [f64; 4])> {
    let v = c
        .execute(
            "const shown = (t) => t.getClientRects().length > 0 && getComputedStyle(t).visibility === 'visible';
             return [...document.querySelectorAll('.toast:not(.toast--leaving)')].filter(shown).map((t) => {
               const r = t.getBoundingClientRect();
               return [t.querySelector('.toast-message').textContent, [r.left, r.top, r.right, r.bottom]];
             });",
            vec![],
        )
        .await
        .unwrap();
    v.as_array().unwrap().iter().map(|t| (t[0].as_str().unwrap().to_string(), std::array::from_fn(|i| t[1][i].as_f64().unwrap()))).collect()
}

async fn wait_toast(c: &fantoccini::Client, fragment: &str) -> [f64; 4] {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some((_, r)) = toast_boxes(c).await.into_iter().find(|(m, _)| m.contains(fragment)) {
            return r;
        }
        assert!(Instant::now() < deadline, "no toast says {fragment:?}: {:?}", toast_boxes(c).await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// In the bottom-left corner: left-aligned near the window's edge.
async fn assert_in_the_corner(c: &fantoccini::Client, r: [f64; 4], what: &str) {
    let (w, h) = viewport(c).await;
    assert!(r[0] <= 24.0 && r[0] >= 8.0, "{what}: not at the left edge ({r:?} in {w}×{h})");
    assert!(r[3] > h / 3.0, "{what}: not in the bottom part ({r:?} in {w}×{h})");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn toasts_keep_to_one_corner_merge_repeats_and_failures_stay_listed() {
    let fs = support::servers::S3sFs::start();
    let env = Env::new("toasts-dark");
    let driver = Driver::start_with(&env, &[("GTK_THEME", "Adwaita:dark")]);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    add_s3s_destination(&c, &fs, "Reports").await;

    // A success, in the corner above the status bar, gone by itself.
    let saved = wait_toast(&c, "Saved Reports").await;
    assert_in_the_corner(&c, saved, "saved").await;
    assert!(saved[3] <= rect_of(&c, ".app-footer").await[1], "above the status bar: {saved:?}");

    // With the delivery panel docked, the same corner, above the panel.
    let src = tempfile::tempdir().unwrap();
    let report = write(src.path(), "report.csv", b"a,b\n");
    drop_on(&c, ".destination-row", &[&report]).await;
    wait_shown(&c, "#delivery-preview", 20).await;
    click(&c, "#delivery-confirm").await;
    let delivered = wait_toast(&c, "Delivered 1 file to “Reports”").await;
    let panel = rect_of(&c, "#delivery-progress").await;
    assert_in_the_corner(&c, delivered, "delivered").await;
    let row_buttons = rect_of(&c, ".destination-row .dest-actions").await;
    for (message, r) in toast_boxes(&c).await {
        assert!(!overlap(r, panel), "“{message}” covers the delivery panel: {r:?} {panel:?}");
        assert!(!overlap(r, row_buttons), "“{message}” covers the row's buttons: {r:?} {row_buttons:?}");
    }
    env.screenshot("01-above-the-delivery-panel");
    wait_gone_within(&c, ".toast[data-kind=\"success\"]", 8).await;

    // A failure, twice: one toast counting ×2, and one entry in the problems.
    let id = attr_in_page(&c, ".destination-row", "data-id").await.unwrap();
    let cleared = env.keyring.secret_tool(&["clear", "service", "chute", "username", &format!("destination:{id}")]).unwrap();
    assert!(cleared.status.success(), "the keychain item was removed outside Chute");
    click(&c, ".destination-row .row-action--duplicate").await;
    wait_toast(&c, DUPLICATE_FAILED).await;
    wait_for_text(&c, "#problems-count", "1").await;
    click(&c, ".destination-row .row-action--duplicate").await;
    wait_for_text(&c, ".toast[data-kind=\"error\"] .toast-count", "×2").await;
    assert_eq!(count_shown(&c, ".toast[data-kind=\"error\"]").await, 1, "the repeat is merged");
    let text = shown_text(&c, ".toast[data-kind=\"error\"]").await.unwrap();
    assert!(text.contains("No secret is stored in the keychain") && text.contains("enter its secret access key again"), "{text}");
    assert_eq!(shown_text(&c, "#problems-count").await.as_deref(), Some("1"));
    env.screenshot("02-merged-failure");

    // Escape, the focus on the list: the newest toast closes.
    press_escape(&c).await;
    wait_gone(&c, ".toast[data-kind=\"error\"]").await;

    // The failure is still listed, with its fix and when.
    click(&c, "#problems-button").await;
    let list = wait_shown(&c, "#problems-dialog", 10).await;
    assert!(list.contains(DUPLICATE_FAILED) && list.contains("×2"), "{list}");
    assert!(list.contains("Fix: Edit the destination and enter its secret access key again."), "{list}");
    assert!(list.contains("just now"), "{list}");
    env.screenshot("03-recent-problems");
    click(&c, "#problems-clear").await;
    wait_shown(&c, "#problems-empty", 5).await;
    assert_eq!(count_shown(&c, "#problems-list li").await, 0);
    assert!(shown_text(&c, "#problems-button").await.is_none(), "no count once cleared");
    press_escape(&c).await;
    wait_gone(&c, "#problems-dialog").await;

    // Over a dialog: the toast is in it, above its footer, and Escape on
    // the toast closes the toast only.
    click(&c, "#add-destination").await;
    wait_shown(&c, "#destination-form", 10).await;
    drop_on(&c, "#list-title", &[&report]).await;
    let over_form = wait_toast(&c, "Close the open dialog, then drop the files again").await;
    assert!(attr_in_page(&c, "#form-dialog #toasts", "id").await.is_some(), "the toasts follow the dialog on top");
    assert_in_the_corner(&c, over_form, "over the form").await;
    assert!(!overlap(over_form, rect_of(&c, "#form-dialog .sheet-footer").await), "covers the form's buttons: {over_form:?}");
    env.screenshot("04-toast-over-the-form");
    c.execute("document.querySelector('.toast .toast-close').focus();", vec![]).await.unwrap();
    press_escape(&c).await;
    wait_gone(&c, ".toast").await;
    assert!(shown_text(&c, "#destination-form").await.is_some(), "Escape on the toast leaves the form open");
    press_escape(&c).await;
    wait_gone(&c, "#destination-form").await;
    c.close().await.unwrap();
}

async fn tooltip_text(c: &fantoccini::Client) -> Option<String> {
    let v = c
        .execute("const t = document.querySelector('#tooltip'); return t && t.matches(':popover-open') ? t.textContent : null;", vec![])
        .await
        .unwrap();
    v.as_str().map(str::to_string)
}

async fn wait_tooltip(c: &fantoccini::Client, expected: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while tooltip_text(c).await.as_deref() != Some(expected) {
        assert!(Instant::now() < deadline, "the tooltip never said {expected:?} (it says {:?})", tooltip_text(c).await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn titles_left(c: &fantoccini::Client) -> Vec<String> {
    let v = c.execute("return [...document.querySelectorAll('[title]')].map((e) => e.outerHTML.slice(0, 120));", vec![]).await.unwrap();
    v.as_array().unwrap().iter().map(|e| e.as_str().unwrap().to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_native_tooltip_is_left_and_the_page_tooltip_gets_out_of_the_way() {
    let env = Env::new("tooltips");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    add_offline_destination(&c, "Reports").await;

    // No title is left for the native tooltip; names and descriptions stay.
    assert_eq!(titles_left(&c).await, Vec::<String>::new());
    assert_eq!(attr_in_page(&c, ".row-action--duplicate", "aria-label").await.as_deref(), Some("Duplicate Reports"));
    assert_eq!(attr_in_page(&c, ".row-action--duplicate", "data-tooltip").await.as_deref(), Some("Duplicate"));
    assert_eq!(attr_in_page(&c, ".app-status .status-item", "aria-description").await.as_deref(), Some("Where access keys are stored"));
    assert_eq!(
        attr_in_page(&c, "#history-export", "aria-description").await.as_deref(),
        Some("Save the deliveries shown (with the filters) as a CSV file")
    );

    // Hovering shows it, next to the element and inside the window.
    const DELIVER_TIP: &str = "Deliver files or a folder (or drop them on this row)";
    hover(&c, ".destination-row .row-action--deliver").await;
    wait_tooltip(&c, DELIVER_TIP).await;
    let (tip, button, (w, h)) =
        (rect_of(&c, "#tooltip").await, rect_of(&c, ".destination-row .row-action--deliver").await, viewport(&c).await);
    assert!(tip[0] >= 0.0 && tip[2] <= w && tip[1] >= 0.0 && tip[3] <= h, "{tip:?}");
    assert!((tip[1] - button[3]).abs() < 12.0 || (button[1] - tip[3]).abs() < 12.0, "next to the button: {tip:?} {button:?}");
    env.screenshot("01-tooltip");

    // A menu opening hides it, however it opens.
    c.execute("document.querySelector('.destination-row .row-action--deliver').click();", vec![]).await.unwrap();
    wait_shown(&c, "#deliver-menu", 5).await;
    assert_eq!(tooltip_text(&c).await, None, "the tooltip stays over the menu");
    env.screenshot("02-menu-without-tooltip");
    press_escape(&c).await;
    wait_gone(&c, "#deliver-menu").await;

    // So does a dialog opening; and in a dialog, titles are adopted too.
    hover(&c, ".destination-row .row-action--test").await;
    wait_tooltip(&c, "Test the connection").await;
    c.execute("document.querySelector('#add-destination').click();", vec![]).await.unwrap();
    wait_shown(&c, "#destination-form", 10).await;
    assert_eq!(tooltip_text(&c).await, None, "the tooltip stays over the dialog");
    assert_eq!(titles_left(&c).await, Vec::<String>::new());
    hover(&c, "#test-connection").await;
    wait_tooltip(&c, "Try these settings against the server, before saving").await;
    env.screenshot("03-tooltip-in-a-dialog");

    // A key or a click hides it at once.
    c.active_element().await.unwrap().send_keys("x").await.unwrap();
    assert_eq!(tooltip_text(&c).await, None, "a key hides it");
    c.close().await.unwrap();
}
