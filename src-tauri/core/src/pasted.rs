//! What is pasted into Chute and is not a file yet: an image (PNG bytes)
//! or text. It becomes a file in the data folder's `pasted/`, named by a
//! template (`pasted-{date}-{time}` unless set otherwise, then `.png` or
//! `.txt`), and is delivered like any dropped file.

use std::path::{Path, PathBuf};

use crate::report::Code;

/// The name template used when none is set.
pub const DEFAULT_NAME_TEMPLATE: &str = "pasted-{date}-{time}";
/// The tokens a name template may hold.
pub const NAME_TOKENS: &[&str] = &["{date}", "{time}"];

/// A pasted item's bytes and the extension its file gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pasted {
    Png(Vec<u8>),
    Text(String),
}

impl Pasted {
    fn extension(&self) -> &'static str {
        match self {
            Pasted::Png(_) => "png",
            Pasted::Text(_) => "txt",
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Pasted::Png(b) => b,
            Pasted::Text(t) => t.as_bytes(),
        }
    }
}

/// What is wrong with a name template: its code, words and fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameProblem {
    pub code: Code,
    pub message: String,
    pub fix: String,
}

/// Check a name template: something to name by, no folders, known tokens only.
pub fn check_name_template(template: &str) -> Result<(), NameProblem> {
    let t = template.trim();
    let problem = |message: String, fix: &str| Err(NameProblem { code: Code::PasteNameInvalid, message, fix: fix.into() });
    if t.is_empty() {
        return problem("The name for pasted items is empty.".into(), "Use a name such as pasted-{date}-{time}.");
    }
    if t.contains(['/', '\\']) || t == "." || t == ".." {
        return problem(format!("`{t}` is a path, not a name."), "Leave out `/` and `\\`: the destination's key template places the file.");
    }
    if t.chars().any(char::is_control) {
        return problem("The name holds control characters.".into(), "Remove line breaks and other invisible characters.");
    }
    let mut rest = t;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').map(|e| start + e + 1).unwrap_or(rest.len());
        let token = &rest[start..end];
        if !NAME_TOKENS.contains(&token) {
            return problem(format!("`{token}` is not a token of pasted names."), "Use {date} and {time}, or plain text.");
        }
        rest = &rest[end..];
    }
    Ok(())
}

/// The file name `template` gives an item pasted at `at` (local time), with its extension.
pub fn file_name(template: &str, at: jiff::Zoned, extension: &str) -> String {
    let name =
        template.trim().replace("{date}", &at.strftime("%Y-%m-%d").to_string()).replace("{time}", &at.strftime("%H%M%S").to_string());
    format!("{name}.{extension}")
}

/// Write `item` into `folder` under the name `template` gives it (a
/// number added when the name is taken), readable by its owner only.
pub fn keep(folder: &Path, template: &str, item: &Pasted, at: jiff::Zoned) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(folder)?;
    let name = file_name(template, at, item.extension());
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name.as_str(), ""));
    for n in 1.. {
        let candidate = if n == 1 { folder.join(&name) } else { folder.join(format!("{stem}-{n}.{ext}")) };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&candidate) {
            Ok(mut f) => {
                std::io::Write::write_all(&mut f, item.bytes())?;
                f.sync_all()?;
                return Ok(candidate);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    unreachable!("some numbered name is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> jiff::Zoned {
        "2026-11-30T08:05:09[UTC]".parse().unwrap()
    }

    #[test]
    fn names_come_from_the_template_and_never_clobber() {
        assert_eq!(file_name(DEFAULT_NAME_TEMPLATE, at(), "png"), "pasted-2026-11-30-080509.png");
        assert_eq!(file_name("shot {date}", at(), "txt"), "shot 2026-11-30.txt");
        let dir = tempfile::tempdir().unwrap();
        let a = keep(dir.path(), "note", &Pasted::Text("one".into()), at()).unwrap();
        let b = keep(dir.path(), "note", &Pasted::Text("two".into()), at()).unwrap();
        assert_eq!((a.file_name().unwrap(), b.file_name().unwrap()), ("note.txt".as_ref(), "note-2.txt".as_ref()));
        assert_eq!(std::fs::read_to_string(a).unwrap(), "one");
    }

    #[test]
    fn a_template_is_a_name_with_known_tokens() {
        assert!(check_name_template("pasted-{date}-{time}").is_ok());
        for bad in ["", "a/b", "{hour}", "x\ny"] {
            assert_eq!(check_name_template(bad).unwrap_err().code, Code::PasteNameInvalid, "{bad:?}");
        }
    }
}
