//! App-wide settings, one row per key in `app_settings` (never a secret):
//! read and written by key, for the history's retention, the watches'
//! notifications and whatever comes next.

use rusqlite::{Connection, OptionalExtension};

use super::{Store, StoreError};

pub fn app_setting(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn.query_row("SELECT value FROM app_settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

pub fn set_app_setting(conn: &Connection, key: &str, value: &str) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO app_settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

pub fn clear_app_setting(conn: &Connection, key: &str) -> Result<(), StoreError> {
    conn.execute("DELETE FROM app_settings WHERE key = ?1", [key])?;
    Ok(())
}

impl Store {
    pub fn app_setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        app_setting(self.conn(), key)
    }

    pub fn set_app_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        set_app_setting(self.conn(), key, value)
    }
}
