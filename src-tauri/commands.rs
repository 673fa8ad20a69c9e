//! Thin adapters from IPC to the core. Each command validates its
//! arguments, runs the core on a blocking worker (keychain and SQLite calls
//! never run on the UI thread), and returns data or `{code, message, fix}`.

use std::path::PathBuf;
use std::sync::Arc;

use chute_core::destination::Problem;
use chute_core::import::{self, ImportKind};
use chute_core::probe::{ProbeEvent, ProbeOptions, ProbeReport};
use chute_core::store::StoredProbe;
use chute_core::Code;
use chute_core::{Chute, CredentialDraft, CredentialInput, DestinationView, ErrorInfo, ErrorReply, Saved, Settings, UserError};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{State, WebviewWindow};

use crate::dialogs::NativeDialogs;
use crate::{internal, AppState};

pub(crate) type Reply<T> = Result<T, ErrorReply>;

pub(crate) async fn on_core<T: Send + 'static>(
    state: State<'_, AppState>,
    f: impl FnOnce(&Chute) -> chute_core::Result<T> + Send + 'static,
) -> Reply<T> {
    let core: Arc<Chute> = state.core()?;
    tauri::async_runtime::spawn_blocking(move || f(&core).map_err(|e| e.reply())).await.map_err(internal)?
}

pub(crate) fn bad_argument(name: &str, why: &str) -> ErrorReply {
    ErrorReply {
        info: ErrorInfo {
            code: Code::BadArgument,
            message: format!("The app sent an invalid `{name}`: {why}."),
            fix: "Reload the window (Ctrl+R); if it persists, report it.".into(),
            field: None,
        },
        problems: vec![],
    }
}

/// Destination ids are UUIDs; refuse anything else before it reaches the core.
pub(crate) fn check_id(id: &str) -> Reply<()> {
    let ok = id.len() == 36 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(bad_argument("id", "not a destination id"))
    }
}

fn check_text(name: &str, value: &str, max: usize) -> Reply<()> {
    if value.len() > max {
        return Err(bad_argument(name, &format!("longer than {max} bytes")));
    }
    Ok(())
}

#[derive(Serialize)]
pub struct AppInfo {
    version: &'static str,
    data_dir: String,
    keychain: &'static str,
    schema_version: i64,
    /// Set when the database could not be opened; the UI shows it.
    startup_error: Option<ErrorReply>,
}

#[tauri::command(rename_all = "snake_case")]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    let core = state.core();
    AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        data_dir: chute_core::default_data_dir().display().to_string(),
        keychain: chute_core::SecretStore::backend_name(),
        schema_version: chute_core::store::SCHEMA_VERSION,
        startup_error: core.err(),
    }
}

#[tauri::command(rename_all = "snake_case")]
pub fn catalog() -> chute_core::Catalog {
    chute_core::catalog()
}

/// The form's example key: a sample file keyed by `template` under `prefix`,
/// as a delivery would key it now.
#[tauri::command(rename_all = "snake_case")]
pub fn key_example(template: String, prefix: String) -> Reply<chute_core::keys::KeyExample> {
    check_text("template", &template, 4096)?;
    check_text("prefix", &prefix, 4096)?;
    Ok(chute_core::keys::example(&template, &prefix))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn list_destinations(state: State<'_, AppState>) -> Reply<Vec<DestinationView>> {
    on_core(state, |c| c.list_views()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn validate_destination(
    state: State<'_, AppState>,
    settings: Settings,
    credentials: CredentialDraft,
    editing_id: Option<String>,
) -> Reply<Vec<Problem>> {
    if let Some(id) = &editing_id {
        check_id(id)?;
    }
    on_core(state, move |c| c.validate_draft(&settings, &credentials, editing_id.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn save_destination(
    state: State<'_, AppState>,
    settings: Settings,
    credentials: CredentialInput,
    editing_id: Option<String>,
) -> Reply<Saved> {
    match editing_id {
        Some(id) => {
            check_id(&id)?;
            on_core(state, move |c| c.update(&id, settings, credentials)).await
        }
        None => on_core(state, move |c| c.create(settings, credentials)).await,
    }
}

#[tauri::command(rename_all = "snake_case")]
pub async fn duplicate_destination(state: State<'_, AppState>, id: String) -> Reply<Saved> {
    check_id(&id)?;
    on_core(state, move |c| c.duplicate(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn delete_destination(state: State<'_, AppState>, id: String) -> Reply<()> {
    check_id(&id)?;
    on_core(state, move |c| c.delete(&id)).await
}

/// The full key id of a destination's stored key (never its secret), asked
/// for when the person chooses to replace the key.
#[tauri::command(rename_all = "snake_case")]
pub async fn stored_key_id(state: State<'_, AppState>, id: String) -> Reply<Option<String>> {
    check_id(&id)?;
    on_core(state, move |c| c.stored_key_id(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_destination_active(state: State<'_, AppState>, id: String, active: bool) -> Reply<DestinationView> {
    check_id(&id)?;
    on_core(state, move |c| c.set_active(&id, active)).await
}

fn import_file(file: Option<String>) -> Reply<Option<PathBuf>> {
    match file {
        None => Ok(None),
        Some(f) => {
            check_text("file", &f, 4096)?;
            let p = PathBuf::from(f);
            if !p.is_absolute() {
                return Err(bad_argument("file", "not an absolute path"));
            }
            Ok(Some(p))
        }
    }
}

#[tauri::command(rename_all = "snake_case")]
pub async fn import_candidates(kind: ImportKind, file: Option<String>) -> Reply<Vec<import::Candidate>> {
    let file = import_file(file)?;
    tauri::async_runtime::spawn_blocking(move || {
        import::candidates(kind, file.as_deref()).map_err(|e| ErrorReply { info: e.info(), problems: vec![] })
    })
    .await
    .map_err(internal)?
}

/// A config file to import from, chosen in a native dialog that opens where
/// the tool keeps it (`~/.aws`, rclone's config folder); `None` when cancelled.
#[tauri::command(rename_all = "snake_case")]
pub async fn pick_import_file(window: WebviewWindow, dialogs: State<'_, NativeDialogs>, kind: ImportKind) -> Reply<Option<String>> {
    let (title, usual) = match kind {
        ImportKind::Aws => ("Choose an AWS config or credentials file", import::default_aws_config()),
        ImportKind::Rclone => ("Choose an rclone.conf", import::default_rclone_config()),
    };
    let start = usual.parent().filter(|d| d.is_dir()).map(PathBuf::from);
    let picked = dialogs.open_file(&window, title, start).await?;
    Ok(picked.map(|p| p.to_string_lossy().into_owned()))
}

#[tauri::command(rename_all = "snake_case")]
#[allow(clippy::too_many_arguments)]
pub async fn import_destination(
    state: State<'_, AppState>,
    kind: ImportKind,
    file: Option<String>,
    source: String,
    name: String,
    bucket: String,
    prefix: String,
) -> Reply<Saved> {
    let file = import_file(file)?;
    for (n, v) in [("source", &source), ("name", &name), ("bucket", &bucket), ("prefix", &prefix)] {
        check_text(n, v, 1024)?;
    }
    on_core(state, move |c| {
        let candidate = import::candidates(kind, file.as_deref())?
            .into_iter()
            .find(|x| x.source == source)
            .ok_or_else(|| import::ImportError::NoSuchSource(source.clone()))?;
        c.import(candidate, &name, &bucket, &prefix)
    })
    .await
}

/// Test a saved destination (`id`) or the form as typed (`settings` +
/// `credentials`, with `editing_id` when editing). Steps and findings stream
/// over `on_event` as they happen; the full report is the reply.
#[tauri::command(rename_all = "snake_case")]
#[allow(clippy::too_many_arguments)]
pub async fn test_destination(
    state: State<'_, AppState>,
    id: Option<String>,
    settings: Option<Settings>,
    credentials: Option<CredentialInput>,
    editing_id: Option<String>,
    read_back: Option<bool>,
    on_event: Channel<ProbeEvent>,
) -> Reply<ProbeReport> {
    for x in [&id, &editing_id].into_iter().flatten() {
        check_id(x)?;
    }
    let target = match (id, settings, credentials) {
        (Some(id), None, None) => chute_core::ProbeTarget::Saved { id },
        (None, Some(settings), Some(credentials)) => chute_core::ProbeTarget::Draft { settings, credentials, editing_id },
        _ => return Err(bad_argument("target", "give either `id`, or `settings` and `credentials`")),
    };
    let opts = ProbeOptions { read_back: read_back.unwrap_or(false), ..ProbeOptions::default() };
    on_core(state, move |c| {
        let mut send = |e: ProbeEvent| {
            // A closed window is no reason to stop the test; its report is stored.
            let _ = on_event.send(e);
        };
        c.test_connection(target, &opts, &mut send)
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn list_probes(state: State<'_, AppState>, id: String, limit: Option<usize>) -> Reply<Vec<StoredProbe>> {
    check_id(&id)?;
    let limit = limit.unwrap_or(20).min(200);
    on_core(state, move |c| c.probes(&id, limit)).await
}
