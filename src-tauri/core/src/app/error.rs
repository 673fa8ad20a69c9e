//! Errors that reach a person: every one has a stable code, says what
//! happened, and says how to fix it. They cross IPC and CLI `--json` as
//! `{code, message, fix, field, problems}`.

use serde::Serialize;

use crate::destination::Problem;

use crate::report::Code;
use crate::report::{ErrorInfo, UserError};

/// The core's error type.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the destination settings have problems")]
    Invalid(Vec<Problem>),
    #[error("no destination named or with id `{0}`")]
    NotFound(String),
    #[error(transparent)]
    Secret(#[from] crate::secret::SecretError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Import(#[from] crate::import::ImportError),
    #[error("the connection test could not run: {0}")]
    Probe(String),
    #[error("the delivery cannot start: {0}")]
    Delivery(String),
    /// A request about the history that cannot be done as asked.
    #[error("{}", .0.message)]
    History(ErrorInfo),
    /// A change asked for that cannot be made as asked (e.g. a fix of a
    /// setting Chute does not change by itself).
    #[error("{}", .0.message)]
    NotApplicable(ErrorInfo),
    /// A watch that cannot be set up, found or run as asked.
    #[error("{}", .0.message)]
    Watch(ErrorInfo),
    /// Objects that cannot be checked as asked (a folder that is not one, a prefix that cannot be listed).
    #[error("{}", .0.message)]
    Verify(ErrorInfo),
    /// A watch's settings with problems, every one of them (each names its field).
    #[error("the watch's settings have problems")]
    WatchInvalid(Vec<crate::watch::WatchProblem>),
    /// A failure already put in words by a diagnosis (e.g. the keychain, met
    /// while starting a delivery): its own code and fix, never reworded.
    #[error("{}", .0.what_happened)]
    Diagnosed(Box<crate::diagnose::Diagnosis>),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The serialised form of an error, as the UI and the CLI receive it.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorReply {
    #[serde(flatten)]
    pub info: ErrorInfo,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

impl From<ErrorInfo> for ErrorReply {
    fn from(info: ErrorInfo) -> ErrorReply {
        ErrorReply { info, problems: vec![] }
    }
}

impl Error {
    pub fn reply(&self) -> ErrorReply {
        match self {
            Error::Invalid(problems) => {
                let errors: Vec<&Problem> = problems.iter().filter(|p| p.is_error()).collect();
                let first = errors.first().copied().or(problems.first());
                let (message, fix, field) = match first {
                    Some(p) if errors.len() <= 1 => (p.message.clone(), p.fix.clone(), Some(p.field.clone())),
                    Some(p) => {
                        (format!("{} fields need attention; first: {}", errors.len(), p.message), p.fix.clone(), Some(p.field.clone()))
                    }
                    None => ("The destination settings are not valid.".into(), String::new(), None),
                };
                ErrorReply { info: ErrorInfo { code: Code::InvalidDestination, message, fix, field }, problems: problems.clone() }
            }
            Error::WatchInvalid(problems) => {
                let as_problems = problems
                    .iter()
                    .map(|p| Problem {
                        field: p.field.to_string(),
                        severity: crate::destination::Severity::Error,
                        code: p.code,
                        message: p.message.clone(),
                        fix: p.fix.clone(),
                        fix_value: None,
                        fix_field: None,
                    })
                    .collect();
                ErrorReply { info: self.info(), problems: as_problems }
            }
            other => other.info().into(),
        }
    }
}

impl UserError for Error {
    fn info(&self) -> ErrorInfo {
        match self {
            Error::Invalid(_) => self.reply().info,
            Error::NotFound(what) => ErrorInfo {
                code: Code::DestinationNotFound,
                message: format!("There is no destination named or with id `{what}`."),
                fix: "List destinations (`chute destination list`) and use one of the names shown.".into(),
                field: None,
            },
            Error::Secret(e) => e.info(),
            Error::Store(e) => e.info(),
            Error::Import(e) => e.info(),
            Error::Delivery(detail) => ErrorInfo {
                code: Code::DeliveryCannotStart,
                message: format!("The delivery cannot start: {detail}."),
                fix: "Fix the cause above (Test connection helps with credentials), then deliver again.".into(),
                field: None,
            },
            Error::History(info) | Error::NotApplicable(info) | Error::Watch(info) | Error::Verify(info) => info.clone(),
            Error::WatchInvalid(problems) => match problems.first() {
                Some(p) => ErrorInfo {
                    code: p.code,
                    message: if problems.len() > 1 {
                        format!("{} ({} more problems)", p.message, problems.len() - 1)
                    } else {
                        p.message.clone()
                    },
                    fix: p.fix.clone(),
                    field: Some(p.field.to_string()),
                },
                None => ErrorInfo::new(Code::InvalidDestination, "The watch's settings are not valid.", "Correct them and save again."),
            },
            Error::Diagnosed(d) => ErrorInfo::new(d.code, d.what_happened.clone(), d.fix.clone()),
            Error::Probe(detail) => ErrorInfo {
                code: Code::ProbeFailedToStart,
                message: format!("The connection test could not run: {detail}."),
                fix: "Try again; if it keeps failing, restart Chute.".into(),
                field: None,
            },
        }
    }
}
