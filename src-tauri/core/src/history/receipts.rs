//! Receipts in the history: the latest check of a batch's objects (its
//! counts and each object that differs or could not be checked), what
//! each file's object was found to be, and the delivered objects a
//! re-check compares with what was recorded when they were delivered.

use rusqlite::{params, Connection, OptionalExtension};

use crate::deliver::{Receipt, ReceiptProblem};
use crate::report::{Code, Verification};
use crate::store::StoreError;

/// Keep `receipt` as the batch's latest, and what each file's object was
/// found to be (`states`: the file's index in the batch, and its state).
pub fn record_receipt(conn: &mut Connection, batch_id: &str, receipt: &Receipt, states: &[(u32, Verification)]) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM receipt_problems WHERE batch_id = ?1", [batch_id])?;
    tx.execute("DELETE FROM receipts WHERE batch_id = ?1", [batch_id])?;
    tx.execute(
        "INSERT INTO receipts (batch_id, kind, checked_at, checked, verified, size_only, differing, unchecked, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            batch_id,
            receipt.kind,
            receipt.checked_at,
            receipt.checked as i64,
            receipt.verified as i64,
            receipt.size_only as i64,
            receipt.differing as i64,
            receipt.unchecked as i64,
            receipt.note
        ],
    )?;
    {
        let mut st = tx.prepare(
            "INSERT OR REPLACE INTO receipt_problems (batch_id, idx, key, state, code, message, fix) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for p in &receipt.problems {
            st.execute(params![batch_id, p.index as i64, p.key, p.state, p.code.as_str(), p.message, p.fix])?;
        }
        let mut st = tx.prepare("UPDATE batch_files SET verified = ?3 WHERE batch_id = ?1 AND idx = ?2")?;
        for (idx, state) in states {
            st.execute(params![batch_id, *idx as i64, state])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// The batch's latest receipt, if its objects were ever checked.
pub fn receipt(conn: &Connection, batch_id: &str) -> Result<Option<Receipt>, StoreError> {
    let found = conn
        .query_row(
            "SELECT kind, checked_at, checked, verified, size_only, differing, unchecked, note FROM receipts WHERE batch_id = ?1",
            [batch_id],
            |r| {
                Ok(Receipt {
                    kind: r.get(0)?,
                    checked_at: r.get(1)?,
                    checked: r.get::<_, i64>(2)? as usize,
                    verified: r.get::<_, i64>(3)? as usize,
                    size_only: r.get::<_, i64>(4)? as usize,
                    differing: r.get::<_, i64>(5)? as usize,
                    unchecked: r.get::<_, i64>(6)? as usize,
                    note: r.get(7)?,
                    problems: vec![],
                })
            },
        )
        .optional()?;
    let Some(mut receipt) = found else { return Ok(None) };
    let mut st = conn.prepare("SELECT idx, key, state, code, message, fix FROM receipt_problems WHERE batch_id = ?1 ORDER BY idx")?;
    receipt.problems = st
        .query_map([batch_id], |r| {
            let code: String = r.get(3)?;
            Ok(ReceiptProblem {
                index: r.get::<_, i64>(0)? as usize,
                key: r.get(1)?,
                state: r.get(2)?,
                code: Code::parse(&code).unwrap_or(Code::Internal),
                message: r.get(4)?,
                fix: r.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(Some(receipt))
}

/// An object a batch delivered, as recorded: its key, its size (what was
/// sent: the compressed size for a compressed delivery) and its ETag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveredObject {
    /// The file's index in its batch.
    pub index: usize,
    pub key: String,
    pub size: u64,
    pub etag: Option<String>,
    /// What its latest check found, if it was checked.
    pub verified: Option<Verification>,
}

/// The objects a batch delivered, in batch order.
pub fn delivered_objects(conn: &Connection, batch_id: &str) -> Result<Vec<DeliveredObject>, StoreError> {
    let mut st = conn.prepare(
        "SELECT idx, key, bytes_sent, etag, verified FROM batch_files WHERE batch_id = ?1 AND status = 'delivered' ORDER BY idx",
    )?;
    let rows = st
        .query_map([batch_id], |r| {
            Ok(DeliveredObject {
                index: r.get::<_, i64>(0)? as usize,
                key: r.get(1)?,
                size: r.get::<_, i64>(2)?.max(0) as u64,
                etag: r.get(3)?,
                verified: r.get(4)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}
