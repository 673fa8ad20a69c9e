//! Native file, folder and save dialogs.
//!
//! Every dialog is awaited from an async command, never run synchronously:
//! a synchronous GTK dialog started on the main thread waits for the very
//! main loop it blocks, and the whole app freezes. rfd's async dialogs post
//! their work to the main loop and resolve when the user answers, so the
//! window keeps painting and answering while a dialog is open (on macOS
//! they run on the main thread by dispatch; on Windows on a thread of
//! their own).
//!
//! One native dialog at a time: a second request while one is open is
//! refused with a reason instead of stacking choosers the user cannot see.
//! Choosers open where the user last chose something (else in the home
//! folder), never on an empty "Recent" list.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use chute_core::Code;
use rfd::AsyncFileDialog;
use tauri::WebviewWindow;

use crate::ipc::{refusal, Reply};

/// Whether a native dialog is open now, and the folder the last one chose in.
#[derive(Default)]
pub struct NativeDialogs {
    open: AtomicBool,
    last_folder: Mutex<Option<PathBuf>>,
}

/// Held while a dialog is open; dropping it (also when the command's future
/// is dropped) lets the next one open.
struct Open<'a>(&'a AtomicBool);

impl Drop for Open<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

impl NativeDialogs {
    fn begin(&self) -> Reply<Open<'_>> {
        if self.open.swap(true, Ordering::AcqRel) {
            return Err(refusal(
                Code::DialogAlreadyOpen,
                "A file chooser is already open.",
                "Finish with it (choose or cancel) first; it may be behind the Chute window.",
            ));
        }
        Ok(Open(&self.open))
    }

    /// Where a chooser starts: the folder of the last choice, else home.
    fn start_folder(&self) -> Option<PathBuf> {
        let last = self.last_folder.lock().unwrap_or_else(|p| p.into_inner()).clone();
        last.filter(|d| d.is_dir()).or_else(home).filter(|d| d.is_dir())
    }

    fn remember(&self, chosen: &Path) {
        if let Some(dir) = chosen.parent() {
            *self.last_folder.lock().unwrap_or_else(|p| p.into_inner()) = Some(dir.to_path_buf());
        }
    }

    /// Files, or folders, to deliver; empty when cancelled.
    pub async fn pick_paths(&self, window: &WebviewWindow, folders: bool) -> Reply<Vec<PathBuf>> {
        let _open = self.begin()?;
        let mut dialog = AsyncFileDialog::new().set_parent(window).set_title(if folders { "Deliver folders" } else { "Deliver files" });
        if let Some(dir) = self.start_folder() {
            dialog = dialog.set_directory(dir);
        }
        let picked = if folders { dialog.pick_folders().await } else { dialog.pick_files().await };
        let paths: Vec<PathBuf> = picked.unwrap_or_default().into_iter().map(|h| h.path().to_path_buf()).collect();
        if let Some(first) = paths.first() {
            self.remember(first);
        }
        Ok(paths)
    }

    /// One folder (e.g. the folder a watch delivers from); `None` when cancelled.
    pub async fn pick_folder(&self, window: &WebviewWindow, title: &str) -> Reply<Option<PathBuf>> {
        let _open = self.begin()?;
        let mut dialog = AsyncFileDialog::new().set_parent(window).set_title(title);
        if let Some(dir) = self.start_folder() {
            dialog = dialog.set_directory(dir);
        }
        let picked = dialog.pick_folder().await.map(|h| h.path().to_path_buf());
        if let Some(p) = &picked {
            self.remember(p);
        }
        Ok(picked)
    }

    /// Where to save a file; `None` when cancelled.
    pub async fn save_path(&self, window: &WebviewWindow, title: &str, file_name: &str, filter: (&str, &[&str])) -> Reply<Option<PathBuf>> {
        let _open = self.begin()?;
        let mut dialog = AsyncFileDialog::new().set_parent(window).set_title(title).set_file_name(file_name).add_filter(filter.0, filter.1);
        if let Some(dir) = self.start_folder() {
            dialog = dialog.set_directory(dir);
        }
        let picked = dialog.save_file().await.map(|h| h.path().to_path_buf());
        if let Some(p) = &picked {
            self.remember(p);
        }
        Ok(picked)
    }

    /// One existing file to read (e.g. a config to import from), starting
    /// in `start_in` when it exists; `None` when cancelled.
    pub async fn open_file(&self, window: &WebviewWindow, title: &str, start_in: Option<PathBuf>) -> Reply<Option<PathBuf>> {
        let _open = self.begin()?;
        let mut dialog = AsyncFileDialog::new().set_parent(window).set_title(title);
        if let Some(dir) = start_in.filter(|d| d.is_dir()).or_else(|| self.start_folder()) {
            dialog = dialog.set_directory(dir);
        }
        Ok(dialog.pick_file().await.map(|h| h.path().to_path_buf()))
    }
}

fn home() -> Option<PathBuf> {
    std::env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" }).map(PathBuf::from)
}
