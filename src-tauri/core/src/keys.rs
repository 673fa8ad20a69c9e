//! Key templates: `{prefix}{relpath}`, `{prefix}{stem}_{date}.{ext}`, …
//! This module parses and checks them; rendering lives with delivery.

use serde::Serialize;

pub const TOKENS: &[(&str, &str)] = &[
    ("prefix", "the destination's path prefix"),
    ("name", "file name with extension"),
    ("stem", "file name without extension"),
    ("ext", "extension without the dot"),
    ("relpath", "path inside the dropped folder (the file name for a single file)"),
    ("dir", "folder part of relpath, with a trailing / when not empty"),
    ("yyyy", "year"),
    ("MM", "month, 01–12"),
    ("dd", "day, 01–31"),
    ("HH", "hour, 00–23"),
    ("mm", "minute"),
    ("ss", "second"),
    ("date", "yyyy-MM-dd"),
    ("uuid", "a random UUID"),
    ("id", "a short unique id"),
];

/// Presets that reproduce the conventions of the services Chute replaces.
pub const PRESETS: &[(&str, &str, &str)] = &[
    ("keep-folders", "Keep folders", "{prefix}{relpath}"),
    ("flat", "Flat", "{prefix}{name}"),
    ("dated", "File name + date", "{prefix}{stem}_{date}.{ext}"),
    (
        "hourly",
        "Hourly folders",
        "{prefix}{yyyy}/{MM}/{dd}/{HH}/{yyyy}-{MM}-{dd}-{HH}-{mm}-{ss}-{id}.{ext}",
    ),
];

pub const DEFAULT_TEMPLATE: &str = "{prefix}{relpath}";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Part {
    Literal(String),
    Token(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message} (at character {position})")]
pub struct TemplateError {
    /// 1-based character position of the problem.
    pub position: usize,
    pub message: String,
}

pub fn parse_template(t: &str) -> Result<Vec<Part>, TemplateError> {
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut chars = t.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' => {
                let mut name = String::new();
                let mut closed = false;
                for (_, c2) in chars.by_ref() {
                    if c2 == '}' {
                        closed = true;
                        break;
                    }
                    if c2 == '{' {
                        return Err(TemplateError {
                            position: i + 1,
                            message: "a `{` opens a token that is never closed".into(),
                        });
                    }
                    name.push(c2);
                }
                if !closed {
                    return Err(TemplateError {
                        position: i + 1,
                        message: "a `{` opens a token that is never closed".into(),
                    });
                }
                if !TOKENS.iter().any(|(n, _)| *n == name) {
                    let known: Vec<&str> = TOKENS.iter().map(|(n, _)| *n).collect();
                    return Err(TemplateError {
                        position: i + 1,
                        message: format!("unknown token `{{{name}}}`; known tokens: {}", known.join(", ")),
                    });
                }
                if !lit.is_empty() {
                    parts.push(Part::Literal(std::mem::take(&mut lit)));
                }
                parts.push(Part::Token(name));
            }
            '}' => {
                return Err(TemplateError { position: i + 1, message: "a `}` has no matching `{`".into() });
            }
            c if c.is_control() => {
                return Err(TemplateError {
                    position: i + 1,
                    message: "control characters cannot appear in object keys".into(),
                });
            }
            c => lit.push(c),
        }
    }
    if !lit.is_empty() {
        parts.push(Part::Literal(lit));
    }
    Ok(parts)
}

/// Whether a template yields a different key per file (it names the file or a unique id).
pub fn template_is_unique_per_file(parts: &[Part]) -> bool {
    parts.iter().any(|p| matches!(p, Part::Token(t) if ["name", "stem", "relpath", "uuid", "id"].contains(&t.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_presets() {
        for (_, _, t) in PRESETS {
            let p = parse_template(t).unwrap();
            assert!(template_is_unique_per_file(&p), "{t}");
        }
    }

    #[test]
    fn reports_positions() {
        let e = parse_template("{prefix}{nmae}").unwrap_err();
        assert_eq!(e.position, 9);
        assert!(e.message.contains("unknown token `{nmae}`"));
        assert_eq!(parse_template("a{prefix").unwrap_err().position, 2);
        assert_eq!(parse_template("ab}").unwrap_err().position, 3);
    }
}
