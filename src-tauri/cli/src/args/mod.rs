//! The command line, as clap sees it: one file per subcommand, and the
//! value parsers they share in `values`.

mod deliver;
mod destination;
mod history;
mod settings;
mod values;
mod verify;
mod watch;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use deliver::DeliverArgs;
use deliver::DELIVER_ABOUT;
pub use destination::{apply_identity, AddArgs, CredentialArgs, DestinationCommand, EditArgs, ImportArgs, TestArgs};
pub use history::{FilterArgs, HistoryCommand, ResumeArgs, RetryArgs};
pub use settings::SettingsCommand;
pub use values::{KeepDays, DAY_MS};
pub use verify::VerifyArgs;
use verify::VERIFY_ABOUT;
pub use watch::{AfterChoice, ExistingChoice, WatchAddArgs, WatchCommand};

#[derive(Debug, Parser)]
#[command(
    name = "chute",
    version,
    about = "Chute: deliver files to S3-compatible storage (headless command line).",
    long_about = "Chute's command line. It uses the same core, the same validation and the same \
                  keychain as the desktop app. Secrets are never taken from a command-line argument: \
                  pipe them with --secret-stdin or type them at the hidden prompt."
)]
pub struct Cli {
    /// Print exactly one JSON document on stdout (errors as {"error": …}); `deliver`, `history retry` and `history resume` print JSON lines.
    #[arg(long, global = true, display_order = 900)]
    pub json: bool,

    /// The folder holding Chute's database [default: $CHUTE_DATA_DIR, else the platform's app-data folder].
    #[arg(long, global = true, value_name = "DIR", display_order = 901)]
    pub data_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// Parsed once per run, so the size of the larger variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add, list, show, edit, remove, duplicate, import and test destinations.
    #[command(subcommand, visible_alias = "dest")]
    Destination(DestinationCommand),
    /// Deliver files and folders to a destination (preview first; `--dry-run` sends nothing).
    #[command(long_about = DELIVER_ABOUT)]
    Deliver(DeliverArgs),
    /// Past deliveries: list, show and export batches; resume or discard an interrupted one.
    #[command(subcommand)]
    History(HistoryCommand),
    /// Watched folders: add, list, show, pause, resume and remove them; `run` delivers from them headless.
    #[command(subcommand)]
    Watch(WatchCommand),
    /// Check objects at their destination: a past delivery (BATCH_ID), or a folder against a prefix (--destination NAME DIR).
    #[command(long_about = VERIFY_ABOUT)]
    Verify(VerifyArgs),
    /// What the app keeps for every delivery: the overall bandwidth limit.
    #[command(subcommand)]
    Settings(SettingsCommand),
}
