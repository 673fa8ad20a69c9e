//! Destinations: list, check a draft, save, duplicate, delete, pause and
//! resume, the stored key's id, and import from AWS or rclone configs
//! (a config chosen in a native dialog).

use std::path::PathBuf;

use chute_core::{
    CredentialDraft, CredentialInput, CustomerKey, DestinationView, Encryption, ErrorReply, ImportCandidate, ImportError, ImportKind,
    Problem, Saved, Sensitive, Settings, UserError,
};
use tauri::{State, WebviewWindow};

use crate::dialogs::NativeDialogs;
use crate::ipc::{bad_argument, blocking, check_id, check_text, on_core, Reply};
use crate::state::AppState;

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
    sse_c_key: Option<String>,
) -> Reply<Vec<Problem>> {
    if let Some(id) = &editing_id {
        check_id(id)?;
    }
    let sse_c_key = sse_c_key.map(Sensitive::new);
    on_core(state, move |c| c.validate_draft_with_key(&settings, &credentials, editing_id.as_deref(), sse_c_key.as_ref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn save_destination(
    state: State<'_, AppState>,
    settings: Settings,
    credentials: CredentialInput,
    editing_id: Option<String>,
    proxy_password: Option<String>,
    sse_c_key: Option<String>,
) -> Reply<Saved> {
    if let Some(id) = &editing_id {
        check_id(id)?;
    }
    // A typed SSE-C key is read before anything is saved: a wrong one saves nothing.
    let sse_c_key = sse_c_key.filter(|k| !k.trim().is_empty()).map(|k| CustomerKey::parse(&k)).transpose().map_err(ErrorReply::from)?;
    on_core(state, move |c| {
        let needs_key = settings.encryption == Encryption::SseC && sse_c_key.is_none();
        if needs_key && !editing_id.as_deref().is_some_and(|id| c.has_sse_customer_key(id).unwrap_or(false)) {
            let problems = c.validate_draft_with_key(&settings, &credentials.draft(), editing_id.as_deref(), None)?;
            return Err(chute_core::Error::Invalid(problems));
        }
        let saved = match editing_id {
            Some(id) => c.update(&id, settings, credentials)?,
            None => c.create(settings, credentials)?,
        };
        // The typed proxy password goes to the keychain; none typed keeps the stored one.
        if let Some(password) = proxy_password.filter(|p| !p.is_empty()) {
            c.set_proxy_password(&saved.destination.destination.id, Some(Sensitive::new(password)))?;
        }
        // The typed SSE-C key goes to the keychain; none typed keeps the stored one.
        if let Some(key) = &sse_c_key {
            c.set_sse_customer_key(&saved.destination.destination.id, Some(key))?;
        }
        Ok(saved)
    })
    .await
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
pub async fn import_candidates(kind: ImportKind, file: Option<String>) -> Reply<Vec<ImportCandidate>> {
    let file = import_file(file)?;
    blocking(move || chute_core::import_candidates(kind, file.as_deref()).map_err(|e| ErrorReply::from(e.info()))).await
}

/// A config file to import from, chosen in a native dialog that opens where
/// the tool keeps it (`~/.aws`, rclone's config folder); `None` when cancelled.
#[tauri::command(rename_all = "snake_case")]
pub async fn pick_import_file(window: WebviewWindow, dialogs: State<'_, NativeDialogs>, kind: ImportKind) -> Reply<Option<String>> {
    let (title, usual) = match kind {
        ImportKind::Aws => ("Choose an AWS config or credentials file", chute_core::default_aws_config()),
        ImportKind::Rclone => ("Choose an rclone.conf", chute_core::default_rclone_config()),
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
        let candidate = chute_core::import_candidates(kind, file.as_deref())?
            .into_iter()
            .find(|x| x.source == source)
            .ok_or_else(|| ImportError::NoSuchSource(source.clone()))?;
        c.import(candidate, &name, &bucket, &prefix)
    })
    .await
}
