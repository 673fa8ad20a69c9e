//! Delivery commands: pick paths (native dialog), plan (previewed, paged),
//! start (progress over one channel, throttled and batched), control
//! (cancel, pause, cancel a file), presigned links. Plans live here by id,
//! so a 100,000-file preview is paged, never shipped whole.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chute_core::deliver::existing::ExistingCheck;
use chute_core::deliver::{BatchSummary, Control, DeliveryEvent, FileResult, Plan, PlannedFile, TransferOptions};
use chute_core::destination::Overwrite;
use chute_core::history::Origin;
use chute_core::Code;
use chute_core::{ErrorInfo, ErrorReply};
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, State, WebviewWindow};
use tauri_plugin_notification::NotificationExt;

use crate::commands::{bad_argument, check_id, on_core, Reply};
use crate::dialogs::NativeDialogs;
use crate::AppState;

struct Entry {
    destination_id: String,
    plan: Arc<Plan>,
    control: Control,
}

#[derive(Default)]
pub struct Plans(Mutex<HashMap<String, Entry>>);

impl Plans {
    fn get(&self, id: &str) -> Reply<(String, Arc<Plan>, Control)> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(id).map(|e| (e.destination_id.clone(), e.plan.clone(), e.control.clone())).ok_or_else(plan_gone)
    }
}

fn plan_gone() -> ErrorReply {
    ErrorReply {
        info: ErrorInfo {
            code: Code::PlanNotFound,
            message: "This preview is no longer available.".into(),
            fix: "Drop the files again to make a new preview.".into(),
            field: None,
        },
        problems: vec![],
    }
}

const PREVIEW_ROWS: usize = 200;

#[derive(Serialize)]
pub struct PlanPreview {
    plan_id: String,
    destination_id: String,
    files_total: usize,
    total_bytes: u64,
    /// The first rows; the rest through `plan_page`.
    files: Vec<PlannedFile>,
    excluded: Vec<chute_core::deliver::plan::Excluded>,
    problems: Vec<chute_core::deliver::plan::PlanProblem>,
    collisions: Vec<chute_core::deliver::plan::Collision>,
    confirm: bool,
    overwrite: Overwrite,
    /// Files that go multipart with the default options.
    multipart_files: usize,
}

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
    let paths: Vec<std::path::PathBuf> = paths.into_iter().map(Into::into).collect();
    if paths.iter().any(|p| !p.is_absolute()) {
        return Err(bad_argument("paths", "paths must be absolute"));
    }
    let did = id.clone();
    let (plan, settings) = on_core(state, move |c| Ok((c.plan_delivery(&did, &paths)?, c.get(&did)?.settings))).await?;
    Ok(keep(&plans, id, plan, &settings))
}

/// Keep a plan by a new id and return its preview.
pub(crate) fn keep(plans: &Plans, id: String, plan: Plan, settings: &chute_core::Settings) -> PlanPreview {
    let plan_id = chute_core::new_id();
    let threshold = TransferOptions::default().multipart_threshold;
    let preview = PlanPreview {
        plan_id: plan_id.clone(),
        destination_id: id.clone(),
        files_total: plan.files.len(),
        total_bytes: plan.total_bytes,
        files: plan.files.iter().take(PREVIEW_ROWS).cloned().collect(),
        excluded: plan.excluded.clone(),
        problems: plan.problems.clone(),
        collisions: plan.collisions.clone(),
        confirm: settings.confirm_delivery,
        overwrite: settings.overwrite,
        multipart_files: plan.files.iter().filter(|f| f.size >= threshold).count(),
    };
    plans
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(plan_id, Entry { destination_id: id, plan: Arc::new(plan), control: Control::default() });
    preview
}

/// A new plan with some files of an earlier one (by index), under their
/// original keys: for "Retry failed".
#[tauri::command(rename_all = "snake_case")]
pub async fn retry_plan(state: State<'_, AppState>, plans: State<'_, Plans>, plan_id: String, indexes: Vec<usize>) -> Reply<PlanPreview> {
    check_id(&plan_id)?;
    let (destination_id, plan, _) = plans.get(&plan_id)?;
    if indexes.is_empty() || indexes.iter().any(|i| *i >= plan.files.len()) {
        return Err(bad_argument("indexes", "not files of this plan"));
    }
    let did = destination_id.clone();
    let (new_plan, settings) = on_core(state, move |c| Ok((c.replan(&plan, &indexes), c.get(&did)?.settings))).await?;
    Ok(keep(&plans, destination_id, new_plan, &settings))
}

/// Which of a kept plan's keys already hold an object (asked while the
/// preview is open; nothing is sent).
#[tauri::command(rename_all = "snake_case")]
pub async fn check_existing(state: State<'_, AppState>, plans: State<'_, Plans>, plan_id: String) -> Reply<ExistingCheck> {
    check_id(&plan_id)?;
    let (destination_id, plan, _) = plans.get(&plan_id)?;
    on_core(state, move |c| c.existing_objects(&destination_id, &plan)).await
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
    let (destination_id, plan, _) = plans.get(&plan_id)?;
    if indexes.is_empty() || indexes.iter().any(|i| *i >= plan.files.len()) {
        return Err(bad_argument("indexes", "not files of this plan"));
    }
    if prefix.len() > 1024 || key_template.len() > 1024 {
        return Err(bad_argument("key_template", "longer than 1,024 bytes"));
    }
    let did = destination_id.clone();
    let (new_plan, settings) =
        on_core(state, move |c| Ok((c.rekey_plan(&did, &plan, &indexes, keep_others, &prefix, &key_template)?, c.get(&did)?.settings)))
            .await?;
    Ok(keep(&plans, destination_id, new_plan, &settings))
}

#[tauri::command(rename_all = "snake_case")]
pub fn plan_page(plans: State<'_, Plans>, plan_id: String, offset: usize, limit: usize) -> Reply<Vec<PlannedFile>> {
    check_id(&plan_id)?;
    let (_, plan, _) = plans.get(&plan_id)?;
    let limit = limit.min(1000);
    Ok(plan.files.iter().skip(offset).take(limit).cloned().collect())
}

#[tauri::command(rename_all = "snake_case")]
pub fn discard_plan(plans: State<'_, Plans>, plan_id: String) -> Reply<()> {
    check_id(&plan_id)?;
    plans.0.lock().unwrap_or_else(|p| p.into_inner()).remove(&plan_id);
    Ok(())
}

/// What the progress channel carries: the batch's numbers and the files
/// that finished since the last update, at most ten times a second.
#[derive(Serialize, Clone)]
pub struct Update {
    #[serde(flatten)]
    pub(crate) progress: chute_core::deliver::Progress,
    pub(crate) finished: Vec<Finished>,
}

#[derive(Serialize, Clone)]
pub struct Finished {
    #[serde(flatten)]
    result: FileResult,
    url: String,
}

#[derive(Serialize)]
pub struct Delivered {
    summary: BatchSummary,
    urls: Vec<String>,
}

#[tauri::command(rename_all = "snake_case")]
pub async fn start_delivery(
    app: AppHandle,
    state: State<'_, AppState>,
    plans: State<'_, Plans>,
    plan_id: String,
    origin: Option<Origin>,
    overwrite: Option<Overwrite>,
    on_event: Channel<Update>,
) -> Reply<Delivered> {
    check_id(&plan_id)?;
    let origin = match origin {
        Some(o @ (Origin::Drop | Origin::Dialog | Origin::Retry | Origin::Redeliver)) => o,
        None => Origin::Drop,
        Some(_) => return Err(bad_argument("origin", "expected drop, dialog, retry or redeliver")),
    };
    let (destination_id, plan, control) = plans.get(&plan_id)?;
    let started = Instant::now();
    let did = destination_id.clone();
    let result = on_core(state, move |c| {
        let settings = c.get(&did)?.settings;
        let mut pending: Vec<Finished> = Vec::new();
        let mut on = |e: DeliveryEvent| match e {
            DeliveryEvent::File(r) => {
                let url = chute_core::s3::object_url(&settings, &r.key);
                pending.push(Finished { result: *r, url });
            }
            DeliveryEvent::Progress(progress) => {
                let _ = on_event.send(Update { progress, finished: std::mem::take(&mut pending) });
            }
        };
        // A per-run policy, chosen by the person after seeing which objects exist.
        let opts = TransferOptions { overwrite, ..TransferOptions::default() };
        let summary = c.deliver(&did, &plan, &opts, &control, origin, &mut on)?;
        let urls = summary.files.iter().map(|f| chute_core::s3::object_url(&settings, &f.key)).collect();
        Ok(Delivered { summary, urls })
    })
    .await;
    // The plan stays until discard_plan, so the UI can retry some of its files.
    if let Some(e) = plans.0.lock().unwrap_or_else(|p| p.into_inner()).get_mut(&plan_id) {
        e.control = Control::default();
    }
    if let Ok(d) = &result {
        if started.elapsed() > Duration::from_secs(10) {
            let s = &d.summary;
            let body = if s.failed == 0 {
                format!("{} files delivered.", s.delivered)
            } else {
                format!("{} delivered, {} failed. Open Chute for details.", s.delivered, s.failed)
            };
            let _ = app.notification().builder().title("Chute: delivery finished").body(body).show();
        }
    }
    result
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
    let (_, plan, control) = plans.get(&plan_id)?;
    match action {
        Action::Cancel => control.cancel(),
        Action::Pause => control.pause(true),
        Action::Resume => control.pause(false),
        Action::CancelFile => match index {
            Some(i) if i < plan.files.len() => control.cancel_file(i),
            _ => return Err(bad_argument("index", "no such file in this delivery")),
        },
    }
    Ok(())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn presign_link(state: State<'_, AppState>, id: String, key: String, expires_secs: u64) -> Reply<String> {
    check_id(&id)?;
    if key.is_empty() || key.len() > 1024 {
        return Err(bad_argument("key", "not an object key"));
    }
    if !(60..=7 * 24 * 3600).contains(&expires_secs) {
        return Err(bad_argument("expires_secs", "between one minute and seven days"));
    }
    on_core(state, move |c| c.presign(&id, &key, Duration::from_secs(expires_secs))).await
}

/// Open a delivered object's URL in the default browser. The URL is derived
/// here from the destination and the key; the web side gets no opener.
/// Returns the URL opened.
#[tauri::command(rename_all = "snake_case")]
pub async fn open_object_url(state: State<'_, AppState>, id: String, key: String) -> Reply<String> {
    check_id(&id)?;
    if key.is_empty() || key.len() > 1024 {
        return Err(bad_argument("key", "not an object key"));
    }
    let url = on_core(state, move |c| c.object_url(&id, &key)).await?;
    let opened = url.clone();
    tauri::async_runtime::spawn_blocking(move || tauri_plugin_opener::open_url(&opened, None::<&str>))
        .await
        .map_err(crate::internal)?
        .map_err(|_| ErrorReply {
            info: ErrorInfo {
                code: Code::BrowserUnavailable,
                message: format!("No web browser opened {url}."),
                fix: "Copy the link and open it in your browser; check that a default browser is set.".into(),
                field: None,
            },
            problems: vec![],
        })?;
    Ok(url)
}
