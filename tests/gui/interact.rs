//! Keys, the pointer, the window's size and where things are in it: what
//! the GUI scenarios need beyond clicking and typing (harness/).

use fantoccini::Client;

use crate::harness::wait_for;

/// Escape pressed wherever the keyboard focus is (the page, a dialog, a toast).
pub(crate) async fn press_escape(c: &Client) {
    press(c, &[], '\u{E00C}').await;
}

/// `key` pressed (with `held` keys held down, e.g. Control) wherever the
/// focus is, as a keyboard sends it: nothing is focused or clicked first.
/// Keys are WebDriver's codes (`\u{E004}` Tab, `\u{E007}` Enter, …) or characters.
pub(crate) async fn press(c: &Client, held: &[char], key: char) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let mut actions = KeyActions::new("keyboard".into());
    for &h in held {
        actions = actions.then(KeyAction::Down { value: h });
    }
    actions = actions.then(KeyAction::Down { value: key }).then(KeyAction::Up { value: key });
    for &h in held.iter().rev() {
        actions = actions.then(KeyAction::Up { value: h });
    }
    c.perform_actions(actions).await.unwrap_or_else(|e| panic!("could not press {key:?}: {e}"));
}

/// `text` typed wherever the focus is, one key at a time.
pub(crate) async fn type_text(c: &Client, text: &str) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let mut actions = KeyActions::new("keyboard".into());
    for ch in text.chars() {
        actions = actions.then(KeyAction::Down { value: ch }).then(KeyAction::Up { value: ch });
    }
    c.perform_actions(actions).await.unwrap_or_else(|e| panic!("could not type {text:?}: {e}"));
}

/// The mouse pointer moved onto the centre of `css`, as a hover.
pub(crate) async fn hover(c: &Client, css: &str) {
    use fantoccini::actions::{InputSource, MouseActions, PointerAction};
    let element = wait_for(c, css).await;
    c.perform_actions(MouseActions::new("mouse".into()).then(PointerAction::MoveToElement { element, duration: None, x: 0.0, y: 0.0 }))
        .await
        .unwrap_or_else(|e| panic!("could not move the pointer onto `{css}`: {e}"));
}

/// The box of the first element matching `css`, in CSS px: [left, top, right, bottom].
pub(crate) async fn rect_of(c: &Client, css: &str) -> [f64; 4] {
    let v = c
        .execute(
            "const e = document.querySelector(arguments[0]); if (!e) return null;
             const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom];",
            vec![serde_json::json!(css)],
        )
        .await
        .unwrap();
    let a = v.as_array().unwrap_or_else(|| panic!("`{css}` is not in the page"));
    std::array::from_fn(|i| a[i].as_f64().unwrap())
}

/// The window's inner size in CSS px.
pub(crate) async fn viewport(c: &Client) -> (f64, f64) {
    let v = c.execute("return [innerWidth, innerHeight];", vec![]).await.unwrap();
    (v[0].as_f64().unwrap(), v[1].as_f64().unwrap())
}

pub(crate) fn overlap(a: [f64; 4], b: [f64; 4]) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

/// The window's minimum size, as tauri.conf.json sets it.
fn minimum_window_size() -> (u32, u32) {
    let conf: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tauri.conf.json")).unwrap()).unwrap();
    let w = &conf["app"]["windows"][0];
    (w["minWidth"].as_u64().unwrap() as u32, w["minHeight"].as_u64().unwrap() as u32)
}

/// The window made as small as it may be; returns that size.
pub(crate) async fn to_minimum_size(c: &Client) -> (u32, u32) {
    let (w, h) = minimum_window_size();
    c.set_window_size(w, h).await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while viewport(c).await != (w as f64, h as f64) {
        assert!(std::time::Instant::now() < deadline, "the window is not {w}×{h}: {:?}", viewport(c).await);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    (w, h)
}
