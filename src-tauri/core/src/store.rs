//! The local database: SQLite (bundled) in WAL mode, versioned with
//! `PRAGMA user_version`. A database written by a newer Chute is refused,
//! never modified. No table holds a secret.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};

use crate::destination::{CredentialSource, Destination, Settings};
use crate::report::{Code, ErrorInfo, UserError};

/// Each entry moves the schema one version up. Append only; never edit.
const MIGRATIONS: &[&str] = &[
    // 1: destinations
    "CREATE TABLE destinations (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        provider    TEXT NOT NULL,
        bucket      TEXT NOT NULL,
        settings    TEXT NOT NULL,   -- JSON of Settings; never a secret
        credentials TEXT NOT NULL,   -- JSON of CredentialSource; never a secret
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
     );
     CREATE UNIQUE INDEX destinations_name ON destinations(name COLLATE NOCASE);",
    // 2: connection tests (destination_id is NULL for a form not saved yet)
    "CREATE TABLE probes (
        id             INTEGER PRIMARY KEY,
        destination_id TEXT,
        started_at     INTEGER NOT NULL,
        duration_ms    INTEGER NOT NULL,
        outcome        TEXT NOT NULL,
        report         TEXT NOT NULL     -- JSON of ProbeReport; never a secret
     );
     CREATE INDEX probes_destination ON probes(destination_id, started_at DESC);",
    // 3: delivery history (batches, files, completed multipart parts)
    crate::history::MIGRATION,
    // 4: app-wide settings (history retention) and retries linked to their batch
    "CREATE TABLE app_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     ALTER TABLE batches ADD COLUMN parent_id TEXT;",
    // 5: HTTP requests per file, the client's retries included
    "ALTER TABLE batch_files ADD COLUMN requests INTEGER NOT NULL DEFAULT 0;",
    // 6: what each batch was given (sources) and left out (excluded paths, refused files)
    crate::history::INPUTS_MIGRATION,
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

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
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("stored data could not be read: {0}")]
    Decode(#[from] serde_json::Error),
    #[error("cannot create the data folder {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
}

impl UserError for StoreError {
    fn info(&self) -> ErrorInfo {
        let (code, fix) = match self {
            StoreError::TooNew { .. } => (
                Code::DatabaseTooNew,
                "Update Chute to the newest version, or point CHUTE_DATA_DIR at another folder. The database was left untouched."
                    .to_string(),
            ),
            StoreError::Open { path, .. } | StoreError::DataDir { path, .. } => {
                (Code::DatabaseOpenFailed, format!("Check that {} exists and that you can write to it.", path.display()))
            }
            StoreError::Corrupt { path, .. } => (
                Code::DatabaseCorrupt,
                format!("Move {} aside (Chute will start a new one) and restore it from a backup if you have one.", path.display()),
            ),
            StoreError::ReadOnly { path } => {
                (Code::DatabaseReadOnly, format!("Make {} and its folder writable (e.g. `chmod u+w`), then try again.", path.display()))
            }
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

impl Store {
    /// Open (creating if needed) and migrate the database at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::DataDir { path: dir.into(), source })?;
        }
        let conn = Connection::open(path).map_err(|source| StoreError::Open { path: path.into(), source })?;
        let mut store = Store { conn, path: path.into() };
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

    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    pub fn list_destinations(&self) -> Result<Vec<Destination>, StoreError> {
        let mut st =
            self.conn.prepare("SELECT id, settings, credentials, created_at, updated_at FROM destinations ORDER BY name COLLATE NOCASE")?;
        let rows = st.query_map([], row_to_raw)?;
        rows.map(|r| decode(r?)).collect()
    }

    pub fn get_destination(&self, id: &str) -> Result<Option<Destination>, StoreError> {
        let raw = self
            .conn
            .query_row("SELECT id, settings, credentials, created_at, updated_at FROM destinations WHERE id = ?1", [id], row_to_raw)
            .optional()?;
        raw.map(decode).transpose()
    }

    /// Insert or replace a destination.
    pub fn put_destination(&self, d: &Destination) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO destinations (id, name, provider, bucket, settings, credentials, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT(id) DO UPDATE SET name = excluded.name, provider = excluded.provider,
               bucket = excluded.bucket, settings = excluded.settings,
               credentials = excluded.credentials, updated_at = excluded.updated_at",
            params![
                d.id,
                d.settings.name,
                d.settings.provider.id(),
                d.settings.bucket,
                serde_json::to_string(&d.settings)?,
                serde_json::to_string(&d.credentials)?,
                d.created_at,
                d.updated_at
            ],
        )?;
        Ok(())
    }

    pub fn delete_destination(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self.conn.execute("DELETE FROM destinations WHERE id = ?1", [id])? > 0)
    }
}

/// A stored connection test.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StoredProbe {
    pub id: i64,
    pub destination_id: Option<String>,
    pub report: crate::probe::ProbeReport,
}

impl Store {
    pub fn add_probe(&self, destination_id: Option<&str>, report: &crate::probe::ProbeReport) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO probes (destination_id, started_at, duration_ms, outcome, report) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                destination_id,
                report.started_at,
                report.duration_ms as i64,
                serde_json::to_value(report.outcome)?.as_str().unwrap_or_default(),
                serde_json::to_string(report)?
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The newest connection tests of a destination, newest first.
    pub fn probes(&self, destination_id: &str, limit: usize) -> Result<Vec<StoredProbe>, StoreError> {
        let mut st = self.conn.prepare(
            "SELECT id, destination_id, report FROM probes WHERE destination_id = ?1 ORDER BY started_at DESC, id DESC LIMIT ?2",
        )?;
        let rows = st.query_map(params![destination_id, limit as i64], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, String>(2)?))
        })?;
        rows.map(|r| {
            let (id, destination_id, report) = r?;
            Ok(StoredProbe { id, destination_id, report: serde_json::from_str(&report)? })
        })
        .collect()
    }
}

/// The newest connection test of a destination, in brief: what its card
/// shows until a test passes.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct LastTest {
    pub probe_id: i64,
    pub outcome: crate::probe::Outcome,
    /// The first problem's title (a warning's when nothing failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub at: i64,
}

impl Store {
    /// Each destination's newest connection test, by destination id.
    pub fn last_tests(&self) -> Result<std::collections::HashMap<String, LastTest>, StoreError> {
        let mut st = self.conn.prepare(
            "SELECT p.destination_id, p.id, p.report FROM probes p
             WHERE p.destination_id IS NOT NULL AND p.id = (
               SELECT q.id FROM probes q WHERE q.destination_id = p.destination_id ORDER BY q.started_at DESC, q.id DESC LIMIT 1)",
        )?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?)))?;
        let mut out = std::collections::HashMap::new();
        for row in rows {
            let (destination_id, probe_id, report) = row?;
            let report: crate::probe::ProbeReport = serde_json::from_str(&report)?;
            let level = if report.findings.iter().any(|f| f.level == crate::diagnose::Level::Error) {
                crate::diagnose::Level::Error
            } else {
                crate::diagnose::Level::Warning
            };
            let title = report.findings.iter().find(|f| f.level == level).map(|f| f.title.clone());
            out.insert(destination_id, LastTest { probe_id, outcome: report.outcome, title, at: report.started_at });
        }
        Ok(out)
    }
}

impl Store {
    pub fn conn(&self) -> &Connection {
        &self.conn
    }
    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

type Raw = (String, String, String, i64, i64);

fn row_to_raw(r: &rusqlite::Row) -> rusqlite::Result<Raw> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn decode((id, settings, credentials, created_at, updated_at): Raw) -> Result<Destination, StoreError> {
    let settings: Settings = serde_json::from_str(&settings)?;
    let credentials: CredentialSource = serde_json::from_str(&credentials)?;
    Ok(Destination { id, settings, credentials, created_at, updated_at })
}
