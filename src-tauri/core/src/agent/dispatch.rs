//! Sending what the journal holds: the due files of one watch for one
//! destination become one delivery (the same `Job` every front end runs,
//! with origin "watch"), on a thread of its own so each destination runs
//! and fails on its own; each file's result goes back into the journal,
//! to be retried with a growing pause or given up with its diagnosis; a
//! file landed everywhere is then kept, moved or deleted as chosen.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::Arc;

use super::events::WatchEvent;
use super::outcome::{fail, gives_up, retry_later, Outgoing};
use super::Msg;
use crate::app::{Chute, Job};
use crate::deliver::plan::mtime_ms;
use crate::deliver::{self, Control, DeliveryEvent, FileResult, FileStatus};
use crate::report::{Code, ErrorInfo, Origin, UserError};
use crate::watch::journal::{self, Ended, Queued};
use crate::watch::{After, Watch, DELIVERED_FOLDER};

/// At most this many files in one delivery; the rest go in the next.
const BATCH_LIMIT: usize = 1_000;

/// One file of a watch's delivery has its result (sent as it comes, so
/// the journal and the events follow file by file).
pub struct FileDone {
    pub watch_id: String,
    pub destination_id: String,
    /// The journal rows the file carried (several for a combined object).
    rows: Vec<Queued>,
    bundle: Option<String>,
    result: FileResult,
}

/// A delivery of one watch to one destination, finished: the files it
/// never reached, and why.
pub struct Finished {
    pub watch_id: String,
    pub destination_id: String,
    /// Every journal row of the delivery, for its batch id.
    ids: Vec<i64>,
    /// The rows without a result.
    left: Vec<Queued>,
    run: Result<Option<String>, ErrorInfo>,
}

/// Start delivering the due files of `w` to `destination_id`, if any;
/// returns the delivery's control, or `None` when nothing was due.
pub fn start(
    chute: &Arc<Chute>,
    w: &Watch,
    destination_id: &str,
    now: i64,
    tx: &Sender<Msg>,
    emit: &mut dyn FnMut(WatchEvent),
) -> Option<Control> {
    let due = chute.with_conn(|c| journal::due(c, &w.id, destination_id, now, BATCH_LIMIT)).ok()?;
    if due.is_empty() {
        return None;
    }
    let refused = |info: ErrorInfo, emit: &mut dyn FnMut(WatchEvent)| {
        for q in &due {
            retry_later(chute, w, destination_id, q, q.attempts + 1, info.clone(), now, emit);
        }
    };
    let settings = match chute.get(destination_id) {
        Ok(d) if d.settings.active => d.settings,
        Ok(d) => {
            let info = ErrorInfo::new(
                Code::DestinationPaused,
                format!("\"{}\" is paused, so the files of \"{}\" for it wait.", d.settings.name, w.settings.name),
                format!(
                    "Resume \"{}\" (in the window, or `chute destination edit \"{}\" --active`); the files go within seconds.",
                    d.settings.name, d.settings.name
                ),
            );
            refused(info, emit);
            return None;
        }
        Err(crate::app::Error::NotFound(_)) => {
            let info = ErrorInfo::new(
                Code::DestinationDeleted,
                format!("A destination of \"{}\" was deleted, so its files for it wait.", w.settings.name),
                "Edit the watch and choose another destination, or remove the deleted one from it.",
            );
            refused(info, emit);
            return None;
        }
        Err(e) => {
            refused(e.info(), emit);
            return None;
        }
    };
    let outgoing = match &w.settings.batch {
        Some(batching) => super::bundle::outgoing(chute, w, destination_id, &settings, batching, due, now, emit)?,
        None => each_file(chute, w, destination_id, &settings, due, now, emit)?,
    };
    send(chute, w, destination_id, outgoing, tx)
}

/// Every due file as an object of its own, keyed by the destination's template.
fn each_file(
    chute: &Chute,
    w: &Watch,
    destination_id: &str,
    settings: &crate::destination::Settings,
    due: Vec<Queued>,
    now: i64,
    emit: &mut dyn FnMut(WatchEvent),
) -> Option<Outgoing> {
    let folder = &w.settings.folder;
    let paths: Vec<PathBuf> = due.iter().map(|q| folder.join(&q.relpath)).collect();
    let mut plan = deliver::plan_files(settings, folder, &paths, time::OffsetDateTime::now_utc());
    let by_path: HashMap<PathBuf, &Queued> = paths.iter().cloned().zip(due.iter()).collect();
    // Files gone or unreadable since they settled.
    for p in &plan.problems {
        if let Some(q) = by_path.get(&p.path) {
            let info = ErrorInfo::new(p.code, p.message.clone(), p.fix.clone());
            if gives_up(p.code) {
                fail(chute, w, destination_id, q, info, now, emit);
            } else {
                retry_later(chute, w, destination_id, q, q.attempts + 1, info, now, emit);
            }
        }
    }
    // A retry keeps the key its first attempt had: a file that landed unrecorded is not written twice.
    for f in &mut plan.files {
        let first_key = by_path.get(f.source().as_ref()).and_then(|q| q.key.clone());
        if let Some(key) = first_key {
            f.key = key;
        }
    }
    plan.collisions = deliver::plan::collisions(&plan.files);
    let colliding: std::collections::HashSet<String> = plan.collisions.iter().map(|c| c.key.clone()).collect();
    let (files, clashing): (Vec<_>, Vec<_>) = std::mem::take(&mut plan.files).into_iter().partition(|f| !colliding.contains(&f.key));
    for f in clashing {
        if let Some(q) = by_path.get(f.source().as_ref()) {
            let info = ErrorInfo::new(
                Code::KeyCollision,
                format!("Another file of this watch renders to the same key `{}`.", f.key),
                "Edit the destination's key template so every file gets its own key (e.g. add {relpath} or {uuid}).",
            );
            fail(chute, w, destination_id, q, info, now, emit);
        }
    }
    plan.files = files;
    plan.collisions.clear();
    plan.problems.clear();
    plan.total_bytes = plan.files.iter().map(|f| f.size).sum();
    if plan.files.is_empty() {
        return None;
    }
    let groups: Vec<Vec<Queued>> = plan.files.iter().filter_map(|f| by_path.get(f.source().as_ref()).map(|q| vec![(*q).clone()])).collect();
    Some(Outgoing { plan, groups, bundle: None })
}

/// Mark the rows as going out under their keys, and run the delivery on a
/// thread of its own, telling the runner of each file as it ends.
fn send(chute: &Arc<Chute>, w: &Watch, destination_id: &str, out: Outgoing, tx: &Sender<Msg>) -> Option<Control> {
    let Outgoing { plan, groups, bundle } = out;
    let sending: Vec<(i64, String)> = groups.iter().zip(&plan.files).flat_map(|(g, f)| g.iter().map(|q| (q.id, f.key.clone()))).collect();
    if chute.with_conn(|c| journal::mark_sending(c, &sending, bundle.as_deref())).is_err() {
        return None;
    }
    // A file that landed before a crash, unrecorded, is found at its key and counted as delivered.
    let options = deliver::TransferOptions { resuming: true, ..Default::default() };
    let job = Job::Plan { destination_id: destination_id.to_string(), plan: Arc::new(plan), origin: Origin::Watch, options };
    let control = Control::default();
    let (chute, ctl, tx) = (chute.clone(), control.clone(), tx.clone());
    let (watch_id, destination_id) = (w.id.clone(), destination_id.to_string());
    std::thread::Builder::new()
        .name("chute-watch-delivery".into())
        .spawn(move || {
            let mut reached = vec![false; groups.len()];
            let run = chute.run(&job, &ctl, &mut |e| {
                if let DeliveryEvent::File(f) = e {
                    if let Some(rows) = groups.get(f.index) {
                        reached[f.index] = true;
                        let done = FileDone {
                            watch_id: watch_id.clone(),
                            destination_id: destination_id.clone(),
                            rows: rows.clone(),
                            bundle: bundle.clone(),
                            result: *f,
                        };
                        let _ = tx.send(Msg::File(Box::new(done)));
                    }
                }
            });
            let ids = groups.iter().flatten().map(|q| q.id).collect();
            let left = groups.into_iter().zip(reached).filter(|(_, r)| !r).flat_map(|(g, _)| g).collect();
            let run = run.map(|s| s.batch_id).map_err(|e| e.info());
            let _ = tx.send(Msg::Finished(Finished { watch_id, destination_id, ids, left, run }));
        })
        .ok()?;
    Some(control)
}

/// Put one file's result into the journal; a file that landed everywhere
/// is then kept, moved or deleted as chosen.
pub fn file_done(chute: &Chute, w: Option<&Watch>, f: FileDone, stopping: bool, now: i64, emit: &mut dyn FnMut(WatchEvent)) {
    let Some(w) = w else {
        return; // removed meanwhile: its journal went with it
    };
    let r = &f.result;
    if let Some(bundle) = &f.bundle {
        if matches!(r.status, FileStatus::Delivered)
            || (r.status == FileStatus::Failed && r.error.as_ref().is_some_and(|e| gives_up(e.code)))
        {
            super::bundle::forget(chute, bundle);
        }
    }
    for q in &f.rows {
        row_done(chute, w, &f.destination_id, q, r, stopping, now, emit);
    }
}

#[allow(clippy::too_many_arguments)]
fn row_done(
    chute: &Chute,
    w: &Watch,
    destination_id: &str,
    q: &Queued,
    r: &FileResult,
    stopping: bool,
    now: i64,
    emit: &mut dyn FnMut(WatchEvent),
) {
    match r.status {
        FileStatus::Delivered => {
            let _ = chute.with_conn(|c| journal::finish(c, q.id, &Ended::Delivered { batch_id: None }, now));
            emit(WatchEvent::Delivered {
                watch: w.id.clone(),
                destination: destination_id.to_string(),
                path: q.relpath.clone(),
                key: r.key.clone(),
                url: r.url.clone(),
            });
            after_landing(chute, w, q, emit);
        }
        FileStatus::Skipped => {
            let info = ErrorInfo::new(
                Code::AlreadyExists,
                format!("An object already exists at `{}`; the destination's policy keeps it, so this content was not sent.", r.key),
                "Use a key template with {date}, {time} or {uuid} so each version gets its own key, or let the destination overwrite.",
            );
            fail(chute, w, destination_id, q, info, now, emit);
        }
        FileStatus::Failed => {
            let info = r
                .error
                .as_ref()
                .map(|e| ErrorInfo::new(e.code, e.message.clone(), e.fix.clone()))
                .unwrap_or_else(|| ErrorInfo::new(Code::UploadFailed, "The file was not delivered.", "It is tried again."));
            if gives_up(info.code) {
                fail(chute, w, destination_id, q, info, now, emit);
            } else {
                retry_later(chute, w, destination_id, q, q.attempts + 1, info, now, emit);
            }
        }
        // Cancelled as the runner stops: it waits for the next run.
        FileStatus::Cancelled if stopping => {
            let _ = chute.with_conn(|c| journal::finish(c, q.id, &Ended::Stopped, now));
        }
        FileStatus::Cancelled => {
            let info = ErrorInfo::new(Code::Cancelled, "The delivery of this file was cancelled.", "It is tried again.");
            retry_later(chute, w, destination_id, q, q.attempts + 1, info, now, emit);
        }
    }
}

/// A delivery ended: its rows get the batch's id, and the files it never
/// reached wait again (for a retry, or for the next run when stopping).
pub fn finished(chute: &Chute, w: Option<&Watch>, f: Finished, stopping: bool, now: i64, emit: &mut dyn FnMut(WatchEvent)) {
    let Some(w) = w else { return };
    if let Ok(Some(batch_id)) = &f.run {
        let _ = chute.with_conn(|c| journal::set_batch(c, &f.ids, batch_id));
    }
    for q in &f.left {
        if stopping {
            let _ = chute.with_conn(|c| journal::finish(c, q.id, &Ended::Stopped, now));
            continue;
        }
        let info = match &f.run {
            Err(e) => e.clone(),
            Ok(_) => ErrorInfo::new(Code::Cancelled, "The delivery stopped before this file.", "It is tried again."),
        };
        retry_later(chute, w, &f.destination_id, q, q.attempts + 1, info, now, emit);
    }
}

/// Once a file's content is confirmed at every destination of its watch,
/// move it into `delivered/` or delete it, as chosen, and only if it is
/// still that content (same size and modification time).
fn after_landing(chute: &Chute, w: &Watch, q: &Queued, emit: &mut dyn FnMut(WatchEvent)) {
    if w.settings.after == After::Keep {
        return;
    }
    let landed = chute.with_conn(|c| journal::landed_everywhere(c, &w.id, &q.relpath, &q.checksum, &w.settings.destinations));
    if !matches!(landed, Ok(true)) {
        return;
    }
    let path = w.settings.folder.join(&q.relpath);
    let unchanged = std::fs::metadata(&path).ok().is_some_and(|m| m.len() == q.size && mtime_ms(&m) == q.mtime_ms);
    if !unchanged {
        return; // changed since: the new content is delivered on its own
    }
    let problem = |what: &str, e: std::io::Error| {
        ErrorInfo::new(
            Code::PermissionDenied,
            format!("{} was delivered but could not be {what}: {e}.", path.display()),
            "Give yourself write permission on the watched folder; the file stays where it is meanwhile.",
        )
    };
    match w.settings.after {
        After::Move => {
            let to = w.settings.folder.join(DELIVERED_FOLDER).join(&q.relpath);
            let moved = to.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|_| std::fs::rename(&path, &to));
            match moved {
                Ok(()) => emit(WatchEvent::Moved { watch: w.id.clone(), path: q.relpath.clone(), to: to.to_string_lossy().into() }),
                Err(e) => emit(WatchEvent::Problem { watch: w.id.clone(), error: problem("moved", e) }),
            }
        }
        After::Delete => match std::fs::remove_file(&path) {
            Ok(()) => emit(WatchEvent::Deleted { watch: w.id.clone(), path: q.relpath.clone() }),
            Err(e) => emit(WatchEvent::Problem { watch: w.id.clone(), error: problem("deleted", e) }),
        },
        After::Keep => {}
    }
}

/// Whether `path` is inside the folder a watch moves delivered files into.
pub fn in_delivered_folder(w: &Watch, path: &Path) -> bool {
    w.settings.after == After::Move && path.starts_with(w.settings.folder.join(DELIVERED_FOLDER))
}
