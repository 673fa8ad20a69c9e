//! Keys, the pointer, and where things are in the window: what the GUI
//! scenarios need beyond clicking and typing (harness/).

use fantoccini::Client;

use crate::harness::wait_for;

/// Escape pressed wherever the keyboard focus is (the page, a dialog, a toast).
pub(crate) async fn press_escape(c: &Client) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let key = '\u{E00C}';
    c.perform_actions(KeyActions::new("keyboard".into()).then(KeyAction::Down { value: key }).then(KeyAction::Up { value: key }))
        .await
        .unwrap_or_else(|e| panic!("could not press Escape: {e}"));
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
