//! What a destination's server does and what is left on it: its
//! capabilities measured again on demand, and the multipart uploads left
//! open under its prefix, listed and aborted.

use chute_core::{AbortReport, AbortWhich, Capabilities, OpenUpload};
use tauri::State;

use crate::ipc::{bad_argument, check_id, check_text, on_core, Reply};
use crate::state::AppState;

#[tauri::command(rename_all = "snake_case")]
pub async fn measure_capabilities(state: State<'_, AppState>, id: String) -> Reply<Capabilities> {
    check_id(&id)?;
    on_core(state, move |c| c.measure_capabilities(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn open_uploads(state: State<'_, AppState>, id: String) -> Reply<Vec<OpenUpload>> {
    check_id(&id)?;
    on_core(state, move |c| c.open_uploads(&id)).await
}

/// Abort one upload (`key` and `upload_id`), or every one older than
/// `older_than_hours`. The window has asked for confirmation first.
#[tauri::command(rename_all = "snake_case")]
pub async fn abort_uploads(
    state: State<'_, AppState>,
    id: String,
    key: Option<String>,
    upload_id: Option<String>,
    older_than_hours: Option<u64>,
) -> Reply<AbortReport> {
    check_id(&id)?;
    let which = match (key, upload_id, older_than_hours) {
        (Some(key), Some(upload_id), None) => {
            check_text("key", &key, 4096)?;
            check_text("upload_id", &upload_id, 4096)?;
            AbortWhich::One { key, upload_id }
        }
        (None, None, Some(hours)) => AbortWhich::OlderThanHours(hours),
        _ => return Err(bad_argument("which", "give a key and an upload id, or older_than_hours")),
    };
    on_core(state, move |c| c.abort_uploads(&id, &which)).await
}
