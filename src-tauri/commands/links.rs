//! Links to delivered objects: a presigned link to share, and the object's
//! URL opened in the browser. URLs come from the core; the web side gets
//! no opener of its own.

use std::time::Duration;

use chute_core::Code;
use tauri::State;

use crate::ipc::{bad_argument, blocking, check_id, check_key, on_core, refusal, Reply};
use crate::state::AppState;

#[tauri::command(rename_all = "snake_case")]
pub async fn presign_link(state: State<'_, AppState>, id: String, key: String, expires_secs: u64) -> Reply<String> {
    check_id(&id)?;
    check_key(&key)?;
    if !(60..=7 * 24 * 3600).contains(&expires_secs) {
        return Err(bad_argument("expires_secs", "between one minute and seven days"));
    }
    on_core(state, move |c| c.presign(&id, &key, Duration::from_secs(expires_secs))).await
}

/// Open a delivered object's URL in the default browser; returns the URL.
#[tauri::command(rename_all = "snake_case")]
pub async fn open_object_url(state: State<'_, AppState>, id: String, key: String) -> Reply<String> {
    check_id(&id)?;
    check_key(&key)?;
    let url = on_core(state, move |c| c.object_url(&id, &key)).await?;
    let opened = url.clone();
    blocking(move || {
        tauri_plugin_opener::open_url(&opened, None::<&str>).map_err(|_| {
            refusal(
                Code::BrowserUnavailable,
                format!("No web browser opened {opened}."),
                "Copy the link and open it in your browser; check that a default browser is set.",
            )
        })
    })
    .await?;
    Ok(url)
}
