//! What a delivery row is: the files it drops and what must become of each,
//! what happens to them while it runs, and the refusal or warning it expects.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// What must become of one dropped file.
#[derive(Debug)]
pub(super) enum Fate {
    /// Lands at `key` (after the row's prefix) with exactly these bytes.
    Lands(String, Vec<u8>),
    /// Refused at plan time: never sent, reported in the plan's problems.
    Refused { path: PathBuf, code: &'static str, message: &'static str, fix: &'static str },
    /// Planned, then failed when sent; nothing left at its key.
    Fails { key: String, code: &'static str, message: &'static str, fix: &'static str },
    /// Left out of the plan on purpose, with the reason (which says what to do).
    Excluded { path: PathBuf, reason: &'static str },
}

pub(super) struct Fixture {
    pub(super) paths: Vec<PathBuf>,
    pub(super) fates: Vec<Fate>,
}

/// Something done to a file while the delivery runs.
#[derive(Clone, Copy)]
pub(super) enum During {
    Nothing,
    /// Delete `drop/<name>` as soon as the plan is printed.
    DeleteAfterPlan(&'static str),
    /// Append to `drop/<name>` from the moment its multipart upload is open until chute exits.
    GrowDuringUpload(&'static str),
}

pub(super) struct DeliveryCase {
    pub(super) id: &'static str,
    pub(super) input: &'static str,
    /// The code the row is about (a problem, a file error, a refusal, a warning, `excluded` or `delivered`).
    pub(super) code: &'static str,
    pub(super) template: &'static str,
    /// Default `rows/<id>/`.
    pub(super) prefix: Option<&'static str>,
    /// Written into the database as is, as if saved before today's checks.
    pub(super) stored_template: Option<&'static str>,
    /// A warning `destination add` must give: (code, message fragment).
    pub(super) warning: Option<(&'static str, &'static str)>,
    pub(super) extra: &'static [&'static str],
    pub(super) during: During,
    pub(super) needs_bits: bool,
    /// The whole delivery is refused (exit 2): (code, message fragment, fix fragment).
    pub(super) refused: Option<(&'static str, &'static str, &'static str)>,
    pub(super) setup: fn(&Path, &str) -> Fixture,
}

pub(super) fn case(id: &'static str, input: &'static str, code: &'static str, setup: fn(&Path, &str) -> Fixture) -> DeliveryCase {
    DeliveryCase {
        id,
        input,
        code,
        template: "{prefix}{relpath}",
        prefix: None,
        stored_template: None,
        warning: None,
        extra: &[],
        during: During::Nothing,
        needs_bits: false,
        refused: None,
        setup,
    }
}

/// The dropped folder of a row.
pub(super) fn drop_dir(root: &Path) -> PathBuf {
    root.join("drop")
}

/// A file under the dropped folder (name as bytes, so any name Linux allows).
pub(super) fn put(root: &Path, rel: &[u8], bytes: &[u8]) -> PathBuf {
    let p = drop_dir(root).join(OsStr::from_bytes(rel));
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bytes).unwrap();
    p
}

pub(super) fn lands(root: &Path, rel: &str, bytes: &[u8]) -> Fate {
    put(root, rel.as_bytes(), bytes);
    Fate::Lands(rel.to_string(), bytes.to_vec())
}

pub(super) fn in_drop(root: &Path, paths_fates: Vec<Fate>) -> Fixture {
    Fixture { paths: vec![drop_dir(root)], fates: paths_fates }
}

/// `len` bytes of folders (200 bytes each) and a file name, `/`-separated.
pub(super) fn deep_relpath(len: usize) -> String {
    let mut rel = String::new();
    while len - rel.len() > 220 {
        rel.push_str(&"d".repeat(199));
        rel.push('/');
    }
    let name = len - rel.len();
    rel.push_str(&"n".repeat(name - 4));
    rel.push_str(".txt");
    assert_eq!(rel.len(), len);
    rel
}
