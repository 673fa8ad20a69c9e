//! Table 3: state: the database and the keychain.

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::support::content::{content, write};
use super::support::keychain::Keyring;
use super::support::servers::{S3sFs, S3S_KEY, S3S_SECRET};
use super::support::world::*;
use super::{args, dac, error_of, os, run, run_rows, text, Bucket, Dac, Row, RowEnd};

struct StateCase {
    id: &'static str,
    input: &'static str,
    code: &'static str,
    exit: i32,
    message: &'static str,
    fix: &'static str,
    needs_bits: bool,
    /// Break the state; returns the world (its data dir broken) and the files that must stay byte-identical.
    prepare: fn(&S3sFs, &Path) -> (World, Vec<PathBuf>),
    /// Commands that must each fail with the code; `{file}` is a good file to deliver. (args, stdin)
    commands: &'static [(&'static [&'static str], Option<&'static str>)],
    /// Follow the fix the error gives; then a write must work.
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

fn state_row(fs: &S3sFs, src: &Path, c: &StateCase, bits: &Dac) -> RowEnd {
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
        assert!(correct, "{label}: expected {} / {:?} / fix {:?}: {e:#}", c.code, c.message, c.fix);
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
        assert_eq!(r.code, 0, "following the fix did not make Chute work again:\n{}\n{}", r.stdout, r.stderr);
    }
    w.assert_nowhere(SECRET);
    w.assert_nowhere(S3S_SECRET);
    RowEnd::Passed
}

fn run_state_table(cases: Vec<StateCase>, table: &str) {
    let fs = S3sFs::start();
    let src = tempfile::tempdir().unwrap();
    let bits = dac();
    let rows =
        cases.iter().map(|c| Row { id: c.id, input: c.input.into(), run: Box::new(|| state_row(&fs, src.path(), c, &bits)) }).collect();
    let failed = run_rows(rows, table);
    assert!(failed.is_empty(), "rows failed: {failed:?}");
}

#[test]
fn state_rows() {
    run_state_table(state_cases(), "state");
}
