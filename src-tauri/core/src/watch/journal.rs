//! The watch journal: for every file content and destination, whether it
//! waits, is being sent, landed or failed. It makes delivery exactly once
//! by content across restarts: a settled file whose size and time, or
//! else whose checksum, match what was delivered is not sent again; a file
//! being sent when the process died is sent again under the key it had.

use rusqlite::{params, Connection, OptionalExtension};

use crate::report::{ErrorInfo, WatchFileState as State};
use crate::store::StoreError;

use super::settle::Look;

/// What noting a settled file did, for one destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Noted {
    /// Queued to be sent.
    Queued,
    /// Already delivered (or the starting point) with this content.
    Unchanged,
    /// Already waiting with this look.
    AlreadyQueued,
}

/// A file waiting to be sent to one destination.
#[derive(Debug, Clone, PartialEq)]
pub struct Queued {
    pub id: i64,
    pub relpath: String,
    pub size: u64,
    pub mtime_ms: i64,
    pub checksum: String,
    /// The key an earlier attempt used; a retry keeps it.
    pub key: Option<String>,
    pub attempts: u32,
    /// Unix ms when it settled (a batching watch's window starts with its oldest file).
    pub queued_at: i64,
    /// The combined object it went out in before (a batching watch): sent again as it was.
    pub bundle: Option<String>,
}

struct Last {
    id: i64,
    state: State,
    look: Look,
    checksum: String,
}

fn last(conn: &Connection, watch_id: &str, destination_id: &str, relpath: &str) -> Result<Option<Last>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT id, state, size, mtime_ms, checksum FROM watch_files
             WHERE watch_id = ?1 AND relpath = ?2 AND destination_id = ?3 ORDER BY id DESC LIMIT 1",
            params![watch_id, relpath, destination_id],
            |r| Ok(Last { id: r.get(0)?, state: r.get(1)?, look: (r.get::<_, i64>(2)? as u64, r.get(3)?), checksum: r.get(4)? }),
        )
        .optional()?)
}

/// A new row: `content` is the file's look and checksum.
fn insert(
    conn: &Connection,
    watch_id: &str,
    destination_id: &str,
    relpath: &str,
    content: (Look, &str),
    state: State,
    now: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO watch_files (watch_id, destination_id, relpath, size, mtime_ms, checksum, state, next_try_at, queued_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        params![watch_id, destination_id, relpath, content.0 .0 as i64, content.0 .1, content.1, state, now],
    )?;
    Ok(())
}

/// A file settled: queue it for each destination that does not have this
/// content yet. `checksum` is computed at most once, and only when the size
/// or time differ from what a destination already has.
pub fn note_settled(
    conn: &Connection,
    watch_id: &str,
    destinations: &[String],
    relpath: &str,
    look: Look,
    checksum: &mut dyn FnMut() -> std::io::Result<String>,
    now: i64,
) -> Result<Vec<Noted>, NoteError> {
    let mut sum: Option<String> = None;
    let mut out = Vec::with_capacity(destinations.len());
    for d in destinations {
        let prev = last(conn, watch_id, d, relpath)?;
        let noted = match prev {
            Some(p) if p.look == look && p.state != State::Failed => {
                if matches!(p.state, State::Queued | State::Sending) {
                    Noted::AlreadyQueued
                } else {
                    Noted::Unchanged
                }
            }
            Some(p) if p.state == State::Failed && p.look == look => Noted::Unchanged,
            prev => {
                if sum.is_none() {
                    sum = Some(checksum().map_err(NoteError::Read)?);
                }
                let c = sum.as_deref().unwrap_or_default();
                match prev {
                    // Same content, touched: remember the new time so the next look needs no checksum.
                    Some(p) if p.checksum == c && matches!(p.state, State::Delivered | State::Baseline) => {
                        conn.execute(
                            "UPDATE watch_files SET mtime_ms = ?2, size = ?3 WHERE id = ?1",
                            params![p.id, look.1, look.0 as i64],
                        )?;
                        Noted::Unchanged
                    }
                    // Changed before it was sent: send the newest content instead, under a key rendered afresh.
                    Some(p) if p.state == State::Queued => {
                        conn.execute(
                            "UPDATE watch_files SET size = ?2, mtime_ms = ?3, checksum = ?4, key = NULL, bundle = NULL, next_try_at = ?5 WHERE id = ?1",
                            params![p.id, look.0 as i64, look.1, c, now],
                        )?;
                        Noted::Queued
                    }
                    _ => {
                        insert(conn, watch_id, d, relpath, (look, c), State::Queued, now)?;
                        Noted::Queued
                    }
                }
            }
        };
        out.push(noted);
    }
    Ok(out)
}

#[derive(Debug, thiserror::Error)]
pub enum NoteError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Read(std::io::Error),
}

impl From<rusqlite::Error> for NoteError {
    fn from(e: rusqlite::Error) -> NoteError {
        NoteError::Store(e.into())
    }
}

/// A file already there when an "only new files" watch began: not sent,
/// but any later change is.
pub fn note_baseline(
    conn: &Connection,
    watch_id: &str,
    destinations: &[String],
    relpath: &str,
    look: Look,
    now: i64,
) -> Result<(), StoreError> {
    for d in destinations {
        if last(conn, watch_id, d, relpath)?.is_none() {
            insert(conn, watch_id, d, relpath, (look, ""), State::Baseline, now)?;
        }
    }
    Ok(())
}

/// Files left `sending` by a process that stopped: queued again, keeping
/// their keys (so a file that did land is not written under a second key).
pub fn requeue_sending(conn: &Connection, now: i64) -> Result<usize, StoreError> {
    Ok(conn.execute("UPDATE watch_files SET state = 'queued', next_try_at = ?1 WHERE state = 'sending'", [now])?)
}

/// Up to `limit` files due for a destination of a watch, oldest first.
pub fn due(conn: &Connection, watch_id: &str, destination_id: &str, now: i64, limit: usize) -> Result<Vec<Queued>, StoreError> {
    let mut st = conn.prepare(
        "SELECT id, relpath, size, mtime_ms, checksum, key, attempts, queued_at, bundle FROM watch_files
         WHERE watch_id = ?1 AND destination_id = ?2 AND state = 'queued' AND next_try_at <= ?3 ORDER BY id LIMIT ?4",
    )?;
    let rows = st.query_map(params![watch_id, destination_id, now, limit as i64], |r| {
        Ok(Queued {
            id: r.get(0)?,
            relpath: r.get(1)?,
            size: r.get::<_, i64>(2)? as u64,
            mtime_ms: r.get(3)?,
            checksum: r.get(4)?,
            key: r.get(5)?,
            attempts: r.get::<_, i64>(6)? as u32,
            queued_at: r.get(7)?,
            bundle: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The earliest time a queued file is due, if any waits.
pub fn next_due(conn: &Connection) -> Result<Option<i64>, StoreError> {
    Ok(conn.query_row("SELECT MIN(next_try_at) FROM watch_files WHERE state = 'queued'", [], |r| r.get(0))?)
}

/// Files going out now, each under the key it will have for good (and in
/// the combined object `bundle`, for a batching watch).
pub fn mark_sending(conn: &mut Connection, files: &[(i64, String)], bundle: Option<&str>) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    {
        let mut st =
            tx.prepare("UPDATE watch_files SET state = 'sending', key = ?2, bundle = ?3, attempts = attempts + 1 WHERE id = ?1")?;
        for (id, key) in files {
            st.execute(params![id, key, bundle])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// How one attempt at a file ended.
#[derive(Debug, Clone)]
pub enum Ended {
    Delivered {
        batch_id: Option<String>,
    },
    /// Try again at `at` (Unix ms).
    Retry {
        error: ErrorInfo,
        at: i64,
    },
    /// Do not try again unless the file changes.
    Failed {
        error: ErrorInfo,
    },
    /// Stopped before it was sent (the runner is stopping): waits again, no attempt counted.
    Stopped,
}

pub fn finish(conn: &Connection, id: i64, ended: &Ended, now: i64) -> Result<(), StoreError> {
    match ended {
        Ended::Delivered { batch_id } => conn.execute(
            "UPDATE watch_files SET state = 'delivered', batch_id = ?2, finished_at = ?3, error_code = NULL, error_message = NULL, error_fix = NULL WHERE id = ?1",
            params![id, batch_id, now],
        )?,
        Ended::Retry { error, at } => conn.execute(
            "UPDATE watch_files SET state = 'queued', next_try_at = ?2, error_code = ?3, error_message = ?4, error_fix = ?5 WHERE id = ?1",
            params![id, at, error.code.as_str(), error.message, error.fix],
        )?,
        Ended::Failed { error } => conn.execute(
            "UPDATE watch_files SET state = 'failed', finished_at = ?2, error_code = ?3, error_message = ?4, error_fix = ?5 WHERE id = ?1",
            params![id, now, error.code.as_str(), error.message, error.fix],
        )?,
        Ended::Stopped => conn.execute("UPDATE watch_files SET state = 'queued', attempts = MAX(attempts - 1, 0) WHERE id = ?1", [id])?,
    };
    Ok(())
}

/// The history batch a delivery's rows went out in.
pub fn set_batch(conn: &mut Connection, ids: &[i64], batch_id: &str) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    {
        let mut st = tx.prepare("UPDATE watch_files SET batch_id = ?2 WHERE id = ?1")?;
        for id in ids {
            st.execute(params![id, batch_id])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Whether this content of the file has landed at every destination listed.
pub fn landed_everywhere(
    conn: &Connection,
    watch_id: &str,
    relpath: &str,
    checksum: &str,
    destinations: &[String],
) -> Result<bool, StoreError> {
    for d in destinations {
        let delivered: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM watch_files WHERE watch_id = ?1 AND relpath = ?2 AND destination_id = ?3 AND checksum = ?4 AND state = 'delivered')",
            params![watch_id, relpath, d, checksum],
            |r| r.get(0),
        )?;
        if !delivered {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Queued files of destinations a watch no longer delivers to are dropped.
pub fn forget_destinations(conn: &Connection, watch_id: &str, keep: &[String]) -> Result<usize, StoreError> {
    let mut st = conn.prepare("SELECT DISTINCT destination_id FROM watch_files WHERE watch_id = ?1 AND state = 'queued'")?;
    let ids: Vec<String> = st.query_map([watch_id], |r| r.get(0))?.collect::<Result<_, _>>()?;
    let mut n = 0;
    for id in ids.iter().filter(|id| !keep.contains(id)) {
        n += conn
            .execute("DELETE FROM watch_files WHERE watch_id = ?1 AND destination_id = ?2 AND state = 'queued'", params![watch_id, id])?;
    }
    Ok(n)
}

/// What a watch's journal says, for its card and `chute watch show`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct JournalSummary {
    pub queued: u64,
    pub sending: u64,
    pub delivered: u64,
    pub failed: u64,
    /// Since when files wait for a retry (the oldest first failure still waiting).
    pub retrying_since: Option<i64>,
    pub last_delivered_at: Option<i64>,
    /// The latest failure still standing (waiting for a retry or given up).
    pub last_failure: Option<FailureAt>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FailureAt {
    #[serde(flatten)]
    pub error: ErrorInfo,
    pub relpath: String,
    pub destination_id: String,
    pub retrying: bool,
}

pub fn summary(conn: &Connection, watch_id: &str) -> Result<JournalSummary, StoreError> {
    let mut s = JournalSummary::default();
    let mut st = conn.prepare("SELECT state, COUNT(*) FROM watch_files WHERE watch_id = ?1 GROUP BY state")?;
    for r in st.query_map([watch_id], |r| Ok((r.get::<_, State>(0)?, r.get::<_, i64>(1)? as u64)))? {
        let (state, n) = r?;
        match state {
            State::Queued => s.queued = n,
            State::Sending => s.sending = n,
            State::Delivered => s.delivered = n,
            State::Failed => s.failed = n,
            State::Baseline => {}
        }
    }
    s.retrying_since = conn.query_row(
        "SELECT MIN(queued_at) FROM watch_files WHERE watch_id = ?1 AND state = 'queued' AND error_code IS NOT NULL",
        [watch_id],
        |r| r.get(0),
    )?;
    s.last_delivered_at =
        conn.query_row("SELECT MAX(finished_at) FROM watch_files WHERE watch_id = ?1 AND state = 'delivered'", [watch_id], |r| r.get(0))?;
    s.last_failure = conn
        .query_row(
            "SELECT error_code, error_message, error_fix, relpath, destination_id, state FROM watch_files
             WHERE watch_id = ?1 AND error_code IS NOT NULL AND state IN ('queued', 'failed') ORDER BY id DESC LIMIT 1",
            [watch_id],
            |r| {
                let code: String = r.get(0)?;
                Ok(FailureAt {
                    error: ErrorInfo::new(
                        crate::report::Code::parse(&code).unwrap_or(crate::report::Code::UploadFailed),
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                    ),
                    relpath: r.get(3)?,
                    destination_id: r.get(4)?,
                    retrying: r.get::<_, State>(5)? == State::Queued,
                })
            },
        )
        .optional()?;
    Ok(s)
}
