//! Page-side helpers: wait for what the user would see, read it as shown,
//! click, and drop files as the user would.

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};

pub(crate) async fn wait_for(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("element `{css}` did not appear: {e}"))
}

pub(crate) async fn wait_gone(c: &Client, css: &str) {
    wait_gone_within(c, css, 10).await;
}

pub(crate) async fn wait_gone_within(c: &Client, css: &str, secs: u64) {
    poll_shown(c, css, secs, |t| t.is_none(), |_| format!("`{css}` is still shown")).await;
}

/// `css`'s shown text (see `shown_text`), read every 100 ms until `done`
/// accepts it. Past `secs`, a panic with `failure` (given the last text)
/// and what the window showed.
async fn poll_shown(
    c: &Client,
    css: &str,
    secs: u64,
    done: impl Fn(Option<&str>) -> bool,
    failure: impl Fn(Option<&str>) -> String,
) -> Option<String> {
    match poll_until(c, css, secs, &done).await {
        Ok(text) => text,
        Err(last) => panic!("{}; the window showed:\n{}", failure(last.as_deref()), what_is_shown(c).await),
    }
}

/// `css`'s shown text, read every 100 ms until `done` accepts it (`Ok`) or
/// `secs` have passed (`Err` with the last text).
async fn poll_until(c: &Client, css: &str, secs: u64, done: impl Fn(Option<&str>) -> bool) -> Result<Option<String>, Option<String>> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let last = shown_text(c, css).await;
        if done(last.as_deref()) {
            return Ok(last);
        }
        if Instant::now() >= deadline {
            return Err(last);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The text of the first element matching `css` if it is rendered: a
/// non-empty box, `visibility: visible`, not inside `hidden` or `inert`.
/// (WebKitWebDriver's own displayedness check misjudged visible rows laid
/// out with CSS grid here, so the page answers instead.)
pub(crate) const SHOWN_TEXT: &str = "const e = document.querySelector(arguments[0]);
  if (!e || e.getClientRects().length === 0) return null;
  if (getComputedStyle(e).visibility !== 'visible' || e.closest('[hidden],[inert]')) return null;
  return e.textContent;";

pub(crate) async fn shown_text(c: &Client, css: &str) -> Option<String> {
    let v = c.execute(SHOWN_TEXT, vec![serde_json::json!(css)]).await.ok()?;
    v.as_str().map(str::to_string)
}

/// The text of `css` once it is shown and contains `expected`.
pub(crate) async fn wait_text_containing(c: &Client, css: &str, expected: &str, secs: u64) -> String {
    let done = |t: Option<&str>| t.is_some_and(|t| t.contains(expected));
    let text = poll_shown(c, css, secs, done, |last| format!("`{css}` never contained {expected:?} (last: {last:?})")).await;
    text.unwrap_or_default()
}

/// Wait until `css` is shown with `expected` as its text.
pub(crate) async fn wait_for_text(c: &Client, css: &str, expected: &str) {
    let done = |t: Option<&str>| t.map(str::trim) == Some(expected);
    poll_shown(c, css, 20, done, |last| format!("`{css}` never showed {expected:?} (last: {last:?})")).await;
}

pub(crate) async fn value_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css)).await.unwrap().prop("value").await.unwrap().unwrap_or_default()
}

/// Wait until `css` is shown (page-side visibility, see `shown_text`).
pub(crate) async fn wait_shown(c: &Client, css: &str, secs: u64) -> String {
    let text = poll_shown(c, css, secs, |t| t.is_some(), |_| format!("`{css}` was not shown within {secs} s")).await;
    text.unwrap_or_default()
}

/// What the window shows, for a failure message: the focused element, each
/// element's state attributes that tests wait on, and the visible text of
/// the topmost open dialog or else the page (cropped), so a timeout on a
/// machine without screenshots says why.
async fn what_is_shown(c: &Client) -> String {
    let v = c
        .execute(
            "const a = document.activeElement;
             const states = [...document.querySelectorAll('[data-outcome],[data-status],[data-tone]')]
               .filter((e) => e.getClientRects().length > 0 && !e.closest('[hidden],[inert]'))
               .slice(0, 30)
               .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.dataset.step ? '[step=' + e.dataset.step + ']' : ''} `
                 + ['outcome', 'status', 'tone'].filter((k) => e.dataset[k]).map((k) => `${k}=${e.dataset[k]}`).join(' '));
             const shown = [...document.querySelectorAll('dialog[open]')].pop() || document.body;
             const text = (shown.innerText || '').replace(/\\n\\s*\\n+/g, '\\n').slice(0, 3000);
             return `focus: ${a ? a.tagName.toLowerCase() + (a.id ? '#' + a.id : '') + (a.name ? '[name=' + a.name + ']' : '') : 'none'}\\n`
               + `clicks the page received (last 5): ${window.__chuteClicks ? window.__chuteClicks.join('; ') || 'none' : 'none since the harness began counting'}\\n`
               + `states: ${states.join('; ') || 'none'}\\ntext:\\n${text}`;",
            vec![],
        )
        .await;
    match v {
        Ok(v) => v.as_str().unwrap_or_default().to_string(),
        Err(e) => format!("(the page could not be read: {e})"),
    }
}

/// An attribute of the first element matching `css`, read in the page.
pub(crate) async fn attr_in_page(c: &Client, css: &str, attr: &str) -> Option<String> {
    let v = c
        .execute(
            "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
            vec![serde_json::json!(css), serde_json::json!(attr)],
        )
        .await
        .unwrap();
    v.as_str().map(str::to_string)
}

/// How many elements match `css` and are shown.
pub(crate) async fn count_shown(c: &Client, css: &str) -> usize {
    let v = c
        .execute(
            "return [...document.querySelectorAll(arguments[0])].filter((e) => e.getClientRects().length > 0 && !e.closest('[hidden],[inert]')).length;",
            vec![serde_json::json!(css)],
        )
        .await
        .unwrap();
    v.as_u64().unwrap_or(0) as usize
}

/// Click `css` as a person would: scrolled to the middle of its scrolling
/// box first, so a sticky header or footer does not cover it.
/// The page keeps the last clicks it received (`clicks_seen` reads them),
/// so a failure can tell a click that never arrived from one that did.
pub(crate) async fn click(c: &Client, css: &str) {
    let e = wait_for(c, css).await;
    let _ = c
        .execute(
            "const e = document.querySelector(arguments[0]); if (e) e.scrollIntoView({ block: 'center', inline: 'nearest' });
             if (!window.__chuteClicks) {
               window.__chuteClicks = [];
               document.addEventListener('click', (ev) => {
                 const t = ev.target;
                 const owner = t.closest('[id]');
                 window.__chuteClicks.push(`${t.tagName.toLowerCase()}${owner ? ' in #' + owner.id : ''} at ${Math.round(ev.clientX)},${Math.round(ev.clientY)}`);
                 window.__chuteClicks.splice(0, window.__chuteClicks.length - 5);
               }, true);
             }",
            vec![serde_json::json!(css)],
        )
        .await;
    e.click().await.unwrap_or_else(|e| panic!("could not click `{css}`: {e}"));
}

/// Click a control whose action hides the window. WebKitWebDriver answers
/// a click once the page has drawn again, which a hidden window never does:
/// a WebDriver click on "Keep Chute in the tray" hid the window and its
/// answer never came (CI hung there until the watchdog). The click is made
/// by the page itself, after this call has returned.
pub(crate) async fn click_hiding_the_window(c: &Client, css: &str) {
    wait_for(c, css).await;
    c.execute("const e = document.querySelector(arguments[0]); setTimeout(() => e.click(), 0);", vec![serde_json::json!(css)])
        .await
        .unwrap_or_else(|e| panic!("could not click `{css}`: {e}"));
}

/// The clicks the page received lately, as `tag in #id at x,y`.
async fn clicks_seen(c: &Client) -> String {
    let v = c.execute("return window.__chuteClicks ? window.__chuteClicks.join('; ') : '';", vec![]).await;
    v.ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// Click the element `#id`, then wait up to `secs` for `opened` to be
/// shown. A click the page never received (seen twice in CI on the
/// connection test's button, the focus left in the field typed last) is
/// said and made again; a click that arrived and opened nothing fails.
pub(crate) async fn click_to_open(c: &Client, id: &str, opened: &str, secs: u64) -> String {
    click(c, id).await;
    let unopened = poll_until(c, opened, 5, |t| t.is_some()).await.is_err();
    let seen = clicks_seen(c).await;
    if unopened && !seen.contains(&format!("in {id} ")) {
        eprintln!("the click on `{id}` did not reach the page (the clicks it received: {seen}); clicking again");
        click(c, id).await;
    }
    wait_shown(c, opened, secs).await
}

/// What Tauri sends when files are dragged: `event` (`tauri://drag-over`,
/// `tauri://drag-drop`, …) at the centre of `css` (CSS px) in physical pixels.
pub(crate) async fn drag_event(c: &Client, event: &str, css: &str, paths: &[&Path]) {
    let paths: Vec<String> = paths.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    c.execute(
        "const e = document.querySelector(arguments[1]);
         const r = e.getBoundingClientRect();
         const s = window.devicePixelRatio || 1;
         const position = { x: (r.left + r.width / 2) * s, y: (r.top + r.height / 2) * s };
         window.__TAURI__.event.emit(arguments[0], { paths: arguments[2], position });
         return [position.x, position.y];",
        vec![serde_json::json!(event), serde_json::json!(css), serde_json::json!(paths)],
    )
    .await
    .unwrap_or_else(|e| panic!("could not send {event} on `{css}`: {e}"));
}

/// Files dropped on the centre of `css`.
pub(crate) async fn drop_on(c: &Client, css: &str, paths: &[&Path]) {
    drag_event(c, "tauri://drag-drop", css, paths).await;
}

/// The text of every element matching `css`, in document order.
pub(crate) async fn texts(c: &Client, css: &str) -> Vec<String> {
    let v = c
        .execute("return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent);", vec![serde_json::json!(css)])
        .await
        .unwrap();
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap_or_default().to_string()).collect()
}

pub(crate) async fn wait_count(c: &Client, css: &str, n: usize, secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let got = count_shown(c, css).await;
        if got == n {
            return;
        }
        assert!(Instant::now() < deadline, "expected {n} of `{css}`, saw {got}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub(crate) async fn focused(c: &Client) -> String {
    let v = c
        .execute("const e = document.activeElement; return e ? (e.id || e.dataset.action || e.dataset.pick || e.tagName) : '';", vec![])
        .await
        .unwrap();
    v.as_str().unwrap_or_default().to_string()
}
