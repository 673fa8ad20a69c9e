//! The local database: SQLite (bundled) in WAL mode, versioned with
//! `PRAGMA user_version`. A database written by a newer Chute is refused,
//! never modified. No table holds a secret.

mod capabilities;
mod destinations;
mod private;
mod probes;
mod schema;
mod settings;
mod words;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::report::{Code, ErrorInfo, UserError};

pub use probes::{LastTest, StoredProbe};
use schema::MIGRATIONS;
pub use schema::SCHEMA_VERSION;
pub use settings::{app_setting, clear_app_setting, set_app_setting};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path} was written by a newer Chute (schema {found}, this one knows {known})")]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error("cannot open database {path}: {source}")]
    Open { path: PathBuf, source: rusqlite::Error },
    #[error("database {path} is not a Chute database or is damaged: {detail}")]
    Corrupt { path: PathBuf, detail: String },
    #[error("database {path} is read-only")]
    ReadOnly { path: PathBuf },
    /// The database file itself (or its `-wal`/`-shm` companion) cannot be
    /// written: found before SQLite opens it, so nothing is created beside it.
    #[error("database file {path} is read-only")]
    FileReadOnly { path: PathBuf },
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("stored data could not be read: {0}")]
    Decode(#[from] serde_json::Error),
    #[error("cannot create the data folder {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error("cannot create the database file {path}: {source}")]
    File { path: PathBuf, source: std::io::Error },
}

impl UserError for StoreError {
    fn info(&self) -> ErrorInfo {
        let (code, fix) = match self {
            StoreError::TooNew { .. } => (
                Code::DatabaseTooNew,
                "Update Chute to the newest version, or point CHUTE_DATA_DIR at another folder. The database was left untouched."
                    .to_string(),
            ),
            StoreError::Open { path, .. } | StoreError::DataDir { path, .. } | StoreError::File { path, .. } => {
                (Code::DatabaseOpenFailed, format!("Check that {} exists and that you can write to it.", path.display()))
            }
            StoreError::Corrupt { path, .. } => (
                Code::DatabaseCorrupt,
                format!("Move {} aside (Chute will start a new one) and restore it from a backup if you have one.", path.display()),
            ),
            StoreError::ReadOnly { path } => {
                (Code::DatabaseReadOnly, format!("Make {} and its folder writable (e.g. `chmod u+w`), then try again.", path.display()))
            }
            StoreError::FileReadOnly { path } => (
                Code::DatabaseReadOnly,
                format!("Make the file writable again (e.g. `chmod u+w {}`), then try again. Chute left it untouched.", path.display()),
            ),
            StoreError::Sql(_) | StoreError::Decode(_) => {
                (Code::DatabaseError, "Try again; if it keeps failing, report it with the message above.".to_string())
            }
        };
        ErrorInfo { code, message: format!("{self}."), fix, field: None }
    }
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Rights tightened (or that could not be) when the store was opened.
    notices: Vec<private::Notice>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

fn classify_open(path: &Path, e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode as C;
    match e.sqlite_error_code() {
        Some(C::NotADatabase) | Some(C::DatabaseCorrupt) => StoreError::Corrupt { path: path.into(), detail: e.to_string() },
        Some(C::ReadOnly) => StoreError::ReadOnly { path: path.into() },
        Some(C::CannotOpen) | Some(C::PermissionDenied) => StoreError::Open { path: path.into(), source: e },
        _ => StoreError::Sql(e),
    }
}

/// The database file, then its `-wal` and `-shm` companions.
fn companions(path: &Path) -> Vec<PathBuf> {
    let mut all = vec![path.to_path_buf()];
    for suffix in ["-wal", "-shm"] {
        let mut p = path.as_os_str().to_os_string();
        p.push(suffix);
        all.push(p.into());
    }
    all
}

/// SQLite opens a database file it cannot write read-only without a word,
/// creates its `-shm` beside it with the same mode, and only the first write
/// fails; the `-shm` left behind then keeps every write failing after the
/// file is made writable again. So a database file, or a `-wal`/`-shm`
/// companion, that cannot be opened for writing is refused here, before
/// SQLite touches anything.
fn refuse_read_only_files(path: &Path) -> Result<(), StoreError> {
    for p in companions(path) {
        // Opening for writing changes nothing (no create, no truncate).
        match std::fs::OpenOptions::new().write(true).open(&p) {
            Err(e) if matches!(e.kind(), std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem) => {
                return Err(StoreError::FileReadOnly { path: p });
            }
            // Absent (a new database, no companion yet) or anything else: SQLite says what it is.
            _ => {}
        }
    }
    Ok(())
}

impl Store {
    /// Open (creating if needed) and migrate the database at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let mut notices = Vec::new();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            notices.extend(private::private_dir(dir).map_err(|source| StoreError::DataDir { path: dir.into(), source })?);
        }
        refuse_read_only_files(path)?;
        notices.extend(private::private_file(path).map_err(|source| match source.kind() {
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => StoreError::ReadOnly { path: path.into() },
            _ => StoreError::File { path: path.into(), source },
        })?);
        for companion in companions(path).into_iter().skip(1) {
            notices.extend(private::tighten_existing(&companion).map_err(|source| StoreError::File { path: companion, source })?);
        }
        let conn = Connection::open(path).map_err(|source| StoreError::Open { path: path.into(), source })?;
        let mut store = Store { conn, path: path.into(), notices };
        store.prepare().map_err(|e| match e {
            StoreError::Sql(e) => classify_open(path, e),
            other => other,
        })?;
        Ok(store)
    }

    fn prepare(&mut self) -> Result<(), StoreError> {
        self.conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Read the version before changing anything, so a newer file stays untouched.
        let found: i64 = self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew { path: self.path.clone(), found, known: SCHEMA_VERSION });
        }
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        let tx = self.conn.transaction()?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Rights Chute tightened on the data folder or database at open, in
    /// words (empty when they were already private).
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }
    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}
