//! Watched folders: what each is doing (and who runs them), add one, edit
//! one, pause or resume it, remove it, the folder chosen in the native
//! folder dialog, and the answer to closing the window while watches are
//! active.

use std::path::PathBuf;

use chute_core::{After, Batching, CloseAnswer, DeliveryHours, ErrorInfo, WatchSettings, WatchView};
use serde::{Deserialize, Serialize};
use tauri::{State, WebviewWindow, Window};

use crate::closing;
use crate::dialogs::NativeDialogs;
use crate::ipc::{bad_argument, blocking, check_id, check_text, on_core, Reply};
use crate::state::AppState;
use crate::watching::Watching;

/// The Watches view's data.
#[derive(Serialize)]
pub struct WatchList {
    watches: Vec<WatchView>,
    /// Whether this window runs the watches now (else each view's `runner` says who does, if anyone).
    runs_here: bool,
    /// Why this window cannot run the watches, other than another runner holding them.
    runner_problem: Option<ErrorInfo>,
}

#[tauri::command(rename_all = "snake_case")]
pub async fn list_watches(state: State<'_, AppState>, watching: State<'_, Watching>) -> Reply<WatchList> {
    let watches = on_core(state, |c| c.watch_views()).await?;
    let me = std::process::id();
    let runs_here = watches.iter().filter_map(|v| v.runner.as_ref()).any(|r| r.pid == me);
    Ok(WatchList { watches, runs_here, runner_problem: watching.problem() })
}

/// What the window's form shows when a watch is edited; what a watch is
/// chosen at its creation (files already there) and its pause (the card's
/// action) are not changed here.
#[derive(Deserialize)]
pub struct WatchEdit {
    name: String,
    folder: PathBuf,
    recursive: bool,
    destinations: Vec<String>,
    settle_ms: u64,
    after: After,
    /// Combining files into one .gz object; `None`: each file its own object.
    batch: Option<Batching>,
    /// Daily delivery hours; `None`: any time.
    hours: Option<DeliveryHours>,
}

impl WatchEdit {
    /// `settings` with what the form shows put in; anything else a watch
    /// holds (settings this window does not show) stays as it was.
    fn onto(self, settings: WatchSettings) -> WatchSettings {
        WatchSettings {
            name: self.name,
            folder: self.folder,
            recursive: self.recursive,
            destinations: self.destinations,
            settle_ms: self.settle_ms,
            after: self.after,
            batch: self.batch,
            hours: self.hours,
            ..settings
        }
    }
}

fn check_form(name: &str, folder: &std::path::Path, destinations: &[String], hours: Option<&DeliveryHours>) -> Reply<()> {
    check_text("name", name, 1024)?;
    if let Some(h) = hours {
        check_text("hours", &h.from, 64)?;
        check_text("hours", &h.to, 64)?;
    }
    check_text("folder", &folder.to_string_lossy(), 4096)?;
    if destinations.len() > 1000 {
        return Err(bad_argument("destinations", "more than 1,000"));
    }
    destinations.iter().try_for_each(|d| check_id(d))
}

/// A new watch; settings the form does not show take the core's defaults.
#[tauri::command(rename_all = "snake_case")]
pub async fn add_watch(state: State<'_, AppState>, settings: WatchSettings) -> Reply<WatchView> {
    check_form(&settings.name, &settings.folder, &settings.destinations, settings.hours.as_ref())?;
    on_core(state, move |c| {
        let w = c.add_watch(settings)?;
        c.watch_view(w)
    })
    .await
}

/// A watch edited from its stored settings: only what the form shows changes.
#[tauri::command(rename_all = "snake_case")]
pub async fn update_watch(state: State<'_, AppState>, id: String, edit: WatchEdit) -> Reply<WatchView> {
    check_id(&id)?;
    check_form(&edit.name, &edit.folder, &edit.destinations, edit.hours.as_ref())?;
    on_core(state, move |c| {
        let stored = c.get_watch(&id)?.settings;
        let w = c.update_watch(&id, edit.onto(stored))?;
        c.watch_view(w)
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_watch_paused(state: State<'_, AppState>, id: String, paused: bool) -> Reply<WatchView> {
    check_id(&id)?;
    on_core(state, move |c| {
        let w = c.set_watch_paused(&id, paused)?;
        c.watch_view(w)
    })
    .await
}

/// Remove a watch and its journal; the folder, the objects and the history stay.
#[tauri::command(rename_all = "snake_case")]
pub async fn remove_watch(state: State<'_, AppState>, id: String) -> Reply<()> {
    check_id(&id)?;
    on_core(state, move |c| c.remove_watch(&id)).await
}

/// The folder to watch, chosen in the native folder dialog; `None` when cancelled.
#[tauri::command(rename_all = "snake_case")]
pub async fn pick_watch_folder(window: WebviewWindow, dialogs: State<'_, NativeDialogs>) -> Reply<Option<String>> {
    let picked = dialogs.pick_folder(&window, "Choose the folder to watch").await?;
    Ok(picked.map(|p| p.to_string_lossy().into_owned()))
}

/// Close as answered; "keep delivering" replies with the agent's pid, or
/// why it could not start (the window then stays open and runs the
/// watches); "keep in the tray" hides the window, or says why it cannot.
#[tauri::command(rename_all = "snake_case")]
pub async fn answer_close(window: Window, state: State<'_, AppState>, answer: CloseAnswer) -> Reply<Option<u32>> {
    match answer {
        CloseAnswer::KeepInTray => {
            closing::keep_in_tray(&window)?;
            Ok(None)
        }
        CloseAnswer::StopWatching => {
            closing::stop_watching(&window);
            Ok(None)
        }
        CloseAnswer::KeepDelivering => {
            let core = state.core()?;
            blocking(move || closing::keep_delivering(&window, core).map(Some)).await
        }
    }
}
