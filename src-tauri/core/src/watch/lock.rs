//! One runner of watches at a time per data folder: the window or
//! `chute watch run`, never both. The runner holds an OS lock on a file in
//! the data folder (released by the OS when the process ends, even by
//! kill -9) and writes who it is in it, so a second runner can say who
//! holds the watches.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub const LOCK_FILE: &str = "watch-runner.lock";

/// Who runs the watches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    /// "the Chute window" or "chute watch run".
    pub who: String,
    pub pid: u32,
    /// Unix ms.
    pub since: i64,
}

/// Held while this process runs the watches; dropping it lets another runner in.
#[derive(Debug)]
pub struct RunnerLock {
    _file: File,
    path: PathBuf,
}

impl RunnerLock {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("watches are already run by {} (pid {})", .0.who, .0.pid)]
    Held(Holder),
    #[error("cannot use the lock file {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

fn open(path: &Path) -> Result<File, LockError> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|source| LockError::Io { path: path.into(), source })
}

fn read_holder(file: &mut File) -> Option<Holder> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.read_to_string(&mut text).ok()?;
    serde_json::from_str(&text).ok()
}

/// Take the runner lock in `data_dir`, or say who holds it.
pub fn acquire(data_dir: &Path, who: &str, now: i64) -> Result<RunnerLock, LockError> {
    let path = data_dir.join(LOCK_FILE);
    let mut file = open(&path)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let holder = read_holder(&mut file).unwrap_or(Holder { who: "another Chute".into(), pid: 0, since: 0 });
            return Err(LockError::Held(holder));
        }
        Err(std::fs::TryLockError::Error(source)) => return Err(LockError::Io { path, source }),
    }
    let me = Holder { who: who.to_string(), pid: std::process::id(), since: now };
    let write = |file: &mut File| -> std::io::Result<()> {
        file.set_len(0)?;
        file.rewind()?;
        file.write_all(serde_json::to_string(&me).unwrap_or_default().as_bytes())?;
        file.flush()
    };
    write(&mut file).map_err(|source| LockError::Io { path: path.clone(), source })?;
    Ok(RunnerLock { _file: file, path })
}

/// Who runs the watches now, if anyone (the lock is held, not just written).
pub fn holder(data_dir: &Path) -> Option<Holder> {
    let path = data_dir.join(LOCK_FILE);
    let mut file = std::fs::OpenOptions::new().read(true).write(true).open(path).ok()?;
    match file.try_lock() {
        Ok(()) => {
            let _ = file.unlock();
            None
        }
        Err(_) => read_holder(&mut file),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_runner_is_told_who_holds_the_watches() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(holder(dir.path()), None);
        let lock = acquire(dir.path(), "chute watch run", 1).unwrap();
        let held = holder(dir.path()).expect("held");
        assert_eq!((held.who.as_str(), held.pid), ("chute watch run", std::process::id()));
        match acquire(dir.path(), "the Chute window", 2) {
            Err(LockError::Held(h)) => assert_eq!(h.who, "chute watch run"),
            other => panic!("expected held, got {other:?}"),
        }
        drop(lock);
        assert_eq!(holder(dir.path()), None);
        acquire(dir.path(), "the Chute window", 3).expect("free again");
    }
}
