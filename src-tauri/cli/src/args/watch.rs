//! `chute watch …`: set up watched folders and run them headless.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use chute_core::DeliveryHours;

#[derive(Debug, Subcommand)]
pub enum WatchCommand {
    /// Watch a folder: every file that settles in it is delivered to the destinations given.
    Add(WatchAddArgs),
    /// Every watch, with what it is doing.
    #[command(visible_alias = "ls")]
    List,
    /// One watch: its settings, its journal, its last failure, and the command line that makes it.
    Show {
        #[arg(value_name = "WATCH")]
        watch: String,
    },
    /// Stop delivering from a watch (files that settle meanwhile are delivered on resume).
    Pause {
        #[arg(value_name = "WATCH")]
        watch: String,
    },
    /// Deliver from a paused watch again.
    Resume {
        #[arg(value_name = "WATCH")]
        watch: String,
    },
    /// Remove a watch and its journal (the folder, the objects and the history stay).
    #[command(visible_alias = "rm")]
    Remove {
        #[arg(value_name = "WATCH")]
        watch: String,
        /// Do not ask for confirmation (without a terminal nothing is asked).
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Run every active watch in the foreground until Ctrl-C or SIGTERM (JSON lines with --json).
    #[command(long_about = RUN_ABOUT)]
    Run,
}

const RUN_ABOUT: &str = "Run every active watch in the foreground: files that settle are delivered, \
failures are retried with a growing pause, and everything waiting is kept in the database, so a \
restart (even after kill -9) loses and doubles nothing.\n\n\
Ctrl-C or SIGTERM stops gracefully: deliveries under way finish first; a second one cancels them \
(their files wait for the next run). Only one runner per data folder: while the window or another \
`chute watch run` runs the watches, this one says who and exits.\n\n\
Exit codes: 0 stopped as asked, 1 could not run (another runner, database), 2 usage.";

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExistingChoice {
    /// Deliver the files already in the folder too.
    Deliver,
    /// Only files that appear or change from now on.
    NewOnly,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum AfterChoice {
    /// Leave the file where it is.
    Keep,
    /// Move it into a `delivered/` subfolder once it landed at every destination.
    Move,
    /// Delete it once it landed at every destination.
    Delete,
}

#[derive(Debug, Args)]
pub struct WatchAddArgs {
    /// A short name for the watch.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The folder to watch.
    #[arg(value_name = "FOLDER")]
    pub folder: PathBuf,
    /// A destination (name or id) to deliver to; repeat for several (each runs and fails on its own).
    #[arg(long = "to", value_name = "DESTINATION", required = true)]
    pub to: Vec<String>,
    /// Watch only the folder itself, not its subfolders.
    #[arg(long)]
    pub no_subfolders: bool,
    /// How long a file must stay unchanged before it is delivered (e.g. 2s, 500ms, 1m).
    #[arg(long, value_name = "TIME", default_value = "2s", value_parser = super::values::parse_millis)]
    pub settle: u64,
    /// What to do with the files already in the folder.
    #[arg(long, value_enum, default_value = "new-only")]
    pub existing: ExistingChoice,
    /// What to do with a local file once it landed everywhere.
    #[arg(long, value_enum, default_value = "keep")]
    pub after: AfterChoice,
    /// Combine the files that settle within this window into one gzip object (e.g. 60s), newline-joined, under {prefix}YYYY/MM/DD/HH/….gz.
    #[arg(long, value_name = "WINDOW", value_parser = super::values::parse_millis)]
    pub batch: Option<u64>,
    /// With --batch: send sooner once this many files wait [default: 1000].
    #[arg(long, value_name = "N", requires = "batch")]
    pub batch_files: Option<u32>,
    /// With --batch: send sooner once this many bytes wait (e.g. 64MiB) [default: 64MiB].
    #[arg(long, value_name = "SIZE", requires = "batch", value_parser = super::values::parse_size)]
    pub batch_bytes: Option<u64>,
    /// Deliver only within these daily hours, local time (e.g. 22:00-06:00); files wait outside them.
    #[arg(long, value_name = "HH:MM-HH:MM", value_parser = parse_hours)]
    pub hours: Option<DeliveryHours>,
    /// Create it paused.
    #[arg(long)]
    pub paused: bool,
}

fn parse_hours(s: &str) -> Result<DeliveryHours, String> {
    DeliveryHours::parse(s).ok_or_else(|| "expected two different times of day, HH:MM-HH:MM, e.g. 22:00-06:00".into())
}
