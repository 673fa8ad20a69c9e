//! The history: batches and files, exact counts, what a batch was given,
//! retry and re-deliver plans, deletion, retention and CSV export.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{now_ms, Chute, Error, Result};
use crate::destination::Destination;
use crate::report::{Code, ErrorInfo};
use crate::{deliver, history, s3};

impl Chute {
    /// Batches, newest first, filtered.
    pub fn history_batches(&self, f: &history::Filter) -> Result<Vec<history::BatchRow>> {
        Ok(history::batches(self.store().conn(), f)?)
    }

    /// Files of one batch, or of all batches, filtered; each with its
    /// object's URL while its destination exists.
    pub fn history_files(&self, batch_id: Option<&str>, f: &history::Filter) -> Result<Vec<history::FileRow>> {
        let mut rows = history::files(self.store().conn(), batch_id, f)?;
        // Each batch's destination, looked up once.
        let mut urls: HashMap<String, Option<s3::ObjectUrls>> = HashMap::new();
        for row in &mut rows {
            if !urls.contains_key(&row.batch_id) {
                let found = self.batch_destination(&row.batch_id)?.map(|d| s3::ObjectUrls::new(&d.settings));
                urls.insert(row.batch_id.clone(), found);
            }
            row.url = urls[&row.batch_id].as_ref().map(|u| u.of(&row.key));
        }
        Ok(rows)
    }

    /// Every file of a batch as its delivery reported it, in batch order,
    /// one at a time (the objects that landed with their URLs while the
    /// destination exists): what a summary no longer holds.
    pub fn each_batch_result(&self, batch_id: &str, mut each: impl FnMut(deliver::FileResult)) -> Result<()> {
        let urls = self.batch_destination(batch_id)?.map(|d| s3::ObjectUrls::new(&d.settings));
        history::each_file(self.store().conn(), batch_id, |row| {
            let mut r = row.result();
            if matches!(r.status, deliver::FileStatus::Delivered | deliver::FileStatus::Skipped) {
                r.url = urls.as_ref().map(|u| u.of(&r.key));
            }
            each(r);
        })?;
        Ok(())
    }

    pub fn history_batch(&self, id: &str) -> Result<Option<history::BatchRow>> {
        Ok(history::batch(self.store().conn(), id)?)
    }

    /// The destination a batch went to, while it exists.
    fn batch_destination(&self, batch_id: &str) -> Result<Option<Destination>> {
        Ok(self.history_batch(batch_id)?.and_then(|b| self.get(&b.destination_id).ok()))
    }

    /// One file of the history by its row id, with its object's URL while
    /// its destination exists.
    pub fn history_file(&self, id: i64) -> Result<Option<history::FileRow>> {
        let Some(mut row) = history::file(self.store().conn(), id)? else { return Ok(None) };
        let destination = self.batch_destination(&row.batch_id)?;
        row.url = destination.map(|d| s3::object_url(&d.settings, &row.key));
        Ok(Some(row))
    }

    /// Exact counts of the batches a filter matches, and whether `selected` is among them.
    pub fn history_batch_counts(&self, f: &history::Filter, selected: Option<&str>) -> Result<history::BatchCounts> {
        Ok(history::batch_counts(self.store().conn(), f, selected)?)
    }

    /// Exact counts of a batch's files a filter matches, and where the first failed one is.
    pub fn history_file_counts(&self, batch_id: &str, f: &history::Filter) -> Result<history::FileCounts> {
        Ok(history::file_counts(self.store().conn(), batch_id, f)?)
    }

    /// What a batch was given and left out: its sources, and the first
    /// `limit` of its excluded paths and refused files, with their totals.
    pub fn history_inputs(&self, batch_id: &str, limit: usize) -> Result<history::BatchInputs> {
        Ok(history::inputs(self.store().conn(), batch_id, limit)?)
    }

    /// The folders and files a batch was given, in order.
    pub fn history_sources(&self, batch_id: &str) -> Result<Vec<history::Source>> {
        Ok(history::sources(self.store().conn(), batch_id)?)
    }

    /// Every path a batch left out on purpose, with the reason.
    pub fn history_excluded(&self, batch_id: &str) -> Result<Vec<history::ExcludedPath>> {
        Ok(history::excluded(self.store().conn(), batch_id, None)?)
    }

    /// The batch with this id, or an error that says so.
    pub fn require_batch(&self, id: &str) -> Result<history::BatchRow> {
        self.history_batch(id)?.ok_or_else(|| {
            Error::History(ErrorInfo {
                code: Code::BatchNotFound,
                message: format!("No delivery in the history has the id {id}."),
                fix: "It may have been deleted or pruned by the retention setting; list the history (`chute history list`) to see what is kept.".into(),
                field: None,
            })
        })
    }

    /// A plan sending some files of an earlier batch again: those not
    /// delivered (`Failed`) or all of them, under the keys they had, with
    /// sizes and times read afresh (a file gone is reported as a problem).
    /// Returns the destination id with the plan.
    pub fn history_plan(&self, batch_id: &str, which: history::Which) -> Result<(String, deliver::Plan)> {
        let b = self.require_batch(batch_id)?;
        let refuse = |code: Code, message: String, fix: &str| Error::History(ErrorInfo { code, message, fix: fix.into(), field: None });
        match b.state {
            history::BatchState::Running => {
                return Err(refuse(
                    Code::BatchRunning,
                    "This delivery is still running.".into(),
                    "Wait for it to end, then retry what failed.",
                ))
            }
            history::BatchState::Interrupted => {
                return Err(refuse(
                    Code::BatchInterrupted,
                    "This delivery was interrupted and may have unfinished uploads.".into(),
                    "Resume it (it continues the uploads) or discard it first.",
                ))
            }
            history::BatchState::Finished | history::BatchState::Discarded => {}
        }
        self.get(&b.destination_id).map_err(|e| match e {
            Error::NotFound(_) => refuse(
                Code::DestinationDeleted,
                format!("The destination “{}” this delivery went to has been deleted.", b.destination_name),
                "Drop the files on another destination instead.",
            ),
            e => e,
        })?;
        let recorded = history::recorded_files(self.store().conn(), batch_id, which)?;
        if recorded.is_empty() {
            return Err(nothing_to_send(&b, which));
        }
        let indexes: Vec<usize> = (0..recorded.len()).collect();
        let earlier = deliver::Plan {
            files: recorded,
            excluded: vec![],
            problems: vec![],
            collisions: vec![],
            total_bytes: 0,
            created_at: now_ms(),
            from_batch: Some(batch_id.to_string()),
            sources: history::sources(self.store().conn(), batch_id)?.into_iter().map(|s| PathBuf::from(s.path)).collect(),
        };
        Ok((b.destination_id, self.replan(&earlier, &indexes)))
    }

    /// Delete batches from the history (never one running or interrupted).
    pub fn delete_history(&self, ids: &[String]) -> Result<history::Deleted> {
        Ok(history::delete_batches(self.store().conn_mut(), ids)?)
    }

    /// How many days of history are kept (`None`: all of it).
    pub fn history_keep_days(&self) -> Result<Option<u32>> {
        Ok(history::keep_days(self.store().conn())?)
    }

    /// Set the retention and apply it at once. Returns the batches removed.
    pub fn set_history_keep_days(&self, days: Option<u32>) -> Result<usize> {
        if let Some(d) = days {
            if d == 0 || d > history::MAX_KEEP_DAYS {
                return Err(Error::History(ErrorInfo {
                    code: Code::BadRetention,
                    message: format!("{d} days is not a retention Chute can keep."),
                    fix: format!("Choose from 1 to {} days, or keep everything.", history::MAX_KEEP_DAYS),
                    field: Some("keep_days".into()),
                }));
            }
        }
        let store = self.store();
        history::set_keep_days(store.conn(), days)?;
        Ok(history::apply_retention(store.conn())?)
    }

    /// Apply the retention setting now (the app does at start).
    pub fn apply_retention(&self) -> Result<usize> {
        Ok(history::apply_retention(self.store().conn())?)
    }

    /// Export the history as CSV; see [`history::export_csv`].
    pub fn export_history_csv(
        &self,
        f: &history::Filter,
        rows: history::CsvRows,
        batch_id: Option<&str>,
        out: &mut dyn std::io::Write,
    ) -> std::result::Result<usize, history::CsvError> {
        history::export_csv(self.store().conn(), f, rows, batch_id, out)
    }

    /// Export the history as CSV into a file; see [`history::export_csv_file`].
    pub fn export_history_csv_file(
        &self,
        f: &history::Filter,
        rows: history::CsvRows,
        batch_id: Option<&str>,
        path: &Path,
    ) -> std::result::Result<usize, history::CsvError> {
        history::export_csv_file(self.store().conn(), f, rows, batch_id, path)
    }
}

/// Why a batch has nothing to send again (`which` files of it), in the
/// history's words: each cause its own fix.
fn nothing_to_send(b: &history::BatchRow, which: history::Which) -> Error {
    let refuse = |code: Code, message: String, fix: &str| Error::History(ErrorInfo { code, message, fix: fix.into(), field: None });
    let them = |n: i64, one: &str, many: &str| if n == 1 { one.to_string() } else { many.replace("{n}", &n.to_string()) };
    match which {
        history::Which::Existing => refuse(
            Code::NothingToRetry,
            "No file of this delivery met an object already in the bucket.".into(),
            "Retry the files not delivered, or re-deliver the whole batch.",
        ),
        history::Which::Failed if b.existing > 0 => refuse(
            Code::OnlyExistingLeft,
            format!("{} already in the bucket; a retry would meet {} again.", them(b.existing, "The file not delivered met an object", "The {n} files not delivered met objects"), them(b.existing, "it", "them")),
            "Deliver them under new keys (another prefix or key template), or overwrite the objects (Overwrite… in the window, `--overwrite overwrite` on the command line).",
        ),
        _ if b.refused > 0 => refuse(
            Code::OnlyRefusedLeft,
            format!("{} before sending; sending {} again would meet the same cause.", them(b.refused, "The file not delivered was refused", "The {n} files not delivered were refused"), them(b.refused, "it", "them")),
            "Fix what each refused file's reason says (listed with the delivery), then deliver those files again.",
        ),
        _ => refuse(Code::NothingToRetry, "Every file of this delivery was delivered; there is nothing to retry.".into(), "Use Re-deliver to send the whole batch again."),
    }
}
