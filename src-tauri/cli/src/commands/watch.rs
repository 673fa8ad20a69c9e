//! `chute watch`: add, list, show, pause, resume and remove watched
//! folders, and `run` them headless (the agent). `run` prints JSON lines
//! with `--json` (one per runner event), a line per event for people
//! otherwise; every other command prints one document.

use std::process::ExitCode;
use std::sync::Arc;

use serde_json::json;

use chute_core::{After, Batching, Chute, Existing, StopWatching, WatchEvent, WatchSettings};

use crate::args::{AfterChoice, ExistingChoice, WatchAddArgs, WatchCommand};
use crate::output::{Failure, Out};
use crate::text::watch::{event_line, list_text, show_text};

pub fn watch_cmd(chute: Chute, cmd: &WatchCommand, out: &Out) -> Result<ExitCode, Failure> {
    match cmd {
        WatchCommand::Add(a) => add(&chute, a, out),
        WatchCommand::List => {
            let views = chute.watch_views()?;
            out.result(&views, || list_text(&views));
            Ok(ExitCode::SUCCESS)
        }
        WatchCommand::Show { watch } => {
            let v = chute.watch_view(chute.find_watch(watch)?)?;
            out.result(&v, || show_text(&v));
            Ok(ExitCode::SUCCESS)
        }
        WatchCommand::Pause { watch } | WatchCommand::Resume { watch } => {
            let paused = matches!(cmd, WatchCommand::Pause { .. });
            let w = chute.find_watch(watch)?;
            let v = chute.watch_view(chute.set_watch_paused(&w.id, paused)?)?;
            out.result(&v, || format!("{} \"{}\".\n", if paused { "Paused" } else { "Resumed" }, v.watch.settings.name));
            Ok(ExitCode::SUCCESS)
        }
        WatchCommand::Remove { watch, yes } => {
            let w = chute.find_watch(watch)?;
            out.confirm(
                *yes,
                &format!("Remove the watch \"{}\"? The folder, the delivered objects and the history stay.", w.settings.name),
            )?;
            chute.remove_watch(&w.id)?;
            out.result(&json!({ "removed": { "id": w.id, "name": w.settings.name } }), || {
                format!("Removed the watch \"{}\".\n", w.settings.name)
            });
            Ok(ExitCode::SUCCESS)
        }
        WatchCommand::Run => run(chute, out),
    }
}

fn add(chute: &Chute, a: &WatchAddArgs, out: &Out) -> Result<ExitCode, Failure> {
    let destinations = a.to.iter().map(|d| chute.find(d).map(|d| d.id)).collect::<Result<Vec<_>, _>>()?;
    let settings = WatchSettings {
        name: a.name.clone(),
        folder: std::path::absolute(&a.folder).unwrap_or_else(|_| a.folder.clone()),
        recursive: !a.no_subfolders,
        destinations,
        settle_ms: a.settle,
        existing: match a.existing {
            ExistingChoice::Deliver => Existing::Deliver,
            ExistingChoice::NewOnly => Existing::NewOnly,
        },
        after: match a.after {
            AfterChoice::Keep => After::Keep,
            AfterChoice::Move => After::Move,
            AfterChoice::Delete => After::Delete,
        },
        paused: a.paused,
        hours: a.hours.clone(),
        batch: a.batch.map(|window_ms| {
            let d = Batching::default();
            Batching { window_ms, max_files: a.batch_files.unwrap_or(d.max_files), max_bytes: a.batch_bytes.unwrap_or(d.max_bytes) }
        }),
    };
    let v = chute.watch_view(chute.add_watch(settings)?)?;
    out.result(&v, || {
        let run =
            if v.runner.is_some() { "" } else { "\nNothing runs the watches now: open the Chute window, or run `chute watch run`.\n" };
        format!("Added the watch \"{}\".\n{}", v.watch.settings.name, run)
    });
    Ok(ExitCode::SUCCESS)
}

/// Run the watches until Ctrl-C or SIGTERM: the first lets deliveries
/// under way finish, the second cancels them (their files wait).
fn run(chute: Chute, out: &Out) -> Result<ExitCode, Failure> {
    let stop = StopWatching::default();
    let asked = stop.clone();
    // Only fails if a handler is already set, which nothing else does here.
    let _ = ctrlc::set_handler(move || asked.request());
    let mut names: std::collections::HashMap<String, String> = chute.watches()?.into_iter().map(|w| (w.id, w.settings.name)).collect();
    let destinations: std::collections::HashMap<String, String> = chute.list()?.into_iter().map(|d| (d.id, d.settings.name)).collect();
    let mut on_event = |e: WatchEvent| {
        if let WatchEvent::Watching { watch, name, .. } = &e {
            names.insert(watch.clone(), name.clone()); // added while running
        }
        if out.json {
            out.json(&e);
        } else {
            out.stderr(&event_line(&e, &names, &destinations));
        }
    };
    chute_core::run_watches(Arc::new(chute), "chute watch run", &stop, &mut on_event)?;
    Ok(ExitCode::SUCCESS)
}
