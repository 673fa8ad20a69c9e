//! `chute watch list | show | run` for people: a table of watches, one
//! watch with its journal and last failure, and a line per runner event.

use std::collections::HashMap;

use chute_core::{WatchEvent, WatchState, WatchView};

use super::format::{bytes, count, duration_ms, printable, table, timestamp};

fn state_word(v: &WatchView) -> String {
    match v.state {
        WatchState::Paused => "paused".into(),
        WatchState::NotRunning => "not running".into(),
        WatchState::Stopped => "stopped".into(),
        WatchState::OutsideHours => {
            format!("waiting for its hours ({})", v.watch.settings.hours.as_ref().map(|h| h.to_string()).unwrap_or_default())
        }
        WatchState::Retrying => "retrying".into(),
        WatchState::Delivering => format!("delivering {}", count(v.journal.queued + v.journal.sending)),
        WatchState::Watching => "watching".into(),
    }
}

pub fn list_text(views: &[WatchView]) -> String {
    if views.is_empty() {
        return "No watches. Add one with `chute watch add NAME FOLDER --to DESTINATION`.\n".into();
    }
    let rows: Vec<Vec<String>> = views
        .iter()
        .map(|v| {
            vec![
                printable(&v.watch.settings.name),
                state_word(v),
                printable(&v.watch.settings.folder.to_string_lossy()),
                v.destination_names.iter().map(|n| printable(n)).collect::<Vec<_>>().join(", "),
                count(v.journal.delivered),
                count(v.journal.failed),
            ]
        })
        .collect();
    let mut t = table(&["NAME", "STATE", "FOLDER", "DESTINATIONS", "DELIVERED", "FAILED"], &rows);
    if views.iter().any(|v| v.runner.is_none() && !v.watch.settings.paused) {
        t += "\nNothing runs the watches now: open the Chute window, or run `chute watch run`.\n";
    }
    t
}

pub fn show_text(v: &WatchView) -> String {
    let s = &v.watch.settings;
    let mut t = format!("{}\n", printable(&s.name));
    t += &format!("  State:        {}\n", state_word(v));
    t += &format!("  Folder:       {}{}\n", printable(&s.folder.to_string_lossy()), if s.recursive { " (and subfolders)" } else { "" });
    t += &format!("  Delivers to:  {}\n", v.destination_names.iter().map(|n| printable(n)).collect::<Vec<_>>().join(", "));
    t += &format!("  Settle time:  {}\n", duration_ms(s.settle_ms));
    t += &format!(
        "  Existing:     {}\n",
        match s.existing {
            chute_core::Existing::Deliver => "delivered when the watch began",
            chute_core::Existing::NewOnly => "left alone; only new and changed files",
        }
    );
    t += &format!(
        "  After:        {}\n",
        match s.after {
            chute_core::After::Keep => "keep the file",
            chute_core::After::Move => "move it into delivered/ once it landed everywhere",
            chute_core::After::Delete => "delete it once it landed everywhere",
        }
    );
    if let Some(h) = &s.hours {
        t += &format!("  Hours:        delivers between {} and {} (local time); files wait outside them\n", h.from, h.to);
    }
    if let Some(b) = &s.batch {
        t += &format!(
            "  Batching:     files that settle within {} combined into one .gz object (sooner at {} files or {})\n",
            duration_ms(b.window_ms),
            count(b.max_files),
            bytes(b.max_bytes)
        );
    }
    let j = &v.journal;
    t +=
        &format!("  Journal:      {} delivered, {} waiting, {} failed\n", count(j.delivered), count(j.queued + j.sending), count(j.failed));
    if let Some(at) = j.last_delivered_at {
        t += &format!("  Last landed:  {}\n", timestamp(at));
    }
    match &v.runner {
        Some(r) => t += &format!("  Run by:       {} (pid {}) since {}\n", r.who, r.pid, timestamp(r.since)),
        None => t += "  Run by:       nothing now (open the Chute window, or run `chute watch run`)\n",
    }
    if let Some(p) = &v.problem {
        t += &format!("\n  Stopped since {}: {}\n  Fix: {}\n", timestamp(p.at), p.message, p.fix);
    }
    if let Some(f) = &j.last_failure {
        let when = match j.retrying_since {
            Some(since) if f.retrying => format!("retrying since {}", timestamp(since)),
            _ => "not retried unless the file changes".into(),
        };
        t += &format!("\n  Last failure ({when}): {}: {}\n  Fix: {}\n", printable(&f.relpath), f.error.message, f.error.fix);
    }
    t += &format!("\n  As a command line:\n    {}\n", v.command_line);
    t
}

/// One runner event as a line for people (on stderr).
pub fn event_line(e: &WatchEvent, watches: &HashMap<String, String>, destinations: &HashMap<String, String>) -> String {
    let w = |id: &String| printable(watches.get(id).unwrap_or(id));
    let d = |id: &String| printable(destinations.get(id).unwrap_or(id));
    let line = match e {
        WatchEvent::Watching { name, folder, polling, .. } => match polling {
            Some(why) => format!("Watching \"{}\" ({}) by polling every 2 s: {why}", printable(name), printable(folder)),
            None => format!("Watching \"{}\" ({})", printable(name), printable(folder)),
        },
        WatchEvent::Unwatched { name, reason, .. } => format!("No longer watching \"{}\": {reason}", printable(name)),
        WatchEvent::Existing { watch, files, delivered } => format!(
            "{}: {} already in the folder {}",
            w(watch),
            count(*files),
            if *delivered { "will be delivered" } else { "left alone (only new files)" }
        ),
        WatchEvent::Queued { watch, destination, path, size } => {
            format!("{}: {} ({}) waits for {}", w(watch), printable(path), bytes(*size), d(destination))
        }
        WatchEvent::Unchanged { watch, path } => {
            format!("{}: {} unchanged since it was delivered; not sent again", w(watch), printable(path))
        }
        WatchEvent::Delivered { watch, destination, path, key, .. } => {
            format!("{}: {} landed at {} as {}", w(watch), printable(path), d(destination), printable(key))
        }
        WatchEvent::Retrying { watch, destination, path, attempt, retry_in_ms, error } => format!(
            "{}: {} not delivered to {} (attempt {attempt}): {} Trying again in {}. Fix: {}",
            w(watch),
            printable(path),
            d(destination),
            error.message,
            duration_ms(*retry_in_ms),
            error.fix
        ),
        WatchEvent::Failed { watch, destination, path, error } => {
            format!("{}: {} not delivered to {}: {} Fix: {}", w(watch), printable(path), d(destination), error.message, error.fix)
        }
        WatchEvent::Moved { watch, path, to } => format!("{}: {} moved to {}", w(watch), printable(path), printable(to)),
        WatchEvent::Deleted { watch, path } => format!("{}: {} deleted after it landed everywhere", w(watch), printable(path)),
        WatchEvent::Problem { watch, error } => format!("{}: {} Fix: {}", w(watch), error.message, error.fix),
        WatchEvent::Stopping { in_flight } if *in_flight > 0 => {
            format!("Stopping: {in_flight} deliveries under way finish first (press Ctrl-C again to cancel them; their files wait).")
        }
        WatchEvent::Stopping { .. } => "Stopping.".into(),
        WatchEvent::Stopped => "Stopped. Files still waiting are delivered at the next run.".into(),
    };
    line + "\n"
}
