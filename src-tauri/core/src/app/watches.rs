//! Watches: add, edit, pause, resume and remove them, and what each is
//! doing now (from its journal and whoever runs the watches), for the
//! window's Watches view and `chute watch list | show`.

use serde::Serialize;

use super::{new_id, now_ms, Chute, Error, Result};
use crate::report::{Code, ErrorInfo};
use crate::watch::{self, journal, lock, stored, Watch, WatchSettings};

/// What a watch is doing, in one word the window and `--json` share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WatchState {
    /// Paused by a person.
    Paused,
    /// Nothing runs the watches (the window is closed and no agent runs).
    NotRunning,
    /// The runner cannot watch the folder now (gone, unreadable, limit): see `problem`.
    Stopped,
    /// Outside its delivery hours: files wait until they open.
    OutsideHours,
    /// Files fail and are tried again: see `journal.last_failure`.
    Retrying,
    /// Files are waiting or being sent.
    Delivering,
    Watching,
}

/// A watch as the window and `chute watch show` present it.
#[derive(Debug, Clone, Serialize)]
pub struct WatchView {
    #[serde(flatten)]
    pub watch: Watch,
    /// The destinations' names, in the watch's order (a deleted one is named by its id).
    pub destination_names: Vec<String>,
    pub state: WatchState,
    pub journal: journal::JournalSummary,
    pub problem: Option<stored::WatchProblemNow>,
    /// Who runs the watches now, if anyone.
    pub runner: Option<lock::Holder>,
    /// The same watch as a command line, to script what was set up by clicking.
    pub command_line: String,
}

fn refuse(code: Code, message: String, fix: &str) -> Error {
    Error::Watch(ErrorInfo::new(code, message, fix))
}

impl Chute {
    /// Every watch, by name.
    pub fn watches(&self) -> Result<Vec<Watch>> {
        Ok(stored::list(self.store().conn())?)
    }

    pub fn get_watch(&self, id: &str) -> Result<Watch> {
        stored::get(self.store().conn(), id)?.ok_or_else(|| {
            refuse(Code::WatchNotFound, format!("There is no watch with id `{id}`."), "List the watches (`chute watch list`).")
        })
    }

    /// A watch by name (case-insensitive) or id.
    pub fn find_watch(&self, name_or_id: &str) -> Result<Watch> {
        let id = stored::id_by_name(self.store().conn(), name_or_id)?.unwrap_or_else(|| name_or_id.to_string());
        stored::get(self.store().conn(), &id)?.ok_or_else(|| {
            refuse(
                Code::WatchNotFound,
                format!("There is no watch named or with id `{name_or_id}`."),
                "List the watches (`chute watch list`) and use one of the names shown.",
            )
        })
    }

    fn check_watch(&self, s: &WatchSettings, id: Option<&str>) -> Result<()> {
        let problems = watch::validate(s);
        if !problems.is_empty() {
            return Err(Error::WatchInvalid(problems));
        }
        for d in &s.destinations {
            self.get(d)?;
        }
        if let Some(other) = stored::id_by_name(self.store().conn(), &s.name)? {
            if Some(other.as_str()) != id {
                return Err(Error::Watch(ErrorInfo {
                    code: Code::WatchNameDuplicate,
                    message: format!("A watch named \"{}\" already exists.", s.name.trim()),
                    fix: "Choose another name, or edit the existing watch.".into(),
                    field: Some("name".into()),
                }));
            }
        }
        Ok(())
    }

    /// Save a new watch; the runner takes it up at its next look.
    pub fn add_watch(&self, mut settings: WatchSettings) -> Result<Watch> {
        settings.name = settings.name.trim().to_string();
        self.check_watch(&settings, None)?;
        let now = now_ms();
        let w = Watch { id: new_id(), settings, created_at: now, updated_at: now, started_at: None };
        stored::put(self.store().conn(), &w)?;
        Ok(w)
    }

    /// Change a watch's settings. Files queued for a destination it no
    /// longer has are dropped; what was delivered stays in the journal.
    pub fn update_watch(&self, id: &str, mut settings: WatchSettings) -> Result<Watch> {
        self.get_watch(id)?;
        settings.name = settings.name.trim().to_string();
        self.check_watch(&settings, Some(id))?;
        let store = self.store();
        stored::set_settings(store.conn(), id, &settings, now_ms())?;
        journal::forget_destinations(store.conn(), id, &settings.destinations)?;
        drop(store);
        self.get_watch(id)
    }

    pub fn set_watch_paused(&self, id: &str, paused: bool) -> Result<Watch> {
        let w = self.get_watch(id)?;
        let settings = WatchSettings { paused, ..w.settings };
        stored::set_settings(self.store().conn(), id, &settings, now_ms())?;
        self.get_watch(id)
    }

    /// Remove a watch and its journal (the history keeps its batches).
    pub fn remove_watch(&self, id: &str) -> Result<()> {
        let w = self.get_watch(id)?;
        stored::delete(self.store().conn(), &w.id)?;
        Ok(())
    }

    /// What a watch is doing now.
    pub fn watch_view(&self, w: Watch) -> Result<WatchView> {
        let runner = lock::holder(&self.data_dir);
        let (journal, problem) = {
            let store = self.store();
            (journal::summary(store.conn(), &w.id)?, stored::problem(store.conn(), &w.id)?)
        };
        let destination_names: Vec<String> =
            w.settings.destinations.iter().map(|id| self.get(id).map(|d| d.settings.name).unwrap_or_else(|_| id.clone())).collect();
        let state = if w.settings.paused {
            WatchState::Paused
        } else if runner.is_none() {
            WatchState::NotRunning
        } else if problem.is_some() {
            WatchState::Stopped
        } else if w.settings.hours.as_ref().is_some_and(|h| !h.open_now()) {
            WatchState::OutsideHours
        } else if journal.last_failure.as_ref().is_some_and(|f| f.retrying) {
            WatchState::Retrying
        } else if journal.queued + journal.sending > 0 {
            WatchState::Delivering
        } else {
            WatchState::Watching
        };
        let command_line = watch::command_line(&w.settings, &destination_names);
        Ok(WatchView { watch: w, destination_names, state, journal, problem, runner, command_line })
    }

    pub fn watch_views(&self) -> Result<Vec<WatchView>> {
        self.watches()?.into_iter().map(|w| self.watch_view(w)).collect()
    }
}
