//! The secret sweep: everywhere a secret could leak to, checked for its bytes.

use std::path::PathBuf;

use fantoccini::Client;

use super::launch::Env;
use crate::support::content::bytes_found_under;

/// The secret's bytes are nowhere: not in the data or home folders (SQLite,
/// WAL, config), not in what the app printed, not in any IPC reply, not in
/// the window's text (what a screenshot or a screen reader shows).
pub(crate) async fn leak_sweep(c: &Client, env: &Env, secret: &str, replies: &[String]) {
    assert_eq!(bytes_found_under(env.data.path(), secret.as_bytes()), Vec::<PathBuf>::new(), "secret in the data folder");
    assert_eq!(bytes_found_under(env.home.path(), secret.as_bytes()), Vec::<PathBuf>::new(), "secret in the home folder");
    let output = std::fs::read_to_string(env.artifacts.join("app-output.log")).unwrap_or_default();
    assert!(!output.contains(secret), "secret in the app's output");
    let leaked: Vec<&String> = replies.iter().filter(|r| r.contains(secret)).collect();
    assert!(leaked.is_empty(), "secret in IPC replies: {leaked:?}");
    let text = c.execute("return document.body.innerText + ' ' + [...document.querySelectorAll('[aria-label],[title]')].map(e => e.getAttribute('aria-label') + ' ' + e.getAttribute('title')).join(' ');", vec![]).await.unwrap();
    assert!(!text.as_str().unwrap_or_default().contains(secret), "secret in the window's text");
}
