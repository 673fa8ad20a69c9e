//! Deliveries killed with SIGKILL at various points, then resumed (the
//! same object completes, byte-identical) or discarded (the open upload is
//! aborted); nothing corrupt or orphaned is left.

use std::io::{BufReader, Read};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::content::{content, write, MIB};
use crate::support::servers::{S3sFs, S3S_SECRET};
use crate::support::world::*;

/// (upload id recorded?, parts recorded) for the batch's only file, read from the database.
fn journal(w: &World) -> (bool, i64) {
    let Ok(conn) = rusqlite::Connection::open(w.data.join("chute.db")) else { return (false, 0) };
    let _ = conn.busy_timeout(Duration::from_secs(5));
    let up = conn.query_row("SELECT COUNT(*) FROM batch_files WHERE upload_id IS NOT NULL", [], |r| r.get::<_, i64>(0)).unwrap_or(0);
    let parts = conn.query_row("SELECT COUNT(*) FROM batch_parts", [], |r| r.get::<_, i64>(0)).unwrap_or(0);
    (up > 0, parts)
}

#[derive(Clone, Copy)]
enum KillAt {
    /// The upload id is journaled (no part confirmed yet, most likely).
    UploadCreated,
    /// A progress event reports bytes sent: parts are uploading.
    BytesSent,
}

/// `deliver --json` of `file` to "Files" in 5 MiB parts, one at a time, so
/// a kill lands while parts are uploading.
pub(super) fn killable_delivery(file: &str) -> [&str; 11] {
    ["--json", "deliver", "Files", file, "--yes", "--concurrency", "1", "--multipart-threshold", "5MiB", "--part-size", "5MiB"]
}

/// Deliver `file` with `--json`, SIGKILL the process at `at`; returns the output seen.
#[cfg(unix)]
fn deliver_and_kill(w: &World, file: &Path, at: KillAt) -> String {
    let args = killable_delivery(file.to_str().unwrap());
    let mut child = w.command(&args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    match at {
        KillAt::BytesSent => read_until_sending(&mut out, &mut seen, true),
        KillAt::UploadCreated => {
            while !journal(w).0 {
                assert!(Instant::now() < deadline, "no upload was recorded in time");
                std::thread::sleep(Duration::from_millis(2));
            }
        }
    }
    child.kill().unwrap(); // SIGKILL on unix
    let status = child.wait().unwrap();
    assert_eq!(status.code(), None, "killed by a signal, not exited:\n{seen}");
    let mut rest = String::new();
    let _ = out.read_to_string(&mut rest);
    assert!(!rest.contains("\"summary\""), "finished before the kill:\n{seen}{rest}");
    w.outputs.borrow_mut().push((format!("{args:?} (killed)"), seen.clone() + &rest));
    seen + &rest
}

/// The one interrupted batch, from `history list --status interrupted --json`.
fn interrupted_batch(w: &World) -> Value {
    let list = w.json(&["history", "list", "--status", "interrupted"], None).ok().json();
    let bs = list.as_array().unwrap();
    assert_eq!(bs.len(), 1, "{list:#}");
    assert_eq!(bs[0]["state"], "interrupted");
    assert_eq!(bs[0]["outcome"], Value::Null);
    bs[0].clone()
}

fn resume_and_check(w: &World, fs: &S3sFs, id: &str, bytes: &[u8]) {
    let r = w.json(&["history", "resume", id], None);
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    let ls = lines(&r);
    assert_eq!(ls[0]["event"], "resume");
    let s = ls.last().unwrap();
    assert_eq!(s["event"], "summary", "{s:#}");
    assert_eq!((s["delivered"].as_u64(), s["failed"].as_u64()), (Some(1), Some(0)), "{s:#}");
    assert_eq!(s["batch"]["state"], "finished");
    assert_eq!(s["batch"]["outcome"], "delivered");
    // The file line is deliver's: with the file's source and its object's URL.
    let url = format!("{}/reports/incoming/big.bin", fs.endpoint());
    let f = ls.iter().find(|l| l["event"] == "file").unwrap_or_else(|| panic!("no file line:\n{}", r.stdout));
    assert!(f["source"].as_str().is_some_and(|p| p.ends_with("/big.bin")), "{f:#}");
    assert_eq!((f["status"].as_str(), f["url"].as_str()), (Some("delivered"), Some(url.as_str())), "{f:#}");
    assert_eq!(s["urls"], serde_json::json!([url]), "{s:#}");
    let stored = std::fs::read(fs.root.path().join("reports").join("incoming/big.bin")).unwrap();
    assert!(stored == bytes, "the resumed object differs from the source ({} vs {} bytes)", stored.len(), bytes.len());
    assert_eq!(fs.upload_files(), Vec::<String>::new(), "no multipart upload is left open");
    assert_eq!(w.json(&["history", "list", "--status", "interrupted"], None).ok().json().as_array().unwrap().len(), 0);
    let show = w.json(&["history", "show", id], None).ok().json();
    assert_eq!(show["files"][0]["status"], "delivered", "{show:#}");
    // A finished batch is not resumed twice.
    w.run(&["--json", "history", "resume", id], None).error(2, "batch_not_interrupted");
}

#[cfg(unix)]
#[test]
fn sigkill_mid_multipart_then_resume_completes_the_same_object() {
    let fs = S3sFs::start();
    let w = world();
    add_s3s(&w, &fs, "Files", "{prefix}{name}");
    let src = tempfile::tempdir().unwrap();
    // Loopback is fast: large enough that the first progress event (after
    // 250 ms) comes while parts are still uploading.
    let bytes = content(11, 320 * MIB + 123);
    let big = write(src.path(), "big.bin", &bytes);
    let seen = deliver_and_kill(&w, &big, KillAt::BytesSent);
    assert!(seen.contains("\"progress\""));
    assert!(!fs.upload_files().is_empty(), "the kill left the multipart upload open (it was not completing yet)");

    let b = interrupted_batch(&w);
    assert_eq!(b["files_total"], 1);
    let id = b["id"].as_str().unwrap().to_string();
    let text = w.run(&["history", "show", &id], None).ok().stdout;
    assert!(text.contains("interrupted") && text.contains("chute history resume"), "{text}");
    resume_and_check(&w, &fs, &id, &bytes);
    w.assert_nowhere(S3S_SECRET);
}

#[cfg(unix)]
#[test]
fn sigkill_right_after_the_upload_is_created_then_resume() {
    let fs = S3sFs::start();
    let w = world();
    add_s3s(&w, &fs, "Files", "{prefix}{name}");
    let src = tempfile::tempdir().unwrap();
    let bytes = content(12, 40 * MIB + 7);
    let big = write(src.path(), "big.bin", &bytes);
    deliver_and_kill(&w, &big, KillAt::UploadCreated);
    let id = interrupted_batch(&w)["id"].as_str().unwrap().to_string();
    resume_and_check(&w, &fs, &id, &bytes);
    w.assert_nowhere(S3S_SECRET);
}

#[cfg(unix)]
#[test]
fn sigkill_then_discard_aborts_the_open_upload() {
    let fs = S3sFs::start();
    let w = world();
    add_s3s(&w, &fs, "Files", "{prefix}{name}");
    let src = tempfile::tempdir().unwrap();
    let big = write(src.path(), "big.bin", &content(13, 160 * MIB));
    deliver_and_kill(&w, &big, KillAt::UploadCreated);
    assert!(!fs.upload_files().is_empty(), "the kill left an open upload on the server");
    let id = interrupted_batch(&w)["id"].as_str().unwrap().to_string();

    let r = w.json(&["history", "discard", &id], None).ok().json();
    assert_eq!(r["discarded"]["batch_id"], id.as_str());
    assert_eq!(r["discarded"]["uploads_aborted"], 1, "{r:#}");
    assert_eq!(fs.upload_files(), Vec::<String>::new(), "the open upload was aborted");
    assert!(!fs.root.path().join("reports/incoming/big.bin").exists());
    let b = w.json(&["history", "list", "--status", "discarded"], None).ok().json();
    assert_eq!(b.as_array().unwrap().len(), 1, "{b:#}");
    assert_eq!(b[0]["cancelled"], 1);
    let show = w.json(&["history", "show", &id], None).ok().json();
    assert_eq!(show["files"][0]["status"], "cancelled", "{show:#}");
    // Discarded is final.
    w.json(&["history", "discard", &id, "--yes"], None).error(2, "batch_not_interrupted");
    w.assert_nowhere(S3S_SECRET);
}
/// SIGKILL at spread-out instants of a delivery (before anything, while
/// small files and parts go, around completion), six runs: after resuming
/// whatever was interrupted, every object is byte-identical, none is
/// partial, and no multipart upload is left open.
#[cfg(unix)]
#[test]
fn kills_at_many_points_then_resume_leave_no_corrupt_or_orphaned_object() {
    let fs = S3sFs::start();
    let w = world();
    w.write_profile(S3sFs::profile_files());
    let src = tempfile::tempdir().unwrap();
    let files: Vec<(String, Vec<u8>)> =
        vec![("a.txt".into(), content(1, 1000)), ("b.bin".into(), content(2, 3 * MIB + 1)), ("big.bin".into(), content(3, 48 * MIB + 17))];
    for (name, bytes) in &files {
        write(src.path(), name, bytes);
    }
    let delays_ms = [0u64, 40, 150, 400, 900, 1600];
    let mut interrupted = 0;
    let mut unrecorded = 0;
    for (run, delay) in delays_ms.iter().enumerate() {
        let name = format!("Run{run}");
        w.json(
            &[
                "destination",
                "add",
                "--name",
                &name,
                "--provider",
                "minio",
                "--bucket",
                "reports",
                "--endpoint",
                &fs.endpoint(),
                "--prefix",
                &format!("run{run}/"),
                "--profile",
                "s3s",
            ],
            None,
        )
        .ok();
        let args = [
            "--json",
            "deliver",
            &name,
            src.path().to_str().unwrap(),
            "--yes",
            "--concurrency",
            "2",
            "--multipart-threshold",
            "5MiB",
            "--part-size",
            "5MiB",
        ];
        let mut child = w.command(&args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(*delay));
        let _ = child.kill();
        let _ = child.wait();
        for b in w.json(&["history", "list", "--status", "interrupted"], None).ok().json().as_array().unwrap() {
            interrupted += 1;
            let r = w.json(&["history", "resume", b["id"].as_str().unwrap(), "--yes"], None);
            assert_eq!(r.code, 0, "resume after a kill at {delay} ms:\n{}\n{}", r.stdout, r.stderr);
        }
        // A run killed before its batch was recorded is delivered again, as a user would.
        if w.json(&["history", "list", "--destination", &name], None).ok().json().as_array().unwrap().is_empty() {
            w.json(&["deliver", &name, src.path().to_str().unwrap(), "--yes"], None).ok();
        }
        for (file, bytes) in &files {
            let stored = std::fs::read(fs.root.path().join(format!("reports/run{run}/{file}")));
            // Every file was either delivered by the killed run or by the resume.
            let stored = stored.unwrap_or_else(|e| panic!("run {run} (kill at {delay} ms): {file} missing: {e}"));
            assert!(stored == *bytes, "run {run} (kill at {delay} ms): {file} differs ({} vs {} bytes)", stored.len(), bytes.len());
        }
        // Open uploads are the server's `.upload-<id>.json` records. (s3s-fs can
        // also leave `.upload_id-<id>.part-N` files of an upload it no longer
        // knows: it refuses their parts and their abort with AccessDenied, so
        // Chute restarts such a file with a new upload; those files are the
        // server's garbage, not an upload anyone can list or complete.)
        // A kill between the server opening an upload and the journal
        // recording its id leaves an upload only ListMultipartUploads can
        // find; Chute looks for such strays when it resumes, but s3s-fs does
        // not implement that call (moto's case is in tests/faults.rs). Those
        // are counted, not failed; every upload the history knows is closed.
        let recorded: Vec<String> = {
            let db = rusqlite::Connection::open(w.data.join("chute.db")).unwrap();
            let mut st = db.prepare("SELECT upload_id FROM batch_files WHERE upload_id IS NOT NULL").unwrap();
            st.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
        };
        let open: Vec<String> = fs.upload_files().into_iter().filter(|n| n.starts_with(".upload-")).collect();
        let known: Vec<&String> = open.iter().filter(|n| recorded.iter().any(|id| n.contains(id.as_str()))).collect();
        assert_eq!(known, Vec::<&String>::new(), "run {run} (kill at {delay} ms): an upload the history knows was left open");
        unrecorded += open.len();
        for n in open {
            let _ = std::fs::remove_file(fs.root.path().join(n));
        }
    }
    assert!(interrupted >= 2, "the kills interrupted deliveries ({interrupted} of {})", delays_ms.len());
    eprintln!("{} kills, {interrupted} interrupted batches resumed, every object identical; {unrecorded} upload(s) opened but never recorded (s3s-fs cannot list them)", delays_ms.len());
    w.assert_nowhere(S3S_SECRET);
}
