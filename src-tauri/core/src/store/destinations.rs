//! Destinations as stored: their non-secret settings and credential source.

use rusqlite::{params, OptionalExtension};

use super::{Store, StoreError};
use crate::destination::{CredentialSource, Destination, Settings};

impl Store {
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

type Raw = (String, String, String, i64, i64);

fn row_to_raw(r: &rusqlite::Row) -> rusqlite::Result<Raw> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn decode((id, settings, credentials, created_at, updated_at): Raw) -> Result<Destination, StoreError> {
    let settings: Settings = serde_json::from_str(&settings)?;
    let credentials: CredentialSource = serde_json::from_str(&credentials)?;
    Ok(Destination { id, settings, credentials, created_at, updated_at })
}
