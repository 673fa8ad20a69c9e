//! Watches as stored: their settings (JSON, no secret), when their
//! existing files were taken in, and the problem that stops the runner
//! from watching one now.

use rusqlite::{params, Connection, OptionalExtension};

use super::model::{Watch, WatchSettings};
use crate::report::ErrorInfo;
use crate::store::StoreError;

/// Why the runner cannot watch a folder now (gone, unreadable, the OS
/// watch limit), and since when; cleared once it watches again.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WatchProblemNow {
    pub code: crate::report::Code,
    pub message: String,
    pub fix: String,
    pub at: i64,
}

impl WatchProblemNow {
    pub fn new(info: ErrorInfo, at: i64) -> WatchProblemNow {
        WatchProblemNow { code: info.code, message: info.message, fix: info.fix, at }
    }
}

const COLUMNS: &str = "id, settings, created_at, updated_at, started_at";

fn row(r: &rusqlite::Row) -> rusqlite::Result<(String, String, i64, i64, Option<i64>)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn decode((id, settings, created_at, updated_at, started_at): (String, String, i64, i64, Option<i64>)) -> Result<Watch, StoreError> {
    Ok(Watch { id, settings: serde_json::from_str(&settings)?, created_at, updated_at, started_at })
}

pub fn list(conn: &Connection) -> Result<Vec<Watch>, StoreError> {
    let mut st = conn.prepare(&format!("SELECT {COLUMNS} FROM watches ORDER BY name COLLATE NOCASE"))?;
    let rows = st.query_map([], row)?.collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(decode).collect()
}

pub fn get(conn: &Connection, id: &str) -> Result<Option<Watch>, StoreError> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM watches WHERE id = ?1"), [id], row).optional()?.map(decode).transpose()
}

/// The id of the watch named `name` (case-insensitive), if any.
pub fn id_by_name(conn: &Connection, name: &str) -> Result<Option<String>, StoreError> {
    Ok(conn.query_row("SELECT id FROM watches WHERE name = ?1 COLLATE NOCASE", [name.trim()], |r| r.get(0)).optional()?)
}

/// Insert or update a watch's settings.
pub fn put(conn: &Connection, w: &Watch) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO watches (id, name, settings, created_at, updated_at, started_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, settings = excluded.settings, updated_at = excluded.updated_at",
        params![w.id, w.settings.name.trim(), serde_json::to_string(&w.settings)?, w.created_at, w.updated_at, w.started_at],
    )?;
    Ok(())
}

pub fn set_settings(conn: &Connection, id: &str, s: &WatchSettings, now: i64) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "UPDATE watches SET name = ?2, settings = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, s.name.trim(), serde_json::to_string(s)?, now],
    )? > 0)
}

/// The watch's existing files were taken in: from now on every change counts.
pub fn mark_started(conn: &Connection, id: &str, at: i64) -> Result<(), StoreError> {
    conn.execute("UPDATE watches SET started_at = ?2 WHERE id = ?1 AND started_at IS NULL", params![id, at])?;
    Ok(())
}

pub fn delete(conn: &Connection, id: &str) -> Result<bool, StoreError> {
    Ok(conn.execute("DELETE FROM watches WHERE id = ?1", [id])? > 0)
}

pub fn set_problem(conn: &Connection, id: &str, problem: Option<&WatchProblemNow>) -> Result<(), StoreError> {
    let json = problem.map(serde_json::to_string).transpose()?;
    conn.execute("UPDATE watches SET problem = ?2 WHERE id = ?1", params![id, json])?;
    Ok(())
}

pub fn problem(conn: &Connection, id: &str) -> Result<Option<WatchProblemNow>, StoreError> {
    let json: Option<String> = conn.query_row("SELECT problem FROM watches WHERE id = ?1", [id], |r| r.get(0)).optional()?.flatten();
    Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
}
