//! The lowest layer of what reaches a person: the one enum of codes, the
//! typed states, and the `{code, message, fix}` every failure becomes, in
//! the window, the CLI and `--json` alike. Everything above speaks through
//! these.

mod code;
mod states;

pub use code::Code;
pub use states::{BatchState, FileState, Origin, Outcome, ReceiptKind, Verification, WatchFileState};

use serde::Serialize;

/// A failure as a person meets it: a stable code, what happened, what to do.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ErrorInfo {
    pub code: Code,
    pub message: String,
    pub fix: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ErrorInfo {
    pub fn new(code: Code, message: impl Into<String>, fix: impl Into<String>) -> ErrorInfo {
        ErrorInfo { code, message: message.into(), fix: fix.into(), field: None }
    }
}

/// A failure that can say what happened and what to do about it.
pub trait UserError {
    fn info(&self) -> ErrorInfo;
}

/// An error and its sources as one line, without repeating text a source
/// already put in its parent's message.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        cur = c.source();
    }
    s
}

/// A whole number with its thousands grouped: `1,048,576`.
pub fn grouped(n: impl std::fmt::Display) -> String {
    let digits = n.to_string();
    let (sign, digits) = digits.split_at(usize::from(digits.starts_with('-')));
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}
