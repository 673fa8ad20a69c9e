//! Bad input, table by table: key templates, prefixes, bucket names and
//! endpoints; files that vanish, grow, cannot be read, loop, or have names
//! no key can carry; a damaged or read-only database and a keychain that is
//! not there. Every row names its input, the code Chute must answer with, a
//! fragment of its message and of its fix. A delivery row also proves that
//! nothing else in the batch was affected: the good files land
//! byte-identical under their keys, nothing else is in the bucket, no
//! multipart upload is left open, and `chute history show` records each
//! file's real status (files refused at plan time among them, with their
//! reason), what was given and what was left out.
//!
//! Rows that need permission bits to bite (chmod 000, a read-only
//! database) run chute under `setpriv` without CAP_DAC_OVERRIDE and
//! CAP_DAC_READ_SEARCH when the tests run as root; where that cannot be
//! done the row is reported as skipped, with its reason, never passed.
//!
//! One table per module: `settings` (destination settings, nothing sent),
//! `deliveries` (files in a batch, on s3s-fs and moto) and `state` (the
//! database and the keychain). What they share is here: running chute where
//! permission bits bite, the servers behind one face, and the row runner.

#[path = "../support/mod.rs"]
mod support;

mod deliveries;
mod settings;
mod state;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::Value;
use support::servers::{Moto, S3sFs};
use support::world::*;

/// Drops root's power to ignore permission bits for the command it runs.
const DROP_DAC: &str = "--bounding-set=-dac_override,-dac_read_search";

fn os(s: &str) -> OsString {
    OsString::from(s)
}

/// The `{"error": …}` of a run: the whole stdout, or its last JSON line.
fn error_of(r: &Run) -> Value {
    let doc: Value = serde_json::from_str(&r.stdout)
        .ok()
        .or_else(|| r.stdout.lines().last().and_then(|l| serde_json::from_str(l).ok()))
        .unwrap_or_else(|| panic!("no JSON error\nstdout:\n{}\nstderr:\n{}", r.stdout, r.stderr));
    doc.get("error").cloned().unwrap_or_else(|| panic!("no error object: {doc:#}\nstderr:\n{}", r.stderr))
}

/// The entry of a JSON list whose `field` is `path` (as text, lossy where not UTF-8); `what` names the list in the panic.
fn entry_for<'v>(list: &'v Value, field: &str, path: &Path, what: &str, whole: &Value) -> &'v Value {
    let wanted = path.to_string_lossy();
    list.as_array()
        .unwrap()
        .iter()
        .find(|e| e[field] == wanted.as_ref())
        .unwrap_or_else(|| panic!("{} is not {what}: {whole:#}", path.display()))
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// Whether permission bits stop this process's children from reading and writing.
#[derive(Clone, Debug)]
enum Dac {
    /// Not root: they do.
    Native,
    /// Root, but chute runs under `setpriv` without the capabilities that override them.
    Dropped,
    /// Root, and they cannot be made to bite: rows that need them are skipped.
    Unavailable(String),
}

fn dac() -> Dac {
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        return Dac::Native;
    }
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("locked");
    std::fs::write(&f, b"x").unwrap();
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o000)).unwrap();
    match Command::new("setpriv").arg(DROP_DAC).arg("cat").arg(&f).stdin(Stdio::null()).output() {
        Ok(o) if !o.status.success() && String::from_utf8_lossy(&o.stderr).contains("Permission denied") => Dac::Dropped,
        Ok(o) => Dac::Unavailable(format!(
            "running as root, where permission bits do not bite, and `setpriv {DROP_DAC}` could not take that power away ({}: {})",
            o.status,
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => Dac::Unavailable(format!("running as root, where permission bits do not bite, and setpriv cannot run ({e})")),
    }
}

/// `chute --data-dir DATA ARGS…` in `w`; with `bits`, where permission bits bite.
fn chute(w: &World, args: &[OsString], bits: &Dac, needs_bits: bool) -> Command {
    match (needs_bits, bits) {
        (true, Dac::Dropped) => {
            let mut c = w.program("setpriv");
            c.arg(DROP_DAC).arg(BIN).arg("--data-dir").arg(&w.data).args(args);
            c
        }
        (true, Dac::Unavailable(why)) => panic!("a row that needs permission bits ran anyway: {why}"),
        _ => {
            let mut c = w.command(&[]);
            c.args(args);
            c
        }
    }
}

fn run(w: &World, args: &[OsString], stdin: Option<&str>, bits: &Dac, needs_bits: bool) -> Run {
    w.spawn(chute(w, args, bits, needs_bits), format!("{args:?}"), stdin)
}

fn args(words: &[&str]) -> Vec<OsString> {
    words.iter().map(|w| os(w)).collect()
}

// ---------------------------------------------------------------------------
// The servers, behind one face.

trait Bucket {
    /// `destination add` flags for a destination on this server's bucket `reports`.
    fn add_flags(&self) -> Vec<String>;
    /// AWS config and credentials files naming the profile those flags use.
    fn aws_files(&self) -> (String, String);
    /// Every object in the bucket, with its bytes.
    fn objects(&self) -> BTreeMap<String, Vec<u8>>;
    /// Multipart uploads still open in the bucket.
    fn open_uploads(&self) -> usize;
    /// The files open multipart uploads show as, where a server shows them.
    fn visible_uploads(&self) -> Option<Vec<String>> {
        None
    }
}

impl Bucket for S3sFs {
    fn add_flags(&self) -> Vec<String> {
        s3s_flags(self)
    }
    fn aws_files(&self) -> (String, String) {
        S3sFs::profile_files()
    }
    fn objects(&self) -> BTreeMap<String, Vec<u8>> {
        S3sFs::objects(self, "reports")
    }
    fn open_uploads(&self) -> usize {
        self.upload_files().len()
    }
    fn visible_uploads(&self) -> Option<Vec<String>> {
        Some(self.upload_files())
    }
}

impl Bucket for Moto {
    fn add_flags(&self) -> Vec<String> {
        moto_flags(self)
    }
    fn aws_files(&self) -> (String, String) {
        self.profile_files()
    }
    fn objects(&self) -> BTreeMap<String, Vec<u8>> {
        Moto::objects(self, "reports")
    }
    fn open_uploads(&self) -> usize {
        self.multipart_uploads("reports")
    }
}

// ---------------------------------------------------------------------------
// Running a table: each row on its own.

/// What became of a row.
enum RowEnd {
    Passed,
    Skipped(String),
}

struct Row<'a> {
    id: &'static str,
    input: String,
    run: Box<dyn FnOnce() -> RowEnd + 'a>,
}

/// Run rows, each on its own so one failure names its id and the rest still run.
fn run_rows(rows: Vec<Row<'_>>, table: &str) -> Vec<&'static str> {
    let started = Instant::now();
    let mut ids = std::collections::HashSet::new();
    assert!(rows.iter().all(|r| ids.insert(r.id)), "row ids are unique in {table}");
    let (mut passed, mut skipped, mut failed) = (vec![], vec![], vec![]);
    for Row { id, input, run } in rows {
        match std::panic::catch_unwind(AssertUnwindSafe(run)) {
            Ok(RowEnd::Passed) => passed.push(id),
            Ok(RowEnd::Skipped(why)) => skipped.push(format!("{id} ({why})")),
            Err(_) => {
                eprintln!("bad_input: row `{id}` FAILED (input: {input}; see the panic above)");
                failed.push(id);
            }
        }
    }
    eprintln!(
        "bad_input [{table}]: {} rows ran ({} passed, {} failed), {} skipped{}; {:.1} s",
        passed.len() + failed.len(),
        passed.len(),
        failed.len(),
        skipped.len(),
        if skipped.is_empty() { String::new() } else { format!(": {}", skipped.join("; ")) },
        started.elapsed().as_secs_f64()
    );
    failed
}
