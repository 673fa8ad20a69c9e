//! `chute`: Chute's headless command line. Same core, same validation, same
//! keychain and the same messages as the desktop app; no webview.
//!
//! Exit codes: 0 ok, 1 the operation failed (keychain, database, not
//! found, import; a connection test that failed; a file not delivered),
//! 2 invalid input or usage, 130 a delivery cancelled with Ctrl-C.

mod args;
mod deliver;
mod history;
mod history_text;
mod render;
mod testing;

use std::ffi::OsString;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use serde::Serialize;

use chute_core::import::{self, ImportError, ImportKind};
use chute_core::probe::ProbeReport;
use chute_core::Code;
use chute_core::{Chute, CredentialInput, CredentialSource, Error, ErrorInfo, ErrorReply, Problem, Saved, Sensitive, Settings};

use args::{AddArgs, Cli, Command, CredentialArgs, DestinationCommand, EditArgs, ImportArgs};

const EXIT_FAILED: u8 = 1;
const EXIT_INVALID: u8 = 2;

/// An error on its way to the user: what the core (or the CLI) says, and the exit code.
#[derive(Debug)]
struct Failure {
    reply: Box<ErrorReply>,
    exit: u8,
}

impl Failure {
    fn cli(exit: u8, code: Code, message: impl Into<String>, fix: impl Into<String>) -> Failure {
        Failure {
            reply: Box::new(ErrorReply {
                info: ErrorInfo { code, message: message.into(), fix: fix.into(), field: None },
                problems: vec![],
            }),
            exit,
        }
    }

    fn with_field(mut self, field: &str) -> Failure {
        self.reply.info.field = Some(field.into());
        self
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        let exit = if matches!(e, Error::Invalid(_)) { EXIT_INVALID } else { EXIT_FAILED };
        Failure { reply: Box::new(e.reply()), exit }
    }
}

impl From<ImportError> for Failure {
    fn from(e: ImportError) -> Failure {
        Error::from(e).into()
    }
}

/// Where results go: stdout as text, or as one JSON document (as JSON
/// lines, one compact document each, with `lines`).
struct Out {
    json: bool,
    lines: bool,
}

impl Out {
    fn stdout(&self, text: &str) {
        let mut o = std::io::stdout().lock();
        // A closed pipe (`chute … | head`) is not worth a panic.
        let _ = o.write_all(text.as_bytes()).and_then(|_| o.flush());
    }

    fn stderr(&self, text: &str) {
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }

    fn json<T: Serialize>(&self, value: &T) {
        let text = if self.lines { serde_json::to_string(value) } else { serde_json::to_string_pretty(value) };
        match text {
            Ok(s) => self.stdout(&(s + "\n")),
            // Only a secret refuses to serialize; say so without it.
            Err(_) => self.stdout("{\"error\":{\"code\":\"internal\",\"message\":\"The result could not be serialized.\",\"fix\":\"Report this as a bug.\"}}\n"),
        }
    }

    /// Print a result: `value` as JSON, or `text` for people.
    fn result<T: Serialize>(&self, value: &T, text: impl FnOnce() -> String) {
        if self.json {
            self.json(value);
        } else {
            self.stdout(&text());
        }
    }

    fn error(&self, e: &ErrorReply) {
        if self.json {
            self.json(&serde_json::json!({ "error": e }));
        } else {
            self.stderr(&render::error(e));
        }
    }

    /// Warnings of a successful save: on stderr for people, in the JSON document otherwise.
    fn warnings(&self, ws: &[Problem]) {
        if !self.json {
            self.stderr(&render::problems(ws));
        }
    }
}

fn main() -> ExitCode {
    let raw: Vec<OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&raw) {
        Ok(cli) => cli,
        Err(e) => return usage_error(e, &raw),
    };
    let lines = matches!(
        cli.command,
        Command::Deliver(_)
            | Command::Destination(DestinationCommand::Deliver(_))
            | Command::History(history::HistoryCommand::Resume { .. } | history::HistoryCommand::Retry(_))
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
    let lines = raw.iter().skip(1).any(|a| a == "deliver" || a == "resume" || a == "retry");
    Out { json: true, lines }.error(&Failure::cli(EXIT_INVALID, Code::Usage, message, fix).reply);
    ExitCode::from(EXIT_INVALID)
}

fn run(cli: &Cli, out: &Out) -> Result<ExitCode, Failure> {
    let data_dir: PathBuf = cli.data_dir.clone().unwrap_or_else(chute_core::default_data_dir);
    let chute = Chute::open(&data_dir)?;
    let cmd = match &cli.command {
        Command::Destination(cmd) => cmd,
        Command::Deliver(a) => return deliver::deliver_cmd(&chute, a, out),
        Command::History(h) => return history::history_cmd(&chute, h, out),
    };
    match cmd {
        DestinationCommand::Add(a) => add(&chute, a, out),
        DestinationCommand::List => {
            let views = chute.list_views()?;
            out.result(&views, || render::list(&views));
            Ok(ExitCode::SUCCESS)
        }
        DestinationCommand::Show { target } => {
            let d = chute.find(target)?;
            let view = chute.view(&d)?;
            let last = chute.probes(&d.id, 1)?.into_iter().next().map(|p| p.report);
            out.result(&ShowView { view: &view, last_probe: last.as_ref() }, || render::show(&view, last.as_ref()));
            Ok(ExitCode::SUCCESS)
        }
        DestinationCommand::Edit(a) => edit(&chute, a, out),
        DestinationCommand::Remove { target, yes } => remove(&chute, target, *yes, out),
        DestinationCommand::Duplicate { target } => {
            let d = chute.find(target)?;
            let saved = chute.duplicate(&d.id)?;
            saved_result(out, &saved, &format!("Duplicated \"{}\" as", d.settings.name));
            Ok(ExitCode::SUCCESS)
        }
        DestinationCommand::Import(a) => import_cmd(&chute, a, out),
        DestinationCommand::Test(a) => testing::test_cmd(&chute, a, out),
        DestinationCommand::Deliver(a) => deliver::deliver_cmd(&chute, a, out),
        DestinationCommand::Probes { target, limit } => {
            let d = chute.find(target)?;
            let probes = chute.probes(&d.id, *limit as usize)?;
            out.result(&probes, || render::probes(&d.settings.name, &probes));
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `show --json`: the destination plus its newest connection test (or null).
#[derive(Serialize)]
struct ShowView<'a> {
    #[serde(flatten)]
    view: &'a chute_core::DestinationView,
    last_probe: Option<&'a ProbeReport>,
}

fn saved_result(out: &Out, saved: &Saved, verb: &str) {
    let d = &saved.destination.destination;
    out.result(saved, || format!("{verb} \"{}\" (id {}).\n", d.settings.name, d.id));
    out.warnings(&saved.warnings);
}

/// The credentials the flags ask for; `None` when no source was given.
fn credential_input(c: &CredentialArgs) -> Result<Option<CredentialInput>, Failure> {
    if let Some(key_id) = &c.access_key_id {
        let secret = read_secret(c.secret_stdin, key_id)?;
        return Ok(Some(CredentialInput::Keys { access_key_id: key_id.clone(), secret_access_key: secret, session_token: None }));
    }
    if let Some(p) = &c.profile {
        return Ok(Some(CredentialInput::Profile { profile: p.clone() }));
    }
    if c.no_credentials {
        return Ok(Some(CredentialInput::None));
    }
    Ok(None)
}

/// The secret access key: from stdin with `--secret-stdin`, else from a
/// hidden prompt on the terminal. Never from an argument.
fn read_secret(from_stdin: bool, key_id: &str) -> Result<Sensitive<String>, Failure> {
    if from_stdin {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map_err(|e| {
            Failure::cli(
                EXIT_FAILED,
                Code::SecretReadFailed,
                format!("Standard input could not be read: {e}."),
                "Pipe the secret access key into --secret-stdin.",
            )
        })?;
        let mut text = String::from_utf8(buf).map_err(|_| {
            Failure::cli(
                EXIT_INVALID,
                Code::SecretNotText,
                "The secret read from standard input is not UTF-8 text.",
                "Pipe the secret access key as plain text, e.g. `printf %s \"$SECRET\" | chute … --secret-stdin`.",
            )
            .with_field("secret_access_key")
        })?;
        if text.ends_with('\n') {
            text.pop();
            if text.ends_with('\r') {
                text.pop();
            }
        }
        return Ok(Sensitive::new(text));
    }
    if std::io::stdin().is_terminal() {
        let prompt = format!("Secret access key for {}: ", chute_core::secret::mask_key_id(key_id));
        return rpassword::prompt_password(prompt).map(Sensitive::new).map_err(|e| {
            Failure::cli(
                EXIT_FAILED,
                Code::SecretPromptFailed,
                format!("The secret could not be read from the terminal: {e}."),
                "Pipe the secret with --secret-stdin instead.",
            )
            .with_field("secret_access_key")
        });
    }
    Err(Failure::cli(
        EXIT_INVALID,
        Code::SecretNeedsStdin,
        "--access-key-id needs its secret access key, and there is no terminal to ask for it.",
        "Pipe the secret into the command and add --secret-stdin, e.g. `printf %s \"$SECRET\" | chute destination add … --access-key-id ID --secret-stdin`. Chute never takes a secret as an argument.",
    )
    .with_field("secret_access_key"))
}

/// Validate only: print every problem; exit 2 if any is an error.
fn dry_run(chute: &Chute, settings: Settings, creds: &CredentialInput, editing: Option<&str>, out: &Out) -> Result<ExitCode, Failure> {
    let problems = chute.validate(&settings.normalized(), creds, editing)?;
    out.result(&problems, || {
        if problems.is_empty() {
            "No problems found. Nothing was saved (dry run).\n".to_string()
        } else {
            render::problems(&problems) + "Nothing was saved (dry run).\n"
        }
    });
    Ok(if problems.iter().any(Problem::is_error) { ExitCode::from(EXIT_INVALID) } else { ExitCode::SUCCESS })
}

fn add(chute: &Chute, a: &AddArgs, out: &Out) -> Result<ExitCode, Failure> {
    let mut settings = Settings {
        name: a.name.clone(),
        provider: a.provider,
        bucket: a.bucket.clone(),
        path_style: a.provider.preset().path_style,
        active: !a.paused,
        ..Settings::default()
    };
    a.options.apply(&mut settings);
    let creds = credential_input(&a.credentials)?.ok_or_else(|| {
        Failure::cli(
            EXIT_INVALID,
            Code::CredentialsMissing,
            "No credentials were given for the new destination.",
            "Add --access-key-id ID (with --secret-stdin or at the prompt), --profile NAME, or --no-credentials.",
        )
        .with_field("credentials")
    })?;
    if a.dry_run {
        return dry_run(chute, settings, &creds, None, out);
    }
    let saved = chute.create(settings, creds)?;
    saved_result(out, &saved, "Added");
    Ok(ExitCode::SUCCESS)
}

fn edit(chute: &Chute, a: &EditArgs, out: &Out) -> Result<ExitCode, Failure> {
    let existing = chute.find(&a.target)?;
    let mut settings = existing.settings.clone();
    if let Some(n) = &a.name {
        settings.name = n.clone();
    }
    if let Some(p) = a.provider {
        settings.provider = p;
    }
    if let Some(b) = &a.bucket {
        settings.bucket = b.clone();
    }
    if a.clear_meta {
        settings.metadata.clear();
    }
    if a.clear_tags {
        settings.tags.clear();
    }
    if a.clear_ignore {
        settings.ignore.clear();
    }
    a.options.apply(&mut settings);
    if a.active {
        settings.active = true;
    }
    if a.paused {
        settings.active = false;
    }
    let creds = credential_input(&a.credentials)?.unwrap_or(CredentialInput::Keep);
    if a.dry_run {
        return dry_run(chute, settings, &creds, Some(&existing.id), out);
    }
    let saved = chute.update(&existing.id, settings, creds)?;
    saved_result(out, &saved, "Updated");
    Ok(ExitCode::SUCCESS)
}

fn remove(chute: &Chute, target: &str, yes: bool, out: &Out) -> Result<ExitCode, Failure> {
    let d = chute.find(target)?;
    let name = d.settings.name.clone();
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(Failure::cli(
                EXIT_INVALID,
                Code::ConfirmationRequired,
                format!("Removing \"{name}\" needs confirmation, and there is no terminal to ask on."),
                "Run the command again with --yes to remove it without asking.",
            ));
        }
        let keychain = if matches!(d.credentials, CredentialSource::Keychain { .. }) { " and its keychain item" } else { "" };
        out.stderr(&format!("Remove destination \"{name}\"{keychain}? [y/N] "));
        let mut answer = String::new();
        let _ = std::io::stdin().read_line(&mut answer);
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            return Err(Failure::cli(
                EXIT_FAILED,
                Code::Cancelled,
                format!("\"{name}\" was not removed."),
                "Answer `y` to remove it, or pass --yes.",
            ));
        }
    }
    chute.delete(&d.id)?;
    out.result(&serde_json::json!({ "removed": { "id": d.id, "name": name } }), || format!("Removed \"{name}\".\n"));
    Ok(ExitCode::SUCCESS)
}

fn import_cmd(chute: &Chute, a: &ImportArgs, out: &Out) -> Result<ExitCode, Failure> {
    let kind = ImportKind::parse(&a.from).expect("clap only accepts aws or rclone");
    let candidates = import::candidates(kind, a.file.as_deref())?;
    let Some(source) = &a.source else {
        out.result(&candidates, || render::candidates(&candidates));
        return Ok(ExitCode::SUCCESS);
    };
    let candidate = candidates
        .iter()
        .find(|c| c.source == *source)
        .or_else(|| candidates.iter().find(|c| c.source.eq_ignore_ascii_case(source)))
        .cloned()
        .ok_or_else(|| ImportError::NoSuchSource(source.clone()))?;
    let name = a.name.clone().unwrap_or_else(|| candidate.source.clone());
    let saved = chute.import(candidate, &name, a.bucket.as_deref().unwrap_or(""), a.prefix.as_deref().unwrap_or(""))?;
    saved_result(out, &saved, &format!("Imported `{source}` as"));
    Ok(ExitCode::SUCCESS)
}
