//! `chute deliver` (and `chute destination deliver`).

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use chute_core::Overwrite;

use super::values::{parse_duration, parse_list, parse_overwrite, parse_size, ListRows};

pub const DELIVER_ABOUT: &str = "Deliver files and folders to a destination. Chute plans first: every file, its key, \
the total size, what is left out and why, and keys that two files would share (collisions refuse the delivery). \
With --dry-run it stops there. On a terminal, a destination that asks for confirmation is confirmed first \
(--yes skips the question; --confirm insists on it, and refuses without a terminal).\n\n\
Ctrl-C cancels the delivery cleanly (unfinished multipart uploads are aborted); a second Ctrl-C quits at once.\n\n\
With --json, stdout carries JSON lines: one {\"event\":\"plan\"}, {\"event\":\"progress\"} a few times a second, \
one {\"event\":\"file\"} per finished file and a final {\"event\":\"summary\"}.\n\n\
With --also, the same paths go to several destinations, one after the other, each with its own plan, \
lines and summary; the batches share a group id in the history. The exit code is the worst of them.\n\n\
Exit codes: 0 every file delivered or skipped, 1 a file failed or was cancelled (or could not be planned), \
2 invalid input (collisions, nothing to deliver, no terminal to confirm on), 130 cancelled with Ctrl-C.";

#[derive(Debug, Args)]
pub struct DeliverArgs {
    /// The destination's name (ignoring case) or id.
    #[arg(value_name = "NAME-OR-ID")]
    pub target: String,
    /// Files and folders to deliver (a folder's files keep their paths inside it).
    #[arg(value_name = "PATH", required = true, num_args = 1..)]
    pub paths: Vec<PathBuf>,
    /// Deliver to this destination too (repeatable): each is planned, previewed and run on its own, and one failing holds back none; the history groups their batches.
    #[arg(long, value_name = "NAME-OR-ID")]
    pub also: Vec<String>,
    /// Plan and print the preview only; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation, whatever the destination says.
    #[arg(long, short = 'y', conflicts_with = "confirm")]
    pub yes: bool,
    /// Always ask for confirmation, and refuse when there is no terminal to ask on.
    #[arg(long)]
    pub confirm: bool,
    /// For this run only: never (refuse existing objects), skip or overwrite [default: the destination's].
    #[arg(long, value_name = "POLICY", value_parser = parse_overwrite)]
    pub overwrite: Option<Overwrite>,
    /// For this run only: the most it sends per second (e.g. 2MB/s, 500KB/s; KB and MB are 1,024-based) [default: the destination's; the overall limit still applies, the lower winning].
    #[arg(long, value_name = "RATE")]
    pub bandwidth_limit: Option<String>,
    /// Requests in flight at once, across files and parts, held fixed [default: 16 to start, then fewer when the server says to slow down and more while throughput grows].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: Option<u32>,
    /// Add a presigned download link per delivered file, valid this long (e.g. 15m, 1h, 7d; at most 7d).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub presign: Option<Duration>,
    /// How many planned keys the preview lists: a number, or `all`.
    #[arg(long = "list", value_name = "N|all", value_parser = parse_list, default_value = "20")]
    pub list: ListRows,
    /// Files at or above this size go multipart (e.g. 16MiB) [default: 16MiB].
    #[arg(long, value_name = "SIZE", value_parser = parse_size, hide = true)]
    pub multipart_threshold: Option<u64>,
    /// Smallest part size (e.g. 8MiB; the provider's minimum still applies) [default: 8MiB].
    #[arg(long, value_name = "SIZE", value_parser = parse_size, hide = true)]
    pub part_size: Option<u64>,
}
