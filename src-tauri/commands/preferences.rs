//! The person's choices about the app: which desktop notifications Chute
//! sends (the core keeps the setting; `notify` follows it at once), what
//! closing the window on active watches does once answered for good (the
//! core keeps it; "Ask again" forgets it), and starting at login
//! (`autostart`: the entry file is the setting).

use std::sync::Arc;

use chute_core::{CloseAnswer, Notifications};
use tauri::{AppHandle, State};

use crate::ipc::{blocking, on_core, Reply};
use crate::notify::Notifier;
use crate::state::AppState;
use crate::{autostart, tray};

#[tauri::command(rename_all = "snake_case")]
pub async fn notifications(state: State<'_, AppState>) -> Reply<Notifications> {
    on_core(state, |c| c.notifications()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_notifications(
    state: State<'_, AppState>,
    notifier: State<'_, Arc<Notifier>>,
    notify: Notifications,
) -> Reply<Notifications> {
    on_core(state, move |c| c.set_notifications(notify)).await?;
    notifier.set_mode(notify);
    Ok(notify)
}

/// The answer remembered for closing the window on active watches; `null`: it asks.
#[tauri::command(rename_all = "snake_case")]
pub async fn close_answer(state: State<'_, AppState>) -> Reply<Option<CloseAnswer>> {
    on_core(state, |c| c.close_answer()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_close_answer(state: State<'_, AppState>, answer: Option<CloseAnswer>) -> Reply<Option<CloseAnswer>> {
    on_core(state, move |c| c.set_close_answer(answer)).await?;
    Ok(answer)
}

/// Whether Chute starts at login: `null` where this system does not support it.
#[tauri::command(rename_all = "snake_case")]
pub fn start_at_login() -> Option<bool> {
    autostart::SUPPORTED.then(autostart::enabled)
}

/// Turn starting at login on or off; whether it is on now.
#[tauri::command(rename_all = "snake_case")]
pub async fn set_start_at_login(app: AppHandle, on: bool) -> Reply<bool> {
    let now = blocking(move || autostart::set(on)).await?;
    tray::refresh(&app);
    Ok(now)
}
