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
//! Rows that meet a known product bug (`KnownBug`) assert here what does
//! hold (nothing sent, nothing changed, a message and a fix) and accept the
//! product's current answer; `known_bugs_strict` (ignored) asserts the
//! correct behaviour, so it passes once the bugs are fixed.

mod support;

use std::collections::{BTreeMap, HashMap};
use std::ffi::{OsStr, OsString};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::content::{content, write, MIB};
use support::keychain::Keyring;
use support::servers::{Moto, S3sFs, S3S_KEY, S3S_SECRET};
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
// Known product bugs. A row that meets one accepts the product's current
// answer here; `known_bugs_strict` asserts the correct one.

struct KnownBug {
    /// What is wrong, for the report.
    what: &'static str,
    /// The code the product answers with today (the row's `code` is the correct one).
    now_code: &'static str,
    /// A fragment of today's message.
    now_message: &'static str,
}

// ---------------------------------------------------------------------------
// Table 1: destination settings (nothing is sent; no server).

#[derive(Clone, Copy, PartialEq, Debug)]
enum Sev {
    Error,
    Warning,
}

struct SettingCase {
    id: &'static str,
    /// Flags changed from a valid MinIO destination.
    input: &'static [(&'static str, &'static str)],
    code: &'static str,
    severity: Sev,
    message: &'static str,
    fix: &'static str,
    /// Text that must not be stored or printed (a password in a URL).
    never_kept: Option<&'static str>,
}

const fn set(
    id: &'static str,
    input: &'static [(&'static str, &'static str)],
    code: &'static str,
    message: &'static str,
    fix: &'static str,
) -> SettingCase {
    SettingCase { id, input, code, severity: Sev::Error, message, fix, never_kept: None }
}

fn setting_cases() -> Vec<SettingCase> {
    vec![
        set("template_unknown_token", &[("--key-template", "{prefix}{nope}")], "template_invalid", "unknown token `{nope}`", "{relpath}"),
        set(
            "template_unclosed_brace",
            &[("--key-template", "{prefix}{relpath")],
            "template_invalid",
            "a `{` opens a token that is never closed",
            "{relpath}",
        ),
        set(
            "template_stray_close_brace",
            &[("--key-template", "{prefix}}{relpath}")],
            "template_invalid",
            "a `}` has no matching `{`",
            "{relpath}",
        ),
        set(
            "template_dot_dot_folder",
            &[("--key-template", "{prefix}../{name}")],
            "template_invalid",
            "a `..` folder cannot be part of a key",
            "{prefix}",
        ),
        set("template_dot_folder_inside", &[("--key-template", "{prefix}x/./{name}")], "template_invalid", "(at character 11)", "{prefix}"),
        set(
            "template_control_char",
            &[("--key-template", "{prefix}\u{7}{name}")],
            "template_invalid",
            "control characters cannot appear in object keys",
            "{relpath}",
        ),
        set(
            "template_leading_slash",
            &[("--key-template", "/{prefix}{name}")],
            "template_leading_slash",
            "The key template starts with `/`.",
            "Remove the leading `/`.",
        ),
        set(
            "prefix_leading_slash",
            &[("--prefix", "/incoming/")],
            "prefix_leading_slash",
            "The path prefix starts with `/`",
            "Remove the leading `/`.",
        ),
        SettingCase {
            severity: Sev::Warning,
            ..set(
                "prefix_without_trailing_slash",
                &[("--prefix", "incoming")],
                "prefix_no_trailing_slash",
                "would be stored as `incomingreport.csv`",
                "Add a trailing `/`",
            )
        },
        set("prefix_double_slash", &[("--prefix", "incoming//daily/")], "prefix_double_slash", "contains `//`", "Use a single `/`."),
        set(
            "prefix_dot_dot_folder",
            &[("--prefix", "incoming/../other/")],
            "prefix_dot_segment",
            "contains a `.` or `..` folder",
            "without `.` and `..`",
        ),
        set(
            "prefix_control_char",
            &[("--prefix", "in\u{1b}coming/")],
            "prefix_control_chars",
            "contains control characters",
            "Remove tabs, line breaks",
        ),
        set(
            "bucket_uppercase",
            &[("--bucket", "Reports-Bucket")],
            "bucket_uppercase",
            "\"Reports-Bucket\" has capital letters",
            "lowercase name",
        ),
        set("bucket_double_dot", &[("--bucket", "reports..bucket")], "bucket_dots", "cannot contain `..`", "Check the bucket name."),
        set(
            "bucket_ip_like",
            &[("--bucket", "192.168.1.10")],
            "bucket_ip",
            "cannot look like an IP address",
            "put the server address in the endpoint",
        ),
        set("bucket_too_short", &[("--bucket", "ab")], "bucket_length", "3–63 characters long; \"ab\" has 2", "Check the bucket name."),
        set(
            "bucket_too_long",
            &[("--bucket", "a123456789b123456789c123456789d123456789e123456789f123456789g123")],
            "bucket_length",
            "has 64",
            "Check the bucket name.",
        ),
        set(
            "endpoint_no_scheme",
            &[("--endpoint", "s3.example.com")],
            "endpoint_no_scheme",
            "\"s3.example.com\" has no scheme",
            "https://",
        ),
        set(
            "endpoint_spaces",
            &[("--endpoint", "http://127.0.0.1 :9000")],
            "endpoint_spaces",
            "The endpoint URL contains spaces.",
            "Remove the spaces",
        ),
        SettingCase {
            never_kept: Some("hunter2-in-url"),
            ..set(
                "endpoint_credentials_in_url",
                &[("--endpoint", "https://user:hunter2-in-url@s3.example.com")],
                "endpoint_credentials",
                "contains a user name or password",
                "where they go to the keychain",
            )
        },
        SettingCase {
            severity: Sev::Warning,
            ..set(
                "endpoint_plain_http_remote",
                &[("--endpoint", "http://minio.lan:9000")],
                "endpoint_plain_http",
                "Plain http:// sends your data unencrypted",
                "Use https://",
            )
        },
        set(
            "endpoint_with_bucket",
            &[("--endpoint", "http://127.0.0.1:9000/reports-bucket")],
            "endpoint_has_bucket",
            "ends with the bucket name",
            "The bucket goes in its own field",
        ),
    ]
}

/// A valid MinIO destination named after the row, with the row's flags changed.
fn setting_args(c: &SettingCase) -> Vec<OsString> {
    let mut flags: Vec<(&str, &str)> = vec![
        ("--name", c.id),
        ("--provider", "minio"),
        ("--bucket", "reports-bucket"),
        ("--endpoint", "http://127.0.0.1:9000"),
        ("--prefix", "incoming/"),
        ("--key-template", "{prefix}{relpath}"),
    ];
    for (k, v) in c.input {
        match flags.iter_mut().find(|(f, _)| f == k) {
            Some(slot) => slot.1 = v,
            None => flags.push((k, v)),
        }
    }
    let mut a = vec![os("--json"), os("destination"), os("add")];
    // `--flag=value`, so values starting with `-` or `/` stay values.
    a.extend(flags.iter().map(|(k, v)| os(&format!("{k}={v}"))));
    a.push(os("--no-credentials"));
    a
}

fn check_setting_row(w: &World, c: &SettingCase) {
    let before = w.list();
    let r = run(w, &setting_args(c), None, &Dac::Native, false);
    let p = match c.severity {
        Sev::Error => {
            let e = r.error(2, "invalid_destination");
            let p = e["problems"]
                .as_array()
                .and_then(|ps| ps.iter().find(|p| p["code"] == c.code))
                .unwrap_or_else(|| panic!("no problem with code {} in {e:#}", c.code))
                .clone();
            assert_eq!(p["severity"], "error", "{p:#}");
            assert_eq!(w.list(), before, "nothing is saved");
            p
        }
        Sev::Warning => {
            let saved = r.ok().json();
            let p = saved["warnings"]
                .as_array()
                .and_then(|ps| ps.iter().find(|p| p["code"] == c.code))
                .unwrap_or_else(|| panic!("no warning with code {} in {saved:#}", c.code))
                .clone();
            assert_eq!(p["severity"], "warning", "{p:#}");
            assert_eq!(w.list().len(), before.len() + 1, "a warning does not block saving");
            p
        }
    };
    assert!(text(&p["message"]).contains(c.message), "message {:?} lacks {:?}", p["message"], c.message);
    assert!(text(&p["fix"]).contains(c.fix), "fix {:?} lacks {:?}", p["fix"], c.fix);
    if let Some(secret) = c.never_kept {
        w.assert_nowhere(secret);
    }
}

#[test]
fn destination_settings_rows() {
    let w = world();
    let cases = setting_cases();
    let rows = cases
        .iter()
        .map(|c| Row {
            id: c.id,
            input: c.input.iter().map(|(k, v)| format!("{k} {v:?}")).collect::<Vec<_>>().join(" "),
            run: Box::new(|| {
                check_setting_row(&w, c);
                RowEnd::Passed
            }),
        })
        .collect();
    let failed = run_rows(rows, "destination settings");
    assert!(failed.is_empty(), "rows failed: {failed:?}");
}

// ---------------------------------------------------------------------------
// Table 2: deliveries. Each row drops a folder (or paths) whose good files
// must land and whose bad ones must be refused, fail or be left out alone.

/// What must become of one dropped file.
#[derive(Debug)]
enum Fate {
    /// Lands at `key` (after the row's prefix) with exactly these bytes.
    Lands(String, Vec<u8>),
    /// Refused at plan time: never sent, reported in the plan's problems.
    Refused { path: PathBuf, code: &'static str, message: &'static str, fix: &'static str },
    /// Planned, then failed when sent; nothing left at its key.
    Fails { key: String, code: &'static str, message: &'static str, fix: &'static str },
    /// Left out of the plan on purpose, with the reason (which says what to do).
    Excluded { path: PathBuf, reason: &'static str },
}

struct Fixture {
    paths: Vec<PathBuf>,
    fates: Vec<Fate>,
}

/// Something done to a file while the delivery runs.
#[derive(Clone, Copy)]
enum During {
    Nothing,
    /// Delete `drop/<name>` as soon as the plan is printed.
    DeleteAfterPlan(&'static str),
    /// Append to `drop/<name>` from the moment its multipart upload is open until chute exits.
    GrowDuringUpload(&'static str),
}

struct DeliveryCase {
    id: &'static str,
    input: &'static str,
    /// The code the row is about (a problem, a file error, a refusal, a warning, `excluded` or `delivered`).
    code: &'static str,
    template: &'static str,
    /// Default `rows/<id>/`.
    prefix: Option<&'static str>,
    /// Written into the database as is, as if saved before today's checks.
    stored_template: Option<&'static str>,
    /// A warning `destination add` must give: (code, message fragment).
    warning: Option<(&'static str, &'static str)>,
    extra: &'static [&'static str],
    during: During,
    needs_bits: bool,
    /// The whole delivery is refused (exit 2): (code, message fragment, fix fragment).
    refused: Option<(&'static str, &'static str, &'static str)>,
    bug: Option<KnownBug>,
    /// For a known bug: text the correct error's message must contain.
    strict_text: Option<&'static str>,
    setup: fn(&Path, &str) -> Fixture,
}

fn case(id: &'static str, input: &'static str, code: &'static str, setup: fn(&Path, &str) -> Fixture) -> DeliveryCase {
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
        bug: None,
        strict_text: None,
        setup,
    }
}

/// The dropped folder of a row.
fn drop_dir(root: &Path) -> PathBuf {
    root.join("drop")
}

/// A file under the dropped folder (name as bytes, so any name Linux allows).
fn put(root: &Path, rel: &[u8], bytes: &[u8]) -> PathBuf {
    let p = drop_dir(root).join(OsStr::from_bytes(rel));
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bytes).unwrap();
    p
}

fn lands(root: &Path, rel: &str, bytes: &[u8]) -> Fate {
    put(root, rel.as_bytes(), bytes);
    Fate::Lands(rel.to_string(), bytes.to_vec())
}

fn in_drop(root: &Path, paths_fates: Vec<Fate>) -> Fixture {
    Fixture { paths: vec![drop_dir(root)], fates: paths_fates }
}

/// `len` bytes of folders (200 bytes each) and a file name, `/`-separated.
fn deep_relpath(len: usize) -> String {
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

fn delivery_cases() -> Vec<DeliveryCase> {
    vec![
        case("control_char_bell_in_name", "a file named `bell\\x07.txt` among good files", "key_control_chars", |root, _| {
            let bad = put(root, b"bell\x07.txt", b"bell");
            in_drop(
                root,
                vec![
                    lands(root, "a.txt", b"good a"),
                    Fate::Refused { path: bad, code: "key_control_chars", message: "control character (U+0007)", fix: "Rename the file" },
                    lands(root, "z.txt", b"good z"),
                ],
            )
        }),
        case("newline_in_name", "a file named `line\\nbreak.csv` among good files", "key_control_chars", |root, _| {
            let bad = put(root, b"line\nbreak.csv", b"1,2\n");
            in_drop(
                root,
                vec![
                    lands(root, "sub/b.csv", b"b\n"),
                    Fate::Refused {
                        path: bad,
                        code: "key_control_chars",
                        message: "control character (U+000A)",
                        fix: "so the key has no control characters",
                    },
                ],
            )
        }),
        DeliveryCase {
            prefix: Some("rows/prefix_without_trailing_slash/incoming"),
            warning: Some(("prefix_no_trailing_slash", "`rows/prefix_without_trailing_slash/incomingreport.csv`")),
            ..case(
                "prefix_without_trailing_slash",
                "prefix `…/incoming` (no trailing `/`): a warning, and keys as it says",
                "prefix_no_trailing_slash",
                |root, _| in_drop(root, vec![lands(root, "report.csv", b"id\n1\n")]),
            )
        },
        DeliveryCase {
            extra: &["--concurrency", "1"],
            during: During::DeleteAfterPlan("z-gone.txt"),
            ..case(
                "file_vanishes_after_plan",
                "z-gone.txt is deleted after the plan is printed, while a 24 MiB file uploads",
                "source_missing",
                |root, _| {
                    put(root, b"z-gone.txt", b"gone");
                    in_drop(
                        root,
                        vec![
                            lands(root, "a-first.bin", &content(1, 24 * MIB)),
                            lands(root, "b-kept.txt", b"kept"),
                            Fate::Fails {
                                key: "z-gone.txt".into(),
                                code: "source_missing",
                                message: "was moved or deleted after the preview",
                                fix: "Drop the file again.",
                            },
                        ],
                    )
                },
            )
        },
        DeliveryCase {
            extra: &["--multipart-threshold", "5MiB", "--part-size", "5MiB", "--concurrency", "1"],
            during: During::GrowDuringUpload("m-growing.bin"),
            ..case(
                "file_grows_during_multipart",
                "a writer appends to a 40 MiB file while its 5 MiB parts upload",
                "source_changed",
                |root, _| {
                    put(root, b"m-growing.bin", &content(2, 40 * MIB));
                    in_drop(
                        root,
                        vec![
                            lands(root, "a-first.txt", b"first"),
                            Fate::Fails {
                                key: "m-growing.bin".into(),
                                code: "source_changed",
                                message: "changed while it was being delivered (41943040 → ",
                                fix: "Let whatever writes the file finish",
                            },
                            lands(root, "z-last.txt", b"last"),
                        ],
                    )
                },
            )
        },
        DeliveryCase {
            needs_bits: true,
            ..case("file_unreadable_chmod_000", "b-locked.txt has mode 000", "source_unreadable", |root, _| {
                let locked = put(root, b"b-locked.txt", b"locked");
                std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
                in_drop(
                    root,
                    vec![
                        lands(root, "a.txt", b"a"),
                        Fate::Fails {
                            key: "b-locked.txt".into(),
                            code: "source_unreadable",
                            message: "Permission denied",
                            fix: "Check the file",
                        },
                        lands(root, "c.txt", b"c"),
                    ],
                )
            })
        },
        case(
            "symlink_loop_in_folder",
            "sub/up -> .. (a loop to an ancestor) and x1 -> x2 -> x1 inside the dropped folder",
            "excluded",
            |root, _| {
                let d = drop_dir(root);
                let fates = vec![lands(root, "a.txt", b"a"), lands(root, "sub/b.txt", b"b")];
                std::os::unix::fs::symlink("..", d.join("sub/up")).unwrap();
                std::os::unix::fs::symlink("x2", d.join("x1")).unwrap();
                std::os::unix::fs::symlink("x1", d.join("x2")).unwrap();
                let mut fates = fates;
                for p in ["sub/up", "x1", "x2"] {
                    fates.push(Fate::Excluded { path: d.join(p), reason: "symbolic link (not followed" });
                }
                in_drop(root, fates)
            },
        ),
        case("non_utf8_file_name", "a file named b\"bad\\xff.txt\" among good files", "name_not_utf8", |root, _| {
            let bad = put(root, b"bad\xff.txt", b"bad");
            in_drop(
                root,
                vec![
                    lands(root, "a.txt", b"a"),
                    Fate::Refused {
                        path: bad,
                        code: "name_not_utf8",
                        message: "is not valid UTF-8",
                        fix: "Rename the file (or folder) to a name in UTF-8.",
                    },
                ],
            )
        }),
        case("non_utf8_parent_folder", "a second dropped folder inside a folder named b\"odd\\xfe\"", "name_not_utf8", |root, _| {
            let odd = root.join(OsStr::from_bytes(b"odd\xfe")).join("more");
            write(&odd, "b.txt", b"b");
            Fixture {
                paths: vec![drop_dir(root), odd.clone()],
                fates: vec![
                    lands(root, "a.txt", b"a"),
                    Fate::Refused {
                        path: odd.join("b.txt"),
                        code: "name_not_utf8",
                        message: "is in a folder whose name is not valid UTF-8",
                        fix: "Rename the folder",
                    },
                ],
            }
        }),
        case("zero_byte_files", "empty files (one in a subfolder) next to a 1-byte one", "delivered", |root, _| {
            in_drop(root, vec![lands(root, "empty.txt", b""), lands(root, "sub/also-empty", b""), lands(root, "one.txt", b"1")])
        }),
        DeliveryCase {
            refused: Some(("key_collision", "would be written by more than one file, so nothing was sent", "key template")),
            bug: Some(KnownBug {
                what: "two names that differ only in Unicode normalization (NFC `café` and NFD `café`) collide on one key, and the \
                       refusal shows two identical-looking paths and advises a key template ({prefix}{relpath}) the destination \
                       already uses; it should say the names differ only in their Unicode form and that one must be renamed",
                now_code: "key_collision",
                now_message: "would be written by more than one file",
            }),
            strict_text: Some("nicode"),
            ..case("nfc_nfd_twins", "`caf\\u{e9}.txt` and `cafe\\u{301}.txt` in one folder", "key_collision", |root, _| {
                put(root, "caf\u{e9}.txt".as_bytes(), b"nfc");
                put(root, "cafe\u{301}.txt".as_bytes(), b"nfd");
                put(root, b"other.txt", b"other");
                in_drop(root, vec![])
            })
        },
        case("missing_path_among_good", "a path that does not exist, dropped with a good folder", "not_found", |root, _| {
            let missing = root.join("does-not-exist.csv");
            Fixture {
                paths: vec![drop_dir(root), missing.clone()],
                fates: vec![
                    lands(root, "a.txt", b"a"),
                    Fate::Refused {
                        path: missing,
                        code: "not_found",
                        message: "No such file or directory",
                        fix: "was moved or deleted; drop it again",
                    },
                ],
            }
        }),
        case("fifo_in_folder", "a named pipe inside the dropped folder", "excluded", |root, _| {
            let fates = vec![lands(root, "a.txt", b"a")];
            let pipe = drop_dir(root).join("pipe");
            let c = std::ffi::CString::new(pipe.as_os_str().as_bytes()).unwrap();
            // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
            let mut fates = fates;
            fates.push(Fate::Excluded { path: pipe, reason: "not a regular file" });
            in_drop(root, fates)
        }),
        DeliveryCase {
            refused: Some(("nothing_to_deliver", "There is nothing to deliver", "Rename the file")),
            bug: Some(KnownBug {
                what: "when every file is refused at plan time, the refusal says \"N paths could not be read\" although they \
                       were read and it is their keys that are invalid; it should name the cause (here: a control character)",
                now_code: "nothing_to_deliver",
                now_message: "could not be read",
            }),
            strict_text: Some("control character"),
            ..case(
                "only_unplannable_files",
                "a folder whose only file has a control character in its name",
                "nothing_to_deliver",
                |root, _| {
                    let bad = put(root, b"only\x07.txt", b"x");
                    in_drop(
                        root,
                        vec![Fate::Refused {
                            path: bad,
                            code: "key_control_chars",
                            message: "control character (U+0007)",
                            fix: "Rename the file",
                        }],
                    )
                },
            )
        },
        DeliveryCase {
            stored_template: Some("{prefix}x/../{name}"),
            refused: Some(("nothing_to_deliver", "There is nothing to deliver", "correct its key template")),
            bug: Some(KnownBug {
                what: "the refusal says \"1 path could not be read\" when the destination's stored key template is invalid",
                now_code: "nothing_to_deliver",
                now_message: "could not be read",
            }),
            strict_text: Some("key template"),
            ..case(
                "stored_template_with_dot_dot",
                "a destination saved before templates with `..` folders were refused: never a silent fallback",
                "template_invalid",
                |root, _| {
                    in_drop(
                        root,
                        vec![Fate::Refused {
                            path: drop_dir(root),
                            code: "template_invalid",
                            message: "a `..` folder cannot be part of a key",
                            fix: "correct its key template",
                        }],
                    )
                },
            )
        },
    ]
}

/// What became of a row.
enum RowEnd {
    Passed,
    Skipped(String),
    KnownBug(&'static str),
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
    let (mut passed, mut skipped, mut bugs, mut failed) = (vec![], vec![], vec![], vec![]);
    let mut whats = std::collections::BTreeSet::new();
    for Row { id, input, run } in rows {
        match std::panic::catch_unwind(AssertUnwindSafe(run)) {
            Ok(RowEnd::Passed) => passed.push(id),
            Ok(RowEnd::Skipped(why)) => skipped.push(format!("{id} ({why})")),
            Ok(RowEnd::KnownBug(what)) => {
                passed.push(id);
                bugs.push(id);
                whats.insert(what);
            }
            Err(_) => {
                eprintln!("bad_input: row `{id}` FAILED (input: {input}; see the panic above)");
                failed.push(id);
            }
        }
    }
    eprintln!(
        "bad_input [{table}]: {} rows ran ({} passed, {} failed), {} skipped{}{}; {:.1} s",
        passed.len() + failed.len(),
        passed.len(),
        failed.len(),
        skipped.len(),
        if skipped.is_empty() { String::new() } else { format!(": {}", skipped.join("; ")) },
        if bugs.is_empty() {
            String::new()
        } else {
            format!("; {} met a known bug (accepted; see known_bugs_strict): {}", bugs.len(), bugs.join(", "))
        },
        started.elapsed().as_secs_f64()
    );
    for what in whats {
        eprintln!("  known bug: {what}");
    }
    failed
}

/// One table of deliveries against one server, in one world.
struct Deliveries<'a> {
    w: World,
    bucket: &'a dyn Bucket,
    src: tempfile::TempDir,
    /// Everything the bucket must hold: what was there, plus what every row landed.
    landed: std::cell::RefCell<BTreeMap<String, Vec<u8>>>,
    bits: Dac,
}

impl<'a> Deliveries<'a> {
    fn new(bucket: &'a dyn Bucket) -> Deliveries<'a> {
        let w = world();
        let (config, credentials) = bucket.aws_files();
        w.write(&w.aws_config(), &config);
        w.write(&w.aws_credentials(), &credentials);
        let landed = std::cell::RefCell::new(bucket.objects());
        Deliveries { w, bucket, src: tempfile::tempdir().unwrap(), landed, bits: dac() }
    }

    fn batches(&self) -> usize {
        self.w.json(&["history", "list"], None).ok().json().as_array().unwrap().len()
    }

    /// Deliver the row's paths, doing the row's `during` meanwhile.
    fn deliver(&self, c: &DeliveryCase, fx: &Fixture, root: &Path) -> Run {
        let mut a = vec![os("--json"), os("deliver"), os(c.id)];
        a.extend(fx.paths.iter().map(|p| p.as_os_str().to_os_string()));
        a.push(os("--yes"));
        a.extend(c.extra.iter().map(|x| os(x)));
        let mut cmd = chute(&self.w, &a, &self.bits, c.needs_bits);
        let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("run chute");
        let stderr = child.stderr.take().unwrap();
        let errors = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = BufReader::new(stderr).read_to_string(&mut s);
            s
        });
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut stdout = String::new();
        match c.during {
            During::Nothing => {
                out.read_to_string(&mut stdout).unwrap();
            }
            During::DeleteAfterPlan(name) => {
                out.read_line(&mut stdout).unwrap();
                assert!(stdout.contains("\"event\":\"plan\""), "the first line is the plan: {stdout}");
                std::fs::remove_file(drop_dir(root).join(name)).unwrap();
                out.read_to_string(&mut stdout).unwrap();
            }
            During::GrowDuringUpload(name) => {
                let reader = std::thread::spawn(move || {
                    let mut s = String::new();
                    out.read_to_string(&mut s).unwrap();
                    s
                });
                assert!(self.bucket.visible_uploads().is_some(), "a server whose open uploads are visible");
                let path = drop_dir(root).join(name);
                let deadline = Instant::now() + Duration::from_secs(60);
                let mut appended = 0;
                while child.try_wait().unwrap().is_none() {
                    if appended > 0 || !self.bucket.visible_uploads().unwrap_or_default().is_empty() {
                        let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
                        f.write_all(&[b'+'; 4096]).unwrap();
                        appended += 1;
                    }
                    assert!(Instant::now() < deadline, "the delivery did not end in time");
                    std::thread::sleep(Duration::from_millis(if appended > 0 { 2 } else { 1 }));
                }
                stdout = reader.join().unwrap();
                assert!(appended > 0, "the multipart upload was never seen open, so the file did not grow during it:\n{stdout}");
            }
        }
        let status = child.wait().unwrap();
        let r = Run { code: status.code().expect("chute exited by a signal"), stdout, stderr: errors.join().unwrap() };
        self.w.outputs.borrow_mut().push((format!("{a:?}"), format!("{}\n{}", r.stdout, r.stderr)));
        r
    }

    fn row(&self, c: &DeliveryCase, strict: bool) -> RowEnd {
        if c.needs_bits {
            if let Dac::Unavailable(why) = &self.bits {
                return RowEnd::Skipped(why.clone());
            }
        }
        let w = &self.w;
        let prefix = c.prefix.map(str::to_string).unwrap_or_else(|| format!("rows/{}/", c.id));
        let root = self.src.path().join(c.id);
        std::fs::create_dir_all(drop_dir(&root)).unwrap();
        let fx = (c.setup)(&root, &prefix);

        // The destination, named after the row.
        let mut add: Vec<String> = ["destination", "add", "--name", c.id].map(String::from).to_vec();
        add.extend(self.bucket.add_flags());
        add.extend([format!("--prefix={prefix}"), format!("--key-template={}", c.template)]);
        let add: Vec<&str> = add.iter().map(String::as_str).collect();
        let saved = w.json(&add, None).ok().json();
        if let Some((code, message)) = c.warning {
            let warning = saved["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["code"] == code)
                .unwrap_or_else(|| panic!("no {code} warning: {saved:#}"));
            assert!(text(&warning["message"]).contains(message), "{warning:#}");
            assert!(!text(&warning["fix"]).is_empty(), "{warning:#}");
        }
        if let Some(t) = c.stored_template {
            let db = rusqlite::Connection::open(w.data.join("chute.db")).unwrap();
            let id = text(&saved["destination"]["id"]).to_string();
            let settings: String = db.query_row("SELECT settings FROM destinations WHERE id = ?1", [&id], |r| r.get(0)).unwrap();
            let mut v: Value = serde_json::from_str(&settings).unwrap();
            v["key_template"] = Value::from(t);
            db.execute("UPDATE destinations SET settings = ?1 WHERE id = ?2", [v.to_string(), id]).unwrap();
        }
        let batches_before = self.batches();

        let r = self.deliver(c, &fx, &root);
        let ls = lines(&r);
        let plan = &ls[0];
        assert_eq!(plan["event"], "plan", "the plan comes first: {plan:#}");
        let mut codes_seen: Vec<String> = c.warning.iter().map(|(code, _)| code.to_string()).collect();

        // What the plan says of each file refused or left out.
        let lossy = |p: &Path| p.to_string_lossy().into_owned();
        for fate in &fx.fates {
            match fate {
                Fate::Refused { path, code, message, fix } => {
                    let p = entry_for(&plan["problems"], "path", path, "among the plan's problems", plan);
                    assert_eq!(p["code"], *code, "{p:#}");
                    assert!(text(&p["message"]).contains(message), "{p:#} lacks {message:?}");
                    assert!(text(&p["fix"]).contains(fix), "{p:#} lacks {fix:?}");
                    codes_seen.push(code.to_string());
                }
                Fate::Excluded { path, reason } => {
                    let e = entry_for(&plan["excluded"], "path", path, "excluded", plan);
                    assert!(text(&e["reason"]).contains(reason), "{e:#} lacks {reason:?}");
                    codes_seen.push("excluded".into());
                }
                Fate::Lands(..) | Fate::Fails { .. } => {}
            }
        }
        let planned_keys: Vec<&str> = plan["files"].as_array().unwrap().iter().map(|f| text(&f["key"])).collect();
        for fate in &fx.fates {
            let key = match fate {
                Fate::Lands(k, _) | Fate::Fails { key: k, .. } => format!("{prefix}{k}"),
                _ => continue,
            };
            assert!(planned_keys.contains(&key.as_str()), "{key} was not planned: {planned_keys:?}");
        }

        let mut end = RowEnd::Passed;
        let mine: BTreeMap<String, Vec<u8>> = self.bucket.objects().into_iter().filter(|(k, _)| k.starts_with(&prefix)).collect();
        if let Some((code, message, fix)) = c.refused {
            // Refused as a whole: exit 2, nothing sent, no batch recorded.
            assert_eq!(r.code, 2, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
            let e = &ls.last().unwrap()["error"];
            let correct = e["code"] == code && text(&e["message"]).contains(message) && text(&e["fix"]).contains(fix);
            let strict_ok = c.strict_text.is_none_or(|t| text(&e["message"]).contains(t));
            match &c.bug {
                Some(bug) if !strict => {
                    assert!(e["code"] == bug.now_code || e["code"] == code, "{e:#}");
                    assert!(text(&e["message"]).contains(bug.now_message) || (correct && strict_ok), "{e:#}");
                    end = RowEnd::KnownBug(bug.what);
                }
                _ => {
                    assert!(correct, "expected {code} / {message:?} / fix {fix:?}: {e:#}");
                    assert!(strict_ok, "the error should say {:?}: {e:#}", c.strict_text);
                }
            }
            assert!(!text(&e["fix"]).is_empty(), "{e:#}");
            codes_seen.push(text(&e["code"]).to_string());
            assert!(mine.is_empty(), "nothing is sent: {:?}", mine.keys().collect::<Vec<_>>());
            assert_eq!(self.batches(), batches_before, "a refused delivery records no batch");
        } else {
            let refused = fx.fates.iter().filter(|f| matches!(f, Fate::Refused { .. })).count();
            let fails = fx.fates.iter().filter(|f| matches!(f, Fate::Fails { .. })).count();
            let delivered = fx.fates.iter().filter(|f| matches!(f, Fate::Lands(..))).count();
            let exit = if refused + fails > 0 { 1 } else { 0 };
            assert_eq!(r.code, exit, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
            let summary = ls.last().unwrap();
            assert_eq!(summary["event"], "summary", "{summary:#}");
            assert_eq!(
                (summary["delivered"].as_u64(), summary["failed"].as_u64(), summary["not_planned"].as_u64()),
                (Some(delivered as u64), Some(fails as u64), Some(refused as u64)),
                "{summary:#}"
            );
            let events: HashMap<&str, &Value> = ls.iter().filter(|l| l["event"] == "file").map(|f| (text(&f["key"]), f)).collect();
            assert_eq!(events.len(), delivered + fails, "one file event per planned file");
            for fate in &fx.fates {
                match fate {
                    Fate::Lands(k, _) => {
                        let f = events[format!("{prefix}{k}").as_str()];
                        assert_eq!(f["status"], "delivered", "{f:#}");
                        codes_seen.push("delivered".into());
                    }
                    Fate::Fails { key, code, message, fix } => {
                        let f = events[format!("{prefix}{key}").as_str()];
                        assert_eq!(f["status"], "failed", "{f:#}");
                        assert_eq!(f["error"]["code"], *code, "{f:#}");
                        assert!(text(&f["error"]["message"]).contains(message), "{f:#} lacks {message:?}");
                        assert!(text(&f["error"]["fix"]).contains(fix), "{f:#} lacks {fix:?}");
                        codes_seen.push(code.to_string());
                    }
                    _ => {}
                }
            }

            // Exactly the good files, byte for byte, under their keys.
            let want: BTreeMap<String, Vec<u8>> = fx
                .fates
                .iter()
                .filter_map(|f| if let Fate::Lands(k, b) = f { Some((format!("{prefix}{k}"), b.clone())) } else { None })
                .collect();
            assert_eq!(mine.keys().collect::<Vec<_>>(), want.keys().collect::<Vec<_>>(), "the keys under {prefix}");
            for (k, v) in &want {
                assert!(mine[k] == *v, "{k}: the stored bytes differ from the source ({} vs {} bytes)", mine[k].len(), v.len());
            }
            self.landed.borrow_mut().extend(want);

            // The history: what was given, each file's real status, what was left out and why.
            let id = text(&summary["batch_id"]).to_string();
            assert!(!id.is_empty(), "{summary:#}");
            let show = w.json(&["history", "show", &id], None).ok().json();
            let given: Vec<&str> = show["sources"].as_array().unwrap().iter().map(|s| text(&s["path"])).collect();
            let dropped: Vec<String> = fx.paths.iter().map(|p| lossy(p)).collect();
            assert_eq!(given, dropped, "the sources recorded are the paths given: {show:#}");
            let rows = show["files"].as_array().unwrap();
            let by_key: HashMap<&str, &Value> = rows.iter().map(|f| (text(&f["key"]), f)).collect();
            for fate in &fx.fates {
                match fate {
                    Fate::Lands(k, b) => {
                        let f =
                            by_key.get(format!("{prefix}{k}").as_str()).unwrap_or_else(|| panic!("{k} is not in the history: {show:#}"));
                        assert_eq!((f["status"].as_str(), f["size"].as_u64()), (Some("delivered"), Some(b.len() as u64)), "{f:#}");
                    }
                    Fate::Fails { key, code, .. } => {
                        let f = by_key
                            .get(format!("{prefix}{key}").as_str())
                            .unwrap_or_else(|| panic!("{key} is not in the history: {show:#}"));
                        assert_eq!((f["status"].as_str(), f["error_code"].as_str()), (Some("failed"), Some(*code)), "{f:#}");
                        assert!(!text(&f["error_fix"]).is_empty(), "{f:#}");
                    }
                    Fate::Refused { path, code, message, fix } => {
                        let f = entry_for(&show["files"], "source", path, "in the history's files (refused at plan time)", &show);
                        assert_eq!((f["status"].as_str(), f["error_code"].as_str()), (Some("refused"), Some(*code)), "{f:#}");
                        assert!(text(&f["error_message"]).contains(message) && text(&f["error_fix"]).contains(fix), "{f:#}");
                    }
                    Fate::Excluded { path, reason } => {
                        let e = entry_for(&show["excluded"], "path", path, "among the history's left-out paths", &show);
                        assert!(text(&e["reason"]).contains(reason), "{e:#}");
                    }
                }
            }
            let outcome = match (delivered, fails + refused) {
                (_, 0) => "delivered",
                (0, _) => "failed",
                _ => "partial",
            };
            let b = &show["batch"];
            assert_eq!(b["outcome"], outcome, "a file refused at plan time was not delivered: {b:#}");
            assert_eq!(rows.len(), delivered + fails + refused, "{show:#}");
            assert_eq!((b["files_total"].as_u64(), b["refused"].as_u64()), (Some(rows.len() as u64), Some(refused as u64)), "{b:#}");
        }
        assert!(codes_seen.iter().any(|s| s == c.code), "the row's code {} was not seen (saw {codes_seen:?})", c.code);

        // Nothing else anywhere in the bucket, and no multipart upload left open.
        let all = self.bucket.objects();
        let landed = self.landed.borrow();
        assert_eq!(all.keys().collect::<Vec<_>>(), landed.keys().collect::<Vec<_>>(), "the bucket holds exactly what the rows delivered");
        assert_eq!(self.bucket.open_uploads(), 0, "a multipart upload was left open");
        end
    }
}

fn run_delivery_table(bucket: &dyn Bucket, cases: Vec<DeliveryCase>, table: &str, strict: bool) {
    let d = Deliveries::new(bucket);
    let rows = cases.iter().map(|c| Row { id: c.id, input: c.input.into(), run: Box::new(|| d.row(c, strict)) }).collect();
    let failed = run_rows(rows, table);
    d.w.assert_nowhere(S3S_SECRET);
    assert!(failed.is_empty(), "rows failed: {failed:?}");
}

#[test]
fn delivery_rows() {
    let fs = S3sFs::start();
    run_delivery_table(&fs, delivery_cases(), "deliveries (s3s-fs)", false);
}

/// s3s-fs cannot store keys longer than about 160 bytes (it names a
/// metadata file after the key), so the 1,024-byte rows run on moto.
fn key_length_cases() -> Vec<DeliveryCase> {
    vec![
        case("key_over_1024_bytes", "folders and a name making prefix + relpath 1,025 bytes", "key_too_long", |root, prefix| {
            let rel = deep_relpath(1025 - prefix.len());
            let bad = put(root, rel.as_bytes(), b"too long");
            in_drop(
                root,
                vec![
                    lands(root, "ok.txt", b"ok"),
                    Fate::Refused {
                        path: bad,
                        code: "key_too_long",
                        message: "The key would be 1025 bytes; S3 allows 1024.",
                        fix: "Shorten the prefix, the folder names or the file name.",
                    },
                ],
            )
        }),
        case("key_exactly_1024_bytes", "folders and a name making prefix + relpath exactly 1,024 bytes", "delivered", |root, prefix| {
            let rel = deep_relpath(1024 - prefix.len());
            in_drop(root, vec![lands(root, &rel, b"exactly 1024"), lands(root, "ok.txt", b"ok")])
        }),
    ]
}

#[test]
fn key_length_rows() {
    let moto = Moto::start();
    run_delivery_table(&moto, key_length_cases(), "key length (moto)", false);
}

fn ten_thousand() -> DeliveryCase {
    case("ten_thousand_small_files", "a folder of 10,000 tiny files in 100 subfolders", "delivered", |root, _| {
        let fates = (0..10_000).map(|i| lands(root, &format!("d{:02}/f{i:05}.txt", i % 100), format!("{i}\n").as_bytes())).collect();
        in_drop(root, fates)
    })
}

#[test]
fn ten_thousand_small_files() {
    let fs = S3sFs::start();
    run_delivery_table(&fs, vec![ten_thousand()], "10,000 files (s3s-fs)", false);
}

// ---------------------------------------------------------------------------
// Table 3: state: the database and the keychain.

struct StateCase {
    id: &'static str,
    input: &'static str,
    code: &'static str,
    exit: i32,
    message: &'static str,
    fix: &'static str,
    needs_bits: bool,
    bug: Option<KnownBug>,
    /// Break the state; returns the world (its data dir broken) and the files that must stay byte-identical.
    prepare: fn(&S3sFs, &Path) -> (World, Vec<PathBuf>),
    /// Commands that must each fail with the code; `{file}` is a good file to deliver. (args, stdin)
    commands: &'static [(&'static [&'static str], Option<&'static str>)],
    /// Follow the fix the error gives; then a write must work (checked strictly for known bugs).
    follow_fix: Option<fn(&World)>,
}

/// A world with a working destination `Files` on s3s-fs (profile credentials).
fn world_with_files(fs: &S3sFs) -> World {
    let w = world();
    let (config, credentials) = fs.aws_files();
    w.write(&w.aws_config(), &config);
    w.write(&w.aws_credentials(), &credentials);
    let mut add: Vec<String> = ["destination", "add", "--name", "Files", "--prefix", "state/"].map(String::from).to_vec();
    add.extend(fs.add_flags());
    let add: Vec<&str> = add.iter().map(String::as_str).collect();
    w.json(&add, None).ok();
    w
}

fn db(w: &World) -> PathBuf {
    w.data.join("chute.db")
}

fn set_mode(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

const ADD_OTHER: &[&str] = &[
    "destination",
    "add",
    "--name",
    "Other",
    "--provider",
    "minio",
    "--bucket",
    "reports",
    "--endpoint",
    "http://127.0.0.1:9",
    "--no-credentials",
];
const DELIVER_FILE: &[&str] = &["deliver", "Files", "{file}", "--yes"];
const LIST: &[&str] = &["destination", "list"];
const HISTORY: &[&str] = &["history", "list"];
const ADD_WITH_KEYS: &[&str] = &[
    "destination",
    "add",
    "--name",
    "Keyed",
    "--provider",
    "minio",
    "--bucket",
    "reports",
    "--endpoint",
    "http://127.0.0.1:9",
    "--access-key-id",
    KEY_ID,
    "--secret-stdin",
];

fn state_cases() -> Vec<StateCase> {
    vec![
        StateCase {
            id: "db_corrupt_garbage",
            input: "chute.db is 8 KiB of random bytes",
            code: "database_corrupt",
            exit: 1,
            message: "is not a Chute database or is damaged: file is not a database",
            fix: "aside (Chute will start a new one)",
            needs_bits: false,
            bug: None,
            prepare: |_, _| {
                let w = world();
                std::fs::create_dir_all(&w.data).unwrap();
                std::fs::write(db(&w), content(9, 8192)).unwrap();
                let watch = vec![db(&w)];
                (w, watch)
            },
            commands: &[(LIST, None), (DELIVER_FILE, None), (HISTORY, None), (ADD_OTHER, None)],
            follow_fix: Some(|w| std::fs::rename(db(w), w.data.join("chute.db.damaged")).unwrap()),
        },
        StateCase {
            id: "db_corrupt_pages",
            input: "a real chute.db whose pages after the first are overwritten with garbage",
            code: "database_corrupt",
            exit: 1,
            message: "database disk image is malformed",
            fix: "restore it from a backup",
            needs_bits: false,
            bug: None,
            prepare: |fs, _| {
                let w = world_with_files(fs);
                let mut bytes = std::fs::read(db(&w)).unwrap();
                let garbage = content(10, bytes.len() - 4096);
                bytes[4096..].copy_from_slice(&garbage);
                std::fs::write(db(&w), bytes).unwrap();
                let watch = vec![db(&w)];
                (w, watch)
            },
            commands: &[(LIST, None), (DELIVER_FILE, None), (HISTORY, None)],
            follow_fix: Some(|w| std::fs::rename(db(w), w.data.join("chute.db.damaged")).unwrap()),
        },
        StateCase {
            id: "db_read_only_file",
            input: "chmod 444 chute.db",
            code: "database_read_only",
            exit: 1,
            message: "is read-only",
            fix: "chmod u+w",
            needs_bits: true,
            bug: Some(KnownBug {
                what: "a read-only chute.db opens, then the first write fails as `database_error` \"attempt to write a readonly \
                       database\" with the fix \"Try again; if it keeps failing, report it\" instead of `database_read_only` \
                       (chmod u+w); and the chute.db-shm SQLite creates then is left mode 444, so even after `chmod u+w chute.db` \
                       every write still fails",
                now_code: "database_error",
                now_message: "attempt to write a readonly database",
            }),
            prepare: |fs, _| {
                let w = world_with_files(fs);
                set_mode(&db(&w), 0o444);
                let watch = vec![db(&w)];
                (w, watch)
            },
            commands: &[(ADD_OTHER, None), (DELIVER_FILE, None)],
            follow_fix: Some(|w| set_mode(&db(w), 0o644)),
        },
        StateCase {
            id: "db_read_only_data_dir",
            input: "chmod 555 on the data folder holding chute.db",
            code: "database_read_only",
            exit: 1,
            message: "is read-only",
            fix: "and its folder writable",
            needs_bits: true,
            bug: None,
            prepare: |fs, _| {
                let w = world_with_files(fs);
                set_mode(&w.data, 0o555);
                let watch = vec![db(&w)];
                (w, watch)
            },
            commands: &[(LIST, None), (ADD_OTHER, None), (DELIVER_FILE, None)],
            follow_fix: Some(|w| set_mode(&w.data, 0o755)),
        },
        StateCase {
            id: "data_dir_is_a_file",
            input: "--data-dir names a regular file",
            code: "database_open_failed",
            exit: 1,
            message: "cannot create the data folder",
            fix: "that you can write to it",
            needs_bits: false,
            bug: None,
            prepare: |_, src| {
                let mut w = world();
                let file = src.join("not-a-folder");
                std::fs::write(&file, b"keep me").unwrap();
                w.data = file.join("chute");
                (w, vec![file])
            },
            commands: &[(LIST, None), (ADD_OTHER, None)],
            follow_fix: None,
        },
        StateCase {
            id: "keychain_unavailable_on_add",
            input: "destination add with keys, no Secret Service on the session bus",
            code: "keychain_unavailable",
            exit: 1,
            message: "could not reach the system keychain",
            fix: "Install and start a Secret Service provider",
            needs_bits: false,
            bug: None,
            prepare: |fs, _| {
                let w = world_with_files(fs);
                let watch = vec![];
                (w, watch)
            },
            commands: &[(ADD_WITH_KEYS, Some(SECRET))],
            follow_fix: None,
        },
        StateCase {
            id: "keychain_unavailable_on_deliver",
            input: "deliver to a destination whose keys are in the keychain, once the keychain is gone",
            code: "keychain_unavailable",
            exit: 1,
            message: "could not reach the system keychain",
            fix: "Secret Service",
            needs_bits: false,
            bug: Some(KnownBug {
                what: "`chute deliver` to a keychain destination with no keychain answers `delivery_cannot_start` with the generic \
                       fix \"Fix the cause above (Test connection helps with credentials)\": the keychain's own code \
                       (keychain_unavailable) and fix (install/start a Secret Service provider) are dropped (lib.rs maps the \
                       diagnosis to Error::Delivery(what_happened)); the message also ends in \"..\"",
                now_code: "delivery_cannot_start",
                now_message: "The delivery cannot start: Chute could not reach the system keychain",
            }),
            prepare: |fs, src| {
                // Saved with the keychain up; then the keychain (its daemon and bus) goes away.
                let k = Keyring::start();
                let w = World::with_keyring(&k);
                let endpoint = fs.endpoint();
                let add = [
                    "destination",
                    "add",
                    "--name",
                    "Files",
                    "--provider",
                    "minio",
                    "--bucket",
                    "reports",
                    "--endpoint",
                    &endpoint,
                    "--prefix",
                    "state/keychain/",
                    "--access-key-id",
                    S3S_KEY,
                    "--secret-stdin",
                ];
                w.json(&add, Some(S3S_SECRET)).ok();
                let f = write(src, "keychain-ok.txt", b"with the keychain up");
                w.json(&["deliver", "Files", f.to_str().unwrap(), "--yes"], None).ok();
                drop(k);
                (w, vec![])
            },
            commands: &[(DELIVER_FILE, None)],
            follow_fix: None,
        },
    ]
}

/// The watched files' bytes (None: absent).
fn snapshot(paths: &[PathBuf]) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    paths.iter().map(|p| (p.clone(), std::fs::read(p).ok())).collect()
}

fn state_row(fs: &S3sFs, src: &Path, c: &StateCase, bits: &Dac, strict: bool) -> RowEnd {
    if c.needs_bits {
        if let Dac::Unavailable(why) = bits {
            return RowEnd::Skipped(why.clone());
        }
    }
    let row_src = src.join(c.id);
    std::fs::create_dir_all(&row_src).unwrap();
    let good = write(&row_src, "good.txt", b"good");
    let (w, watch) = (c.prepare)(fs, &row_src);
    let before = snapshot(&watch);
    let objects_before = fs.objects("reports");
    let listing = |d: &Path| -> Vec<OsString> {
        let mut v: Vec<OsString> = std::fs::read_dir(d).map(|rd| rd.flatten().map(|e| e.file_name()).collect()).unwrap_or_default();
        v.sort();
        v
    };
    let data_files_before = listing(&w.data);
    let batches = |w: &World| w.json(&["history", "list"], None).ok().json().as_array().map(Vec::len);
    let batches_before = if c.code.starts_with("keychain") { batches(&w) } else { None };
    let mut end = RowEnd::Passed;
    for (words, stdin) in c.commands {
        let words: Vec<String> = words.iter().map(|x| x.replace("{file}", good.to_str().unwrap())).collect();
        let mut a = vec![os("--json")];
        a.extend(words.iter().map(|x| os(x)));
        let r = run(&w, &a, *stdin, bits, c.needs_bits);
        let label = format!("{words:?}");
        assert_eq!(r.code, c.exit, "{label}\nstdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
        let e = error_of(&r);
        assert!(!text(&e["message"]).is_empty() && !text(&e["fix"]).is_empty(), "{label}: {e:#}");
        let correct = e["code"] == c.code && text(&e["message"]).contains(c.message) && text(&e["fix"]).contains(c.fix);
        match &c.bug {
            Some(bug) if !strict && !correct => {
                assert_eq!(e["code"], bug.now_code, "{label}: {e:#}");
                assert!(text(&e["message"]).contains(bug.now_message), "{label}: {e:#}");
                end = RowEnd::KnownBug(bug.what);
            }
            _ => assert!(correct, "{label}: expected {} / {:?} / fix {:?}: {e:#}", c.code, c.message, c.fix),
        }
        // For people: the same words, and the fix.
        let human = run(&w, &a[1..], *stdin, bits, c.needs_bits);
        assert_eq!(human.code, c.exit, "{label}");
        assert!(
            human.stderr.contains(&format!("error: {}", text(&e["message"]))) && human.stderr.contains("fix: "),
            "{label}: {}",
            human.stderr
        );
    }
    // Left as it was: the watched files byte-identical, nothing sent, no batch recorded.
    assert!(snapshot(&watch) == before, "a file Chute was refused was modified: {watch:?}");
    if c.code.starts_with("database_corrupt") {
        assert_eq!(listing(&w.data), data_files_before, "nothing was added next to the damaged database");
    }
    assert!(fs.objects("reports") == objects_before, "nothing was sent");
    if c.code.starts_with("keychain") {
        assert_eq!(batches(&w), batches_before, "no batch was recorded");
        assert!(w.list().iter().all(|d| d["name"] != "Keyed"), "nothing was saved");
    }
    // The fix works.
    if let Some(follow) = c.follow_fix {
        follow(&w);
        let r = run(
            &w,
            &args(&[
                "--json",
                "destination",
                "add",
                "--name",
                "After the fix",
                "--provider",
                "minio",
                "--bucket",
                "reports",
                "--endpoint",
                "http://127.0.0.1:9",
                "--no-credentials",
            ]),
            None,
            bits,
            c.needs_bits,
        );
        match &c.bug {
            Some(_) if !strict && r.code != 0 => {}
            _ => assert_eq!(r.code, 0, "following the fix did not make Chute work again:\n{}\n{}", r.stdout, r.stderr),
        }
    }
    w.assert_nowhere(SECRET);
    w.assert_nowhere(S3S_SECRET);
    end
}

fn run_state_table(cases: Vec<StateCase>, table: &str, strict: bool) {
    let fs = S3sFs::start();
    let src = tempfile::tempdir().unwrap();
    let bits = dac();
    let rows = cases
        .iter()
        .map(|c| Row { id: c.id, input: c.input.into(), run: Box::new(|| state_row(&fs, src.path(), c, &bits, strict)) })
        .collect();
    let failed = run_rows(rows, table);
    assert!(failed.is_empty(), "rows failed: {failed:?}");
}

#[test]
fn state_rows() {
    run_state_table(state_cases(), "state", false);
}

/// The correct behaviour for every row that meets a known product bug.
/// Fails until those bugs are fixed.
#[test]
#[ignore = "known product bugs: see KnownBug in this file"]
fn known_bugs_strict() {
    let fs = S3sFs::start();
    let moto = Moto::start();
    let states: Vec<StateCase> = state_cases().into_iter().filter(|c| c.bug.is_some()).collect();
    let results = [
        std::panic::catch_unwind(AssertUnwindSafe(|| run_delivery_table(&fs, delivery_cases(), "known bugs: deliveries", true))),
        std::panic::catch_unwind(AssertUnwindSafe(|| run_delivery_table(&moto, key_length_cases(), "known bugs: key length", true))),
        std::panic::catch_unwind(AssertUnwindSafe(|| run_state_table(states, "known bugs: state", true))),
    ];
    assert!(results.iter().all(Result::is_ok), "known bugs are still there (see above)");
}
