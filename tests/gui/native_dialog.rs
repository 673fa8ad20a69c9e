//! Answering the app's native GTK dialogs (file, folder, save) the way a
//! person would: find the dialog's window on the test's X display by its
//! title, give it the keyboard, type into it and confirm or cancel. Driven
//! through the X server with xdotool, so the real GTK file chooser does the
//! work; nothing in the app is bypassed.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use fantoccini::Client;

use crate::harness::Env;

/// A native dialog shown on the test's display.
pub(crate) struct NativeDialog {
    display: String,
    window: String,
    title: String,
}

fn xdotool(display: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .output()
        .expect("xdotool must be installed (scripts/install-deps.sh --test installs it)");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The visible top-level windows titled exactly `title`.
pub(crate) fn windows_titled(display: &str, title: &str) -> Vec<String> {
    let pattern = format!("^{}$", regex_escape(title));
    let (_, out) = xdotool(display, &["search", "--onlyvisible", "--name", &pattern]);
    out.lines().map(str::to_string).filter(|l| !l.is_empty()).collect()
}

fn regex_escape(s: &str) -> String {
    s.chars().flat_map(|c| if "\\^$.|?*+()[]{}".contains(c) { vec!['\\', c] } else { vec![c] }).collect()
}

impl NativeDialog {
    /// Wait (at most `secs`) for the dialog titled `title` to be shown.
    pub(crate) fn wait(env: &Env, title: &str, secs: u64) -> NativeDialog {
        let display = env.xvfb.display.clone();
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(window) = windows_titled(&display, title).pop() {
                // Let GTK finish mapping and laying it out before typing.
                std::thread::sleep(Duration::from_millis(400));
                return NativeDialog { display, window, title: title.to_string() };
            }
            assert!(Instant::now() < deadline, "no native dialog titled {title:?} appeared within {secs} s");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Whether no dialog titled `title` is shown on the display now.
    pub(crate) fn none_shown(env: &Env, title: &str) -> bool {
        windows_titled(&env.xvfb.display, title).is_empty()
    }

    fn focus(&self) {
        // No window manager runs on the test display: set the input focus
        // directly, then check it arrived.
        for _ in 0..20 {
            xdotool(&self.display, &["windowraise", &self.window]);
            xdotool(&self.display, &["windowfocus", &self.window]);
            let (_, focused) = xdotool(&self.display, &["getwindowfocus"]);
            if focused == self.window {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the dialog {:?} never took the keyboard focus", self.title);
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["key", "--clearmodifiers", "--delay", "60"];
        args.extend_from_slice(keys);
        let (ok, _) = xdotool(&self.display, &args);
        assert!(ok, "xdotool could not press {keys:?}");
    }

    fn type_text(&self, text: &str) {
        let (ok, _) = xdotool(&self.display, &["type", "--clearmodifiers", "--delay", "15", text]);
        assert!(ok, "xdotool could not type {text:?}");
    }

    /// Open or save `path`: type it into the chooser's location field and
    /// confirm. Works for the file, folder and save choosers alike.
    pub(crate) fn choose(self, path: &Path) {
        self.focus();
        // Ctrl+L shows (and selects) the location field in every mode; the
        // save chooser's name field is that field already.
        self.keys(&["ctrl+l"]);
        std::thread::sleep(Duration::from_millis(200));
        self.keys(&["ctrl+a"]);
        self.type_text(&path.to_string_lossy());
        std::thread::sleep(Duration::from_millis(300));
        // GTK completes names inline as a selected suffix: drop it, so the
        // path typed is the path chosen.
        self.keys(&["Delete"]);
        self.keys(&["Return"]);
        self.wait_closed(10);
    }

    /// Cancel the dialog with Escape, as a person would.
    pub(crate) fn cancel(self) {
        self.focus();
        self.keys(&["Escape"]);
        self.wait_closed(10);
    }

    fn wait_closed(&self, secs: u64) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while windows_titled(&self.display, &self.title).contains(&self.window) {
            assert!(Instant::now() < deadline, "the dialog {:?} is still open {secs} s after it was answered", self.title);
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Fails the test if the window does not answer a trivial script within
/// five seconds: what a person would see as a frozen app.
pub(crate) async fn assert_responsive(c: &Client, when: &str) {
    let answer = tokio::time::timeout(Duration::from_secs(5), c.execute("return document.readyState", vec![])).await;
    match answer {
        Ok(Ok(v)) => assert_eq!(v.as_str(), Some("complete"), "the window is not ready {when}"),
        Ok(Err(e)) => panic!("the window could not be asked anything {when}: {e}"),
        Err(_) => panic!("the window stopped responding {when} (no answer within 5 s)"),
    }
}
