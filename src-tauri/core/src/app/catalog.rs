//! What the window needs to render: providers, key-template presets,
//! tokens and the default template, canned ACLs, the default ignore list,
//! and the connection test's steps in order with their names.

use serde::Serialize;

use crate::probe::StepId;
use crate::{destination, keys, provider};

#[derive(Debug, Serialize)]
pub struct Catalog {
    pub providers: &'static [provider::Provider],
    pub key_presets: Vec<KeyPreset>,
    pub tokens: Vec<TokenHelp>,
    /// The key template a new destination starts with.
    pub default_key_template: &'static str,
    pub acls: &'static [&'static str],
    /// What a new destination never delivers (the form's "Never deliver").
    pub default_ignores: &'static [&'static str],
    /// The connection test's steps in the order they run.
    pub probe_steps: Vec<StepName>,
}

#[derive(Debug, Serialize)]
pub struct StepName {
    pub id: StepId,
    pub label: &'static str,
}

#[derive(Debug, Serialize)]
pub struct KeyPreset {
    pub id: &'static str,
    pub label: &'static str,
    pub template: &'static str,
}

#[derive(Debug, Serialize)]
pub struct TokenHelp {
    pub token: String,
    pub help: &'static str,
}

pub fn catalog() -> Catalog {
    Catalog {
        providers: provider::PROVIDERS,
        key_presets: keys::PRESETS.iter().map(|&(id, label, template)| KeyPreset { id, label, template }).collect(),
        tokens: keys::TOKENS.iter().map(|&(_, name, help)| TokenHelp { token: format!("{{{name}}}"), help }).collect(),
        default_key_template: keys::DEFAULT_TEMPLATE,
        acls: destination::ACLS,
        default_ignores: destination::DEFAULT_IGNORES,
        probe_steps: StepId::ALL.iter().map(|&id| StepName { id, label: id.label() }).collect(),
    }
}
