//! Table 2: deliveries. Each row drops a folder (or paths) whose good files
//! must land and whose bad ones must be refused, fail or be left out alone.

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::support::content::{content, write, MIB};
use super::support::servers::{Moto, S3sFs, S3S_SECRET};
use super::support::world::*;
use super::{chute, dac, entry_for, os, run_rows, text, Bucket, Dac, KnownBug, Row, RowEnd};

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

pub(crate) struct DeliveryCase {
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

pub(crate) fn delivery_cases() -> Vec<DeliveryCase> {
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

pub(crate) fn run_delivery_table(bucket: &dyn Bucket, cases: Vec<DeliveryCase>, table: &str, strict: bool) {
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
pub(crate) fn key_length_cases() -> Vec<DeliveryCase> {
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
