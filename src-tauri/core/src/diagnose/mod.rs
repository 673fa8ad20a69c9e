//! Diagnoses: a failure in words a person can act on. Each has a stable
//! code, a title, what happened, the likely cause, the fix, the evidence it
//! was based on and, where safe, a one-click fix or the setting to edit.
//! `catalogue` turns a classified S3 or network failure into one (the same
//! words whether the connection test or a delivery met it); `receipt` says
//! an object that differs from what it should be; `encryption` (server-side
//! encryption refused or not kept), `network`, `proxy`,
//! `profile` (AWS profiles, SSO sign-ins), `keychain` and `policy` hold
//! the words for the rest.

pub mod actions;
pub mod catalogue;
pub mod encryption;
pub mod keychain;
pub mod network;
mod policy;
pub mod profile;
pub mod proxy;
pub mod receipt;

use serde::{Deserialize, Serialize};

use crate::report::Code;

pub use actions::{edit_action, EditAction};
pub use policy::{minimal_policy, write_permission};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
}
/// The raw facts behind a diagnosis, shown as "details" and copyable.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Evidence {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s3_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket_region: Option<String>,
    pub endpoint: String,
    pub addressing: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The proxy requests went through (`host:port (HTTPS_PROXY)`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
}

/// A change to the destination that fixes the problem, applied by the UI
/// or the CLI (`test --apply-fix`), then re-tested.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FixAction {
    pub field: String,
    pub value: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Diagnosis {
    pub code: Code,
    pub level: Level,
    pub title: String,
    pub what_happened: String,
    pub likely_cause: String,
    pub fix: String,
    pub evidence: Evidence,
    /// A minimal IAM policy for this bucket and prefix, where permissions are the problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apply: Option<FixAction>,
    /// The setting to edit by hand (offered beside or instead of `apply`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit: Option<EditAction>,
}

impl Diagnosis {
    pub fn new(code: Code, level: Level, title: impl Into<String>) -> Diagnosis {
        Diagnosis {
            code,
            level,
            title: title.into(),
            what_happened: String::new(),
            likely_cause: String::new(),
            fix: String::new(),
            evidence: Evidence::default(),
            policy: None,
            apply: None,
            edit: edit_action(code),
        }
    }
    pub fn happened(mut self, s: impl Into<String>) -> Self {
        self.what_happened = s.into();
        self
    }
    pub fn cause(mut self, s: impl Into<String>) -> Self {
        self.likely_cause = s.into();
        self
    }
    pub fn fix(mut self, s: impl Into<String>) -> Self {
        self.fix = s.into();
        self
    }
    pub fn evidence(mut self, e: Evidence) -> Self {
        self.evidence = e;
        self
    }
    pub fn level(mut self, l: Level) -> Self {
        self.level = l;
        self
    }
    pub fn apply(mut self, field: &str, value: impl Into<String>, label: impl Into<String>) -> Self {
        self.apply = Some(FixAction { field: field.into(), value: value.into(), label: label.into() });
        self
    }
    pub fn policy(mut self, p: String) -> Self {
        self.policy = Some(p);
        self
    }
}
