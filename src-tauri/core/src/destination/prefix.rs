//! The path prefix put before every key, and the prefix as it should be.

use super::model::Settings;
use super::problems::Problems;
use crate::report::Code;

pub(super) fn validate_prefix(p: &mut Problems, s: &Settings) {
    let prefix = &s.prefix;
    if prefix.is_empty() {
        return;
    }
    if prefix.chars().any(char::is_control) {
        p.error(
            "prefix",
            Code::PrefixControlChars,
            "The path prefix contains control characters.",
            "Remove tabs, line breaks and other invisible characters.",
        );
        return;
    }
    if prefix.contains('\\') {
        p.error_fix(
            "prefix",
            Code::PrefixBackslash,
            "The path prefix uses `\\`; object keys use `/` as the separator.",
            "Replace `\\` with `/`.",
            prefix.replace('\\', "/"),
        );
        return;
    }
    let cleaned = clean_prefix(prefix);
    if prefix.starts_with('/') {
        p.error_fix(
            "prefix",
            Code::PrefixLeadingSlash,
            format!("The path prefix starts with `/`: files would land under an empty folder name (`{}`).", s.example_key("report.csv")),
            "Remove the leading `/`.",
            cleaned.clone(),
        );
    } else if prefix.contains("//") {
        p.error_fix(
            "prefix",
            Code::PrefixDoubleSlash,
            "The path prefix contains `//`, which makes an empty folder name in every key.",
            "Use a single `/`.",
            cleaned.clone(),
        );
    }
    if prefix.split('/').any(|seg| seg == ".." || seg == ".") {
        p.error(
            "prefix",
            Code::PrefixDotSegment,
            "The path prefix contains a `.` or `..` folder; S3 keeps them literally, so keys will not be where you expect.",
            "Write the prefix without `.` and `..` folders.",
        );
    }
    if prefix.trim() != prefix {
        p.warn_fix(
            "prefix",
            Code::PrefixSpaces,
            "The path prefix starts or ends with a space.",
            "Remove the surrounding spaces.",
            cleaned.clone(),
        );
    }
    if !prefix.ends_with('/') {
        p.warn_fix(
            "prefix",
            Code::PrefixNoTrailingSlash,
            format!(
                "The path prefix `{prefix}` does not end with `/`: a file report.csv would be stored as `{prefix}report.csv`, not in a folder `{prefix}/`."
            ),
            format!("Add a trailing `/` so the key becomes `{}report.csv`.", cleaned),
            cleaned,
        );
    }
    if prefix.len() > 900 {
        p.error(
            "prefix",
            Code::PrefixTooLong,
            "The path prefix is longer than 900 bytes; with a file name the key would pass S3's 1,024-byte limit.",
            "Shorten the prefix.",
        );
    }
}

/// The prefix as it should be: no leading `/`, single slashes, trailing `/`.
pub fn clean_prefix(prefix: &str) -> String {
    let segs: Vec<&str> = prefix.trim().split('/').map(str::trim).filter(|s| !s.is_empty()).collect();
    if segs.is_empty() {
        String::new()
    } else {
        segs.join("/") + "/"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_prefix_normalizes() {
        assert_eq!(clean_prefix("/a//b"), "a/b/");
        assert_eq!(clean_prefix("incoming"), "incoming/");
        assert_eq!(clean_prefix(" / "), "");
    }
}
