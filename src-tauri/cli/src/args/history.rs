//! `chute history …`: list, show, export, resume, discard, retry, delete
//! and retention, with the filters they share.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};

use chute_core::Overwrite;

use super::values::{parse_day, parse_duration, parse_keep_days, parse_overwrite, KeepDays};

const BATCH_STATUSES: [&str; 8] = ["delivered", "partial", "failed", "cancelled", "interrupted", "running", "discarded", "finished"];
const FILE_STATUSES: [&str; 7] = ["pending", "uploading", "delivered", "skipped", "failed", "cancelled", "refused"];

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
    Resume(ResumeArgs),
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
    pub batch_id: String,
    /// Every file of the batch, not only those that were not delivered.
    #[arg(long)]
    pub all: bool,
    /// Plan and print the preview only; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation, whatever the destination says.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// For this run only: never (refuse existing objects), skip or overwrite [default: the destination's].
    #[arg(long, value_name = "POLICY", value_parser = parse_overwrite)]
    pub overwrite: Option<Overwrite>,
    /// Add a presigned download link per delivered file, valid this long (e.g. 15m, 1h, 7d; at most 7d).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub presign: Option<Duration>,
}

#[derive(Debug, Args)]
pub struct ResumeArgs {
    #[arg(value_name = "BATCH_ID")]
    pub batch_id: String,
    /// Do not ask for confirmation (without a terminal nothing is asked).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Add a presigned download link per delivered file, valid this long (e.g. 15m, 1h, 7d; at most 7d).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub presign: Option<Duration>,
}

#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only batches to this destination (name, ignoring case, or id).
    #[arg(long, value_name = "NAME")]
    pub destination: Option<String>,
    /// delivered, partial, failed, cancelled (outcomes) or interrupted, running, discarded, finished (states).
    #[arg(long, value_name = "S", value_parser = BATCH_STATUSES)]
    pub status: Option<String>,
    /// Started on or after this day (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub since: Option<i64>,
    /// Started on or before this day (YYYY-MM-DD, UTC, the whole day included).
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub until: Option<i64>,
    /// Only batches with a file whose key or path contains this text.
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Only the batches of one delivery sent to several destinations (its group id).
    #[arg(long, value_name = "GROUP_ID")]
    pub group: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// At most this many batches (1 to 1000).
    #[arg(long, value_name = "N", default_value = "50", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub limit: u32,
    /// Skip this many batches first.
    #[arg(long, value_name = "N", default_value = "0")]
    pub offset: usize,
}
