//! The journal that writes a running batch into the history: the engine's
//! events queued to one writer thread, written in one transaction per
//! 100 ms or 500 events. The writer gathers while parked, so queueing an
//! event never wakes it (a 100,000-file delivery sends two per file); only
//! the first event of a round and a flush do.

use std::path::{Path, PathBuf};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use rusqlite::{params, Connection, Transaction};

use super::{file_state, now_ms};
use crate::deliver::{FileResult, Journal};
use crate::store::StoreError;

/// How long the writer gathers events before writing them, and how many at most.
const ROUND: Duration = Duration::from_millis(100);
const ROUND_EVENTS: usize = 500;

enum Msg {
    Started(usize),
    Upload(usize, String, u64),
    Part(usize, i32, String, String, u64),
    Finished(Box<FileResult>),
    Flush(mpsc::Sender<()>),
}

/// The journal that writes the history: queues from the engine, one writer
/// thread, one transaction per round.
pub struct HistoryJournal {
    tx: Mutex<mpsc::Sender<Msg>>,
    /// The writer thread, woken for a flush.
    writer: std::thread::Thread,
    /// For a resumed batch: plan index -> the file's index in the batch.
    index_map: Option<Vec<usize>>,
}

impl HistoryJournal {
    pub fn start(db: &Path, batch_id: &str) -> Result<(HistoryJournal, std::thread::JoinHandle<()>), StoreError> {
        Self::start_mapped(db, batch_id, None)
    }

    pub fn start_mapped(
        db: &Path,
        batch_id: &str,
        index_map: Option<Vec<usize>>,
    ) -> Result<(HistoryJournal, std::thread::JoinHandle<()>), StoreError> {
        let conn = Connection::open(db).map_err(|source| StoreError::Open { path: db.into(), source })?;
        conn.busy_timeout(Duration::from_secs(10))?;
        let (tx, rx) = mpsc::channel::<Msg>();
        let batch = batch_id.to_string();
        let handle = std::thread::Builder::new()
            .name("chute-history".into())
            .spawn(move || writer(conn, batch, rx))
            .map_err(|e| StoreError::Corrupt { path: PathBuf::from(db), detail: format!("no history thread: {e}") })?;
        let writer = handle.thread().clone();
        Ok((HistoryJournal { tx: Mutex::new(tx), writer, index_map }, handle))
    }

    fn idx(&self, i: usize) -> usize {
        self.index_map.as_ref().and_then(|m| m.get(i).copied()).unwrap_or(i)
    }

    fn send(&self, m: Msg) {
        let _ = self.tx.lock().unwrap_or_else(|p| p.into_inner()).send(m);
    }

    /// Wait until everything queued so far is committed.
    pub fn flush(&self) {
        let (tx, rx) = mpsc::channel();
        self.send(Msg::Flush(tx));
        self.writer.unpark();
        let _ = rx.recv_timeout(Duration::from_secs(30));
    }
}

impl Journal for HistoryJournal {
    fn file_started(&self, index: usize) {
        self.send(Msg::Started(self.idx(index)));
    }
    fn upload_created(&self, index: usize, upload_id: &str, part_size: u64) {
        self.send(Msg::Upload(self.idx(index), upload_id.to_string(), part_size));
    }
    fn part_done(&self, index: usize, number: i32, etag: &str, checksum: &str, size: u64) {
        self.send(Msg::Part(self.idx(index), number, etag.to_string(), checksum.to_string(), size));
    }
    fn file_finished(&self, r: &FileResult) {
        let mut r = r.clone();
        r.index = self.idx(r.index);
        self.send(Msg::Finished(Box::new(r)));
    }
    fn sync(&self) {
        self.flush();
    }
}

/// Rounds until every sender is gone: the first event is waited for, the
/// rest of the round gathered while parked (woken early by a flush).
fn writer(mut conn: Connection, batch: String, rx: mpsc::Receiver<Msg>) {
    let mut open = true;
    while open {
        let Ok(first) = rx.recv() else { break };
        let mut msgs = vec![first];
        let deadline = Instant::now() + ROUND;
        'round: while !matches!(msgs.last(), Some(Msg::Flush(_))) {
            loop {
                match rx.try_recv() {
                    Ok(m) => {
                        let flush = matches!(m, Msg::Flush(_));
                        msgs.push(m);
                        if flush || msgs.len() >= ROUND_EVENTS {
                            break 'round;
                        }
                    }
                    Err(mpsc::TryRecvError::Empty) => break,
                    Err(mpsc::TryRecvError::Disconnected) => {
                        open = false;
                        break 'round;
                    }
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            std::thread::park_timeout(left);
        }
        let mut waiters = Vec::new();
        if let Ok(tx) = conn.transaction() {
            for m in msgs {
                let r = match m {
                    Msg::Flush(w) => {
                        waiters.push(w);
                        Ok(())
                    }
                    m => write(&tx, &batch, m),
                };
                if let Err(e) = r {
                    eprintln!("chute: history write failed: {e}");
                }
            }
            if let Err(e) = tx.commit() {
                eprintln!("chute: history commit failed: {e}");
            }
        }
        for w in waiters {
            let _ = w.send(());
        }
    }
}

/// One event into the open transaction (statements prepared once per connection).
fn write(tx: &Transaction, batch: &str, m: Msg) -> rusqlite::Result<()> {
    match m {
        Msg::Started(i) => tx
            .prepare_cached("UPDATE batch_files SET status = 'uploading', attempts = attempts + 1 WHERE batch_id = ?1 AND idx = ?2")?
            .execute(params![batch, i as i64])
            .map(|_| ()),
        // A new upload for the file: parts of an earlier one no longer count.
        Msg::Upload(i, id, psize) => {
            tx.prepare_cached("DELETE FROM batch_parts WHERE file_id = (SELECT id FROM batch_files WHERE batch_id = ?1 AND idx = ?2)")?
                .execute(params![batch, i as i64])?;
            tx.prepare_cached("UPDATE batch_files SET upload_id = ?3, part_size = ?4, multipart = 1 WHERE batch_id = ?1 AND idx = ?2")?
                .execute(params![batch, i as i64, id, psize as i64])
                .map(|_| ())
        }
        Msg::Part(i, n, etag, md5, size) => tx
            .prepare_cached(
                "INSERT OR REPLACE INTO batch_parts (file_id, number, etag, md5, size)
                 SELECT id, ?3, ?4, ?5, ?6 FROM batch_files WHERE batch_id = ?1 AND idx = ?2",
            )?
            .execute(params![batch, i as i64, n, etag, md5, size as i64])
            .map(|_| ()),
        Msg::Finished(r) => {
            let e = r.error.as_ref();
            tx.prepare_cached(
                "UPDATE batch_files SET status = ?3, attempts = MAX(attempts, ?4), bytes_sent = ?5, multipart = ?6, etag = ?7, md5 = ?8,
                   version_id = ?9, duration_ms = ?10, error_code = ?11, error_message = ?12, error_fix = ?13, s3_code = ?14,
                   request_id = ?15, finished_at = ?16, requests = requests + ?17
                 WHERE batch_id = ?1 AND idx = ?2",
            )?
            .execute(params![
                batch,
                r.index as i64,
                file_state(r.status),
                r.attempts,
                r.bytes as i64,
                r.multipart,
                r.etag,
                r.md5,
                r.version_id,
                r.duration_ms as i64,
                e.map(|e| e.code.as_str()),
                e.map(|e| e.message.clone()),
                e.map(|e| e.fix.clone()),
                e.and_then(|e| e.s3_code.clone()),
                e.and_then(|e| e.request_id.clone()),
                now_ms(),
                r.requests
            ])
            .map(|_| ())
        }
        Msg::Flush(_) => Ok(()),
    }
}
