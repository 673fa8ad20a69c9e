//! An object that is not what it should be, in words a person can act on:
//! its size or content differs from the local file, it changed since it
//! was delivered, it is gone, or (auditing a folder) it has no local file.
//! The same words whether a delivery's receipt, a later re-check or a
//! folder audit found it; only the fix depends on where the file came from.

use super::{Diagnosis, Evidence, Level};
use crate::report::{grouped, Code};

/// How an object differs from what it should be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discrepancy {
    /// The object's size is not the local file's.
    Size { object: u64, local: u64 },
    /// Same size, other bytes: the object's `basis` (its ETag, its CRC32C
    /// checksum…) says `object`, the local file's bytes give `local`.
    Content { basis: &'static str, object: String, local: String },
    /// The object's size or ETag is not what was recorded when it was delivered.
    Changed { recorded_size: u64, size: u64, recorded_etag: Option<String>, etag: Option<String> },
    /// There is no object at the key.
    Missing,
    /// An object under the prefix with no local file.
    MissingLocally,
}

/// What the object was checked against, for the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Against {
    /// A file of a delivery in the history (its receipt or a re-check).
    Delivery { batch_id: String, compressed: bool },
    /// A file of a local folder (`relpath` inside `folder`) audited against a prefix.
    Folder { folder: String, relpath: String },
}

impl Discrepancy {
    pub fn code(&self) -> Code {
        match self {
            Discrepancy::Size { .. } | Discrepancy::Content { .. } => Code::ReceiptMismatch,
            Discrepancy::Changed { .. } => Code::ObjectChanged,
            Discrepancy::Missing => Code::ObjectMissing,
            Discrepancy::MissingLocally => Code::MissingLocally,
        }
    }
}

fn bytes(n: u64) -> String {
    if n == 1 {
        "1 byte".into()
    } else {
        format!("{} bytes", grouped(n))
    }
}

/// "with ETag X" when there is one.
fn etag_words(etag: &Option<String>) -> String {
    etag.as_deref().map(|e| format!(" with ETag {}", e.trim_matches('"'))).unwrap_or_default()
}

fn etag_or_none(etag: &Option<String>) -> String {
    etag.as_deref().map(|e| e.trim_matches('"').to_string()).unwrap_or_else(|| "none".into())
}

/// The advice for the object at `key` differing as `d` says, checked against `against`.
pub fn diagnosis(key: &str, d: &Discrepancy, against: &Against) -> Diagnosis {
    let local = match against {
        Against::Delivery { compressed: true, .. } => "the compressed file sent".to_string(),
        Against::Delivery { .. } => "the local file".to_string(),
        Against::Folder { relpath, .. } => format!("the local file `{relpath}`"),
    };
    let send_again = match against {
        Against::Delivery { batch_id, .. } => {
            format!("Send it again: History → Retry (or `chute history retry {batch_id}`).")
        }
        Against::Folder { folder, relpath } => {
            format!(
                "Upload `{relpath}` from {folder} again, to this key (e.g. with `chute deliver`), if the local file is the one to keep."
            )
        }
    };
    let evidence = Evidence { detail: Some(format!("key: {key}")), ..Evidence::default() };
    let base = |title: &str| Diagnosis::new(d.code(), Level::Error, title).evidence(evidence.clone());
    match d {
        Discrepancy::Size { object, local: size } => base("The object's size is not the file's")
            .happened(format!("The object at `{key}` is {}, {local} {}.", bytes(*object), bytes(*size)))
            .cause("The object was written again by something else after the upload, or the upload stored other bytes than were sent.")
            .fix(send_again),
        Discrepancy::Content { basis, object, local: sum } => base("The object holds other bytes than the file")
            .happened(format!("The object at `{key}` has the right size but other content: its {basis} is {object}, {local} gives {sum}."))
            .cause(
                "The object was written again by something else after the upload, or its bytes were damaged without either side noticing.",
            )
            .fix(send_again),
        Discrepancy::Changed { recorded_size, size, recorded_etag, etag } => {
            let fix = match against {
                Against::Delivery { batch_id, .. } => format!(
                    "If the change was not meant, send the file again: History → Re-deliver (or `chute history retry {batch_id} --all`). If it was, nothing needs doing."
                ),
                Against::Folder { .. } => send_again,
            };
            let same_etag = recorded_etag.is_some() && recorded_etag == etag;
            let what = if recorded_size == size {
                format!(
                    "it is {} as before, but its ETag was {} and is now {}",
                    bytes(*size),
                    etag_or_none(recorded_etag),
                    etag_or_none(etag)
                )
            } else if same_etag {
                format!("it was {}, it is now {} (the server still gives ETag {})", bytes(*recorded_size), bytes(*size), etag_or_none(etag))
            } else {
                format!("it was {}{}, it is now {}{}", bytes(*recorded_size), etag_words(recorded_etag), bytes(*size), etag_words(etag))
            };
            base("The object changed since it was delivered")
                .happened(format!("The object at `{key}` is not the one delivered: {what}."))
                .cause("Something wrote this key after Chute delivered it: another tool, a person, a later delivery to the same key, or a rule on the bucket.")
                .fix(fix)
        }
        Discrepancy::Missing => {
            let (happened, cause, fix) = match against {
                Against::Delivery { batch_id, .. } => (
                    format!("There is no object at `{key}` any more."),
                    "It was deleted or moved after delivery: by a person, another tool, or a lifecycle rule that expires objects.",
                    format!(
                        "If it should be there, send the file again: History → Re-deliver (or `chute history retry {batch_id} --all`)."
                    ),
                ),
                Against::Folder { relpath, .. } => (
                    format!("{} has no object at `{key}`.", capitalised(&local)),
                    "The file was never uploaded, was uploaded under another key, or its object was deleted.",
                    format!("Upload `{relpath}` to this key (e.g. with `chute deliver`)."),
                ),
            };
            base("The object is missing").happened(happened).cause(cause).fix(fix)
        }
        Discrepancy::MissingLocally => {
            let (folder, relpath) = relpath_of(against);
            base("The object has no local file")
                .happened(format!("The object at `{key}` has no file `{relpath}` in {folder}."))
                .cause("It was uploaded from elsewhere, or the local file was deleted or renamed since.")
                .fix("Copy the object into the folder if it belongs there; delete the object if it does not.")
        }
    }
}

/// The server refused to describe objects (HEAD answered `answer`): the
/// credentials may write but not read, so objects cannot be checked.
pub fn read_denied(answer: &str) -> Diagnosis {
    Diagnosis::new(Code::ReadDenied, Level::Warning, "These credentials may not read the objects")
        .happened(format!("Asking the server about the objects was refused ({answer}), so they could not be checked."))
        .cause("The credentials' policy allows writing but not reading (s3:GetObject, which HEAD needs); deliveries do not need it.")
        .fix("Grant s3:GetObject on the prefix to these credentials to have objects checked, then verify again.")
}

fn relpath_of(against: &Against) -> (String, String) {
    match against {
        Against::Folder { folder, relpath } => (folder.clone(), relpath.clone()),
        Against::Delivery { .. } => ("the delivery".into(), String::new()),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery() -> Against {
        Against::Delivery { batch_id: "b-1".into(), compressed: false }
    }

    fn folder() -> Against {
        Against::Folder { folder: "/data/out".into(), relpath: "a/b.csv".into() }
    }

    #[test]
    fn a_size_mismatch_names_both_sizes_and_the_retry() {
        let d = diagnosis("in/a.csv", &Discrepancy::Size { object: 1_048_576, local: 1_048_577 }, &delivery());
        assert_eq!(d.code, Code::ReceiptMismatch);
        assert_eq!(d.what_happened, "The object at `in/a.csv` is 1,048,576 bytes, the local file 1,048,577 bytes.");
        assert!(d.fix.contains("History → Retry") && d.fix.contains("chute history retry b-1"), "{}", d.fix);
    }

    #[test]
    fn every_discrepancy_has_its_code_words_and_fix_in_both_places() {
        let all = [
            Discrepancy::Size { object: 1, local: 2 },
            Discrepancy::Content { basis: "ETag", object: "aa".into(), local: "bb".into() },
            Discrepancy::Changed { recorded_size: 3, size: 4, recorded_etag: Some("\"x\"".into()), etag: None },
            Discrepancy::Missing,
            Discrepancy::MissingLocally,
        ];
        for against in [delivery(), folder()] {
            for d in &all {
                if matches!(d, Discrepancy::MissingLocally) && matches!(against, Against::Delivery { .. }) {
                    continue;
                }
                let dg = diagnosis("in/a.csv", d, &against);
                assert_eq!(dg.code, d.code());
                assert!(dg.what_happened.contains("in/a.csv"), "{dg:?}");
                assert!(!dg.likely_cause.is_empty() && !dg.fix.is_empty(), "{dg:?}");
            }
        }
        let changed = diagnosis("k", &all[2], &delivery());
        assert_eq!(changed.what_happened, "The object at `k` is not the one delivered: it was 3 bytes with ETag x, it is now 4 bytes.");
        let rewritten = Discrepancy::Changed { recorded_size: 3, size: 3, recorded_etag: Some("a".into()), etag: Some("b".into()) };
        assert_eq!(
            diagnosis("k", &rewritten, &delivery()).what_happened,
            "The object at `k` is not the one delivered: it is 3 bytes as before, but its ETag was a and is now b."
        );
        let missing = diagnosis("in/a/b.csv", &Discrepancy::Missing, &folder());
        assert_eq!(missing.what_happened, "The local file `a/b.csv` has no object at `in/a/b.csv`.");
        assert_eq!(read_denied("HTTP 403").code, Code::ReadDenied);
        let compressed = diagnosis("k.gz", &all[0], &Against::Delivery { batch_id: "b".into(), compressed: true });
        assert!(compressed.what_happened.contains("the compressed file sent 2 bytes"), "{}", compressed.what_happened);
    }
}
