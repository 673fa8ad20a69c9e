//! `chute`: Chute's headless command line. Same core, same validation, same
//! keychain and the same messages as the desktop app; no webview.
//!
//! Modules, each using only those listed after it: `commands` (one file
//! per command family; `history` sends retries through `deliver`),
//! `delivery_runner` (the one way a delivery runs and is shown), `output`
//! (`Out`, `Failure`, exit codes), `text` (everything printed for people),
//! and `args` (the command line as clap sees it). This file only parses
//! and dispatches.

mod args;
mod commands;
mod delivery_runner;
mod output;
mod text;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use chute_core::{Chute, Code};

use args::{Cli, Command, DestinationCommand, HistoryCommand, WatchCommand};
use commands::{deliver, destination, history, settings, verify, watch};
use output::{Failure, Out, EXIT_INVALID};

#[global_allocator]
static ALLOCATOR: chute_core::Allocator = chute_core::Allocator;

fn main() -> ExitCode {
    chute_core::set_up_allocators();
    let raw: Vec<OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&raw) {
        Ok(cli) => cli,
        Err(e) => return usage_error(e, &raw),
    };
    let lines = matches!(
        cli.command,
        Command::Deliver(_)
            | Command::Destination(DestinationCommand::Deliver(_))
            | Command::History(HistoryCommand::Resume(_) | HistoryCommand::Retry(_))
            | Command::Watch(WatchCommand::Run)
    );
    let out = Out { json: cli.json, lines };
    match run(&cli, &out) {
        Ok(code) => code,
        Err(f) => {
            out.error(&f.reply);
            ExitCode::from(f.exit)
        }
    }
}

/// Clap's errors exit 2; with `--json` they are reported as JSON too.
fn usage_error(e: clap::Error, raw: &[OsString]) -> ExitCode {
    use clap::error::ErrorKind as K;
    let json = raw.iter().skip(1).take_while(|a| *a != "--").any(|a| a == "--json");
    let informational = matches!(e.kind(), K::DisplayHelp | K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand);
    if !json || informational {
        e.exit();
    }
    let text = e.render().to_string();
    let message = text.lines().next().unwrap_or("invalid arguments").trim_start_matches("error: ").trim().to_string();
    let fix = text
        .lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix("tip: "))
        .map(|t| {
            let t = t.trim_end_matches('.');
            let mut c = t.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default() + "."
        })
        .unwrap_or_else(|| "Run `chute --help` (or `chute destination <command> --help`) to see the accepted arguments.".into());
    // `deliver --json` prints JSON lines: one compact document per line.
    let lines = raw.iter().skip(1).any(|a| a == "deliver" || a == "resume" || a == "retry" || a == "run");
    Out { json: true, lines }.error(&Failure::cli(EXIT_INVALID, Code::Usage, message, fix).reply);
    ExitCode::from(EXIT_INVALID)
}

fn run(cli: &Cli, out: &Out) -> Result<ExitCode, Failure> {
    let data_dir: PathBuf = cli.data_dir.clone().unwrap_or_else(chute_core::default_data_dir);
    let chute = Chute::open(&data_dir)?;
    for notice in chute.notices() {
        eprintln!("note: {notice}");
    }
    match &cli.command {
        Command::Destination(cmd) => destination::destination_cmd(&chute, cmd, out),
        Command::Deliver(a) => deliver::deliver_cmd(&chute, a, out),
        Command::History(h) => history::history_cmd(&chute, h, out),
        Command::Watch(w) => watch::watch_cmd(chute, w, out),
        Command::Verify(v) => verify::verify_cmd(&chute, v, out),
        Command::Settings(s) => settings::settings_cmd(&chute, s, out),
    }
}
