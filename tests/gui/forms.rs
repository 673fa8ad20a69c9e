//! Forms never lose work silently: Escape, ×, Cancel or a click beside the
//! destination form (and the import dialog) ask first when something was
//! typed, and close at once when nothing was; "Replace key" keeps the key
//! id for editing and starts clean;
//! the sheet always opens at its top.

use std::time::{Duration, Instant};

use crate::harness::*;
use crate::interact::*;

async fn open_add_form(c: &fantoccini::Client) {
    click(c, "#add-destination").await;
    wait_shown(c, "#destination-form", 10).await;
}

async fn form_scroll_top(c: &fantoccini::Client) -> f64 {
    c.execute("return document.querySelector('#form-body').scrollTop;", vec![]).await.unwrap().as_f64().unwrap()
}

/// Waits until the form's focus is on the field `name`.
async fn wait_focus_on(c: &fantoccini::Client, name: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while attr_in_page(c, "#destination-form :focus", "name").await.as_deref() != Some(name) {
        assert!(Instant::now() < deadline, "the focus never went back to {name}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_asks_before_throwing_typed_work_away_and_opens_at_its_top() {
    let env = Env::new("form-unsaved-changes");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;

    // Nothing typed: Escape, × and a click beside the sheet close it at once.
    for close in ["escape", "×", "backdrop"] {
        open_add_form(&c).await;
        match close {
            "escape" => press_escape(&c).await,
            "×" => click(&c, "#form-dialog .sheet-header [data-close]").await,
            _ => click_beside_the_sheet(&c).await,
        }
        wait_gone(&c, "#destination-form").await;
        assert!(shown_text(&c, "#confirm-dialog").await.is_none(), "{close} with no changes asks nothing");
    }

    // Something typed: Escape asks, and "Keep editing" keeps it all.
    open_add_form(&c).await;
    type_into(&c, "name", "Half typed").await;
    type_into(&c, "bucket", "reports").await;
    press_escape(&c).await;
    let question = wait_shown(&c, "#confirm-dialog", 10).await;
    assert!(question.contains("Discard this new destination?"), "{question}");
    assert!(question.contains("Entered: Name, Bucket"), "says what would be lost: {question}");
    assert_eq!(shown_text(&c, "#confirm-cancel").await.as_deref(), Some("Keep editing"));
    assert!(shown_text(&c, "#destination-form").await.is_some(), "the form is still there");
    env.screenshot("01-escape-asks");
    click(&c, "#confirm-cancel").await;
    wait_gone(&c, "#confirm-dialog").await;
    assert_eq!(value_of(&c, "#f-name").await, "Half typed");
    assert_eq!(value_of(&c, "#f-bucket").await, "reports");
    wait_focus_on(&c, "bucket").await;

    // × asks too; Escape in the question means "keep editing".
    click(&c, "#form-dialog .sheet-header [data-close]").await;
    wait_shown(&c, "#confirm-dialog", 10).await;
    press_escape(&c).await;
    wait_gone(&c, "#confirm-dialog").await;
    assert!(shown_text(&c, "#destination-form").await.is_some(), "Escape in the question keeps the form");

    // Cancel asks; so does a click beside the sheet, and "Discard it" closes both.
    click(&c, "#cancel-form").await;
    wait_shown(&c, "#confirm-dialog", 10).await;
    click(&c, "#confirm-cancel").await;
    wait_gone(&c, "#confirm-dialog").await;
    click_beside_the_sheet(&c).await;
    wait_shown(&c, "#confirm-dialog", 10).await;
    assert_eq!(shown_text(&c, "#confirm-delete").await.as_deref().map(str::trim), Some("Discard it"));
    click(&c, "#confirm-delete").await;
    wait_gone(&c, "#confirm-dialog").await;
    wait_gone(&c, "#destination-form").await;

    // Opened again: empty, and at its top even after scrolling to the end last time.
    open_add_form(&c).await;
    assert_eq!(value_of(&c, "#f-name").await, "", "discarded means gone");
    c.execute("document.querySelector('#form-body').scrollTop = 100000;", vec![]).await.unwrap();
    assert!(form_scroll_top(&c).await > 300.0, "the form scrolls");
    press_escape(&c).await;
    wait_gone(&c, "#destination-form").await;
    open_add_form(&c).await;
    assert_eq!(form_scroll_top(&c).await, 0.0, "the sheet opens at its top");
    env.screenshot("02-opens-at-top");
    c.close().await.unwrap();
}

/// A click on the dimmed window left of the sheet.
async fn click_beside_the_sheet(c: &fantoccini::Client) {
    use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
    let sheet = rect_of(c, "#form-dialog").await;
    assert!(sheet[0] > 40.0, "the sheet leaves room beside it: {sheet:?}");
    let click = MouseActions::new("mouse".into())
        .then(PointerAction::MoveTo { duration: None, x: sheet[0] / 2.0, y: 300.0 })
        .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
        .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
    c.perform_actions(click).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replace_key_keeps_the_key_id_for_editing_and_starts_clean() {
    let env = Env::new("form-replace-key");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    add_offline_destination(&c, "Reports").await;

    click(&c, ".destination-row .row-action--edit").await;
    let stored = wait_shown(&c, "#cred-stored", 10).await;
    assert!(stored.contains(KEY_HINT), "{stored}");
    click(&c, "#replace-key").await;
    wait_shown(&c, "#f-access_key_id", 5).await;
    // The key id comes back from the keychain for editing; the usual fix is
    // a new secret for it, so the secret field has the focus.
    wait_focus_on(&c, "secret_access_key").await;
    assert_eq!(value_of(&c, "#f-access_key_id").await, KEY_ID);
    assert_eq!(value_of(&c, "#f-secret_access_key").await, "", "the secret never comes back");
    let note = wait_shown(&c, "#key-id-note", 5).await;
    assert!(note.contains("keep it to change only the secret"), "{note}");
    assert_eq!(attr_in_page(&c, "#f-access_key_id", "aria-describedby").await.as_deref(), Some("key-id-note"));
    // Nothing typed yet: no problem shown, only what is still needed.
    tokio::time::sleep(Duration::from_millis(600)).await; // past the live check
    assert_eq!(count_shown(&c, "#destination-form .problem").await, 0, "no errors before anything was typed");
    assert!(attr_in_page(&c, "#form-status[data-tone=\"error\"]", "id").await.is_none());
    let status = shown_text(&c, "#form-status").await.unwrap_or_default();
    assert!(status.contains("Still needed") && status.contains("Secret access key") && !status.contains("Access key id"), "{status}");
    assert!(attr_in_page(&c, "#save-destination", "disabled").await.is_some(), "nothing to save with yet");
    env.screenshot("01-replace-key");

    // Only the key panel was opened: Escape closes at once, the key stays.
    press_escape(&c).await;
    wait_gone(&c, "#destination-form").await;
    assert!(shown_text(&c, "#confirm-dialog").await.is_none());

    // A typed secret is work: Escape asks, naming the credentials.
    click(&c, ".destination-row .row-action--edit").await;
    click(&c, "#replace-key").await;
    type_into(&c, "secret_access_key", "a-new-secret-value").await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let errors = texts(&c, "#destination-form .problem--error").await;
    assert!(errors.is_empty(), "the untouched key id is not an error yet: {errors:?}");
    press_escape(&c).await;
    let question = wait_shown(&c, "#confirm-dialog", 10).await;
    assert!(question.contains("Discard your changes to “Reports”?") && question.contains("Changed: Credentials"), "{question}");
    click(&c, "#confirm-delete").await;
    wait_gone(&c, "#destination-form").await;
    let item = env.keyring.lookup("chute", &format!("destination:{}", attr_in_page(&c, ".destination-row", "data-id").await.unwrap()));
    assert!(item.is_some_and(|i| i.contains(SECRET)), "the stored secret is untouched");

    // Saved with only a new secret typed: the same key id, the new secret.
    click(&c, ".destination-row .row-action--edit").await;
    click(&c, "#replace-key").await;
    wait_focus_on(&c, "secret_access_key").await;
    type_into(&c, "secret_access_key", "a-new-secret-value").await;
    wait_save_enabled(&c).await;
    click(&c, "#save-destination").await;
    wait_gone(&c, "#destination-form").await;
    let item = env
        .keyring
        .lookup("chute", &format!("destination:{}", attr_in_page(&c, ".destination-row", "data-id").await.unwrap()))
        .unwrap_or_default();
    assert!(item.contains(KEY_ID) && item.contains("a-new-secret-value") && !item.contains(SECRET), "{item}");
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_import_dialog_asks_only_when_something_was_typed() {
    let env = Env::new("import-unsaved-changes");
    std::fs::create_dir_all(env.home.path().join(".aws")).unwrap();
    std::fs::write(env.home.path().join(".aws/config"), "[profile team]\nregion = eu-central-1\n").unwrap();
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;

    // A source picked but nothing typed: Escape closes at once.
    click(&c, "#import-first").await;
    click(&c, "#import-candidates .candidate").await;
    wait_shown(&c, "#import-details", 10).await;
    press_escape(&c).await;
    wait_gone(&c, "#import-dialog").await;
    assert!(shown_text(&c, "#confirm-dialog").await.is_none());

    // A bucket typed: Escape asks; keep editing, then discard.
    click(&c, "#import-first").await;
    click(&c, "#import-candidates .candidate").await;
    let bucket = wait_for(&c, "#import-bucket").await;
    bucket.send_keys("team-reports").await.unwrap();
    press_escape(&c).await;
    let question = wait_shown(&c, "#confirm-dialog", 10).await;
    assert!(question.contains("Discard this import?") && question.contains("“team”"), "{question}");
    click(&c, "#confirm-cancel").await;
    wait_gone(&c, "#confirm-dialog").await;
    assert_eq!(value_of(&c, "#import-bucket").await, "team-reports");
    click(&c, "#import-cancel").await;
    wait_shown(&c, "#confirm-dialog", 10).await;
    assert_eq!(focused(&c).await, "confirm-cancel", "the safe answer has the focus");
    env.screenshot("01-import-asks");
    click(&c, "#confirm-delete").await;
    wait_gone(&c, "#import-dialog").await;
    assert!(shown_text(&c, ".destination-row").await.is_none(), "nothing was imported");
    c.close().await.unwrap();
}
