//! Reading the history: batches and files, filtered and paged.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::deliver::{FileError, FileResult, FileStatus};
use crate::report::{BatchState, Code, FileState, Origin, Outcome};

use crate::store::StoreError;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    pub destination_id: Option<String>,
    /// For batches: an outcome or state; for files: a file status.
    pub status: Option<String>,
    /// Unix ms, inclusive.
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Only the batches of one drop sent to several destinations.
    pub group_id: Option<String>,
    /// Matched against file names and keys.
    pub search: Option<String>,
    pub offset: usize,
    pub limit: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BatchRow {
    pub id: String,
    pub destination_id: String,
    pub destination_name: String,
    pub origin: Origin,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub state: BatchState,
    pub outcome: Option<Outcome>,
    pub files_total: i64,
    pub bytes_total: i64,
    pub delivered: i64,
    pub skipped: i64,
    pub failed: i64,
    pub cancelled: i64,
    pub bytes_sent: i64,
    /// For a retry or re-delivery: the batch it repeated.
    pub parent_id: Option<String>,
    /// Files refused before sending (unreadable, vanished, no valid key…);
    /// counted in `files_total`, recorded among the files with status `refused`.
    #[serde(default)]
    pub refused: i64,
    /// Paths left out on purpose (ignored names, links not followed…).
    #[serde(default)]
    pub excluded: i64,
    /// Whether the batch's sources and left-out paths were recorded (batches
    /// from before Chute kept them have none).
    #[serde(default)]
    pub inputs_recorded: bool,
    /// Failed files whose key held an object already (among `failed`): a
    /// retry cannot deliver them; new keys or an overwrite can.
    #[serde(default)]
    pub existing: i64,
    /// The drop this batch was one destination of, when it went to several.
    #[serde(default)]
    pub group_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileRow {
    pub id: i64,
    pub batch_id: String,
    pub idx: i64,
    pub source: String,
    pub relpath: String,
    pub key: String,
    pub size: i64,
    pub status: FileState,
    pub attempts: i64,
    /// HTTP requests sent for the file, the client's retries included.
    pub requests: i64,
    pub bytes_sent: i64,
    pub multipart: bool,
    pub etag: Option<String>,
    pub md5: Option<String>,
    pub version_id: Option<String>,
    pub duration_ms: Option<i64>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub error_fix: Option<String>,
    pub s3_code: Option<String>,
    pub request_id: Option<String>,
    pub upload_id: Option<String>,
    pub finished_at: Option<i64>,
    /// The object's URL (unsigned), while the batch's destination exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// What the latest check of its object at the destination found.
    #[serde(default)]
    pub verified: Option<crate::report::Verification>,
}

fn like(term: &str) -> String {
    let escaped = term.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

type Args = Vec<rusqlite::types::Value>;

/// What a filter's status and search mean for batches (alias `b`): an
/// outcome or a state; a file of the batch whose key or name matches.
const BATCH_STATUS: &str = "(b.outcome = ? OR b.state = ?)";
const BATCH_SEARCH: &str =
    "EXISTS (SELECT 1 FROM batch_files x WHERE x.batch_id = b.id AND (x.key LIKE ? ESCAPE '\\' OR x.relpath LIKE ? ESCAPE '\\'))";
/// And for files (alias `x`, their batch `b`): its status; its key or name.
const FILE_STATUS: &str = "x.status = ?";
const FILE_SEARCH: &str = "(x.key LIKE ? ESCAPE '\\' OR x.relpath LIKE ? ESCAPE '\\')";

/// The filter's conditions as ` AND …` clauses, `status` and `search`
/// being the clauses for the rows asked for (each `?` in one gets its value).
fn conditions(f: &Filter, status: &str, search: &str) -> (String, Args) {
    let mut sql = String::new();
    let mut args = Args::new();
    let mut add = |clause: &str, value: rusqlite::types::Value| {
        sql.push_str(" AND ");
        sql.push_str(clause);
        args.extend(std::iter::repeat_n(value, clause.matches('?').count()));
    };
    if let Some(d) = &f.destination_id {
        add("b.destination_id = ?", d.clone().into());
    }
    if let Some(g) = &f.group_id {
        add("b.group_id = ?", g.clone().into());
    }
    if let Some(s) = &f.status {
        add(status, s.clone().into());
    }
    if let Some(t) = f.from {
        add("b.started_at >= ?", t.into());
    }
    if let Some(t) = f.to {
        add("b.started_at <= ?", t.into());
    }
    if let Some(q) = search_term(f) {
        add(search, like(q).into());
    }
    (sql, args)
}

fn batch_conditions(f: &Filter) -> (String, Args) {
    conditions(f, BATCH_STATUS, BATCH_SEARCH)
}

/// The conditions on files, of one batch when `batch_id` is given.
fn file_conditions(batch_id: Option<&str>, f: &Filter) -> (String, Args) {
    let (rest, rest_args) = conditions(f, FILE_STATUS, FILE_SEARCH);
    match batch_id {
        Some(b) => (format!(" AND x.batch_id = ?{rest}"), std::iter::once(b.to_string().into()).chain(rest_args).collect()),
        None => (rest, rest_args),
    }
}

fn search_term(f: &Filter) -> Option<&str> {
    f.search.as_deref().map(str::trim).filter(|q| !q.is_empty())
}

fn page(args: &mut Args, f: &Filter) {
    args.push((f.limit.clamp(1, 1000) as i64).into());
    args.push((f.offset as i64).into());
}

fn count(conn: &Connection, sql: &str, args: Args) -> Result<i64, StoreError> {
    Ok(conn.query_row(sql, rusqlite::params_from_iter(args), |r| r.get(0))?)
}

/// The page of rows `sql` selects (it ends with `LIMIT ? OFFSET ?`, filled from `f`).
fn paged<T>(
    conn: &Connection,
    sql: &str,
    mut args: Args,
    f: &Filter,
    row: fn(&rusqlite::Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StoreError> {
    page(&mut args, f);
    let mut st = conn.prepare(sql)?;
    let rows = st.query_map(rusqlite::params_from_iter(args), row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn batches(conn: &Connection, f: &Filter) -> Result<Vec<BatchRow>, StoreError> {
    let (conditions, args) = batch_conditions(f);
    let sql = format!("SELECT {BATCH_COLUMNS} FROM batches b WHERE 1=1{conditions} ORDER BY b.started_at DESC LIMIT ? OFFSET ?");
    paged(conn, &sql, args, f, batch_row)
}

/// How many batches match a filter, out of how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchCounts {
    /// Batches matching the filter (its offset and limit ignored).
    pub matching: i64,
    /// Every batch in the history.
    pub total: i64,
    /// Whether the batch asked about (`selected`) matches the filter.
    pub selected_matches: Option<bool>,
}

/// Exact counts for a filtered batch list, and whether `selected` is in it.
pub fn batch_counts(conn: &Connection, f: &Filter, selected: Option<&str>) -> Result<BatchCounts, StoreError> {
    let (conditions, args) = batch_conditions(f);
    let matching = count(conn, &format!("SELECT COUNT(*) FROM batches b WHERE 1=1{conditions}"), args)?;
    let total = count(conn, "SELECT COUNT(*) FROM batches", Args::new())?;
    let selected_matches = match selected {
        Some(id) => {
            let (conditions, mut args) = batch_conditions(f);
            args.push(id.to_string().into());
            Some(count(conn, &format!("SELECT COUNT(*) FROM batches b WHERE 1=1{conditions} AND b.id = ?"), args)? > 0)
        }
        None => None,
    };
    Ok(BatchCounts { matching, total, selected_matches })
}

const BATCH_COLUMNS: &str =
    "b.id, b.destination_id, b.destination_name, b.origin, b.started_at, b.finished_at, b.state, b.outcome, b.files_total,
     b.bytes_total, b.delivered, b.skipped, b.failed, b.cancelled, b.bytes_sent, b.parent_id, b.refused, b.excluded, b.inputs_recorded,
     (SELECT COUNT(*) FROM batch_files e WHERE e.batch_id = b.id AND e.status = 'failed' AND e.error_code = 'already_exists'),
     b.group_id";

fn batch_row(r: &rusqlite::Row) -> rusqlite::Result<BatchRow> {
    Ok(BatchRow {
        id: r.get(0)?,
        destination_id: r.get(1)?,
        destination_name: r.get(2)?,
        origin: r.get(3)?,
        started_at: r.get(4)?,
        finished_at: r.get(5)?,
        state: r.get(6)?,
        outcome: r.get(7)?,
        files_total: r.get(8)?,
        bytes_total: r.get(9)?,
        delivered: r.get(10)?,
        skipped: r.get(11)?,
        failed: r.get(12)?,
        cancelled: r.get(13)?,
        bytes_sent: r.get(14)?,
        parent_id: r.get(15)?,
        refused: r.get(16)?,
        excluded: r.get(17)?,
        inputs_recorded: r.get(18)?,
        existing: r.get(19)?,
        group_id: r.get(20)?,
    })
}

pub fn files(conn: &Connection, batch_id: Option<&str>, f: &Filter) -> Result<Vec<FileRow>, StoreError> {
    let (conditions, args) = file_conditions(batch_id, f);
    let sql = format!(
        "SELECT {FILE_COLUMNS} FROM batch_files x JOIN batches b ON b.id = x.batch_id WHERE 1=1{conditions}
         ORDER BY b.started_at DESC, x.idx LIMIT ? OFFSET ?"
    );
    paged(conn, &sql, args, f, file_row)
}

/// Every file of a batch that was sent or given up on (not those refused
/// while planning), in batch order, one row at a time: a 100,000-file
/// batch is read without holding it.
pub fn each_file(conn: &Connection, batch_id: &str, mut each: impl FnMut(FileRow)) -> Result<(), StoreError> {
    let sql = format!("SELECT {FILE_COLUMNS} FROM batch_files x WHERE x.batch_id = ?1 AND x.status != 'refused' ORDER BY x.idx");
    let mut st = conn.prepare(&sql)?;
    let mut rows = st.query([batch_id])?;
    while let Some(r) = rows.next()? {
        each(file_row(r)?);
    }
    Ok(())
}

impl FileRow {
    /// The row as the delivery reported it (a file still pending when its
    /// batch stopped counts as cancelled, as the batch's totals count it).
    pub fn result(self) -> FileResult {
        let status = match self.status {
            FileState::Delivered => FileStatus::Delivered,
            FileState::Skipped => FileStatus::Skipped,
            FileState::Failed | FileState::Refused => FileStatus::Failed,
            FileState::Pending | FileState::Uploading | FileState::Cancelled => FileStatus::Cancelled,
        };
        let error = self.error_code.as_deref().and_then(Code::parse).map(|code| {
            Box::new(FileError {
                code,
                message: self.error_message.unwrap_or_default(),
                fix: self.error_fix.unwrap_or_default(),
                s3_code: self.s3_code,
                request_id: self.request_id,
            })
        });
        FileResult {
            index: self.idx as usize,
            key: self.key,
            status,
            bytes: self.bytes_sent as u64,
            attempts: self.attempts as u32,
            requests: self.requests as u32,
            multipart: self.multipart,
            etag: self.etag,
            version_id: self.version_id,
            md5: self.md5,
            parts_checked: false,
            duration_ms: self.duration_ms.unwrap_or(0) as u64,
            error,
            url: self.url,
        }
    }
}

/// How many files of a batch match a filter, out of how many, and where
/// the first failed one is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileCounts {
    /// Files matching the filter (its offset and limit ignored).
    pub matching: i64,
    /// Every file of the batch.
    pub total: i64,
    /// The position (from 0, in the filtered list) of the first failed file, if one matches.
    pub first_failed: Option<i64>,
}

/// Exact counts for the filtered file list of one batch.
pub fn file_counts(conn: &Connection, batch_id: &str, f: &Filter) -> Result<FileCounts, StoreError> {
    const FROM: &str = "FROM batch_files x JOIN batches b ON b.id = x.batch_id WHERE 1=1";
    let (conditions, args) = file_conditions(Some(batch_id), f);
    let matching = count(conn, &format!("SELECT COUNT(*) {FROM}{conditions}"), args.clone())?;
    let total = count(conn, "SELECT COUNT(*) FROM batch_files WHERE batch_id = ?1", vec![batch_id.to_string().into()])?;
    let first: Option<i64> = conn.query_row(
        &format!("SELECT MIN(x.idx) {FROM}{conditions} AND x.status = 'failed'"),
        rusqlite::params_from_iter(args.clone()),
        |r| r.get(0),
    )?;
    let first_failed = match first {
        Some(idx) => {
            let mut args = args;
            args.push(idx.into());
            Some(count(conn, &format!("SELECT COUNT(*) {FROM}{conditions} AND x.idx < ?"), args)?)
        }
        None => None,
    };
    Ok(FileCounts { matching, total, first_failed })
}

fn file_row(r: &rusqlite::Row) -> rusqlite::Result<FileRow> {
    Ok(FileRow {
        id: r.get(0)?,
        batch_id: r.get(1)?,
        idx: r.get(2)?,
        source: r.get(3)?,
        relpath: r.get(4)?,
        key: r.get(5)?,
        size: r.get(6)?,
        status: r.get(7)?,
        attempts: r.get(8)?,
        bytes_sent: r.get(9)?,
        multipart: r.get(10)?,
        etag: r.get(11)?,
        md5: r.get(12)?,
        version_id: r.get(13)?,
        duration_ms: r.get(14)?,
        error_code: r.get(15)?,
        error_message: r.get(16)?,
        error_fix: r.get(17)?,
        s3_code: r.get(18)?,
        request_id: r.get(19)?,
        upload_id: r.get(20)?,
        finished_at: r.get(21)?,
        requests: r.get(22)?,
        url: None,
        verified: r.get(23)?,
    })
}

/// One file of the history by its row id.
pub fn file(conn: &Connection, id: i64) -> Result<Option<FileRow>, StoreError> {
    let sql = format!("SELECT {FILE_COLUMNS} FROM batch_files x WHERE x.id = ?1");
    Ok(conn.query_row(&sql, [id], file_row).optional()?)
}

const FILE_COLUMNS: &str =
    "x.id, x.batch_id, x.idx, x.source, x.relpath, x.key, x.size, x.status, x.attempts, x.bytes_sent, x.multipart, x.etag,
     x.md5, x.version_id, x.duration_ms, x.error_code, x.error_message, x.error_fix, x.s3_code, x.request_id, x.upload_id, x.finished_at,
     x.requests, x.verified";

pub fn batch(conn: &Connection, id: &str) -> Result<Option<BatchRow>, StoreError> {
    let sql = format!("SELECT {BATCH_COLUMNS} FROM batches b WHERE b.id = ?1");
    Ok(conn.query_row(&sql, [id], batch_row).optional()?)
}
