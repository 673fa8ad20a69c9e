//! What validation answers: field-level problems (errors block saving,
//! warnings do not), gathered by the validators, and what validation needs
//! to know beyond the settings themselves.

use serde::{Deserialize, Serialize};

use crate::report::Code;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One thing wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub field: String,
    pub severity: Severity,
    pub code: crate::report::Code,
    pub message: String,
    pub fix: String,
    /// A value that fixes the problem in one click, where one is safe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix_value: Option<String>,
    /// The field `fix_value` goes into, when it is not `field` itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix_field: Option<String>,
}

impl Problem {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

pub(super) struct Problems(pub(super) Vec<Problem>);

impl Problems {
    fn push(&mut self, severity: Severity, field: &str, code: Code, message: String, fix: String, fix_value: Option<String>) {
        self.0.push(Problem { field: field.into(), severity, code, message, fix, fix_value, fix_field: None });
    }
    pub(super) fn error(&mut self, field: &str, code: Code, message: impl Into<String>, fix: impl Into<String>) {
        self.push(Severity::Error, field, code, message.into(), fix.into(), None);
    }
    pub(super) fn error_fix(&mut self, field: &str, code: Code, message: impl Into<String>, fix: impl Into<String>, value: String) {
        self.push(Severity::Error, field, code, message.into(), fix.into(), Some(value));
    }
    pub(super) fn warn(&mut self, field: &str, code: Code, message: impl Into<String>, fix: impl Into<String>) {
        self.push(Severity::Warning, field, code, message.into(), fix.into(), None);
    }
    pub(super) fn retarget_last_fix(&mut self, field: &str) {
        if let Some(last) = self.0.last_mut() {
            last.fix_field = Some(field.into());
        }
    }
    pub(super) fn warn_fix(&mut self, field: &str, code: Code, message: impl Into<String>, fix: impl Into<String>, value: String) {
        self.push(Severity::Warning, field, code, message.into(), fix.into(), Some(value));
    }
}

/// What validation needs to know beyond the settings themselves.
#[derive(Debug, Default, Clone)]
pub struct Context<'a> {
    /// Names of the *other* destinations (for the duplicate check).
    pub other_names: Vec<&'a str>,
    /// The credentials as they will be after saving.
    pub credentials: Option<CredentialCheck<'a>>,
    /// The SSE-C key as it will be after saving (never its bytes).
    pub sse_c_key: SseKeyCheck,
}

/// Whether an SSE-C customer key is there, as validation sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SseKeyCheck {
    /// Not asked (lists, settings alone): no problem is raised.
    #[default]
    Unknown,
    Missing,
    Present,
    /// Typed, and not a key: the words say why.
    Invalid {
        message: String,
        fix: String,
    },
}

/// Credentials as validation sees them (no secret values).
#[derive(Debug, Clone)]
pub enum CredentialCheck<'a> {
    Keys { access_key_id: &'a str, secret_present: bool },
    Profile { profile: &'a str, known_profiles: Option<Vec<String>> },
    None,
}
