//! `chute history list` and `show` for people: a table of batches, and one
//! batch with what was given, what was left out and each file's fate.
//! Counts are exact and grouped (`3,000 files`).

use chute_core::{BatchRow, BatchState, ExcludedPath, FileRow, FileState, Receipt, Source};

use super::format::{bytes, count, plural, printable, table, timestamp};
use super::verify::{receipt_line, receipt_problems};

/// `partial`, `interrupted`…: the outcome of a finished batch, else its state.
pub fn outcome(b: &BatchRow) -> String {
    match (b.state, b.outcome) {
        (BatchState::Finished, Some(o)) => o.to_string(),
        (s, _) => s.to_string(),
    }
}

pub fn list_text(rows: &[BatchRow]) -> String {
    if rows.is_empty() {
        return "No batches.\n".into();
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|b| {
            vec![
                timestamp(b.started_at),
                b.destination_name.clone(),
                b.origin.to_string(),
                outcome(b),
                // Refused files were not delivered either: they count as failed here.
                format!("{}/{}/{}", count(b.delivered + b.skipped), count(b.failed + b.refused), count(b.files_total)),
                format!("{} of {}", bytes(b.bytes_sent.max(0) as u64), bytes(b.bytes_total.max(0) as u64)),
                b.id.clone(),
            ]
        })
        .collect();
    table(&["STARTED", "DESTINATION", "ORIGIN", "STATUS", "OK/FAILED/TOTAL", "SENT", "ID"], &cells)
}

fn files_line(b: &BatchRow) -> String {
    let mut parts = vec![
        format!("{} delivered", count(b.delivered)),
        format!("{} skipped", count(b.skipped)),
        format!("{} failed", count(b.failed)),
        format!("{} cancelled", count(b.cancelled)),
    ];
    if b.refused > 0 {
        parts.push(format!("{} refused before sending", count(b.refused)));
    }
    parts.push(format!("{} total", count(b.files_total)));
    parts.join(", ")
}

/// Where the files came from, one source a line.
fn sources_text(b: &BatchRow, sources: &[Source]) -> String {
    const LABEL: &str = "  Given:       ";
    const INDENT: &str = "               ";
    if !b.inputs_recorded {
        return format!("{LABEL}not recorded (this delivery was made before Chute kept what was given)\n");
    }
    if sources.is_empty() {
        return format!("{LABEL}the files of an earlier delivery\n");
    }
    let mut t = String::new();
    for (i, s) in sources.iter().enumerate() {
        let what = match s.kind.as_str() {
            "folder" => format!("folder, {}", plural(s.files, "file", "files")),
            "missing" => "not found".to_string(),
            other => other.to_string(),
        };
        t += &format!("{}{} ({what})\n", if i == 0 { LABEL } else { INDENT }, printable(&s.path));
    }
    t
}

/// What was left out on purpose, and why.
fn excluded_text(b: &BatchRow, excluded: &[ExcludedPath]) -> String {
    if !b.inputs_recorded {
        return String::new();
    }
    if excluded.is_empty() {
        return "  Left out:    nothing\n".into();
    }
    let mut t = format!("  Left out:    {}\n", plural(excluded.len(), "path", "paths"));
    for e in excluded {
        t += &format!("    {}: {}\n", printable(&e.path), e.reason);
    }
    t
}

/// A file as its row names it: its key, or for a file refused before
/// sending (it has none) its path inside what was given.
fn file_name(f: &FileRow) -> String {
    if f.status == FileState::Refused {
        format!("({}) {}", FileState::Refused, printable(&f.relpath))
    } else {
        f.key.clone()
    }
}

pub fn show_text(b: &BatchRow, sources: &[Source], excluded: &[ExcludedPath], receipt: Option<&Receipt>, files: &[FileRow]) -> String {
    let mut t = format!("Batch {}\n", b.id);
    t += &format!("  Destination: {}\n  Origin:      {}\n", b.destination_name, b.origin);
    t += &format!("  Started:     {}\n", timestamp(b.started_at));
    if let Some(f) = b.finished_at {
        t += &format!("  Finished:    {}\n", timestamp(f));
    }
    t += &format!("  Status:      {}\n", outcome(b));
    if let Some(g) = &b.group_id {
        t += &format!("  Group:       {g} (one delivery to several destinations: `chute history list --group {g}`)\n");
    }
    t += &format!("  Files:       {}\n", files_line(b));
    t += &format!("  Bytes:       {} of {}\n", bytes(b.bytes_sent.max(0) as u64), bytes(b.bytes_total.max(0) as u64));
    t += &sources_text(b, sources);
    t += &excluded_text(b, excluded);
    match receipt {
        Some(r) => t += &format!("  Receipt:     {}\n{}", receipt_line(r), receipt_problems(r)),
        None if b.delivered > 0 => {
            t += &format!("  Receipt:     none (delivered before Chute checked objects: `chute verify {}` checks them)\n", b.id)
        }
        None => {}
    }
    if b.state == BatchState::Interrupted {
        t += &format!("  Resume it with `chute history resume {0}`, or give it up with `chute history discard {0}`.\n", b.id);
    }
    if files.is_empty() {
        return t + "\nNo files match.\n";
    }
    let rows: Vec<Vec<String>> = files
        .iter()
        .map(|f| {
            let size = if f.status == FileState::Refused { "-".to_string() } else { bytes(f.size.max(0) as u64) };
            vec![format!("  {}", file_name(f)), f.status.to_string(), size, f.attempts.to_string()]
        })
        .collect();
    t += "\n";
    t += &table(&["  KEY", "STATUS", "SIZE", "ATTEMPTS"], &rows);
    for f in files.iter().filter(|f| f.error_code.is_some()) {
        let name =
            if f.status == FileState::Refused { format!("{} (refused before sending)", printable(&f.source)) } else { f.key.clone() };
        t += &format!(
            "\n  ✗ {name}\n    {} [{}]\n    fix: {}\n",
            printable(f.error_message.as_deref().unwrap_or("")),
            f.error_code.as_deref().unwrap_or(""),
            f.error_fix.as_deref().unwrap_or("")
        );
    }
    t
}
