//! Files handed to Chute from outside the window: "Open with Chute" in a
//! file manager (the desktop entry's `%F`), `chute-app FILE…` in a
//! terminal, and `chute-app --deliver-to NAME FILE…`. The first launch's
//! arguments, and those of every later launch (which hands them to the
//! running window and exits: one instance), become an open request kept
//! here until the page takes it (`take_opened_paths`); the page is told
//! with `paths-opened` and shows the preview, after asking which
//! destination when none was named.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, State};

/// The event telling the page that an open request is waiting.
pub const PATHS_OPENED: &str = "paths-opened";

/// Paths to deliver, and the destination named for them, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenRequest {
    pub paths: Vec<String>,
    /// A destination's name (or id), from `--deliver-to`.
    pub deliver_to: Option<String>,
}

/// Open requests the page has not taken yet (state of the app).
#[derive(Default)]
pub struct Opened(Mutex<Vec<OpenRequest>>);

impl Opened {
    /// Keep a request until the page takes it.
    pub fn keep(&self, request: OpenRequest) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(request);
    }
}

/// A launch's arguments (the program first, as `std::env::args` gives
/// them), read against the folder it was started in. None when it names
/// no file. Unknown `-` options are left out; `file://` URIs become paths.
pub fn open_request(args: &[String], cwd: &Path) -> Option<OpenRequest> {
    let mut paths = Vec::new();
    let mut deliver_to = None;
    let mut rest = args.iter().skip(1);
    let mut only_paths = false;
    while let Some(a) = rest.next() {
        if only_paths {
            paths.push(a.clone());
        } else if a == "--" {
            only_paths = true;
        } else if a == "--deliver-to" {
            deliver_to = rest.next().cloned();
        } else if let Some(name) = a.strip_prefix("--deliver-to=") {
            deliver_to = Some(name.to_string());
        } else if !a.starts_with('-') {
            paths.push(a.clone());
        }
    }
    let paths: Vec<String> = paths.iter().filter_map(|p| absolute(p, cwd)).map(|p| p.to_string_lossy().into_owned()).collect();
    (!paths.is_empty()).then_some(OpenRequest { paths, deliver_to: deliver_to.filter(|n| !n.trim().is_empty()) })
}

fn absolute(arg: &str, cwd: &Path) -> Option<PathBuf> {
    let path = match arg.strip_prefix("file://") {
        Some(rest) => url::Url::parse(&format!("file://{rest}")).ok()?.to_file_path().ok()?,
        None => PathBuf::from(arg),
    };
    Some(if path.is_absolute() { path } else { cwd.join(path) })
}

/// Keep `request` for the page, tell it, and bring the window forward.
pub fn hand_over(app: &AppHandle, request: Option<OpenRequest>) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
    let Some(request) = request else { return };
    app.state::<Opened>().keep(request);
    let _ = app.emit(PATHS_OPENED, ());
}

/// The open requests waiting, taken (each is shown once).
#[tauri::command(rename_all = "snake_case")]
pub fn take_opened_paths(opened: State<'_, Opened>) -> Vec<OpenRequest> {
    std::mem::take(&mut *opened.0.lock().unwrap_or_else(|p| p.into_inner()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        std::iter::once("chute-app").chain(a.iter().copied()).map(String::from).collect()
    }

    #[test]
    fn files_and_a_destination_are_read_from_a_launch() {
        let cwd = Path::new("/home/ana/reports");
        assert_eq!(open_request(&args(&[]), cwd), None);
        assert_eq!(open_request(&args(&["--deliver-to", "Archive"]), cwd), None, "a destination alone is nothing to open");
        let r = open_request(&args(&["--deliver-to", "Archive", "a.csv", "/tmp/b folder", "file:///tmp/c%20d.txt"]), cwd).unwrap();
        assert_eq!(r.deliver_to.as_deref(), Some("Archive"));
        assert_eq!(r.paths, ["/home/ana/reports/a.csv", "/tmp/b folder", "/tmp/c d.txt"]);
        let r = open_request(&args(&["--deliver-to=Daily", "--unknown", "--", "-odd.csv"]), cwd).unwrap();
        assert_eq!((r.deliver_to.as_deref(), r.paths), (Some("Daily"), vec!["/home/ana/reports/-odd.csv".to_string()]));
    }
}
