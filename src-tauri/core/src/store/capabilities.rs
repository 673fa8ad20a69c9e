//! What each destination's endpoint was seen to do, as last measured.

use rusqlite::{params, OptionalExtension};

use super::{Store, StoreError};
use crate::s3::capabilities::Capabilities;

impl Store {
    pub fn put_capabilities(&self, destination_id: &str, c: &Capabilities) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO capabilities (destination_id, measured_at, observed) VALUES (?1, ?2, ?3)
             ON CONFLICT(destination_id) DO UPDATE SET measured_at = excluded.measured_at, observed = excluded.observed",
            params![destination_id, c.measured_at, serde_json::to_string(c)?],
        )?;
        Ok(())
    }

    /// The last measurement for a destination, whatever endpoint it was made on.
    pub fn capabilities(&self, destination_id: &str) -> Result<Option<Capabilities>, StoreError> {
        let json: Option<String> = self
            .conn
            .query_row("SELECT observed FROM capabilities WHERE destination_id = ?1", [destination_id], |r| r.get(0))
            .optional()?;
        Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
    }
}
