//! `chute history`: list, show and export past batches; resume or discard
//! an interrupted one (a batch whose process was killed or crashed).
//!
//! `list` and `show` print one JSON document with `--json`; `resume --json`
//! prints JSON lines as `deliver` does (`progress`, `file`, `summary`).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;

use clap::{Args, Subcommand};
use serde_json::json;

use chute_core::deliver::{Control, DeliveryEvent, FileStatus};
use chute_core::history::{BatchRow, CsvError, CsvRows, FileRow, Filter};
use chute_core::Chute;
use chute_core::Code;

use crate::deliver::Progress;
use crate::history_text::{list_text, outcome, plural, show_text};
use crate::{render, Failure, Out, EXIT_FAILED, EXIT_INVALID};

const BATCH_STATUSES: [&str; 8] = ["delivered", "partial", "failed", "cancelled", "interrupted", "running", "discarded", "finished"];
const FILE_STATUSES: [&str; 7] = ["pending", "uploading", "delivered", "skipped", "failed", "cancelled", "refused"];
/// The core returns at most this many rows per query.
const PAGE: usize = 1000;

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Batches, newest first.
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// One batch: what was given, what was left out, and its files (those refused before sending too).
    Show {
        #[arg(value_name = "BATCH_ID")]
        batch_id: String,
        /// Only files with this status: pending, uploading, delivered, skipped, failed, cancelled or refused (before sending).
        #[arg(long, value_name = "S", value_parser = FILE_STATUSES)]
        status: Option<String>,
        /// Only files whose key or path contains this text.
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
    },
    /// Write batches (or, with --files, their files) as CSV.
    Export {
        #[command(flatten)]
        filter: FilterArgs,
        /// One row per file of the matching batches instead of one per batch.
        #[arg(long)]
        files: bool,
        /// The CSV file to write, or `-` for stdout.
        #[arg(long, short = 'o', value_name = "FILE|-")]
        output: PathBuf,
    },
    /// Continue an interrupted batch: files not delivered yet, multipart uploads from their confirmed parts.
    Resume {
        #[arg(value_name = "BATCH_ID")]
        batch_id: String,
        /// Do not ask for confirmation (without a terminal nothing is asked).
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Give up an interrupted batch: abort its open multipart uploads, mark its unfinished files cancelled.
    Discard {
        #[arg(value_name = "BATCH_ID")]
        batch_id: String,
        /// Do not ask for confirmation (without a terminal nothing is asked).
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Send a finished batch's failed files again (or, with --all, every file) under the same keys.
    Retry(RetryArgs),
    /// Delete batches from the history (not the objects delivered). Running or interrupted batches are kept.
    #[command(visible_alias = "rm")]
    Delete {
        #[arg(value_name = "BATCH_ID", required = true, num_args = 1..)]
        batch_ids: Vec<String>,
        /// Do not ask for confirmation (without a terminal nothing is asked).
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Show, or set, how many days of history are kept: a number of days, or `off` to keep everything.
    Retention {
        #[arg(value_name = "DAYS|off", value_parser = parse_keep_days)]
        days: Option<KeepDays>,
    },
}

#[derive(Debug, Args)]
pub struct RetryArgs {
    #[arg(value_name = "BATCH_ID")]
    batch_id: String,
    /// Every file of the batch, not only those that were not delivered.
    #[arg(long)]
    all: bool,
    /// Plan and print the preview only; send nothing.
    #[arg(long)]
    dry_run: bool,
    /// Do not ask for confirmation, whatever the destination says.
    #[arg(long, short = 'y')]
    yes: bool,
    /// For this run only: never (refuse existing objects), skip or overwrite [default: the destination's].
    #[arg(long, value_name = "POLICY", value_parser = crate::args::parse_overwrite)]
    overwrite: Option<chute_core::destination::Overwrite>,
}

#[derive(Debug, Clone, Copy)]
pub enum KeepDays {
    Off,
    Days(u32),
}

fn parse_keep_days(s: &str) -> Result<KeepDays, String> {
    if s.eq_ignore_ascii_case("off") || s.eq_ignore_ascii_case("all") {
        return Ok(KeepDays::Off);
    }
    match s.parse::<u32>() {
        Ok(d) if (1..=chute_core::history::MAX_KEEP_DAYS).contains(&d) => Ok(KeepDays::Days(d)),
        _ => Err(format!("expected a number of days from 1 to {}, or `off`", chute_core::history::MAX_KEEP_DAYS)),
    }
}

#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only batches to this destination (name, ignoring case, or id).
    #[arg(long, value_name = "NAME")]
    destination: Option<String>,
    /// delivered, partial, failed, cancelled (outcomes) or interrupted, running, discarded, finished (states).
    #[arg(long, value_name = "S", value_parser = BATCH_STATUSES)]
    status: Option<String>,
    /// Started on or after this day (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    since: Option<i64>,
    /// Started on or before this day (YYYY-MM-DD, UTC, the whole day included).
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    until: Option<i64>,
    /// Only batches with a file whose key or path contains this text.
    #[arg(long, value_name = "TEXT")]
    search: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// At most this many batches (1 to 1000).
    #[arg(long, value_name = "N", default_value = "50", value_parser = clap::value_parser!(u32).range(1..=1000))]
    limit: u32,
    /// Skip this many batches first.
    #[arg(long, value_name = "N", default_value = "0")]
    offset: usize,
}

const DAY_MS: i64 = 86_400_000;

/// `YYYY-MM-DD` as Unix ms at 00:00 UTC.
pub fn parse_day(s: &str) -> Result<i64, String> {
    let bad = || "expected a date as YYYY-MM-DD".to_string();
    let p: Vec<&str> = s.trim().split('-').collect();
    if p.len() != 3 || p[0].len() != 4 || p[1].len() != 2 || p[2].len() != 2 {
        return Err(bad());
    }
    let (y, m, d): (i64, i64, i64) = (p[0].parse().map_err(|_| bad())?, p[1].parse().map_err(|_| bad())?, p[2].parse().map_err(|_| bad())?);
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days_in = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&m) || d < 1 || d > days_in[(m - 1) as usize] {
        return Err(bad());
    }
    // Civil date to days since 1970-01-01 (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Ok((era * 146_097 + doe - 719_468) * DAY_MS)
}

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
        offset: 0,
        limit: PAGE,
    })
}

pub(crate) fn history_cmd(chute: &Chute, cmd: &HistoryCommand, out: &Out) -> Result<ExitCode, Failure> {
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
            let shown = json!({ "batch": b, "sources": sources, "excluded": excluded, "files": files });
            out.result(&shown, || show_text(&b, &sources, &excluded, &files));
            Ok(ExitCode::SUCCESS)
        }
        HistoryCommand::Export { filter: fa, files, output } => export(chute, fa, *files, output, out),
        HistoryCommand::Resume { batch_id, yes } => resume(chute, batch_id, *yes, out),
        HistoryCommand::Discard { batch_id, yes } => {
            let b = batch(chute, batch_id)?;
            interrupted(&b)?;
            confirm(*yes, &format!("Discard batch {} to \"{}\" and abort its unfinished uploads?", b.id, b.destination_name), out)?;
            let aborted = chute.discard_batch(&b.id)?;
            out.result(&json!({ "discarded": { "batch_id": b.id, "uploads_aborted": aborted } }), || {
                format!("Discarded batch {}: {} aborted.\n", b.id, plural(aborted, "multipart upload", "multipart uploads"))
            });
            Ok(ExitCode::SUCCESS)
        }
        HistoryCommand::Retry(a) => retry(chute, a, out),
        HistoryCommand::Delete { batch_ids, yes } => {
            confirm(
                *yes,
                &format!(
                    "Delete {} from the history? The delivered objects stay in their buckets.",
                    plural(batch_ids.len(), "batch", "batches")
                ),
                out,
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
    use chute_core::destination::Overwrite;
    use chute_core::history::Which;
    // Files that met existing objects come along only when this retry
    // overwrites or skips them; otherwise a retry would meet them again.
    let which = match (a.all, a.overwrite) {
        (true, _) => Which::All,
        (false, Some(Overwrite::Overwrite | Overwrite::Skip)) => Which::NotDelivered,
        (false, _) => Which::Failed,
    };
    let (destination_id, plan) = chute.history_plan(&a.batch_id, which)?;
    let d = chute.get(&destination_id)?;
    let args = crate::args::DeliverArgs {
        target: d.id.clone(),
        paths: vec![],
        dry_run: a.dry_run,
        yes: a.yes,
        confirm: false,
        overwrite: a.overwrite,
        concurrency: None,
        presign: None,
        list: crate::args::ListRows::First(20),
        multipart_threshold: None,
        part_size: None,
    };
    let origin = if a.all { chute_core::history::Origin::Redeliver } else { chute_core::history::Origin::Retry };
    crate::deliver::run_plan(chute, d, plan, &args, origin, out)
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
    if b.state == chute_core::history::BatchState::Interrupted {
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
fn confirm(yes: bool, question: &str, out: &Out) -> Result<(), Failure> {
    if yes || !std::io::stdin().is_terminal() {
        return Ok(());
    }
    out.stderr(&format!("{question} [y/N] "));
    let mut answer = String::new();
    let _ = std::io::stdin().read_line(&mut answer);
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        return Ok(());
    }
    Err(Failure::cli(EXIT_FAILED, Code::Cancelled, "Nothing was done.", "Answer `y` to go ahead, or pass --yes."))
}

fn resume(chute: &Chute, id: &str, yes: bool, out: &Out) -> Result<ExitCode, Failure> {
    let b = batch(chute, id)?;
    interrupted(&b)?;
    let left = b.files_total - b.delivered - b.skipped - b.refused;
    confirm(yes, &format!("Resume batch {} to \"{}\"?", b.id, b.destination_name), out)?;
    let control = Control::default();
    let live = std::io::stderr().is_terminal();
    let presses = crate::deliver::cancel_on_ctrl_c(&control, live);
    if out.json {
        out.json(&json!({ "event": "resume", "batch": b }));
    } else {
        out.stderr(&format!(
            "Resuming batch {} to \"{}\" ({} of {} left)…\n",
            b.id,
            b.destination_name,
            render::count(left.max(0)),
            plural(b.files_total - b.refused, "file", "files")
        ));
    }
    let mut progress = Progress::new(out, live);
    let (tx, rx) = std::sync::mpsc::channel::<DeliveryEvent>();
    let result = std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            let mut on_event = move |e: DeliveryEvent| {
                let _ = tx.send(e);
            };
            chute.resume_batch(&b.id, &control, &mut on_event)
        });
        for e in rx {
            match &e {
                DeliveryEvent::Progress(_) => progress.progress(&e),
                DeliveryEvent::File(r) if out.json => {
                    let mut line = serde_json::Map::new();
                    line.insert("event".into(), json!("file"));
                    if let Ok(serde_json::Value::Object(m)) = serde_json::to_value(&**r) {
                        line.extend(m);
                    }
                    out.json(&line);
                }
                DeliveryEvent::File(r) => progress.file(r, None),
            }
        }
        worker.join().unwrap_or_else(|_| Err(chute_core::Error::Delivery("the delivery thread panicked".into())))
    });
    progress.finish();
    let summary = result?;
    let cancelled = presses.load(Ordering::SeqCst) > 0;
    let after = chute.history_batch(&b.id)?;
    if out.json {
        let mut line = serde_json::Map::new();
        line.insert("event".into(), json!("summary"));
        if let Ok(serde_json::Value::Object(m)) = serde_json::to_value(&summary) {
            line.extend(m);
        }
        line.insert("batch".into(), json!(after));
        line.insert("interrupted".into(), json!(cancelled));
        out.json(&line);
    } else {
        let mut t = format!(
            "Resumed batch {}: {} delivered, {} failed{}; {} sent in {}.\n",
            b.id,
            summary.delivered,
            summary.failed,
            if summary.cancelled > 0 { format!(", {} cancelled", summary.cancelled) } else { String::new() },
            render::bytes(summary.bytes_sent),
            render::duration_ms(summary.duration_ms)
        );
        for f in summary.files.iter().filter(|f| f.status == FileStatus::Failed) {
            match &f.error {
                Some(e) => t += &format!("  ✗ {}\n    {} [{}]\n    fix: {}\n", f.key, e.message, e.code, e.fix),
                None => t += &format!("  ✗ {}\n", f.key),
            }
        }
        if let Some(a) = &after {
            t += &format!("The batch is now {}.\n", outcome(a));
        }
        out.stdout(&t);
    }
    Ok(if cancelled {
        ExitCode::from(130)
    } else if summary.failed > 0 || summary.cancelled > 0 {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days() {
        assert_eq!(parse_day("1970-01-01"), Ok(0));
        assert_eq!(parse_day("2000-02-29"), Ok(951_782_400_000));
        assert_eq!(render::timestamp(parse_day("2026-11-22").unwrap()), "2026-11-22 00:00:00 UTC");
        assert!(parse_day("2001-02-29").is_err());
        assert!(parse_day("2026-1-2").is_err());
        assert!(parse_day("yesterday").is_err());
    }
}
