//! The delivery history: every batch and file, recorded as the engine goes.
//! Journal events are queued and written by one thread in transactions
//! (journal.rs; never a write per chunk), so a crash at any instant leaves
//! a consistent database with at most the last fraction of a second missing; multipart
//! upload ids and completed parts are among what is kept, for resuming;
//! each batch's receipt (its objects checked at the destination) beside it.

use std::path::Path;

use rusqlite::{params, Connection};

use crate::deliver::{FileStatus, Plan};
use crate::destination::Destination;
use crate::store::StoreError;

mod inputs;
mod journal;
mod manage;
mod query;
mod receipts;
pub use inputs::*;
pub use journal::HistoryJournal;
pub use manage::*;
pub use query::*;
pub use receipts::*;

pub use crate::report::{BatchState, FileState, Origin, Outcome};

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

fn file_state(s: FileStatus) -> FileState {
    match s {
        FileStatus::Delivered => FileState::Delivered,
        FileStatus::Skipped => FileState::Skipped,
        FileStatus::Failed => FileState::Failed,
        FileStatus::Cancelled => FileState::Cancelled,
    }
}

/// The batch is one destination of a drop sent to several (`group_id`).
pub fn set_group(conn: &Connection, batch_id: &str, group_id: &str) -> Result<(), StoreError> {
    conn.execute("UPDATE batches SET group_id = ?2 WHERE id = ?1", params![batch_id, group_id])?;
    Ok(())
}

/// Record a new batch in one transaction: its planned files, all pending,
/// then what it was given, left out and refused (see [`inputs`]).
pub fn begin_batch(conn: &mut Connection, batch_id: &str, d: &Destination, plan: &Plan, origin: Origin) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO batches (id, destination_id, destination_name, settings, origin, started_at, state, owner_pid, files_total, bytes_total, parent_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'running', ?9, ?7, ?8, ?10)",
        params![
            batch_id,
            d.id,
            d.settings.name,
            serde_json::to_string(&d.settings)?,
            origin,
            now_ms(),
            plan.files.len() as i64,
            plan.total_bytes as i64,
            std::process::id() as i64,
            plan.from_batch
        ],
    )?;
    {
        let mut st = tx.prepare(
            "INSERT INTO batch_files (batch_id, idx, source, relpath, key, size, mtime_ms, content_type, status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending')",
        )?;
        for (i, f) in plan.files.iter().enumerate() {
            st.execute(params![
                batch_id,
                i as i64,
                f.source().to_string_lossy(),
                f.relpath,
                f.key,
                f.size as i64,
                f.mtime_ms,
                f.content_type
            ])?;
        }
    }
    inputs::record(&tx, batch_id, plan)?;
    tx.commit()?;
    Ok(())
}

/// What an interrupted batch still has to do: its unfinished files (as a
/// plan), their indexes in the batch, and the multipart uploads to continue.
pub struct Unfinished {
    pub destination_id: String,
    pub plan: Plan,
    pub index_map: Vec<usize>,
    pub resume: std::collections::HashMap<usize, crate::deliver::ResumeUpload>,
    /// Plan indices the interrupted run had started without recording an
    /// upload: it may have opened one it never heard back about.
    pub strays: Vec<usize>,
}

pub fn unfinished(conn: &Connection, batch_id: &str) -> Result<Unfinished, StoreError> {
    let destination_id: String = conn.query_row("SELECT destination_id FROM batches WHERE id = ?1", [batch_id], |r| r.get(0))?;
    let mut st = conn.prepare(
        "SELECT id, idx, source, relpath, key, size, mtime_ms, content_type, upload_id, part_size, status FROM batch_files
         WHERE batch_id = ?1 AND status NOT IN ('delivered', 'skipped', 'refused') ORDER BY idx",
    )?;
    struct Row {
        file_id: i64,
        idx: i64,
        file: crate::deliver::PlannedFile,
        upload_id: Option<String>,
        part_size: Option<i64>,
        started: bool,
    }
    let rows: Vec<Row> = st
        .query_map([batch_id], |r| {
            Ok(Row {
                file_id: r.get(0)?,
                idx: r.get(1)?,
                file: crate::deliver::PlannedFile {
                    from: crate::deliver::SourcePath::Own(r.get::<_, String>(2)?.into()),
                    relpath: r.get(3)?,
                    key: r.get(4)?,
                    size: r.get::<_, i64>(5)? as u64,
                    mtime_ms: r.get(6)?,
                    content_type: r.get::<_, String>(7)?.into(),
                },
                upload_id: r.get(8)?,
                part_size: r.get(9)?,
                started: r.get::<_, String>(10)? == "uploading",
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut parts_st = conn.prepare("SELECT number, etag, md5 FROM batch_parts WHERE file_id = ?1 ORDER BY number")?;
    let mut files = Vec::new();
    let mut index_map = Vec::new();
    let mut resume = std::collections::HashMap::new();
    let mut strays = Vec::new();
    for row in rows {
        if row.started && row.upload_id.is_none() {
            strays.push(files.len());
        }
        if let (Some(upload_id), Some(part_size)) = (row.upload_id, row.part_size) {
            let parts = parts_st.query_map([row.file_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
            resume.insert(files.len(), crate::deliver::ResumeUpload { upload_id, part_size: part_size as u64, parts });
        }
        files.push(row.file);
        index_map.push(row.idx as usize);
    }
    let total_bytes = files.iter().map(|f| f.size).sum();
    let plan = Plan {
        files,
        excluded: vec![],
        problems: vec![],
        collisions: vec![],
        total_bytes,
        created_at: now_ms(),
        from_batch: None,
        sources: vec![],
    };
    Ok(Unfinished { destination_id, plan, index_map, resume, strays })
}

/// Put an interrupted batch back to running, owned by this process.
pub fn reopen_batch(conn: &Connection, batch_id: &str) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "UPDATE batches SET state = 'running', owner_pid = ?2, finished_at = NULL WHERE id = ?1 AND state = 'interrupted'",
        params![batch_id, std::process::id() as i64],
    )? == 1)
}

/// Close a batch, counting its files' fates from the rows (a resumed batch's
/// summary covers only what the resume did).
pub fn finish_batch_from_rows(conn: &Connection, batch_id: &str, state: BatchState) -> Result<(), StoreError> {
    let (delivered, skipped, failed, cancelled, sent): (i64, i64, i64, i64, i64) = conn.query_row(
        "SELECT COALESCE(SUM(status = 'delivered'), 0), COALESCE(SUM(status = 'skipped'), 0),
                COALESCE(SUM(status = 'failed'), 0), COALESCE(SUM(status IN ('cancelled', 'pending', 'uploading')), 0),
                COALESCE(SUM(bytes_sent), 0)
         FROM batch_files WHERE batch_id = ?1",
        [batch_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    let summary = crate::deliver::BatchSummary {
        batch_id: None,
        outcome: Outcome::Delivered, // finish_batch works it out with the refused files
        not_landed: vec![],
        delivered: delivered as usize,
        skipped: skipped as usize,
        failed: failed as usize,
        cancelled: cancelled as usize,
        bytes_sent: sent as u64,
        duration_ms: 0,
        manifest: None,
        receipt: None,
    };
    finish_batch(conn, batch_id, &summary)?;
    conn.execute("UPDATE batches SET state = ?2 WHERE id = ?1", params![batch_id, state])?;
    Ok(())
}

/// Open multipart uploads of a batch's unfinished files: (file row id, key, upload id).
pub fn open_uploads(conn: &Connection, batch_id: &str) -> Result<Vec<(i64, String, String)>, StoreError> {
    let mut st = conn.prepare(
        "SELECT id, key, upload_id FROM batch_files WHERE batch_id = ?1 AND upload_id IS NOT NULL AND status NOT IN ('delivered', 'skipped')",
    )?;
    let rows = st.query_map([batch_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
    Ok(rows)
}

pub fn mark_cancelled(conn: &Connection, batch_id: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE batch_files SET status = 'cancelled', finished_at = ?2 WHERE batch_id = ?1 AND status NOT IN ('delivered', 'skipped', 'failed', 'refused')",
        params![batch_id, now_ms()],
    )?;
    Ok(())
}

/// Close a batch with its totals. Files refused before sending count as
/// not delivered: a batch with one is at best partly delivered.
pub fn finish_batch(conn: &Connection, batch_id: &str, s: &crate::deliver::BatchSummary) -> Result<(), StoreError> {
    let refused: i64 = conn.query_row("SELECT refused FROM batches WHERE id = ?1", [batch_id], |r| r.get(0))?;
    let outcome = Outcome::of(s.delivered as u64, s.skipped as u64, s.failed as u64, s.cancelled as u64, refused.max(0) as u64);
    conn.execute(
        "UPDATE batches SET state = 'finished', finished_at = ?2, outcome = ?3, delivered = ?4, skipped = ?5,
           failed = ?6, cancelled = ?7, bytes_sent = ?8 WHERE id = ?1",
        params![
            batch_id,
            now_ms(),
            outcome,
            s.delivered as i64,
            s.skipped as i64,
            s.failed as i64,
            s.cancelled as i64,
            s.bytes_sent as i64
        ],
    )?;
    Ok(())
}

/// Batches still `running` whose process is gone were cut off (a crash or a
/// kill): mark them interrupted. A batch another live Chute (the app while
/// the CLI runs) is delivering stays running.
pub fn mark_interrupted(conn: &Connection) -> Result<usize, StoreError> {
    let mut st = conn.prepare("SELECT id, owner_pid FROM batches WHERE state = 'running'")?;
    let running: Vec<(String, i64)> = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    let mut n = 0;
    for (id, pid) in running {
        if !process_alive(pid) {
            n += conn.execute("UPDATE batches SET state = 'interrupted' WHERE id = ?1 AND state = 'running'", [id])?;
        }
    }
    Ok(n)
}

/// The interrupted batches a kind of front end started (e.g. watches), to
/// resume or discard.
pub fn interrupted_ids(conn: &Connection, origin: Origin) -> Result<Vec<String>, StoreError> {
    let mut st = conn.prepare("SELECT id FROM batches WHERE origin = ?1 AND state = 'interrupted'")?;
    let ids = st.query_map([origin], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
    Ok(ids)
}

/// Whether a process with this id runs. Where this cannot be told, assume
/// it does (a batch is then left `running`, never wrongly resumed twice).
fn process_alive(pid: i64) -> bool {
    if pid == std::process::id() as i64 {
        return false; // this process is just starting: nothing of it runs yet
    }
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}
