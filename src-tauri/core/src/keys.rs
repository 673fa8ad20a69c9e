//! Key templates: `{prefix}{relpath}`, `{prefix}{stem}_{date}.{ext}`, …
//! This module parses and checks them; rendering lives with delivery.

use crate::report::Code;
use serde::Serialize;

/// A key template's tokens: what each is replaced by, per file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "&'static str")]
pub enum Token {
    Prefix,
    Name,
    Stem,
    Ext,
    Relpath,
    Dir,
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Date,
    Uuid,
    Id,
}

/// Every token as written in a template, with its help.
pub const TOKENS: &[(Token, &str, &str)] = &[
    (Token::Prefix, "prefix", "the destination's path prefix"),
    (Token::Name, "name", "file name with extension"),
    (Token::Stem, "stem", "file name without extension"),
    (Token::Ext, "ext", "extension without the dot"),
    (Token::Relpath, "relpath", "path inside the dropped folder (the file name for a single file)"),
    (Token::Dir, "dir", "folder part of relpath, with a trailing / when not empty"),
    (Token::Year, "yyyy", "year"),
    (Token::Month, "MM", "month, 01–12"),
    (Token::Day, "dd", "day, 01–31"),
    (Token::Hour, "HH", "hour, 00–23"),
    (Token::Minute, "mm", "minute"),
    (Token::Second, "ss", "second"),
    (Token::Date, "date", "yyyy-MM-dd"),
    (Token::Uuid, "uuid", "a random UUID"),
    (Token::Id, "id", "a short unique id"),
];

impl Token {
    /// The token's name inside `{…}`.
    pub fn name(self) -> &'static str {
        TOKENS.iter().find(|(t, _, _)| *t == self).map(|(_, n, _)| *n).expect("every token is listed")
    }

    pub fn parse(name: &str) -> Option<Token> {
        TOKENS.iter().find(|(_, n, _)| *n == name).map(|(t, _, _)| *t)
    }

    /// Tokens that give every file of a batch its own key.
    fn is_unique_per_file(self) -> bool {
        matches!(self, Token::Name | Token::Stem | Token::Relpath | Token::Uuid | Token::Id)
    }
}

impl From<Token> for &'static str {
    fn from(t: Token) -> &'static str {
        t.name()
    }
}

/// Presets that reproduce the conventions of the services Chute replaces.
pub const PRESETS: &[(&str, &str, &str)] = &[
    ("keep-folders", "Keep folders", "{prefix}{relpath}"),
    ("flat", "Flat", "{prefix}{name}"),
    ("dated", "File name + date", "{prefix}{stem}_{date}.{ext}"),
    ("hourly", "Hourly folders", "{prefix}{yyyy}/{MM}/{dd}/{HH}/{yyyy}-{MM}-{dd}-{HH}-{mm}-{ss}-{id}.{ext}"),
];

pub const DEFAULT_TEMPLATE: &str = "{prefix}{relpath}";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Part {
    Literal(String),
    Token(Token),
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
    // 1-based character position where each part starts.
    let mut starts = Vec::new();
    let mut lit = String::new();
    let mut lit_start = 0;
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
                        return Err(TemplateError { position: i + 1, message: "a `{` opens a token that is never closed".into() });
                    }
                    name.push(c2);
                }
                if !closed {
                    return Err(TemplateError { position: i + 1, message: "a `{` opens a token that is never closed".into() });
                }
                let Some(token) = Token::parse(&name) else {
                    let known: Vec<&str> = TOKENS.iter().map(|(_, n, _)| *n).collect();
                    return Err(TemplateError {
                        position: i + 1,
                        message: format!("unknown token `{{{name}}}`; known tokens: {}", known.join(", ")),
                    });
                };
                if !lit.is_empty() {
                    parts.push(Part::Literal(std::mem::take(&mut lit)));
                    starts.push(lit_start);
                }
                parts.push(Part::Token(token));
                starts.push(i + 1);
            }
            '}' => {
                return Err(TemplateError { position: i + 1, message: "a `}` has no matching `{`".into() });
            }
            c if c.is_control() => {
                return Err(TemplateError { position: i + 1, message: "control characters cannot appear in object keys".into() });
            }
            c => {
                if lit.is_empty() {
                    lit_start = i + 1;
                }
                lit.push(c)
            }
        }
    }
    if !lit.is_empty() {
        parts.push(Part::Literal(lit));
        starts.push(lit_start);
    }
    check_dot_segments(&parts, &starts)?;
    Ok(parts)
}

/// A literal `.` or `..` folder makes every key the template renders
/// invalid (`normalize_key` refuses it), so refuse it here, where it can be
/// fixed, rather than for every file at delivery. Whether literal dots
/// form a whole folder name depends on the tokens around them that can be
/// empty or end with `/`, so try each shape: {prefix} empty, bare or a
/// folder; {dir} empty or a folder; {ext} empty (render then drops the `.`
/// before it) or not. Other tokens are never empty and never `/` at their
/// ends; a stand-in without dots marks them, so any `.`/`..` folder found
/// is made of the template's own dots.
fn check_dot_segments(parts: &[Part], starts: &[usize]) -> Result<(), TemplateError> {
    for prefix in ["", "p", "p/"] {
        for dir in ["", "d/"] {
            for ext in ["", "e"] {
                // The key as `render` builds it; each character with its 1-based position (0: a token's).
                let mut out: Vec<(char, usize)> = Vec::new();
                for (part, &start) in parts.iter().zip(starts) {
                    let v = match part {
                        Part::Literal(l) => {
                            out.extend(l.chars().zip(start..));
                            continue;
                        }
                        Part::Token(Token::Prefix) => prefix,
                        Part::Token(Token::Dir) => dir,
                        Part::Token(Token::Ext) => {
                            if ext.is_empty() && out.last().is_some_and(|(c, _)| *c == '.') {
                                out.pop();
                            }
                            ext
                        }
                        Part::Token(_) => "x",
                    };
                    out.extend(v.chars().map(|c| (c, 0)));
                }
                for seg in out.split(|(c, _)| *c == '/') {
                    let seg_text: String = seg.iter().map(|(c, _)| c).collect();
                    if seg_text == "." || seg_text == ".." {
                        return Err(TemplateError {
                            position: seg[0].1,
                            message: format!("a `{seg_text}` folder cannot be part of a key (S3 keeps it literally and many tools resolve it differently)"),
                        });
                    }
                }
            }
        }
    }
    Ok(())
}

/// What a key is rendered from, for one file.
#[derive(Debug, Clone)]
pub struct KeyContext<'a> {
    pub prefix: &'a str,
    /// The path inside the dropped folder, `/`-separated (the file name for a single file).
    pub relpath: &'a str,
    /// The batch's start time; keys use UTC.
    pub time: time::OffsetDateTime,
    pub uuid: &'a str,
    pub id: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct KeyError {
    pub code: Code,
    pub message: String,
    pub fix: String,
}

pub const MAX_KEY_BYTES: usize = 1024;

/// The file the form's example key is rendered for.
pub const SAMPLE_RELPATH: &str = "q3/report.csv";

/// The form's example: `SAMPLE_RELPATH` keyed by `template` under `prefix`
/// now, exactly as a delivery would key it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyExample {
    pub file: &'static str,
    /// The key, when the template renders one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Why it cannot, when it cannot (a template that does not parse has
    /// neither: validation explains that).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The example key for the form, rendered now; see [`KeyExample`].
pub fn example(template: &str, prefix: &str) -> KeyExample {
    example_at(template, prefix, time::OffsetDateTime::now_utc())
}

/// The example key as rendered at `now`.
pub fn example_at(template: &str, prefix: &str, now: time::OffsetDateTime) -> KeyExample {
    let template = if template.trim().is_empty() { DEFAULT_TEMPLATE } else { template.trim() };
    let Ok(parts) = parse_template(template) else {
        return KeyExample { file: SAMPLE_RELPATH, key: None, error: None };
    };
    let ctx = KeyContext { prefix, relpath: SAMPLE_RELPATH, time: now, uuid: "3f2c9a4e-8b1d-4c6e-9f0a-5d7b2e1c8a90", id: "8f25b54462bf" };
    match render(&parts, &ctx) {
        Ok(key) => KeyExample { file: SAMPLE_RELPATH, key: Some(key), error: None },
        Err(e) => KeyExample { file: SAMPLE_RELPATH, key: None, error: Some(e.message) },
    }
}

fn split_name(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(0) | None => (name, ""),
        Some(i) => (&name[..i], &name[i + 1..]),
    }
}

/// Render a parsed template for one file and make the result a valid key.
pub fn render(parts: &[Part], ctx: &KeyContext) -> Result<String, KeyError> {
    let name = ctx.relpath.rsplit('/').next().unwrap_or(ctx.relpath);
    let (stem, ext) = split_name(name);
    let dir = match ctx.relpath.rfind('/') {
        Some(i) => &ctx.relpath[..=i],
        None => "",
    };
    let t = ctx.time.to_offset(time::UtcOffset::UTC);
    let two = |n: u8| format!("{n:02}");
    let mut out = String::new();
    for part in parts {
        match part {
            Part::Literal(l) => out.push_str(l),
            Part::Token(tok) => {
                let v = match tok {
                    Token::Prefix => ctx.prefix.to_string(),
                    Token::Name => name.to_string(),
                    Token::Stem => stem.to_string(),
                    Token::Ext => {
                        if ext.is_empty() && out.ends_with('.') {
                            out.pop(); // `{stem}.{ext}` for a file without extension: no trailing dot
                        }
                        ext.to_string()
                    }
                    Token::Relpath => ctx.relpath.to_string(),
                    Token::Dir => dir.to_string(),
                    Token::Year => format!("{:04}", t.year()),
                    Token::Month => two(u8::from(t.month())),
                    Token::Day => two(t.day()),
                    Token::Hour => two(t.hour()),
                    Token::Minute => two(t.minute()),
                    Token::Second => two(t.second()),
                    Token::Date => format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()),
                    Token::Uuid => ctx.uuid.to_string(),
                    Token::Id => ctx.id.to_string(),
                };
                out.push_str(&v);
            }
        }
    }
    normalize_key(&out)
}

/// Make `raw` a key S3 and every tool will agree on: Unicode NFC, `/` as
/// the only separator, no leading `/`, no empty or `.`/`..` segments, no
/// control characters, at most 1,024 bytes.
pub fn normalize_key(raw: &str) -> Result<String, KeyError> {
    use unicode_normalization::UnicodeNormalization;
    if let Some(c) = raw.chars().find(|c| c.is_control()) {
        return Err(KeyError {
            code: Code::KeyControlChars,
            message: format!("The key would contain a control character (U+{:04X}).", c as u32),
            fix: "Rename the file, or change the key template, so the key has no control characters.".into(),
        });
    }
    let nfc: String = raw.nfc().collect();
    let trailing_slash = nfc.ends_with('/');
    let mut segs = Vec::new();
    for seg in nfc.split('/') {
        match seg {
            "" => continue,
            "." | ".." => {
                return Err(KeyError {
                    code: Code::KeyDotSegment,
                    message: format!(
                        "The key `{nfc}` would contain a `{seg}` folder, which S3 keeps literally and many tools resolve differently."
                    ),
                    fix: "Rename the folder or change the prefix or template.".into(),
                })
            }
            s => segs.push(s),
        }
    }
    let mut key = segs.join("/");
    if trailing_slash && !key.is_empty() {
        key.push('/');
    }
    if key.is_empty() || key.ends_with('/') {
        return Err(KeyError {
            code: Code::KeyEmpty,
            message: "The key template produces an empty key or a folder (ends with `/`).".into(),
            fix: "Include {name} or {relpath} in the key template.".into(),
        });
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(KeyError {
            code: Code::KeyTooLong,
            message: format!("The key would be {} bytes; S3 allows {MAX_KEY_BYTES}.", key.len()),
            fix: "Shorten the prefix, the folder names or the file name.".into(),
        });
    }
    Ok(key)
}

/// Whether a template yields a different key per file (it names the file or a unique id).
pub fn template_is_unique_per_file(parts: &[Part]) -> bool {
    parts.iter().any(|p| matches!(p, Part::Token(t) if t.is_unique_per_file()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_example_is_a_real_key() {
        let now = time::macros::datetime!(2026-06-07 14:05:09 UTC);
        assert_eq!(example_at("{prefix}{relpath}", "incoming/", now).key.as_deref(), Some("incoming/q3/report.csv"));
        assert_eq!(example_at("", "in/", now).key.as_deref(), Some("in/q3/report.csv"), "empty: the default template");
        assert_eq!(example_at("{prefix}{stem}_{date}.{ext}", "", now).key.as_deref(), Some("report_2026-06-07.csv"));
        let bad = example_at("{prefix}{name}", "a/../", now);
        assert!(bad.key.is_none() && bad.error.as_deref().is_some_and(|e| e.contains("..")), "{bad:?}");
        assert_eq!(example_at("{nope}", "", now), KeyExample { file: SAMPLE_RELPATH, key: None, error: None });
    }

    #[test]
    fn parses_presets() {
        for (_, _, t) in PRESETS {
            let p = parse_template(t).unwrap();
            assert!(template_is_unique_per_file(&p), "{t}");
        }
    }

    fn ctx<'a>(relpath: &'a str, prefix: &'a str) -> KeyContext<'a> {
        KeyContext {
            prefix,
            relpath,
            time: time::macros::datetime!(2026-06-07 14:05:09 UTC),
            uuid: "3f2a0c1e-0000-4000-8000-000000000001",
            id: "8f25b54462bf",
        }
    }

    #[test]
    fn renders_each_seed_convention() {
        let r = |t: &str, rel: &str, prefix: &str| render(&parse_template(t).unwrap(), &ctx(rel, prefix)).unwrap();
        assert_eq!(r("{prefix}{name}", "a/b/report.csv", "exports/"), "exports/report.csv");
        assert_eq!(r("{prefix}{relpath}", "a/b/report.csv", "exports/"), "exports/a/b/report.csv");
        assert_eq!(
            r("{prefix}{stem}_{date}.{ext}", "mapping_results_INV-1234.csv", "incoming/"),
            "incoming/mapping_results_INV-1234_2026-06-07.csv"
        );
        assert_eq!(
            r("{prefix}{yyyy}/{MM}/{dd}/{HH}/{yyyy}-{MM}-{dd}-{HH}-{mm}-{ss}-{id}.{ext}", "x.gz", "test/"),
            "test/2026/06/07/14/2026-06-07-14-05-09-8f25b54462bf.gz"
        );
        assert_eq!(r("{prefix}{stem}_{date}.{ext}", "README", ""), "README_2026-06-07", "no trailing dot without an extension");
        assert_eq!(r("{prefix}{dir}{stem}.{ext}", "a/.env", ""), "a/.env", "a dotfile is all stem");
        assert_eq!(r("{prefix}{name}", "x", "incoming"), "incomingx", "the prefix is used as written (validation warns)");
    }

    #[test]
    fn normalizes_keys() {
        assert_eq!(normalize_key("a//b///c").unwrap(), "a/b/c");
        assert_eq!(normalize_key("/lead").unwrap(), "lead");
        assert_eq!(normalize_key("cafe\u{301}.txt").unwrap(), "caf\u{e9}.txt", "NFD input becomes NFC");
        assert_eq!(normalize_key("a/../b").unwrap_err().code, Code::KeyDotSegment);
        assert_eq!(normalize_key("a\u{7}b").unwrap_err().code, Code::KeyControlChars);
        assert_eq!(normalize_key(&"k".repeat(1025)).unwrap_err().code, Code::KeyTooLong);
        assert!(normalize_key(&"k".repeat(1024)).is_ok());
        assert_eq!(normalize_key("dir/").unwrap_err().code, Code::KeyEmpty);
    }

    #[test]
    fn reports_positions() {
        let e = parse_template("{prefix}{nmae}").unwrap_err();
        assert_eq!(e.position, 9);
        assert!(e.message.contains("unknown token `{nmae}`"));
        assert_eq!(parse_template("a{prefix").unwrap_err().position, 2);
        assert_eq!(parse_template("ab}").unwrap_err().position, 3);
    }

    #[test]
    fn refuses_dot_folders() {
        for (t, position) in
            [("{prefix}../{name}", 9), ("{prefix}x/../{name}", 11), ("./{relpath}", 1), ("{dir}./{name}", 6), ("{prefix}{name}/..", 16)]
        {
            let e = parse_template(t).unwrap_err();
            assert_eq!(e.position, position, "{t}");
            assert!(e.message.contains("folder cannot be part of a key"), "{t}: {e}");
        }
        for t in [
            "{prefix}{stem}.{ext}",
            "{prefix}{stem}..{ext}",
            "{prefix}.hidden/{name}",
            "{prefix}{name}.",
            "{prefix}{dir}{stem}.{ext}",
            "{prefix}{yyyy}/{MM}/..{name}",
        ] {
            assert!(parse_template(t).is_ok(), "{t}");
        }
    }
}
