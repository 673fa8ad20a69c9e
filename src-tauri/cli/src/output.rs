//! Where results go and how a run ends: `Out` (stdout as text, one JSON
//! document, or JSON lines), `Failure` (an error on its way to the user)
//! and the exit codes.
//!
//! Exit codes: 0 ok, 1 the operation failed (keychain, database, not
//! found, import; a connection test that failed; a file not delivered),
//! 2 invalid input or usage, 130 a delivery cancelled with Ctrl-C.

use std::io::Write;

use serde::Serialize;

use chute_core::{Code, Error, ErrorInfo, ErrorReply, Problem};

use crate::text::problems;

pub const EXIT_FAILED: u8 = 1;
pub const EXIT_INVALID: u8 = 2;
/// After Ctrl-C, as shells report a SIGINT death.
pub const EXIT_INTERRUPTED: u8 = 130;

/// An error on its way to the user: what the core (or the CLI) says, and the exit code.
#[derive(Debug)]
pub struct Failure {
    pub reply: Box<ErrorReply>,
    pub exit: u8,
}

impl Failure {
    pub fn cli(exit: u8, code: Code, message: impl Into<String>, fix: impl Into<String>) -> Failure {
        Failure::from_info(exit, ErrorInfo { code, message: message.into(), fix: fix.into(), field: None })
    }

    /// A refusal the core put in words (e.g. `Plan::refusal`).
    pub fn from_info(exit: u8, info: ErrorInfo) -> Failure {
        Failure { reply: Box::new(ErrorReply { info, problems: vec![] }), exit }
    }

    pub fn with_field(mut self, field: &str) -> Failure {
        self.reply.info.field = Some(field.into());
        self
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        // A setting refused as given (named by its field) is invalid input.
        let exit = match &e {
            Error::Invalid(_) | Error::WatchInvalid(_) => EXIT_INVALID,
            Error::Watch(info) if info.field.is_some() => EXIT_INVALID,
            _ => EXIT_FAILED,
        };
        Failure { reply: Box::new(e.reply()), exit }
    }
}

impl From<chute_core::ImportError> for Failure {
    fn from(e: chute_core::ImportError) -> Failure {
        Error::from(e).into()
    }
}

/// Where results go: stdout as text, or as one JSON document (as JSON
/// lines, one compact document each, with `lines`).
pub struct Out {
    pub json: bool,
    pub lines: bool,
}

impl Out {
    pub fn stdout(&self, text: &str) {
        let mut o = std::io::stdout().lock();
        // A closed pipe (`chute … | head`) is not worth a panic.
        let _ = o.write_all(text.as_bytes()).and_then(|_| o.flush());
    }

    pub fn stderr(&self, text: &str) {
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }

    pub fn json<T: Serialize>(&self, value: &T) {
        let text = if self.lines { serde_json::to_string(value) } else { serde_json::to_string_pretty(value) };
        match text {
            Ok(s) => self.stdout(&(s + "\n")),
            // Only a secret refuses to serialize; say so without it.
            Err(_) => self.stdout("{\"error\":{\"code\":\"internal\",\"message\":\"The result could not be serialized.\",\"fix\":\"Report this as a bug.\"}}\n"),
        }
    }

    /// `value` as one JSON line written straight to stdout as it is
    /// serialized, for a document too big to build first (a summary that
    /// reads a batch's files from the history). A failure part way ends the
    /// line and says so on a line of its own.
    pub fn json_streamed<T: Serialize>(&self, value: &T) {
        let mut o = std::io::BufWriter::new(std::io::stdout().lock());
        let written = if self.lines { serde_json::to_writer(&mut o, value) } else { serde_json::to_writer_pretty(&mut o, value) };
        let end: &[u8] = match written {
            Ok(()) => b"\n",
            Err(e) if e.is_io() => return, // a closed pipe
            Err(_) => b"\n{\"error\":{\"code\":\"internal\",\"message\":\"The summary could not be written whole.\",\"fix\":\"Run `chute history show` for the batch's files, and report this as a bug.\"}}\n",
        };
        let _ = o.write_all(end).and_then(|_| o.flush());
    }

    /// Print a result: `value` as JSON, or `text` for people.
    pub fn result<T: Serialize>(&self, value: &T, text: impl FnOnce() -> String) {
        if self.json {
            self.json(value);
        } else {
            self.stdout(&text());
        }
    }

    pub fn error(&self, e: &ErrorReply) {
        if self.json {
            self.json(&serde_json::json!({ "error": e }));
        } else {
            self.stderr(&problems::error(e));
        }
    }

    /// Warnings of a successful save: on stderr for people, in the JSON document otherwise.
    pub fn warnings(&self, ws: &[Problem]) {
        if !self.json {
            self.stderr(&problems::problems(ws));
        }
    }

    /// Go ahead when `yes` was passed, when there is no terminal to ask
    /// on, or when the person answers yes; else nothing is done.
    pub fn confirm(&self, yes: bool, question: &str) -> Result<(), Failure> {
        use std::io::IsTerminal;
        if yes || !std::io::stdin().is_terminal() || self.ask(question) {
            return Ok(());
        }
        Err(Failure::cli(EXIT_FAILED, Code::Cancelled, "Nothing was done.", "Answer `y` to go ahead, or pass --yes."))
    }

    /// Ask `question [y/N]` on the terminal (stderr) and read the answer: true for `y` or `yes`.
    pub fn ask(&self, question: &str) -> bool {
        self.stderr(&format!("{question} [y/N] "));
        let mut answer = String::new();
        let _ = std::io::stdin().read_line(&mut answer);
        matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
    }
}
