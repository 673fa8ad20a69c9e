//! A watch as a person sets it up: which folder, which destinations, how
//! long a file must stay unchanged, what to do with files already there and
//! with each file once it landed. Stored as JSON in the `watches` table;
//! never a secret.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::report::Code;

/// The default settle time: a file is delivered once its size and
/// modification time stayed the same this long.
pub const DEFAULT_SETTLE_MS: u64 = 2_000;
/// Settle times below this would send files still being written by tools
/// that pause between writes; above it a person would think nothing happens.
pub const SETTLE_RANGE_MS: std::ops::RangeInclusive<u64> = 500..=3_600_000;

/// Files already in the folder when the watch is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Existing {
    /// Deliver them too.
    Deliver,
    /// Only files that appear or change from now on.
    #[default]
    NewOnly,
}

/// What happens to a local file once its object is confirmed everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum After {
    /// Leave it where it is.
    #[default]
    Keep,
    /// Move it into a `delivered/` subfolder of the watched folder.
    Move,
    /// Delete it.
    Delete,
}

/// The folder `After::Move` moves delivered files into; never watched.
pub const DELIVERED_FOLDER: &str = "delivered";

impl Existing {
    pub fn as_str(self) -> &'static str {
        match self {
            Existing::Deliver => "deliver",
            Existing::NewOnly => "new_only",
        }
    }
}

impl After {
    pub fn as_str(self) -> &'static str {
        match self {
            After::Keep => "keep",
            After::Move => "move",
            After::Delete => "delete",
        }
    }
}

/// What a person chooses for a watch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WatchSettings {
    /// A short name, unique among watches (case-insensitive).
    pub name: String,
    /// The watched folder, absolute.
    pub folder: PathBuf,
    /// Watch subfolders too; keys then keep the path inside the folder.
    #[serde(default = "yes")]
    pub recursive: bool,
    /// Destination ids; each gets every file, and fails on its own.
    pub destinations: Vec<String>,
    #[serde(default = "default_settle")]
    pub settle_ms: u64,
    #[serde(default)]
    pub existing: Existing,
    #[serde(default)]
    pub after: After,
    /// Paused by the person (a watch the runner had to stop is told apart
    /// by the runner's state, not here).
    #[serde(default)]
    pub paused: bool,
    /// Combine the files that settle within a window into one gzip object
    /// (the per-minute convention of event pipelines); `None`: each file
    /// is an object of its own.
    #[serde(default)]
    pub batch: Option<Batching>,
    /// Deliver only within these daily hours (local time); files wait outside them.
    #[serde(default)]
    pub hours: Option<super::Hours>,
}

/// How a batching watch combines files: newline-joined in the order they
/// settled (a CSV's repeated header line left out), gzip-compressed, under
/// `{prefix}YYYY/MM/DD/HH/YYYY-MM-DD-HH-MM-SS-ID.gz`. An object is sent when
/// the oldest file has waited `window_ms`, or sooner when the count or the
/// size is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batching {
    #[serde(default = "default_window")]
    pub window_ms: u64,
    #[serde(default = "default_max_files")]
    pub max_files: u32,
    #[serde(default = "default_max_bytes")]
    pub max_bytes: u64,
}

impl Default for Batching {
    fn default() -> Self {
        Batching { window_ms: default_window(), max_files: default_max_files(), max_bytes: default_max_bytes() }
    }
}

fn default_window() -> u64 {
    60_000
}

fn default_max_files() -> u32 {
    1_000
}

fn default_max_bytes() -> u64 {
    64 * 1024 * 1024
}

/// The key template of a combined object (the hourly convention).
pub const BATCH_TEMPLATE: &str = "{prefix}{yyyy}/{MM}/{dd}/{HH}/{yyyy}-{MM}-{dd}-{HH}-{mm}-{ss}-{id}.{ext}";

fn yes() -> bool {
    true
}

fn default_settle() -> u64 {
    DEFAULT_SETTLE_MS
}

/// A stored watch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Watch {
    pub id: String,
    #[serde(flatten)]
    pub settings: WatchSettings,
    pub created_at: i64,
    pub updated_at: i64,
    /// Set once the folder's existing files were taken in (delivered, or
    /// noted as the starting point for "only new files").
    #[serde(default)]
    pub started_at: Option<i64>,
}

/// A setting that cannot be used as given: which field, why, how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WatchProblem {
    pub field: &'static str,
    pub code: Code,
    pub message: String,
    pub fix: String,
}

impl WatchProblem {
    fn new(field: &'static str, code: Code, message: String, fix: &str) -> WatchProblem {
        WatchProblem { field, code, message, fix: fix.to_string() }
    }
}

/// Every problem of a watch's settings that the settings alone show (the
/// destinations' existence and the name's uniqueness are checked against
/// the store by the caller).
pub fn validate(s: &WatchSettings) -> Vec<WatchProblem> {
    let mut out = vec![];
    let name = s.name.trim();
    if name.is_empty() {
        out.push(WatchProblem::new("name", Code::NameEmpty, "The watch needs a name.".into(), "Give it a short name, e.g. `exports`."));
    } else if name.chars().count() > 64 {
        out.push(WatchProblem::new("name", Code::NameTooLong, "The name is longer than 64 characters.".into(), "Use a shorter name."));
    } else if name.chars().any(char::is_control) {
        out.push(WatchProblem::new(
            "name",
            Code::NameControlChars,
            "The name holds a control character.".into(),
            "Use letters, digits, spaces and punctuation only.",
        ));
    }
    if s.folder.as_os_str().is_empty() {
        out.push(WatchProblem::new(
            "folder",
            Code::WatchFolderMissing,
            "No folder is chosen.".into(),
            "Choose the folder to watch (or type its full path).",
        ));
    } else if !s.folder.is_absolute() {
        out.push(WatchProblem::new(
            "folder",
            Code::WatchFolderMissing,
            format!("`{}` is not a full path.", s.folder.display()),
            "Choose the folder with the folder chooser, or give its full path (starting with `/`).",
        ));
    } else {
        match std::fs::metadata(&s.folder) {
            Ok(m) if m.is_dir() => {
                if std::fs::read_dir(&s.folder).is_err() {
                    out.push(WatchProblem::new(
                        "folder",
                        Code::WatchFolderUnreadable,
                        format!("{} cannot be read.", s.folder.display()),
                        "Give yourself read permission on the folder (e.g. `chmod u+rx`), or choose another.",
                    ));
                }
            }
            Ok(_) => out.push(WatchProblem::new(
                "folder",
                Code::WatchFolderMissing,
                format!("{} is a file, not a folder.", s.folder.display()),
                "Choose a folder; every file that settles in it is delivered.",
            )),
            Err(_) => out.push(WatchProblem::new(
                "folder",
                Code::WatchFolderMissing,
                format!("{} does not exist.", s.folder.display()),
                "Create the folder first, or choose one that exists.",
            )),
        }
    }
    if s.destinations.is_empty() {
        out.push(WatchProblem::new(
            "destinations",
            Code::WatchNoDestination,
            "The watch delivers nowhere: no destination is chosen.".into(),
            "Choose at least one destination.",
        ));
    }
    if let Some(b) = &s.batch {
        if !(1_000..=86_400_000).contains(&b.window_ms) || b.max_files == 0 || b.max_bytes < 1024 {
            out.push(WatchProblem::new(
                "batch",
                Code::WatchBatchRange,
                format!("A batch window of {} ms, at most {} files and {} bytes cannot be used.", b.window_ms, b.max_files, b.max_bytes),
                "Use a window between 1 s and 24 h (60 s is the usual), at least one file and at least 1 KiB.",
            ));
        }
    }
    if s.hours.as_ref().is_some_and(|h| !h.is_valid()) {
        out.push(WatchProblem::new(
            "hours",
            Code::WatchHoursInvalid,
            "The delivery hours are not two different times of day.".into(),
            "Give them as HH:MM-HH:MM in local time, e.g. 22:00-06:00 (a window may wrap past midnight).",
        ));
    }
    if !SETTLE_RANGE_MS.contains(&s.settle_ms) {
        out.push(WatchProblem::new(
            "settle_ms",
            Code::WatchSettleRange,
            format!("A settle time of {} ms is outside 0.5 s to 1 hour.", s.settle_ms),
            "Use a settle time between 0.5 s and 1 hour; 2 s suits most tools that write files.",
        ));
    }
    out
}

/// The `chute watch add` command line that sets up the same watch, so a
/// watch made by clicking can be scripted. `destination_names` are in the
/// watch's order.
pub fn command_line(s: &WatchSettings, destination_names: &[String]) -> String {
    let mut args = vec!["chute".to_string(), "watch".into(), "add".into(), quote(s.name.trim()), quote(&s.folder.to_string_lossy())];
    for d in destination_names {
        args.push("--to".into());
        args.push(quote(d));
    }
    if !s.recursive {
        args.push("--no-subfolders".into());
    }
    if s.settle_ms != DEFAULT_SETTLE_MS {
        args.push(format!("--settle {}", seconds(s.settle_ms)));
    }
    if s.existing == Existing::Deliver {
        args.push("--existing deliver".into());
    }
    if s.after != After::Keep {
        args.push(format!("--after {}", s.after.as_str()));
    }
    if let Some(b) = &s.batch {
        args.push(format!("--batch {}", seconds(b.window_ms)));
        let d = Batching::default();
        if b.max_files != d.max_files {
            args.push(format!("--batch-files {}", b.max_files));
        }
        if b.max_bytes != d.max_bytes {
            args.push(format!("--batch-bytes {}", b.max_bytes));
        }
    }
    if let Some(h) = &s.hours {
        args.push(format!("--hours {h}"));
    }
    if s.paused {
        args.push("--paused".into());
    }
    args.join(" ")
}

fn seconds(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{}ms", ms)
    }
}

/// A word as a POSIX shell reads it back unchanged.
fn quote(word: &str) -> String {
    let plain = !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || "_./:=@%+-,".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(folder: PathBuf) -> WatchSettings {
        WatchSettings {
            name: "exports".into(),
            folder,
            recursive: true,
            destinations: vec!["d1".into()],
            settle_ms: DEFAULT_SETTLE_MS,
            existing: Existing::NewOnly,
            after: After::Keep,
            paused: false,
            batch: None,
            hours: None,
        }
    }

    #[test]
    fn a_good_watch_has_no_problem() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(validate(&settings(dir.path().into())), vec![]);
    }

    #[test]
    fn each_bad_field_is_named_with_a_fix() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, b"x").unwrap();
        let cases = [
            (WatchSettings { name: " ".into(), ..settings(dir.path().into()) }, "name", Code::NameEmpty),
            (settings("relative/dir".into()), "folder", Code::WatchFolderMissing),
            (settings("".into()), "folder", Code::WatchFolderMissing),
            (settings(dir.path().join("gone")), "folder", Code::WatchFolderMissing),
            (settings(file), "folder", Code::WatchFolderMissing),
            (WatchSettings { destinations: vec![], ..settings(dir.path().into()) }, "destinations", Code::WatchNoDestination),
            (WatchSettings { settle_ms: 10, ..settings(dir.path().into()) }, "settle_ms", Code::WatchSettleRange),
        ];
        for (s, field, code) in cases {
            let p = validate(&s);
            assert_eq!(p.len(), 1, "{s:?}: {p:?}");
            assert_eq!((p[0].field, p[0].code), (field, code));
            assert!(!p[0].fix.is_empty());
        }
    }

    #[test]
    fn the_command_line_says_every_choice_and_quotes_what_needs_it() {
        let s = WatchSettings {
            name: "Bob's exports".into(),
            folder: "/data/out put".into(),
            recursive: false,
            settle_ms: 2_500,
            existing: Existing::Deliver,
            after: After::Move,
            ..settings("/x".into())
        };
        assert_eq!(
            command_line(&s, &["archive".into(), "team bucket".into()]),
            "chute watch add 'Bob'\\''s exports' '/data/out put' --to archive --to 'team bucket' --no-subfolders --settle 2500ms --existing deliver --after move"
        );
        assert_eq!(command_line(&settings("/w".into()), &["a".into()]), "chute watch add exports /w --to a");
    }

    #[test]
    fn settings_read_back_with_defaults() {
        let s: WatchSettings = serde_json::from_str(r#"{"name":"a","folder":"/tmp","destinations":["x"]}"#).unwrap();
        assert!(s.recursive);
        assert_eq!((s.settle_ms, s.existing, s.after, s.paused), (DEFAULT_SETTLE_MS, Existing::NewOnly, After::Keep, false));
    }
}
