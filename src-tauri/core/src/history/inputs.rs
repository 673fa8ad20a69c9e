//! What a batch was given and what it left out: the folders and files the
//! user dropped (its sources), the paths left out on purpose (ignored
//! names, links not followed, pipes…), and the files refused before
//! sending (unreadable, vanished, no valid key…). Refused files are
//! recorded among the batch's files, with status `refused` and their
//! reason and fix, so the batch's totals and outcome count them; they are
//! never retried or resumed as they are (the cause has to be fixed first).

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};

use super::{now_ms, FileRow, Filter};
use crate::deliver::Plan;
use crate::report::FileState;
use crate::store::StoreError;

/// A folder or file the user gave.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Source {
    pub path: String,
    /// `folder`, `file`, or `missing` (not there when the batch started).
    pub kind: String,
    /// Files planned from it.
    pub files: i64,
}

/// A path left out on purpose, and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ExcludedPath {
    pub path: String,
    pub reason: String,
}

/// What a batch was given and what it left out (the first rows of each, and their totals).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BatchInputs {
    pub sources: Vec<Source>,
    pub excluded: Vec<ExcludedPath>,
    pub excluded_total: i64,
    /// Files refused before sending, with their reason (`error_*`).
    pub refused: Vec<FileRow>,
    pub refused_total: i64,
}

fn kind_of(path: &Path) -> &'static str {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => "folder",
        Ok(_) => "file",
        Err(_) => "missing",
    }
}

/// A refused path as a name inside the source it came from (its file name
/// when it is a source itself), `/`-separated, lossy where not UTF-8.
fn relpath_in(sources: &[PathBuf], path: &Path) -> String {
    let inside = sources.iter().filter(|s| path != s.as_path()).find_map(|s| path.strip_prefix(s).ok());
    match inside {
        Some(rel) => rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"),
        None => path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.to_string_lossy().into_owned()),
    }
}

/// Record the plan's sources, left-out paths and refused files with a new
/// batch (in its opening transaction), after its planned files.
pub(super) fn record(tx: &Transaction, batch_id: &str, plan: &Plan) -> Result<(), StoreError> {
    let mut st = tx.prepare("INSERT INTO batch_sources (batch_id, idx, path, kind, files) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    for (i, source) in plan.sources.iter().enumerate() {
        let files = plan.files.iter().filter(|f| f.lies_under(source)).count() as i64;
        st.execute(params![batch_id, i as i64, source.to_string_lossy(), kind_of(source), files])?;
    }
    let mut st = tx.prepare("INSERT INTO batch_excluded (batch_id, idx, path, reason) VALUES (?1, ?2, ?3, ?4)")?;
    for (i, e) in plan.excluded.iter().enumerate() {
        st.execute(params![batch_id, i as i64, e.path.to_string_lossy(), e.reason])?;
    }
    let mut st = tx.prepare(
        "INSERT INTO batch_files (batch_id, idx, source, relpath, key, size, mtime_ms, content_type, status, error_code, error_message, error_fix, finished_at)
         VALUES (?1, ?2, ?3, ?4, '', 0, 0, '', ?5, ?6, ?7, ?8, ?9)",
    )?;
    let now = now_ms();
    for (i, p) in plan.problems.iter().enumerate() {
        let idx = (plan.files.len() + i) as i64;
        st.execute(params![
            batch_id,
            idx,
            p.path.to_string_lossy(),
            relpath_in(&plan.sources, &p.path),
            FileState::Refused,
            p.code.as_str(),
            p.message,
            p.fix,
            now
        ])?;
    }
    tx.execute(
        "UPDATE batches SET refused = ?2, excluded = ?3, inputs_recorded = 1, files_total = files_total + ?2 WHERE id = ?1",
        params![batch_id, plan.problems.len() as i64, plan.excluded.len() as i64],
    )?;
    Ok(())
}

/// The sources of a batch, in the order given.
pub fn sources(conn: &Connection, batch_id: &str) -> Result<Vec<Source>, StoreError> {
    let mut st = conn.prepare("SELECT path, kind, files FROM batch_sources WHERE batch_id = ?1 ORDER BY idx")?;
    let rows = st.query_map([batch_id], |r| Ok(Source { path: r.get(0)?, kind: r.get(1)?, files: r.get(2)? }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A batch's left-out paths in order: the first `limit`, or all of them.
pub fn excluded(conn: &Connection, batch_id: &str, limit: Option<usize>) -> Result<Vec<ExcludedPath>, StoreError> {
    let limit = limit.map_or(-1, |n| n as i64);
    let mut st = conn.prepare("SELECT path, reason FROM batch_excluded WHERE batch_id = ?1 ORDER BY idx LIMIT ?2")?;
    let rows = st.query_map(params![batch_id, limit], |r| Ok(ExcludedPath { path: r.get(0)?, reason: r.get(1)? }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A batch's sources, and the first `limit` (1 to 1,000) of its left-out paths and of its refused files.
pub fn inputs(conn: &Connection, batch_id: &str, limit: usize) -> Result<BatchInputs, StoreError> {
    let limit = limit.clamp(1, 1000);
    let excluded_total = conn.query_row("SELECT COUNT(*) FROM batch_excluded WHERE batch_id = ?1", [batch_id], |r| r.get(0))?;
    let only_refused = Filter { status: Some(FileState::Refused.to_string()), limit, ..Filter::default() };
    Ok(BatchInputs {
        sources: sources(conn, batch_id)?,
        excluded: excluded(conn, batch_id, Some(limit))?,
        excluded_total,
        refused: super::files(conn, Some(batch_id), &only_refused)?,
        refused_total: super::file_counts(conn, batch_id, &only_refused)?.matching,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_paths_are_named_inside_their_source() {
        let sources = [PathBuf::from("/drop"), PathBuf::from("/other/file.txt")];
        assert_eq!(relpath_in(&sources, Path::new("/drop/sub/bad\u{7}.txt")), "sub/bad\u{7}.txt");
        assert_eq!(relpath_in(&sources, Path::new("/other/file.txt")), "file.txt", "a source itself: its name");
        assert_eq!(relpath_in(&sources, Path::new("/elsewhere/x.csv")), "x.csv");
    }
}
