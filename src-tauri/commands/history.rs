//! History commands: batches and files (paged), the rest of an
//! interrupted batch to resume (as a plan sent like any other) or discard,
//! retry or re-deliver from a finished one (as a plan the window previews),
//! delete entries, the retention setting, CSV export through the native
//! save dialog, and revealing a source file. Exact counts for the filtered
//! lists, and what a batch was given and left out. A batch's receipt, and
//! its objects checked again (progress over a channel). The web side only
//! ever names batches and files by id; paths come from the database.

use std::path::{Path, PathBuf};

use chute_core::{
    BatchCheck, BatchCounts, BatchInputs, BatchRow, Code, CsvError, CsvRows, Deleted, ErrorReply, FileCounts, FileRow, Filter, Receipt,
    VerifyProgress, Which,
};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{State, WebviewWindow};

use crate::dialogs::NativeDialogs;
use crate::ipc::{bad_argument, blocking, check_id, on_core, refusal, Reply};
use crate::plans::{PlanPreview, Plans};
use crate::state::AppState;

fn check_filter(f: &Filter) -> Reply<()> {
    if let Some(d) = &f.destination_id {
        check_id(d)?;
    }
    if let Some(g) = &f.group_id {
        check_id(g)?;
    }
    if f.search.as_deref().is_some_and(|s| s.len() > 512) {
        return Err(bad_argument("search", "longer than 512 bytes"));
    }
    if f.status.as_deref().is_some_and(|s| s.len() > 32) {
        return Err(bad_argument("status", "not a status"));
    }
    Ok(())
}

/// Batches, newest first, filtered and paged (at most 1,000 a page).
#[tauri::command(rename_all = "snake_case")]
pub async fn history_batches(state: State<'_, AppState>, filter: Filter) -> Reply<Vec<BatchRow>> {
    check_filter(&filter)?;
    on_core(state, move |c| c.history_batches(&filter)).await
}

/// Exact counts of the batches a filter matches and of all, and whether
/// the `selected` batch still matches (the UI clears a hidden selection).
#[tauri::command(rename_all = "snake_case")]
pub async fn history_counts(state: State<'_, AppState>, filter: Filter, selected: Option<String>) -> Reply<BatchCounts> {
    check_filter(&filter)?;
    if let Some(b) = &selected {
        check_id(b)?;
    }
    on_core(state, move |c| c.history_batch_counts(&filter, selected.as_deref())).await
}

/// Exact counts of a batch's files a filter matches, and the row of its first failed file.
#[tauri::command(rename_all = "snake_case")]
pub async fn history_file_counts(state: State<'_, AppState>, batch_id: String, filter: Filter) -> Reply<FileCounts> {
    check_filter(&filter)?;
    check_id(&batch_id)?;
    on_core(state, move |c| c.history_file_counts(&batch_id, &filter)).await
}

/// What a batch was given (its sources) and left out: the first `limit`
/// paths excluded and files refused before sending, with their totals.
#[tauri::command(rename_all = "snake_case")]
pub async fn history_inputs(state: State<'_, AppState>, batch_id: String, limit: usize) -> Reply<BatchInputs> {
    check_id(&batch_id)?;
    on_core(state, move |c| c.history_inputs(&batch_id, limit)).await
}

/// Files of one batch (`batch_id`) or of all batches, filtered and paged,
/// each with its object's URL while its destination exists.
#[tauri::command(rename_all = "snake_case")]
pub async fn history_files(state: State<'_, AppState>, batch_id: Option<String>, filter: Filter) -> Reply<Vec<FileRow>> {
    check_filter(&filter)?;
    if let Some(b) = &batch_id {
        check_id(b)?;
    }
    on_core(state, move |c| c.history_files(batch_id.as_deref(), &filter)).await
}

/// What resuming an interrupted batch sends (its files not delivered yet),
/// kept as a plan: the window sends it like any other, with progress,
/// pause and cancel, and the batch goes on under its own id.
#[tauri::command(rename_all = "snake_case")]
pub async fn resume_plan(state: State<'_, AppState>, plans: State<'_, Plans>, batch_id: String) -> Reply<PlanPreview> {
    check_id(&batch_id)?;
    let resumes = batch_id.clone();
    let (destination_id, plan, settings) = on_core(state, move |c| {
        let (did, plan) = c.resume_plan(&batch_id)?;
        let settings = c.get(&did)?.settings;
        Ok((did, plan, settings))
    })
    .await?;
    Ok(plans.keep(destination_id, plan, &settings, Some(resumes)))
}

/// Discard an interrupted batch: abort its open uploads. Returns how many.
#[tauri::command(rename_all = "snake_case")]
pub async fn discard_batch(state: State<'_, AppState>, batch_id: String) -> Reply<usize> {
    check_id(&batch_id)?;
    on_core(state, move |c| c.discard_batch(&batch_id)).await
}

/// A plan (kept by id, previewed like a drop) sending a finished batch's
/// failed files, or all of them, again under the keys they had.
#[tauri::command(rename_all = "snake_case")]
pub async fn history_plan(state: State<'_, AppState>, plans: State<'_, Plans>, batch_id: String, which: Which) -> Reply<PlanPreview> {
    check_id(&batch_id)?;
    let (destination_id, plan, settings) = on_core(state, move |c| {
        let (did, plan) = c.history_plan(&batch_id, which)?;
        let settings = c.get(&did)?.settings;
        Ok((did, plan, settings))
    })
    .await?;
    Ok(plans.keep(destination_id, plan, &settings, None))
}

/// The batch's latest receipt (its objects checked at the destination), if any.
#[tauri::command(rename_all = "snake_case")]
pub async fn history_receipt(state: State<'_, AppState>, batch_id: String) -> Reply<Option<Receipt>> {
    check_id(&batch_id)?;
    on_core(state, move |c| c.batch_receipt(&batch_id)).await
}

/// Check every object a batch delivered again (changed since, missing),
/// off the window's thread, its progress over `on_progress`; the result
/// becomes the batch's receipt.
#[tauri::command(rename_all = "snake_case")]
pub async fn verify_batch(state: State<'_, AppState>, batch_id: String, on_progress: Channel<VerifyProgress>) -> Reply<BatchCheck> {
    check_id(&batch_id)?;
    on_core(state, move |c| {
        // A closed window is no reason to stop; the receipt is kept.
        c.verify_batch(&batch_id, &mut |p| {
            let _ = on_progress.send(p);
        })
    })
    .await
}

/// Delete batches from the history (running and interrupted ones are kept).
#[tauri::command(rename_all = "snake_case")]
pub async fn delete_history(state: State<'_, AppState>, batch_ids: Vec<String>) -> Reply<Deleted> {
    if batch_ids.is_empty() || batch_ids.len() > 1000 {
        return Err(bad_argument("batch_ids", "give between 1 and 1,000 ids"));
    }
    for id in &batch_ids {
        check_id(id)?;
    }
    on_core(state, move |c| c.delete_history(&batch_ids)).await
}

#[derive(Serialize)]
pub struct Retention {
    /// `null`: everything is kept.
    keep_days: Option<u32>,
    /// Batches removed by this change.
    removed: usize,
}

/// Read (`keep_days` absent) or set the retention; setting applies it at once.
#[tauri::command(rename_all = "snake_case")]
pub async fn history_retention(state: State<'_, AppState>, set: bool, keep_days: Option<u32>) -> Reply<Retention> {
    on_core(state, move |c| {
        let removed = if set { c.set_history_keep_days(keep_days)? } else { 0 };
        Ok(Retention { keep_days: c.history_keep_days()?, removed })
    })
    .await
}

#[derive(Serialize)]
pub struct Exported {
    rows: usize,
    path: String,
}

/// Ask where to save (native dialog), then write the CSV there. `None`
/// when the dialog was cancelled.
#[tauri::command(rename_all = "snake_case")]
pub async fn export_history(
    window: WebviewWindow,
    dialogs: State<'_, NativeDialogs>,
    state: State<'_, AppState>,
    filter: Filter,
    rows: CsvRows,
    batch_id: Option<String>,
) -> Reply<Option<Exported>> {
    check_filter(&filter)?;
    if let Some(b) = &batch_id {
        check_id(b)?;
    }
    let name = match rows {
        CsvRows::Batches => "chute-deliveries.csv",
        CsvRows::Files => "chute-files.csv",
    };
    let Some(path) = dialogs.save_path(&window, "Export the history as CSV", name, ("CSV", &["csv"])).await? else {
        return Ok(None);
    };
    let core = state.core()?;
    blocking(move || {
        let n = core.export_history_csv_file(&filter, rows, batch_id.as_deref(), &path).map_err(|e| match e {
            CsvError::Store(e) => chute_core::Error::from(e).reply(),
            CsvError::Io(e) => refusal(
                Code::ExportFailed,
                format!("{} could not be written: {e}.", path.display()),
                "Choose a folder you can write to and try again.",
            ),
        })?;
        Ok(Some(Exported { rows: n, path: path.to_string_lossy().into_owned() }))
    })
    .await
}

/// Show a delivered file's source in the file manager. The path comes from
/// the history, never from the web side.
#[tauri::command(rename_all = "snake_case")]
pub async fn reveal_source(state: State<'_, AppState>, batch_id: String, file_id: i64) -> Reply<()> {
    check_id(&batch_id)?;
    let source = on_core(state, move |c| Ok(c.history_file(file_id)?.filter(|f| f.batch_id == batch_id).map(|f| PathBuf::from(f.source))))
        .await?
        .ok_or_else(|| bad_argument("file_id", "not a file of this delivery"))?;
    if !source.exists() {
        return Err(refusal(
            Code::SourceMissing,
            format!("{} is no longer there.", source.display()),
            "It was moved or deleted since the delivery; the delivered object is not affected.",
        ));
    }
    blocking(move || tauri_plugin_opener::reveal_item_in_dir(&source).map_err(|e| reveal_failed(&source, &e))).await
}

/// Why a file could not be shown, in plain words with its path (the UI
/// offers to copy it). Without a file manager (no session bus, nothing
/// answering for FileManager1 or the desktop portal) that is all there is
/// to say; the raw D-Bus message goes to the log only.
fn reveal_failed(source: &Path, e: &tauri_plugin_opener::Error) -> ErrorReply {
    eprintln!("chute: showing {} in its folder failed: {e}", source.display());
    let path = source.display();
    let (code, message, fix) = match e {
        #[cfg(any(target_os = "linux", target_os = "dragonfly", target_os = "freebsd", target_os = "netbsd", target_os = "openbsd"))]
        tauri_plugin_opener::Error::Zbus(_) => (
            Code::NoFileManager,
            format!("No file manager answered; the file is at `{path}`."),
            "Copy the path and open its folder yourself, or install a file manager (such as Files or Dolphin) so Chute can show it.",
        ),
        _ => (
            Code::RevealFailed,
            format!("The file manager could not show the file; it is at `{path}`."),
            "Copy the path and open its folder yourself.",
        ),
    };
    refusal(code, message, fix)
}
