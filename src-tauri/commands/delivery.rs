//! Delivery: pick paths (native dialog), plan and preview (paged), re-plan
//! for a retry or under new keys, which keys exist, then send a kept plan
//! (files, or the rest of an interrupted batch: one job either way) with
//! its progress over one channel (and to the tray, through `activity`),
//! and pause or cancel it while it runs; its end notifies as set (`notify`).
//! Plans for several destinations can be made one drop (`group_plans`).
//! The overall bandwidth limit every delivery shares is read and set here.

use std::path::PathBuf;
use std::time::Instant;

use chute_core::{BatchSummary, DeliveryEvent, ExistingCheck, FileResult, Origin, Overwrite, PlannedFile, Progress};
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State, WebviewWindow};

use crate::activity::Activity;
use crate::dialogs::NativeDialogs;
use crate::ipc::{bad_argument, check_id, check_text, on_core, Reply};
use crate::plans::{PlanPreview, Plans};
use crate::state::AppState;
use crate::{notify, tray};

/// Native file or folder dialog (awaited: the window keeps answering).
#[tauri::command(rename_all = "snake_case")]
pub async fn pick_paths(window: WebviewWindow, dialogs: State<'_, NativeDialogs>, kind: String) -> Reply<Vec<String>> {
    let folders = match kind.as_str() {
        "files" => false,
        "folder" => true,
        _ => return Err(bad_argument("kind", "expected `files` or `folder`")),
    };
    let paths = dialogs.pick_paths(&window, folders).await?;
    Ok(paths.into_iter().map(|p| p.to_string_lossy().into_owned()).collect())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn plan_delivery(state: State<'_, AppState>, plans: State<'_, Plans>, id: String, paths: Vec<String>) -> Reply<PlanPreview> {
    check_id(&id)?;
    if paths.is_empty() || paths.len() > 10_000 {
        return Err(bad_argument("paths", "give between 1 and 10,000 paths"));
    }
    let paths: Vec<PathBuf> = paths.into_iter().map(Into::into).collect();
    if paths.iter().any(|p| !p.is_absolute()) {
        return Err(bad_argument("paths", "paths must be absolute"));
    }
    let did = id.clone();
    let (plan, settings) = on_core(state, move |c| Ok((c.plan_delivery(&did, &paths)?, c.get(&did)?.settings))).await?;
    Ok(plans.keep(id, plan, &settings, None))
}

fn check_indexes(indexes: &[usize], files: usize) -> Reply<()> {
    if indexes.is_empty() || indexes.iter().any(|i| *i >= files) {
        return Err(bad_argument("indexes", "not files of this plan"));
    }
    Ok(())
}

/// A new plan with some files of an earlier one (by index), under their
/// original keys: for "Retry failed".
#[tauri::command(rename_all = "snake_case")]
pub async fn retry_plan(state: State<'_, AppState>, plans: State<'_, Plans>, plan_id: String, indexes: Vec<usize>) -> Reply<PlanPreview> {
    check_id(&plan_id)?;
    let kept = plans.get(&plan_id)?;
    check_indexes(&indexes, kept.plan.files.len())?;
    let did = kept.destination_id.clone();
    let (plan, settings) = on_core(state, move |c| Ok((c.replan(&kept.plan, &indexes), c.get(&kept.destination_id)?.settings))).await?;
    Ok(plans.keep(did, plan, &settings, None))
}

/// Which of a kept plan's keys already hold an object (asked while the
/// preview is open; nothing is sent).
#[tauri::command(rename_all = "snake_case")]
pub async fn check_existing(state: State<'_, AppState>, plans: State<'_, Plans>, plan_id: String) -> Reply<ExistingCheck> {
    check_id(&plan_id)?;
    let kept = plans.get(&plan_id)?;
    on_core(state, move |c| c.existing_objects(&kept.destination_id, &kept.plan)).await
}

/// A new plan with some files of a kept one under new keys (another prefix
/// and/or key template, for this delivery only); with `keep_others` the
/// plan's other files come along unchanged. Previewed like a drop.
#[tauri::command(rename_all = "snake_case")]
pub async fn rekey_plan(
    state: State<'_, AppState>,
    plans: State<'_, Plans>,
    plan_id: String,
    indexes: Vec<usize>,
    keep_others: bool,
    prefix: String,
    key_template: String,
) -> Reply<PlanPreview> {
    check_id(&plan_id)?;
    let kept = plans.get(&plan_id)?;
    check_indexes(&indexes, kept.plan.files.len())?;
    check_text("prefix", &prefix, 1024)?;
    check_text("key_template", &key_template, 1024)?;
    let did = kept.destination_id.clone();
    let (plan, settings) = on_core(state, move |c| {
        let d = &kept.destination_id;
        Ok((c.rekey_plan(d, &kept.plan, &indexes, keep_others, &prefix, &key_template)?, c.get(d)?.settings))
    })
    .await?;
    Ok(plans.keep(did, plan, &settings, None))
}

/// Make kept plans (each previewed, for distinct destinations) one drop
/// sent to several destinations: each is then sent on its own, and their
/// batches are one group in the history. Returns the group's id.
#[tauri::command(rename_all = "snake_case")]
pub fn group_plans(plans: State<'_, Plans>, plan_ids: Vec<String>) -> Reply<String> {
    if plan_ids.len() < 2 || plan_ids.len() > 100 {
        return Err(bad_argument("plan_ids", "give between 2 and 100 plans"));
    }
    for id in &plan_ids {
        check_id(id)?;
    }
    plans.group(&plan_ids)
}

#[tauri::command(rename_all = "snake_case")]
pub fn plan_page(plans: State<'_, Plans>, plan_id: String, offset: usize, limit: usize) -> Reply<Vec<PlannedFile>> {
    check_id(&plan_id)?;
    let kept = plans.get(&plan_id)?;
    Ok(kept.plan.files.iter().skip(offset).take(limit.min(1000)).cloned().collect())
}

#[tauri::command(rename_all = "snake_case")]
pub fn discard_plan(plans: State<'_, Plans>, plan_id: String) -> Reply<()> {
    check_id(&plan_id)?;
    plans.discard(&plan_id);
    Ok(())
}

/// What the progress channel carries: the batch's numbers and the files
/// that finished since the last update, at most ten times a second.
#[derive(Serialize)]
pub struct Update {
    #[serde(flatten)]
    progress: Progress,
    finished: Vec<FileResult>,
}

/// Send a kept plan. `origin` and `overwrite` (a policy for this run only,
/// chosen after seeing which objects exist) apply to new batches; a resume
/// continues its batch as it was.
#[tauri::command(rename_all = "snake_case")]
pub async fn start_delivery(
    app: AppHandle,
    state: State<'_, AppState>,
    plans: State<'_, Plans>,
    plan_id: String,
    origin: Option<Origin>,
    overwrite: Option<Overwrite>,
    on_event: Channel<Update>,
) -> Reply<BatchSummary> {
    check_id(&plan_id)?;
    let kept = plans.get(&plan_id)?;
    let origin = match (origin, &kept.resumes) {
        (Some(o @ (Origin::Drop | Origin::Dialog | Origin::Retry | Origin::Redeliver)), None) => o,
        (None, None) => Origin::Drop,
        (Some(Origin::Resume) | None, Some(_)) => Origin::Resume,
        _ => return Err(bad_argument("origin", "expected drop, dialog, retry or redeliver; resume only for an interrupted delivery")),
    };
    let job = kept.job(origin, overwrite);
    let started = Instant::now();
    app.state::<Activity>().started(&plan_id, kept.plan.files.len(), kept.plan.total_bytes);
    tray::refresh(&app);
    let (progress_app, progress_plan) = (app.clone(), plan_id.clone());
    let result = on_core(state, move |c| {
        let mut finished: Vec<FileResult> = Vec::new();
        let activity = progress_app.state::<Activity>();
        let mut on = |e: DeliveryEvent| match e {
            DeliveryEvent::File(r) => finished.push(*r),
            DeliveryEvent::Progress(progress) => {
                activity.progress(&progress_plan, &progress);
                // A closed window is no reason to stop; the history keeps the batch.
                let _ = on_event.send(Update { progress, finished: std::mem::take(&mut finished) });
            }
        };
        let summary = c.run(&job, &kept.control, &mut on)?;
        let destination = c.get(&kept.destination_id).map(|d| d.settings.name).unwrap_or_else(|_| "its destination".into());
        Ok((summary, destination))
    })
    .await;
    app.state::<Activity>().ended(&plan_id);
    plans.ended(&plan_id);
    tray::refresh(&app);
    let (summary, destination) = result?;
    notify::on_delivery_ended(&app, &destination, &summary, started.elapsed());
    Ok(summary)
}

/// The overall bandwidth limit in bytes per second (`null`: none).
#[tauri::command(rename_all = "snake_case")]
pub async fn bandwidth_limit(state: State<'_, AppState>) -> Reply<Option<u64>> {
    on_core(state, |c| c.bandwidth_limit()).await
}

/// Set the overall limit as typed (`8 MB/s`; empty removes it): the core
/// checks it, and deliveries under way follow at once.
#[tauri::command(rename_all = "snake_case")]
pub async fn set_bandwidth_limit(state: State<'_, AppState>, limit: String) -> Reply<Option<u64>> {
    check_text("limit", &limit, 100)?;
    on_core(state, move |c| c.set_bandwidth_limit(&limit)).await
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Cancel,
    Pause,
    Resume,
    CancelFile,
}

#[tauri::command(rename_all = "snake_case")]
pub fn control_delivery(plans: State<'_, Plans>, plan_id: String, action: Action, index: Option<usize>) -> Reply<()> {
    check_id(&plan_id)?;
    let kept = plans.get(&plan_id)?;
    match action {
        Action::Cancel => kept.control.cancel(),
        Action::Pause => kept.control.pause(true),
        Action::Resume => kept.control.pause(false),
        Action::CancelFile => match index {
            Some(i) if i < kept.plan.files.len() => kept.control.cancel_file(i),
            _ => return Err(bad_argument("index", "no such file in this delivery")),
        },
    }
    Ok(())
}
