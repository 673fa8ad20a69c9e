//! Connection tests as stored (their reports, never a secret), and each
//! destination's newest one for its card.

use rusqlite::params;

use super::{Store, StoreError};

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
