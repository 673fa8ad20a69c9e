//! What the window asks at start: the app's facts and the catalogue, and
//! the key template's live example.

use chute_core::{Catalog, ErrorReply, KeyExample};
use serde::Serialize;
use tauri::State;

use crate::ipc::{check_text, Reply};
use crate::state::AppState;

#[derive(Serialize)]
pub struct AppInfo {
    version: &'static str,
    data_dir: String,
    keychain: &'static str,
    schema_version: i64,
    /// Set when the database could not be opened; the window shows it.
    startup_error: Option<ErrorReply>,
    /// Rights on the data folder or database tightened at start, in words.
    notices: Vec<String>,
}

#[tauri::command(rename_all = "snake_case")]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        data_dir: chute_core::default_data_dir().display().to_string(),
        keychain: chute_core::SecretStore::backend_name(),
        schema_version: chute_core::SCHEMA_VERSION,
        startup_error: state.core().err(),
        notices: state.core().map(|c| c.notices()).unwrap_or_default(),
    }
}

#[tauri::command(rename_all = "snake_case")]
pub fn catalog() -> Catalog {
    chute_core::catalog()
}

/// The form's example key: a sample file keyed by `template` under `prefix`,
/// as a delivery would key it now.
#[tauri::command(rename_all = "snake_case")]
pub fn key_example(template: String, prefix: String) -> Reply<KeyExample> {
    check_text("template", &template, 4096)?;
    check_text("prefix", &prefix, 4096)?;
    Ok(chute_core::key_example(&template, &prefix))
}
