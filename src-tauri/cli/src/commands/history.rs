//! `chute history`: list, show and export past batches; resume or discard
//! an interrupted one (a batch whose process was killed or crashed); retry
//! a finished one; delete entries and set how long they are kept.
//!
//! `list` and `show` print one JSON document with `--json`; `resume` and
//! `retry` run through the delivery runner and print JSON lines as
//! `deliver` does (`progress`, `file`, `summary`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use serde_json::json;

use chute_core::Overwrite;
use chute_core::TransferOptions;
use chute_core::{BatchRow, BatchState, CsvError, CsvRows, FileRow, Filter, Origin, Which};
use chute_core::{Chute, Code, Job};

use super::deliver::{send_plan, Sending};
use crate::args::{FilterArgs, HistoryCommand, KeepDays, ResumeArgs, RetryArgs, DAY_MS};
use crate::delivery_runner::{self, DeliveryRun};
use crate::output::{Failure, Out, EXIT_FAILED, EXIT_INVALID};
use crate::text::format::{count, plural};
use crate::text::history::{list_text, show_text};

/// The core returns at most this many rows per query.
const PAGE: usize = 1000;
/// Keys a retry's preview lists.
const RETRY_LIST: usize = 20;

fn filter(chute: &Chute, a: &FilterArgs) -> Result<Filter, Failure> {
    let destination_id = match &a.destination {
        Some(d) => Some(chute.find(d)?.id),
        None => None,
    };
    Ok(Filter {
        destination_id,
        status: a.status.clone(),
        from: a.since,
        to: a.until.map(|t| t + DAY_MS - 1),
        search: a.search.clone(),
        group_id: a.group.clone(),
        offset: 0,
        limit: PAGE,
    })
}

pub fn history_cmd(chute: &Chute, cmd: &HistoryCommand, out: &Out) -> Result<ExitCode, Failure> {
    match cmd {
        HistoryCommand::List(a) => {
            let f = Filter { offset: a.offset, limit: a.limit as usize, ..filter(chute, &a.filter)? };
            let rows = chute.history_batches(&f)?;
            out.result(&rows, || list_text(&rows));
            Ok(ExitCode::SUCCESS)
        }
        HistoryCommand::Show { batch_id, status, search } => {
            let b = batch(chute, batch_id)?;
            let f = Filter { status: status.clone(), search: search.clone(), ..Filter::default() };
            let files = all_files(chute, &b.id, f)?;
            let (sources, excluded) = (chute.history_sources(&b.id)?, chute.history_excluded(&b.id)?);
            let receipt = chute.batch_receipt(&b.id)?;
            let shown = json!({ "batch": b, "sources": sources, "excluded": excluded, "receipt": receipt, "files": files });
            out.result(&shown, || show_text(&b, &sources, &excluded, receipt.as_ref(), &files));
            Ok(ExitCode::SUCCESS)
        }
        HistoryCommand::Export { filter: fa, files, output } => export(chute, fa, *files, output, out),
        HistoryCommand::Resume(a) => resume(chute, a, out),
        HistoryCommand::Discard { batch_id, yes } => {
            let b = batch(chute, batch_id)?;
            interrupted(&b)?;
            out.confirm(*yes, &format!("Discard batch {} to \"{}\" and abort its unfinished uploads?", b.id, b.destination_name))?;
            let aborted = chute.discard_batch(&b.id)?;
            out.result(&json!({ "discarded": { "batch_id": b.id, "uploads_aborted": aborted } }), || {
                format!("Discarded batch {}: {} aborted.\n", b.id, plural(aborted, "multipart upload", "multipart uploads"))
            });
            Ok(ExitCode::SUCCESS)
        }
        HistoryCommand::Retry(a) => retry(chute, a, out),
        HistoryCommand::Delete { batch_ids, yes } => {
            out.confirm(
                *yes,
                &format!(
                    "Delete {} from the history? The delivered objects stay in their buckets.",
                    plural(batch_ids.len(), "batch", "batches")
                ),
            )?;
            let r = chute.delete_history(batch_ids)?;
            out.result(&json!({ "deleted": r.deleted, "kept": r.kept }), || {
                let mut t = format!("Deleted {} from the history.\n", plural(r.deleted, "batch", "batches"));
                for k in &r.kept {
                    let why = match k.reason.as_str() {
                        "not_found" => "no batch has this id",
                        "running" => "it is still running",
                        _ => "it was interrupted: resume or discard it first",
                    };
                    t += &format!("  kept {}: {why}\n", k.id);
                }
                t
            });
            Ok(if r.kept.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(EXIT_FAILED) })
        }
        HistoryCommand::Retention { days } => {
            let removed = match days {
                Some(KeepDays::Off) => Some(chute.set_history_keep_days(None)?),
                Some(KeepDays::Days(d)) => Some(chute.set_history_keep_days(Some(*d))?),
                None => None,
            };
            let keep = chute.history_keep_days()?;
            out.result(&json!({ "keep_days": keep, "removed": removed }), || {
                let mut t = match keep {
                    Some(d) => format!("History is kept for {}; older finished batches are deleted.\n", plural(d as usize, "day", "days")),
                    None => "All history is kept.\n".to_string(),
                };
                if let Some(n) = removed.filter(|n| *n > 0) {
                    t += &format!("Deleted {} older than that.\n", plural(n, "batch", "batches"));
                }
                t
            });
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn retry(chute: &Chute, a: &RetryArgs, out: &Out) -> Result<ExitCode, Failure> {
    // Files that met existing objects come along only when this retry
    // overwrites or skips them; otherwise a retry would meet them again.
    let which = match (a.all, a.overwrite) {
        (true, _) => Which::All,
        (false, Some(Overwrite::Overwrite | Overwrite::Skip)) => Which::NotDelivered,
        (false, _) => Which::Failed,
    };
    let (destination_id, plan) = chute.history_plan(&a.batch_id, which)?;
    let d = chute.get(&destination_id)?;
    let sending = Sending {
        dry_run: a.dry_run,
        yes: a.yes,
        confirm: false,
        overwrite: a.overwrite,
        presign: a.presign,
        list: RETRY_LIST,
        options: TransferOptions::default(),
        origin: if a.all { Origin::Redeliver } else { Origin::Retry },
    };
    send_plan(chute, &d, plan, sending, out)
}

fn batch(chute: &Chute, id: &str) -> Result<BatchRow, Failure> {
    chute.history_batch(id)?.ok_or_else(|| {
        Failure::cli(
            EXIT_FAILED,
            Code::BatchNotFound,
            format!("No batch has the id {id}."),
            "Run `chute history list` to see the batches and their ids.",
        )
    })
}

fn interrupted(b: &BatchRow) -> Result<(), Failure> {
    if b.state == BatchState::Interrupted {
        return Ok(());
    }
    Err(Failure::cli(
        EXIT_INVALID,
        Code::BatchNotInterrupted,
        format!("Batch {} is {}, not interrupted, so there is nothing to resume or discard.", b.id, b.state),
        "Only batches cut off by a crash or a kill can be resumed or discarded: `chute history list --status interrupted` lists them.",
    ))
}

/// Every file of a batch matching `f`, page by page.
fn all_files(chute: &Chute, batch_id: &str, mut f: Filter) -> Result<Vec<FileRow>, Failure> {
    let mut all = Vec::new();
    f.limit = PAGE;
    loop {
        let page = chute.history_files(Some(batch_id), &f)?;
        let n = page.len();
        all.extend(page);
        if n < PAGE {
            return Ok(all);
        }
        f.offset += n;
    }
}

/// Ask on a terminal unless `yes`; without a terminal, proceed (scripts).
/// Continue an interrupted batch through the runner, as `deliver` sends a plan.
fn resume(chute: &Chute, a: &ResumeArgs, out: &Out) -> Result<ExitCode, Failure> {
    let b = batch(chute, &a.batch_id)?;
    interrupted(&b)?;
    let left = b.files_total - b.delivered - b.skipped - b.refused;
    out.confirm(a.yes, &format!("Resume batch {} to \"{}\"?", b.id, b.destination_name))?;
    let (destination_id, plan) = chute.resume_plan(&b.id)?;
    let d = chute.get(&destination_id)?;
    if out.json {
        out.json(&json!({ "event": "resume", "batch": b }));
    } else {
        out.stderr(&format!(
            "Resuming batch {} to \"{}\" ({} of {} left)…\n",
            b.id,
            b.destination_name,
            count(left.max(0)),
            plural(b.files_total - b.refused, "file", "files")
        ));
    }
    let job = Job::Resume { batch_id: b.id.clone() };
    delivery_runner::run(chute, DeliveryRun { job, plan: Arc::new(plan), destination: &d, presign: a.presign }, out)
}

// ---------- CSV ----------

fn export(chute: &Chute, a: &FilterArgs, files: bool, output: &PathBuf, out: &Out) -> Result<ExitCode, Failure> {
    let f = filter(chute, a)?;
    let rows = if files { CsvRows::Files } else { CsvRows::Batches };
    let write_failed = |e: &dyn std::fmt::Display| {
        Failure::cli(
            EXIT_FAILED,
            Code::ExportFailed,
            format!("{} could not be written: {e}.", output.display()),
            "Choose a folder you can write to, or `--output -` for stdout.",
        )
        .with_field("output")
    };
    let to_failure = |e: CsvError| match e {
        CsvError::Store(e) => Failure::from(chute_core::Error::from(e)),
        CsvError::Io(e) => write_failed(&e),
    };
    if output.as_os_str() == "-" {
        let mut o = std::io::BufWriter::new(std::io::stdout().lock());
        // A closed pipe (`| head`) ends the export quietly.
        match chute.export_history_csv(&f, rows, None, &mut o) {
            Ok(_) | Err(CsvError::Io(_)) => return Ok(ExitCode::SUCCESS),
            Err(e) => return Err(to_failure(e)),
        }
    }
    let n = chute.export_history_csv_file(&f, rows, None, output).map_err(to_failure)?;
    let what = if files { "file" } else { "batch" };
    out.result(&json!({ "exported": { "rows": n, "kind": what, "output": output } }), || {
        format!("Wrote {} to {}.\n", plural(n, what, if files { "files" } else { "batches" }), output.display())
    });
    Ok(ExitCode::SUCCESS)
}
