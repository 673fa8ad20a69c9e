//! Looking after the history: how long it is kept, deleting entries, the
//! files of a batch to send again, and CSV export.

use std::io::Write;
use std::path::PathBuf;

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::report::BatchState;

use super::{batch, batches, files, now_ms, sources, BatchRow, FileRow, Filter, Source};
use crate::deliver::{PlannedFile, SourcePath};
use crate::store::StoreError;

const KEEP_DAYS: &str = "history.keep_days";
const DAY_MS: i64 = 24 * 3600 * 1000;
/// The longest retention that can be set (about 27 years): beyond it, keep everything.
pub const MAX_KEEP_DAYS: u32 = 10_000;

/// How many days of history are kept; `None` keeps everything (the default).
pub fn keep_days(conn: &Connection) -> Result<Option<u32>, StoreError> {
    let v = crate::store::app_setting(conn, KEEP_DAYS)?;
    Ok(v.and_then(|v| v.parse().ok()).filter(|d| *d > 0))
}

pub fn set_keep_days(conn: &Connection, days: Option<u32>) -> Result<(), StoreError> {
    match days {
        Some(d) => crate::store::set_app_setting(conn, KEEP_DAYS, &d.to_string()),
        None => crate::store::clear_app_setting(conn, KEEP_DAYS),
    }
}

/// Delete the batches (with their files and parts) that ended and started
/// more than `days` days before `now_ms`. Running and interrupted batches
/// stay whatever their age: they still have work or open uploads.
pub fn prune(conn: &Connection, days: u32, now: i64) -> Result<usize, StoreError> {
    let cutoff = now - i64::from(days) * DAY_MS;
    Ok(conn.execute("DELETE FROM batches WHERE state IN ('finished', 'discarded') AND started_at < ?1", [cutoff])?)
}

/// Apply the retention setting now, if one is set.
pub fn apply_retention(conn: &Connection) -> Result<usize, StoreError> {
    match keep_days(conn)? {
        Some(days) => prune(conn, days, now_ms()),
        None => Ok(0),
    }
}

/// What `delete_batches` did.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Deleted {
    pub deleted: usize,
    /// Batches kept: ids not found, or still running or interrupted.
    pub kept: Vec<KeptBatch>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct KeptBatch {
    pub id: String,
    /// `not_found`, `running` or `interrupted`.
    pub reason: String,
}

/// Delete batches from the history. A running batch cannot be deleted, nor
/// an interrupted one (its open uploads would be forgotten, still billed):
/// those are kept and listed.
pub fn delete_batches(conn: &mut Connection, ids: &[String]) -> Result<Deleted, StoreError> {
    let tx = conn.transaction()?;
    let mut out = Deleted::default();
    for id in ids {
        let state: Option<BatchState> = tx.query_row("SELECT state FROM batches WHERE id = ?1", [id], |r| r.get(0)).optional()?;
        match state {
            None => out.kept.push(KeptBatch { id: id.clone(), reason: "not_found".into() }),
            Some(s @ (BatchState::Running | BatchState::Interrupted)) => out.kept.push(KeptBatch { id: id.clone(), reason: s.to_string() }),
            Some(BatchState::Finished | BatchState::Discarded) => out.deleted += tx.execute("DELETE FROM batches WHERE id = ?1", [id])?,
        }
    }
    tx.commit()?;
    Ok(out)
}

/// Which files of a batch to send again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Which {
    /// Those not delivered that a retry may deliver: failed (but not for
    /// meeting an existing object), cancelled or never sent.
    Failed,
    /// Those refused because their key held an object already: a retry
    /// would meet it again; new keys or an overwrite can deliver them.
    Existing,
    /// Every file not delivered, those that met existing objects included
    /// (for a retry that overwrites or skips them).
    NotDelivered,
    /// Every file of the batch.
    All,
}

/// The files of a batch as recorded (source, relative path, key, content
/// type), in batch order, for a new plan. Sizes and times are as recorded;
/// the caller reads them afresh.
pub fn recorded_files(conn: &Connection, batch_id: &str, which: Which) -> Result<Vec<PlannedFile>, StoreError> {
    // Refused files have no key; what refused them has to be fixed first.
    let filter = match which {
        Which::Failed => " AND status NOT IN ('delivered', 'skipped', 'refused') AND COALESCE(error_code, '') != 'already_exists'",
        Which::Existing => " AND status = 'failed' AND error_code = 'already_exists'",
        Which::NotDelivered => " AND status NOT IN ('delivered', 'skipped', 'refused')",
        Which::All => " AND status != 'refused'",
    };
    let mut st = conn.prepare(&format!(
        "SELECT source, relpath, key, size, mtime_ms, content_type FROM batch_files WHERE batch_id = ?1{filter} ORDER BY idx"
    ))?;
    let rows = st.query_map([batch_id], |r| {
        Ok(PlannedFile {
            from: SourcePath::Own(PathBuf::from(r.get::<_, String>(0)?)),
            relpath: r.get(1)?,
            key: r.get(2)?,
            size: r.get::<_, i64>(3)?.max(0) as u64,
            mtime_ms: r.get(4)?,
            content_type: r.get::<_, String>(5)?.into(),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

// ---------- CSV ----------

/// What a CSV export lists: one row per batch, or one per file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CsvRows {
    Batches,
    Files,
}

/// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a
/// line break, with quotes doubled. A field starting with `=`, `+`, `-` or
/// `@` gets a leading `'`, so a spreadsheet shows a key such as
/// `=HYPERLINK(...)` as text instead of running it.
pub fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) && s.parse::<f64>().is_err() { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn csv_line(fields: &[String]) -> String {
    fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",") + "\r\n"
}

/// Unix milliseconds as `2026-11-22T09:30:00Z`.
pub fn iso_utc(ms: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000) {
        Ok(t) => format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute(), t.second()),
        Err(_) => String::new(),
    }
}

fn iso(ms: Option<i64>) -> String {
    ms.map(iso_utc).unwrap_or_default()
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

pub const BATCH_HEADER: [&str; 19] = [
    "batch_id",
    "started_at",
    "finished_at",
    "destination",
    "origin",
    "state",
    "outcome",
    "files_total",
    "delivered",
    "skipped",
    "failed",
    "cancelled",
    "bytes_total",
    "bytes_sent",
    "destination_id",
    "repeats_batch",
    "refused",
    "excluded",
    "sources",
];
/// Sources in one CSV field: one path per line (a spreadsheet shows them stacked).
const SOURCE_SEPARATOR: &str = "\n";
pub const FILE_HEADER: [&str; 20] = [
    "batch_id",
    "batch_started_at",
    "destination",
    "key",
    "relpath",
    "source",
    "size",
    "status",
    "attempts",
    "requests",
    "bytes_sent",
    "multipart",
    "etag",
    "version_id",
    "error_code",
    "error_message",
    "error_fix",
    "s3_code",
    "request_id",
    "finished_at",
];

fn batch_record(b: &BatchRow, sources: &[Source]) -> Vec<String> {
    vec![
        b.id.clone(),
        iso(Some(b.started_at)),
        iso(b.finished_at),
        b.destination_name.clone(),
        b.origin.to_string(),
        b.state.to_string(),
        b.outcome.map(|o| o.to_string()).unwrap_or_default(),
        b.files_total.to_string(),
        b.delivered.to_string(),
        b.skipped.to_string(),
        b.failed.to_string(),
        b.cancelled.to_string(),
        b.bytes_total.to_string(),
        b.bytes_sent.to_string(),
        b.destination_id.clone(),
        opt(&b.parent_id),
        b.refused.to_string(),
        b.excluded.to_string(),
        sources.iter().map(|s| s.path.as_str()).collect::<Vec<_>>().join(SOURCE_SEPARATOR),
    ]
}

fn file_record(b: &BatchRow, f: &FileRow) -> Vec<String> {
    vec![
        f.batch_id.clone(),
        iso(Some(b.started_at)),
        b.destination_name.clone(),
        f.key.clone(),
        f.relpath.clone(),
        f.source.clone(),
        f.size.to_string(),
        f.status.to_string(),
        f.attempts.to_string(),
        f.requests.to_string(),
        f.bytes_sent.to_string(),
        f.multipart.to_string(),
        opt(&f.etag),
        opt(&f.version_id),
        opt(&f.error_code),
        opt(&f.error_message),
        opt(&f.error_fix),
        opt(&f.s3_code),
        opt(&f.request_id),
        iso(f.finished_at),
    ]
}

const PAGE: usize = 1000;

/// Write the batches matching `f` (its offset and limit ignored), or their
/// files (those matching `f.search` when set), as CSV. Pages through the
/// database; never loads the whole history. Returns the rows written.
pub fn export_csv(conn: &Connection, f: &Filter, rows: CsvRows, batch_id: Option<&str>, out: &mut dyn Write) -> Result<usize, CsvError> {
    let header = match rows {
        CsvRows::Batches => &BATCH_HEADER[..],
        CsvRows::Files => &FILE_HEADER[..],
    };
    out.write_all(csv_line(&header.iter().map(|h| h.to_string()).collect::<Vec<_>>()).as_bytes())?;
    let mut n = 0;
    let mut page = Filter { offset: 0, limit: PAGE, ..f.clone() };
    loop {
        let list = match batch_id {
            Some(id) => batch(conn, id)?.into_iter().collect(),
            None => batches(conn, &page)?,
        };
        for b in &list {
            match rows {
                CsvRows::Batches => {
                    out.write_all(csv_line(&batch_record(b, &sources(conn, &b.id)?)).as_bytes())?;
                    n += 1;
                }
                CsvRows::Files => {
                    let mut ff = Filter { search: f.search.clone(), offset: 0, limit: PAGE, ..Filter::default() };
                    loop {
                        let fs = files(conn, Some(&b.id), &ff)?;
                        for file in &fs {
                            out.write_all(csv_line(&file_record(b, file)).as_bytes())?;
                            n += 1;
                        }
                        if fs.len() < PAGE {
                            break;
                        }
                        ff.offset += fs.len();
                    }
                }
            }
        }
        if batch_id.is_some() || list.len() < PAGE {
            break;
        }
        page.offset += list.len();
    }
    out.flush()?;
    Ok(n)
}

/// [`export_csv`] into a file, written beside it and renamed into place:
/// a failed export leaves no half-written file and an old one untouched.
pub fn export_csv_file(
    conn: &Connection,
    f: &Filter,
    rows: CsvRows,
    batch_id: Option<&str>,
    path: &std::path::Path,
) -> Result<usize, CsvError> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".chute-export-").suffix(".csv").tempfile_in(dir)?;
    let n = {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        export_csv(conn, f, rows, batch_id, &mut w)?
    };
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(n)
}

#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl From<rusqlite::Error> for CsvError {
    fn from(e: rusqlite::Error) -> Self {
        CsvError::Store(e.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("cr\rhere"), "\"cr\rhere\"");
        assert_eq!(csv_line(&["x".into(), "".into(), "y,z".into()]), "x,,\"y,z\"\r\n");
        // Formula injection: shown as text, numbers left alone.
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("-12"), "-12");
    }

    #[test]
    fn iso_dates() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_utc(1_795_000_000_123), "2026-11-18T11:06:40Z");
    }
}
