//! Reading the history: batches and files, filtered and paged.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

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
    pub origin: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub state: String,
    pub outcome: Option<String>,
    pub files_total: i64,
    pub bytes_total: i64,
    pub delivered: i64,
    pub skipped: i64,
    pub failed: i64,
    pub cancelled: i64,
    pub bytes_sent: i64,
    /// For a retry or re-delivery: the batch it repeated.
    pub parent_id: Option<String>,
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
    pub status: String,
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
}

fn like(term: &str) -> String {
    let escaped = term.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

pub fn batches(conn: &Connection, f: &Filter) -> Result<Vec<BatchRow>, StoreError> {
    let mut sql = format!("SELECT {BATCH_COLUMNS} FROM batches b WHERE 1=1");
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(d) = &f.destination_id {
        sql.push_str(" AND destination_id = ?");
        args.push(d.clone().into());
    }
    if let Some(s) = &f.status {
        sql.push_str(" AND (outcome = ? OR state = ?)");
        args.push(s.clone().into());
        args.push(s.clone().into());
    }
    if let Some(t) = f.from {
        sql.push_str(" AND started_at >= ?");
        args.push(t.into());
    }
    if let Some(t) = f.to {
        sql.push_str(" AND started_at <= ?");
        args.push(t.into());
    }
    if let Some(q) = f.search.as_deref().filter(|q| !q.trim().is_empty()) {
        sql.push_str(" AND EXISTS (SELECT 1 FROM batch_files x WHERE x.batch_id = b.id AND (x.key LIKE ? ESCAPE '\\' OR x.relpath LIKE ? ESCAPE '\\'))");
        args.push(like(q.trim()).into());
        args.push(like(q.trim()).into());
    }
    sql.push_str(" ORDER BY started_at DESC LIMIT ? OFFSET ?");
    args.push((f.limit.clamp(1, 1000) as i64).into());
    args.push((f.offset as i64).into());
    let mut st = conn.prepare(&sql)?;
    let rows = st.query_map(rusqlite::params_from_iter(args), batch_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

const BATCH_COLUMNS: &str = "id, destination_id, destination_name, origin, started_at, finished_at, state, outcome, files_total, bytes_total,
     delivered, skipped, failed, cancelled, bytes_sent, parent_id";

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
        })
}

pub fn files(conn: &Connection, batch_id: Option<&str>, f: &Filter) -> Result<Vec<FileRow>, StoreError> {
    let mut sql = format!("SELECT {FILE_COLUMNS} FROM batch_files x JOIN batches b ON b.id = x.batch_id WHERE 1=1");
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(b) = batch_id {
        sql.push_str(" AND x.batch_id = ?");
        args.push(b.to_string().into());
    }
    if let Some(d) = &f.destination_id {
        sql.push_str(" AND b.destination_id = ?");
        args.push(d.clone().into());
    }
    if let Some(s) = &f.status {
        sql.push_str(" AND x.status = ?");
        args.push(s.clone().into());
    }
    if let Some(t) = f.from {
        sql.push_str(" AND b.started_at >= ?");
        args.push(t.into());
    }
    if let Some(t) = f.to {
        sql.push_str(" AND b.started_at <= ?");
        args.push(t.into());
    }
    if let Some(q) = f.search.as_deref().filter(|q| !q.trim().is_empty()) {
        sql.push_str(" AND (x.key LIKE ? ESCAPE '\\' OR x.relpath LIKE ? ESCAPE '\\')");
        args.push(like(q.trim()).into());
        args.push(like(q.trim()).into());
    }
    sql.push_str(" ORDER BY b.started_at DESC, x.idx LIMIT ? OFFSET ?");
    args.push((f.limit.clamp(1, 1000) as i64).into());
    args.push((f.offset as i64).into());
    let mut st = conn.prepare(&sql)?;
    let rows = st.query_map(rusqlite::params_from_iter(args), file_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
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
    })
}

/// One file of the history by its row id.
pub fn file(conn: &Connection, id: i64) -> Result<Option<FileRow>, StoreError> {
    let sql = format!("SELECT {FILE_COLUMNS} FROM batch_files x WHERE x.id = ?1");
    Ok(conn.query_row(&sql, [id], file_row).optional()?)
}

const FILE_COLUMNS: &str = "x.id, x.batch_id, x.idx, x.source, x.relpath, x.key, x.size, x.status, x.attempts, x.bytes_sent, x.multipart, x.etag,
     x.md5, x.version_id, x.duration_ms, x.error_code, x.error_message, x.error_fix, x.s3_code, x.request_id, x.upload_id, x.finished_at,
     x.requests";

pub fn batch(conn: &Connection, id: &str) -> Result<Option<BatchRow>, StoreError> {
    let sql = format!("SELECT {BATCH_COLUMNS} FROM batches WHERE id = ?1");
    Ok(conn.query_row(&sql, [id], batch_row).optional()?)
}
