//! Names a watch never delivers, whatever the destination's ignore list
//! says: files other programs are still writing under a temporary name
//! (downloads, office lock files, editors' swap files) and hidden files.
//! The final name arrives by a rename, and that one is delivered.

use crate::deliver::ignore::{ignored, wildcard};

/// Temporary and partial names: browsers' downloads, editors and office
/// suites' lock and swap files, tools that write then rename.
pub const TEMPORARY: &[&str] =
    &["*.part", "*.partial", "*.crdownload", "*.download", "*.tmp", "*.temp", "*.swp", "*.swx", "*~", "~$*", ".~lock*", "#*#"];

/// Why `relpath` (`/`-separated, under the watched folder) is not
/// delivered, or `None` when it is. `ignore` is the destination's list;
/// every folder on the way is checked too (`.git/`, hidden folders).
pub fn skip_reason(relpath: &str, ignore: &[String]) -> Option<String> {
    let parts: Vec<&str> = relpath.split('/').filter(|p| !p.is_empty()).collect();
    let (name, folders) = parts.split_last()?;
    for folder in folders {
        if folder.starts_with('.') {
            return Some(format!("inside the hidden folder `{folder}`"));
        }
        if let Some(reason) = ignored(ignore, folder, true) {
            return Some(reason);
        }
    }
    if let Some(p) = TEMPORARY.iter().find(|p| wildcard(p, name)) {
        return Some(format!("a temporary name (`{p}`): the final name is delivered once it appears"));
    }
    if name.starts_with('.') {
        return Some("a hidden file".into());
    }
    ignored(ignore, name, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_temporary_and_hidden_names_are_never_delivered() {
        let ignore: Vec<String> = crate::destination::DEFAULT_IGNORES.iter().map(|s| s.to_string()).collect();
        for name in [
            "big.iso.part",
            "report.pdf.crdownload",
            "x.tmp",
            "~$budget.xlsx",
            ".~lock.budget.ods#",
            ".hidden",
            ".git/config",
            "sub/.cache/a.csv",
            "notes.txt~",
            ".notes.txt.swp",
            "Thumbs.db",
        ] {
            assert!(skip_reason(name, &ignore).is_some(), "{name} would be delivered");
        }
        for name in ["a.csv", "sub/b.json", "data.2026-11-30.ndjson", "part-0001.parquet", "tmp/real.csv"] {
            assert_eq!(skip_reason(name, &ignore), None, "{name}");
        }
    }

    #[test]
    fn the_destinations_ignore_list_applies_to_files_and_folders() {
        let ignore = vec!["*.log".to_string(), "cache/".to_string()];
        assert!(skip_reason("x.log", &ignore).unwrap().contains("*.log"));
        assert!(skip_reason("cache/a.csv", &ignore).unwrap().contains("cache/"));
        assert_eq!(skip_reason("a.csv", &ignore), None);
    }
}
