//! The key template: parsed, using the prefix, unique per file.

use super::model::Settings;
use super::problems::Problems;
use crate::keys;
use crate::report::Code;

pub(super) fn validate_template(p: &mut Problems, s: &Settings) {
    let t = &s.key_template;
    if t.trim().is_empty() {
        return;
    }
    match keys::parse_template(t) {
        Err(e) => p.error(
            "key_template",
            Code::TemplateInvalid,
            format!("The key template is not valid: {e}."),
            "Use tokens like {prefix}, {relpath}, {name}, {date}; see the list under the field.",
        ),
        Ok(parts) => {
            if !parts.iter().any(|x| matches!(x, keys::Part::Token(keys::Token::Prefix))) && !s.prefix.is_empty() {
                p.warn_fix(
                    "key_template",
                    Code::TemplateNoPrefix,
                    "The key template does not contain {prefix}, so the path prefix is ignored.",
                    "Start the template with {prefix}.",
                    format!("{{prefix}}{t}"),
                );
            }
            if !keys::template_is_unique_per_file(&parts) {
                p.warn(
                    "key_template",
                    Code::TemplateNotUnique,
                    "The key template names no file and no unique id: every file of a batch gets the same key.",
                    "Include {name}, {relpath}, {stem}, {id} or {uuid}.",
                );
            }
            if t.starts_with('/') {
                p.error_fix(
                    "key_template",
                    Code::TemplateLeadingSlash,
                    "The key template starts with `/`.",
                    "Remove the leading `/`.",
                    t.trim_start_matches('/').to_string(),
                );
            }
        }
    }
}
