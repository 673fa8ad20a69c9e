//! The runner of watches: it watches every active watch's folder through
//! the OS, waits for each changed file to settle, notes it in the watch
//! journal, and delivers what the journal holds through the one delivery
//! path, retrying with a growing pause when a destination cannot take it.
//! The window hosts it, or `chute watch run` does; a lock in the data
//! folder keeps it to one per data folder. Nothing it knows lives only in
//! memory: a file settles again after a restart, and the journal says what
//! was delivered, so nothing is lost and nothing sent twice.

mod bundle;
mod dispatch;
mod events;
mod folders;
mod outcome;

pub use events::WatchEvent;
pub use outcome::backoff_ms;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::app::{now_ms, Chute, Error, Result};
use crate::deliver::Control;
use crate::report::{Code, ErrorInfo};
use crate::watch::{journal, lock, names, settle::Settle, stored, Existing, Watch};

/// How often the runner looks at settling files, due retries and the watches' settings.
const TICK: Duration = Duration::from_millis(200);
const RECONCILE_EVERY: Duration = Duration::from_secs(1);

/// Asks a running runner to stop: once, deliveries under way finish first;
/// twice, they are cancelled (their files wait in the journal).
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<AtomicU8>);

impl Stop {
    pub fn request(&self) {
        let _ = self.0.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |v| Some((v + 1).min(2)));
    }
    fn level(&self) -> u8 {
        self.0.load(Ordering::SeqCst)
    }
}

pub(crate) enum Msg {
    Changed(folders::Changed),
    File(Box<dispatch::FileDone>),
    Finished(dispatch::Finished),
}

struct Active {
    watch: Watch,
    _watcher: folders::FolderWatcher,
    settle: Settle,
}

/// Run every active watch until `stop` is requested. `who` names this
/// runner to a second one ("chute watch run", "the Chute window").
pub fn run(chute: Arc<Chute>, who: &str, stop: &Stop, on_event: &mut dyn FnMut(WatchEvent)) -> Result<()> {
    let _lock = lock::acquire(chute.data_dir(), who, now_ms()).map_err(|e| match e {
        lock::LockError::Held(h) => Error::Watch(ErrorInfo::new(
            Code::WatchRunnerBusy,
            format!("Watches are already run by {} (pid {}); two runners would deliver files twice.", h.who, h.pid),
            format!(
                "Stop the other one first ({}), or let it run: it delivers every watch.",
                if h.who.contains("window") { "quit the Chute window".to_string() } else { format!("`kill {}`", h.pid) }
            ),
        )),
        lock::LockError::Io { path, source } => Error::Watch(ErrorInfo::new(
            Code::WatchSetupFailed,
            format!("Cannot use {}: {source}.", path.display()),
            "Make the data folder writable, then start again.",
        )),
    })?;
    let mut runner = Runner { chute, active: HashMap::new(), in_flight: HashMap::new(), problems: HashMap::new() };
    runner.recover();
    let (tx, rx) = mpsc::channel::<Msg>();
    let mut last_reconcile: Option<Instant> = None;
    let mut said_stopping = false;
    loop {
        let level = stop.level();
        if level == 0 && last_reconcile.is_none_or(|t| t.elapsed() >= RECONCILE_EVERY) {
            runner.reconcile(&tx, on_event);
            last_reconcile = Some(Instant::now());
        }
        if let Ok(msg) = rx.recv_timeout(TICK) {
            runner.handle(msg, level > 0, on_event);
            while let Ok(msg) = rx.try_recv() {
                runner.handle(msg, level > 0, on_event);
            }
        }
        if level > 0 {
            if !said_stopping {
                on_event(WatchEvent::Stopping { in_flight: runner.in_flight.len() });
                runner.unwatch_all("the runner stops", on_event);
                said_stopping = true;
            }
            if level > 1 {
                runner.in_flight.values().for_each(Control::cancel);
            }
            if runner.in_flight.is_empty() {
                break;
            }
            continue;
        }
        runner.settle_files(on_event);
        runner.dispatch(&tx, on_event);
    }
    on_event(WatchEvent::Stopped);
    Ok(())
}

struct Runner {
    chute: Arc<Chute>,
    active: HashMap<String, Active>,
    /// Deliveries under way, by (watch, destination).
    in_flight: HashMap<(String, String), Control>,
    /// Watches the runner cannot watch now, with the problem said.
    problems: HashMap<String, ErrorInfo>,
}

impl Runner {
    /// After a stop or a crash: files left `sending` wait again under their
    /// keys, and open uploads of interrupted watch deliveries are aborted.
    fn recover(&mut self) {
        let _ = self.chute.with_conn(|c| journal::requeue_sending(c, now_ms()));
        let interrupted = self.chute.with_conn(|c| crate::history::interrupted_ids(c, crate::report::Origin::Watch)).unwrap_or_default();
        for id in interrupted {
            // Offline now: the batch stays interrupted and is tried at the next start.
            let _ = self.chute.discard_batch(&id);
        }
    }

    /// Follow the stored watches: start new and resumed ones, stop paused
    /// and removed ones, restart changed ones, notice folders gone and back.
    fn reconcile(&mut self, tx: &mpsc::Sender<Msg>, emit: &mut dyn FnMut(WatchEvent)) {
        let Ok(watches) = self.chute.watches() else { return };
        let wanted: HashMap<String, Watch> = watches.into_iter().filter(|w| !w.settings.paused).map(|w| (w.id.clone(), w)).collect();
        let gone: Vec<String> = self.active.keys().filter(|id| !wanted.contains_key(*id)).cloned().collect();
        for id in gone {
            if let Some(a) = self.active.remove(&id) {
                emit(WatchEvent::Unwatched { watch: id, name: a.watch.settings.name, reason: "paused or removed".into() });
            }
        }
        self.problems.retain(|id, _| wanted.contains_key(id));
        for (id, w) in wanted {
            if let Some(a) = self.active.get(&id) {
                if a.watch.settings == w.settings && w.settings.folder.is_dir() {
                    self.active.get_mut(&id).expect("present").watch = w;
                    continue;
                }
                let a = self.active.remove(&id).expect("present");
                let reason = if a.watch.settings == w.settings { "its folder is gone" } else { "its settings changed" };
                emit(WatchEvent::Unwatched { watch: id.clone(), name: w.settings.name.clone(), reason: reason.into() });
            }
            self.start_watch(w, tx, emit);
        }
    }

    fn start_watch(&mut self, w: Watch, tx: &mpsc::Sender<Msg>, emit: &mut dyn FnMut(WatchEvent)) {
        let folder = w.settings.folder.clone();
        let started = if folder.is_dir() {
            folders::watch(&w.id, &folder, w.settings.recursive, tx.clone())
        } else {
            Err(folders::folder_gone(&folder))
        };
        let watcher = match started {
            Ok(x) => x,
            Err(problem) => {
                if self.problems.get(&w.id) != Some(&problem) {
                    let _ = self
                        .chute
                        .with_conn(|c| stored::set_problem(c, &w.id, Some(&stored::WatchProblemNow::new(problem.clone(), now_ms()))));
                    emit(WatchEvent::Problem { watch: w.id.clone(), error: problem.clone() });
                    self.problems.insert(w.id.clone(), problem);
                }
                return;
            }
        };
        if self.problems.remove(&w.id).is_some() {
            let _ = self.chute.with_conn(|c| stored::set_problem(c, &w.id, None));
        }
        emit(WatchEvent::Watching {
            watch: w.id.clone(),
            name: w.settings.name.clone(),
            folder: folder.to_string_lossy().into(),
            polling: watcher.polling.clone(),
        });
        let mut settle = Settle::new(Duration::from_millis(w.settings.settle_ms));
        // Files already there: on the first start as chosen; on every later
        // start they settle again, and the journal skips what was delivered.
        let existing = folders::files(&folder, w.settings.recursive, |dir| self.skip(&w, dir).is_some());
        let now = Instant::now();
        if w.started_at.is_none() && w.settings.existing == Existing::NewOnly {
            let at = now_ms();
            let _ = self.chute.with_conn(|c| -> std::result::Result<(), crate::store::StoreError> {
                let tx = c.transaction()?;
                for p in &existing {
                    if let (Some(rel), Ok(m)) = (crate::watch::relpath(&folder, p), std::fs::metadata(p)) {
                        journal::note_baseline(
                            &tx,
                            &w.id,
                            &w.settings.destinations,
                            &rel,
                            (m.len(), crate::deliver::plan::mtime_ms(&m)),
                            at,
                        )?;
                    }
                }
                tx.commit()?;
                Ok(())
            });
            emit(WatchEvent::Existing { watch: w.id.clone(), files: existing.len() as u64, delivered: false });
        } else {
            if w.started_at.is_none() {
                emit(WatchEvent::Existing { watch: w.id.clone(), files: existing.len() as u64, delivered: true });
            }
            for p in existing.into_iter().filter(|p| self.skip(&w, p).is_none()) {
                settle.touch(p, now);
            }
        }
        if w.started_at.is_none() {
            let _ = self.chute.with_conn(|c| stored::mark_started(c, &w.id, now_ms()));
        }
        self.active.insert(w.id.clone(), Active { watch: w, _watcher: watcher, settle });
    }

    /// A watch as last read (active), else as stored (paused meanwhile), if it still exists.
    fn watch(&self, id: &str) -> Option<Watch> {
        self.active.get(id).map(|a| a.watch.clone()).or_else(|| self.chute.get_watch(id).ok())
    }

    /// Why a path of a watch is not delivered, if it is not.
    fn skip(&self, w: &Watch, path: &Path) -> Option<String> {
        if dispatch::in_delivered_folder(w, path) {
            return Some("delivered already (moved here after landing)".into());
        }
        let rel = crate::watch::relpath(&w.settings.folder, path)?;
        names::skip_reason(&rel, &[])
    }

    fn unwatch_all(&mut self, reason: &str, emit: &mut dyn FnMut(WatchEvent)) {
        for (id, a) in self.active.drain() {
            emit(WatchEvent::Unwatched { watch: id, name: a.watch.settings.name, reason: reason.into() });
        }
    }

    fn handle(&mut self, msg: Msg, stopping: bool, emit: &mut dyn FnMut(WatchEvent)) {
        match msg {
            Msg::Changed(c) => {
                let now = Instant::now();
                let Some(a) = self.active.get(&c.watch_id) else { return };
                let w = a.watch.clone();
                let mut touched: Vec<PathBuf> = vec![];
                for p in c.paths {
                    if self.skip(&w, &p).is_some() || (!w.settings.recursive && p.parent() != Some(w.settings.folder.as_path())) {
                        continue;
                    }
                    if p.is_dir() {
                        // A folder moved in brings files that raise no event of their own.
                        if w.settings.recursive {
                            touched.extend(folders::files(&p, true, |d| self.skip(&w, d).is_some()));
                        }
                    } else {
                        touched.push(p);
                    }
                }
                if let Some(a) = self.active.get_mut(&c.watch_id) {
                    for p in touched {
                        a.settle.touch(p, now);
                    }
                }
            }
            Msg::File(f) => {
                let w = self.watch(&f.watch_id);
                dispatch::file_done(&self.chute, w.as_ref(), *f, stopping, now_ms(), emit);
            }
            Msg::Finished(f) => {
                self.in_flight.remove(&(f.watch_id.clone(), f.destination_id.clone()));
                let w = self.watch(&f.watch_id);
                dispatch::finished(&self.chute, w.as_ref(), f, stopping, now_ms(), emit);
            }
        }
    }

    /// Note every file that has settled in the journal, for each destination
    /// whose ignore list lets it through.
    fn settle_files(&mut self, emit: &mut dyn FnMut(WatchEvent)) {
        let now = Instant::now();
        let look = |p: &Path| std::fs::metadata(p).ok().filter(|m| m.is_file()).map(|m| (m.len(), crate::deliver::plan::mtime_ms(&m)));
        let ids: Vec<String> = self.active.keys().cloned().collect();
        for id in ids {
            let Some(a) = self.active.get_mut(&id) else { continue };
            if a.settle.is_empty() {
                continue;
            }
            let settled = a.settle.settled(now, look);
            let w = a.watch.clone();
            for (path, look) in settled {
                self.note(&w, &path, look, emit);
            }
        }
    }

    fn note(&mut self, w: &Watch, path: &Path, look: crate::watch::settle::Look, emit: &mut dyn FnMut(WatchEvent)) {
        let Some(rel) = crate::watch::relpath(&w.settings.folder, path) else { return };
        let destinations: Vec<String> = w
            .settings
            .destinations
            .iter()
            .filter(|d| self.chute.get(d).map(|d| names::skip_reason(&rel, &d.settings.ignore).is_none()).unwrap_or(true))
            .cloned()
            .collect();
        if destinations.is_empty() {
            return;
        }
        let mut checksum = || crate::watch::content_checksum(path);
        let noted = self.chute.with_conn(|c| journal::note_settled(c, &w.id, &destinations, &rel, look, &mut checksum, now_ms()));
        match noted {
            Ok(noted) => {
                if noted.iter().all(|n| *n == journal::Noted::Unchanged) {
                    emit(WatchEvent::Unchanged { watch: w.id.clone(), path: rel.clone() });
                }
                for (d, n) in destinations.iter().zip(noted) {
                    if n == journal::Noted::Queued {
                        emit(WatchEvent::Queued { watch: w.id.clone(), destination: d.clone(), path: rel.clone(), size: look.0 });
                    }
                }
            }
            Err(journal::NoteError::Read(e)) => {
                // Not readable yet (locked by its writer, or permissions): looked at again after the settle time.
                if let Some(a) = self.active.get_mut(&w.id) {
                    a.settle.touch(path.to_path_buf(), Instant::now());
                }
                if e.kind() == std::io::ErrorKind::PermissionDenied {
                    emit(WatchEvent::Problem {
                        watch: w.id.clone(),
                        error: ErrorInfo::new(
                            Code::SourceUnreadable,
                            format!("{} cannot be read: {e}.", path.display()),
                            "Give yourself read permission on the file; it is delivered once it can be read.",
                        ),
                    });
                }
            }
            Err(journal::NoteError::Store(e)) => {
                emit(WatchEvent::Problem { watch: w.id.clone(), error: crate::report::UserError::info(&e) });
            }
        }
    }

    /// Start a delivery for every (watch, destination) with files due and none under way.
    fn dispatch(&mut self, tx: &mpsc::Sender<Msg>, emit: &mut dyn FnMut(WatchEvent)) {
        let now = now_ms();
        match self.chute.with_conn(|c| journal::next_due(c)) {
            Ok(Some(t)) if t <= now => {}
            _ => return,
        }
        let watches: Vec<Watch> = self.active.values().map(|a| a.watch.clone()).collect();
        for w in watches {
            // Outside its delivery hours a watch's files wait in the journal.
            if w.settings.hours.as_ref().is_some_and(|h| !h.open_now()) {
                continue;
            }
            // Paused since the last reconcile (up to a second ago): its files
            // wait from the moment it was paused, not from the next look.
            if self.chute.get_watch(&w.id).is_ok_and(|stored| stored.settings.paused) {
                continue;
            }
            for d in &w.settings.destinations {
                let key = (w.id.clone(), d.clone());
                if self.in_flight.contains_key(&key) {
                    continue;
                }
                if let Some(control) = dispatch::start(&self.chute, &w, d, now, tx, emit) {
                    self.in_flight.insert(key, control);
                }
            }
        }
    }
}
