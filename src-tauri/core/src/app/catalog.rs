//! What the destination form needs to render: providers, key-template
//! presets and tokens, canned ACLs, the default ignore list.

use serde::Serialize;

use crate::{destination, keys, provider};

#[derive(Debug, Serialize)]
pub struct Catalog {
    pub providers: &'static [provider::Provider],
    pub key_presets: Vec<KeyPreset>,
    pub tokens: Vec<TokenHelp>,
    pub acls: &'static [&'static str],
    /// What a new destination never delivers (the form's "Never deliver").
    pub default_ignores: &'static [&'static str],
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
        acls: destination::ACLS,
        default_ignores: destination::DEFAULT_IGNORES,
    }
}
