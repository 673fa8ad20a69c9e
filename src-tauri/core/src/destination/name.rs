//! The destination's own name: present, short, printable, unique.

use super::model::Settings;
use super::problems::{Context, Problems};
use crate::report::Code;

pub(super) fn validate_name(p: &mut Problems, s: &Settings, ctx: &Context) {
    let name = s.name.trim();
    if name.is_empty() {
        p.error("name", Code::NameEmpty, "The name is empty.", "Give the destination a name you will recognise, e.g. \"Reports (prod)\".");
    } else if name.chars().count() > 80 {
        p.error("name", Code::NameTooLong, "The name is longer than 80 characters.", "Shorten the name.");
    } else if name.chars().any(char::is_control) {
        p.error(
            "name",
            Code::NameControlChars,
            "The name contains control characters.",
            "Remove tabs, line breaks and other invisible characters.",
        );
    } else if ctx.other_names.iter().any(|o| o.trim().eq_ignore_ascii_case(name)) {
        p.error(
            "name",
            Code::NameDuplicate,
            format!("Another destination is already called \"{name}\"."),
            "Choose a different name; names must be unique (ignoring case).",
        );
    }
}
