//! `chute deliver` against real servers on loopback: s3s-fs (objects are
//! files, so keys and bytes are compared on disk) and moto (open multipart
//! uploads can be listed, so Ctrl-C must leave none). Credentials come from
//! an AWS profile in each world's own files, so no keychain is involved.

mod support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::content::{content, write, MIB};
#[cfg(unix)]
use support::pty::on_terminal;
use support::servers::{Moto, S3sFs, S3S_SECRET};
use support::world::*;

fn events<'a>(ls: &'a [Value], kind: &str) -> Vec<&'a Value> {
    ls.iter().filter(|l| l["event"] == kind).collect()
}

fn summary(ls: &[Value]) -> &Value {
    let last = ls.last().expect("some output");
    assert_eq!(last["event"], "summary", "the last line is the summary: {last:#}");
    last
}

fn file_event<'a>(ls: &'a [Value], key: &str) -> &'a Value {
    events(ls, "file").into_iter().find(|f| f["key"] == key).unwrap_or_else(|| panic!("no file event for {key}"))
}

#[test]
fn a_tree_of_awkward_names_is_delivered_with_json_lines() {
    let fs = S3sFs::start();
    let w = world();
    add_s3s(&w, &fs, "Files", "{prefix}{relpath}");
    let src = tempfile::tempdir().unwrap();
    let drop = src.path().join("drop");
    let tree: Vec<(&str, usize)> = vec![
        ("report 2026.csv", 1200),
        ("spaces in/a folder/file name.txt", 10),
        ("hash#plus+percent%20.bin", 77),
        ("emoji 📦/🚀 launch.json", 33),
        ("über/straße.txt", 9),
        ("empty.txt", 0),
        ("big/over 16 MiB.bin", 17 * MIB + 5),
    ];
    let mut expected = BTreeMap::new();
    for (i, (rel, len)) in tree.iter().enumerate() {
        let bytes = content(i as u64, *len);
        write(&drop, rel, &bytes);
        expected.insert(format!("incoming/{rel}"), bytes);
    }
    write(&drop, ".DS_Store", b"left out");

    let r = w.json(&["deliver", "files", drop.to_str().unwrap()], None);
    let ls = lines(&r);
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);

    // The plan: once, first, with every key and what was left out.
    let plan = &ls[0];
    assert_eq!(plan["event"], "plan");
    assert_eq!(events(&ls, "plan").len(), 1);
    assert_eq!(plan["files_total"], expected.len());
    assert_eq!(plan["total_bytes"], expected.values().map(Vec::len).sum::<usize>());
    assert_eq!(plan["multipart_files"], 1);
    assert_eq!(plan["overwrite"], "never");
    let planned: Vec<&str> = plan["files"].as_array().unwrap().iter().map(|f| f["key"].as_str().unwrap()).collect();
    assert_eq!(planned.len(), expected.len());
    assert_eq!(plan["excluded"][0]["reason"], "ignored by `.DS_Store`");

    // One file event per file, each with its source and URL.
    let files = events(&ls, "file");
    assert_eq!(files.len(), expected.len());
    for f in &files {
        assert_eq!(f["status"], "delivered", "{f:#}");
        assert!(f["source"].as_str().unwrap().starts_with(drop.to_str().unwrap()), "{f:#}");
        assert!(f["url"].as_str().unwrap().starts_with(&format!("{}/reports/incoming/", fs.endpoint())), "{f:#}");
    }
    assert_eq!(file_event(&ls, "incoming/big/over 16 MiB.bin")["multipart"], true);
    assert_eq!(
        file_event(&ls, "incoming/hash#plus+percent%20.bin")["url"],
        format!("{}/reports/incoming/hash%23plus%2Bpercent%2520.bin", fs.endpoint())
    );

    // Progress: a few times a second at most, ending at 100%.
    let progress = events(&ls, "progress");
    assert!(!progress.is_empty());
    let last = progress.last().unwrap();
    assert_eq!((&last["bytes_sent"], &last["files_done"]), (&plan["total_bytes"], &plan["files_total"]));

    // The summary's counts, bytes and URLs.
    let s = summary(&ls);
    assert_eq!((s["delivered"].as_u64(), s["failed"].as_u64(), s["skipped"].as_u64()), (Some(expected.len() as u64), Some(0), Some(0)));
    assert_eq!(s["bytes_sent"], plan["total_bytes"]);
    assert_eq!(s["urls"].as_array().unwrap().len(), expected.len());
    assert_eq!(s["files"].as_array().unwrap().len(), expected.len());
    let elapsed_ms = s["duration_ms"].as_u64().unwrap();
    assert!(progress.len() as u64 <= elapsed_ms / 200 + 3, "{} progress events in {elapsed_ms} ms", progress.len());
    assert!(s["batch_id"].as_str().is_some_and(|b| !b.is_empty()), "recorded in the history: {s:#}");

    // Exactly these keys, with exactly these bytes.
    let got = fs.objects("reports");
    assert_eq!(got.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>());
    for (k, v) in &expected {
        assert!(got[k] == *v, "{k}: bytes differ");
    }
    w.assert_nowhere(S3S_SECRET);
}

#[test]
fn the_preview_lists_keys_and_a_dry_run_sends_nothing() {
    let fs = S3sFs::start();
    let w = world();
    add_s3s(&w, &fs, "Files", "{prefix}{relpath}");
    let src = tempfile::tempdir().unwrap();
    for i in 0..25 {
        write(src.path(), &format!("batch/file-{i:02}.csv"), format!("{i}\n").as_bytes());
    }
    write(src.path(), "batch/Thumbs.db", b"x");
    let batch = src.path().join("batch");
    let folder = batch.to_str().unwrap();

    let r = w.run(&["deliver", "Files", folder, "--dry-run", "--list", "3"], None).ok();
    assert!(r.stdout.contains("Delivering to \"Files\""), "{}", r.stdout);
    assert!(r.stdout.contains("25 files, 65 B"), "{}", r.stdout);
    assert!(r.stdout.contains("incoming/file-00.csv") && r.stdout.contains("incoming/file-02.csv"), "{}", r.stdout);
    assert!(!r.stdout.contains("incoming/file-03.csv"), "only the first 3: {}", r.stdout);
    assert!(r.stdout.contains("… and 22 more (--list all shows every key)"), "{}", r.stdout);
    assert!(r.stdout.contains("Thumbs.db — ignored by `Thumbs.db`"), "{}", r.stdout);
    assert!(r.stdout.contains("If a key exists: never"), "{}", r.stdout);
    assert!(r.stdout.contains("Nothing was sent (dry run)."), "{}", r.stdout);
    let all = w.run(&["deliver", "Files", folder, "--dry-run", "--list", "all"], None).ok();
    assert!(all.stdout.contains("incoming/file-24.csv") && !all.stdout.contains("more (--list"), "{}", all.stdout);

    let r = w.json(&["destination", "deliver", "files", folder, "--dry-run"], None).ok();
    let ls = lines(&r);
    assert_eq!(ls.len(), 1, "a dry run prints the plan only: {}", r.stdout);
    assert_eq!(ls[0]["event"], "plan");
    assert_eq!(ls[0]["dry_run"], true);
    assert_eq!(ls[0]["files_total"], 25);
    assert!(fs.object_paths("reports").is_empty(), "nothing was sent");

    // Without --dry-run: the human summary counts, then the first 20 URLs and a count.
    let r = w.run(&["deliver", "Files", folder], None).ok();
    assert!(r.stdout.contains("Done: 25 delivered, 0 failed"), "{}", r.stdout);
    assert!(r.stdout.contains(&format!("{}/reports/incoming/file-00.csv", fs.endpoint())), "{}", r.stdout);
    assert!(r.stdout.contains("… and 5 more (--json lists them all)"), "{}", r.stdout);
    assert_eq!(fs.object_paths("reports").len(), 25);
    w.assert_nowhere(S3S_SECRET);
}

#[test]
fn collisions_refuse_the_whole_delivery() {
    let fs = S3sFs::start();
    let w = world();
    add_s3s(&w, &fs, "Flat", "{prefix}{name}");
    let src = tempfile::tempdir().unwrap();
    let a = write(src.path(), "a/report.csv", b"1");
    let b = write(src.path(), "b/report.csv", b"2");
    let c = write(src.path(), "c/other.csv", b"3");
    let args = ["deliver", "Flat", a.to_str().unwrap(), b.to_str().unwrap(), c.to_str().unwrap()];

    let r = w.json(&args, None);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    let ls = lines(&r);
    assert_eq!(ls[0]["event"], "plan");
    assert_eq!(ls[0]["collisions"][0]["key"], "incoming/report.csv");
    let e = &ls.last().unwrap()["error"];
    assert_eq!(e["code"], "key_collision", "{e:#}");
    assert!(e["message"].as_str().unwrap().contains("incoming/report.csv"), "{e:#}");
    assert!(e["fix"].as_str().unwrap().contains("key template"), "{e:#}");

    let human = w.run(&args, None);
    assert_eq!(human.code, 2);
    assert!(human.stdout.contains("Collisions (1)"), "{}", human.stdout);
    assert!(human.stdout.contains(&format!("← {}", a.display())), "{}", human.stdout);
    assert!(human.stderr.contains("key template"), "{}", human.stderr);
    let mut dry = args.to_vec();
    dry.push("--dry-run");
    assert_eq!(w.run(&dry, None).code, 2, "a dry run with collisions exits 2 too");
    assert!(fs.object_paths("reports").is_empty(), "nothing was sent");
}

#[test]
fn existing_objects_are_never_overwritten_by_default_or_skipped_on_request() {
    let fs = S3sFs::start();
    let w = world();
    add_s3s(&w, &fs, "Files", "{prefix}{name}");
    let src = tempfile::tempdir().unwrap();
    let same = write(src.path(), "same.txt", b"new bytes");
    let fresh = write(src.path(), "fresh.txt", b"fresh");
    write(fs.root.path(), "reports/incoming/same.txt", b"original");
    let args = ["deliver", "Files", same.to_str().unwrap(), fresh.to_str().unwrap()];

    let r = w.json(&args, None);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let ls = lines(&r);
    let f = file_event(&ls, "incoming/same.txt");
    assert_eq!(f["status"], "failed");
    assert_eq!(f["error"]["code"], "already_exists");
    assert_eq!(file_event(&ls, "incoming/fresh.txt")["status"], "delivered");
    assert_eq!((summary(&ls)["failed"].as_u64(), summary(&ls)["delivered"].as_u64()), (Some(1), Some(1)));
    assert_eq!(std::fs::read(fs.root.path().join("reports/incoming/same.txt")).unwrap(), b"original");

    // The human summary names the file, the error and its fix.
    let r = w.run(&args, None);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("✗ incoming/same.txt"), "{}", r.stdout);
    assert!(r.stdout.contains("[already_exists]") && r.stdout.contains("fix: "), "{}", r.stdout);

    // Skip for this run only: exit 0, skipped, still untouched.
    let r = w.json(&[&args[..], &["--overwrite", "skip"]].concat(), None);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let ls = lines(&r);
    assert_eq!(ls[0]["overwrite"], "skip");
    let s = summary(&ls);
    assert_eq!((s["skipped"].as_u64(), s["failed"].as_u64()), (Some(2), Some(0)), "{s:#}");
    assert_eq!(std::fs::read(fs.root.path().join("reports/incoming/same.txt")).unwrap(), b"original");
    // The stored policy did not change.
    assert_eq!(w.json(&["destination", "show", "Files"], None).ok().json()["overwrite"], "never");

    // Overwrite, also for this run only.
    let r = w.json(&[&args[..], &["--overwrite", "overwrite"]].concat(), None);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(std::fs::read(fs.root.path().join("reports/incoming/same.txt")).unwrap(), b"new bytes");

    // Skip as the destination's own policy.
    w.json(&["destination", "edit", "Files", "--overwrite", "skip"], None).ok();
    let r = w.run(&args, None).ok();
    assert!(r.stdout.contains("2 skipped (already there)"), "{}", r.stdout);
    let bad = w.json(&[&args[..], &["--overwrite", "sometimes"]].concat(), None);
    bad.error(2, "usage");
    w.assert_nowhere(S3S_SECRET);
}

#[test]
fn a_file_that_vanishes_after_planning_fails_alone() {
    let fs = S3sFs::start();
    let w = world();
    add_s3s(&w, &fs, "Files", "{prefix}{relpath}");
    let src = tempfile::tempdir().unwrap();
    let drop = src.path().join("drop");
    // Sent one at a time, in name order: the big first file gives the test
    // time to delete the last one after the plan is printed.
    write(&drop, "a-first.bin", &content(1, 40 * MIB));
    write(&drop, "b-kept.txt", b"kept");
    let gone = write(&drop, "z-gone.txt", b"gone");

    let mut cmd = w.command(&["--json", "deliver", "Files", drop.to_str().unwrap(), "--concurrency", "1"]);
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let plan: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(plan["files_total"], 3, "{plan:#}");
    std::fs::remove_file(&gone).unwrap();
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    let r = Run { code: status.code().unwrap(), stdout: first + &rest, stderr: read_all(child.stderr.take()) };
    let ls = lines(&r);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let f = file_event(&ls, "incoming/z-gone.txt");
    assert_eq!(f["status"], "failed");
    assert_eq!(f["error"]["code"], "source_missing", "{f:#}");
    assert!(!f["error"]["fix"].as_str().unwrap().is_empty());
    let s = summary(&ls);
    assert_eq!((s["delivered"].as_u64(), s["failed"].as_u64()), (Some(2), Some(1)), "{s:#}");
    let mut keys = fs.object_paths("reports");
    keys.sort();
    assert_eq!(keys, ["incoming/a-first.bin", "incoming/b-kept.txt"]);
}

#[cfg(unix)]
fn interrupt(child: &Child) {
    // SAFETY: kill sends a signal to a child this test started and has not reaped.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) }, 0);
}

/// Start `--json deliver`, wait for the first progress event (with bytes
/// sent, if `sent`), then Ctrl-C (`presses` times, 50 ms apart). Returns the
/// run and how long it took after the first press.
#[cfg(unix)]
fn deliver_and_interrupt(w: &World, args: &[&str], presses: usize, sent: bool) -> (Run, Duration) {
    let mut cmd = w.command(args);
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let stderr = child.stderr.take();
    let err_reader = std::thread::spawn(move || read_all(stderr));
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    read_until_sending(&mut out, &mut seen, sent);
    let pressed = Instant::now();
    for _ in 0..presses {
        interrupt(&child);
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    let took = pressed.elapsed();
    let run = Run { code: status.code().expect("exited, not killed"), stdout: seen + &rest, stderr: err_reader.join().unwrap() };
    w.outputs.borrow_mut().push((format!("{args:?} (interrupted)"), format!("{}\n{}", run.stdout, run.stderr)));
    (run, took)
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_a_multipart_upload_cancels_cleanly_and_exits_130() {
    let moto = Moto::start();
    let w = world();
    add_moto(&w, &moto, "Moto");
    let src = tempfile::tempdir().unwrap();
    // One 5 MiB part at a time, 40 parts: the interrupt always lands mid-upload.
    let big = write(src.path(), "big.bin", &content(7, 200 * MIB));
    let args = ["--json", "deliver", "Moto", big.to_str().unwrap(), "--concurrency", "1", "--part-size", "5MiB"];
    let (r, _) = deliver_and_interrupt(&w, &args, 1, true);
    assert_eq!(r.code, 130, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    let ls = lines(&r);
    let s = summary(&ls);
    assert_eq!(s["interrupted"], true, "{s:#}");
    assert_eq!((s["cancelled"].as_u64(), s["delivered"].as_u64()), (Some(1), Some(0)), "{s:#}");
    assert_eq!(file_event(&ls, "incoming/big.bin")["status"], "cancelled");
    assert!(r.stderr.contains("Cancelling"), "{}", r.stderr);
    assert_eq!(moto.multipart_uploads("reports"), 0, "the multipart upload was aborted");
    assert!(moto.keys("reports", "incoming/").is_empty(), "no object was completed");

    w.assert_nowhere(&moto.user("admin").secret_access_key);
}

#[cfg(unix)]
#[test]
fn a_second_ctrl_c_quits_at_once() {
    let moto = Moto::start();
    let w = world();
    add_moto(&w, &moto, "Moto");
    let src = tempfile::tempdir().unwrap();
    // One large single PUT in flight. The first Ctrl-C cancels it (a PUT in
    // flight is cut short, S3 keeps nothing of it) and the second, 50 ms
    // later, stops at once if the first has not finished by then: either
    // way the run ends with 130 within moments, never after the upload.
    let big = write(src.path(), "big.bin", &content(8, 160 * MIB));
    let args = ["--json", "deliver", "Moto", big.to_str().unwrap(), "--multipart-threshold", "1GiB"];
    let (r, took) = deliver_and_interrupt(&w, &args, 2, false);
    assert_eq!(r.code, 130, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("Cancelling"), "{}", r.stderr);
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert!(moto.keys("reports", "incoming/").is_empty(), "nothing was stored");
}

/// GET a URL with a bare HTTP/1.1 request; returns (status, body).
fn http_get(url: &str) -> (u16, Vec<u8>) {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let mut s = std::net::TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("headers end") + 4;
    let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
    let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let mut body = raw[end..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let eol = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let n = usize::from_str_radix(String::from_utf8_lossy(&rest[..eol]).split(';').next().unwrap().trim(), 16).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&rest[eol + 2..eol + 2 + n]);
            rest = &rest[eol + 2 + n + 2..];
        }
        body = out;
    }
    (status, body)
}

#[test]
fn presigned_links_download_the_delivered_bytes() {
    let fs = S3sFs::start();
    let w = world();
    add_s3s(&w, &fs, "Files", "{prefix}{relpath}");
    let src = tempfile::tempdir().unwrap();
    let drop = src.path().join("drop");
    let bytes = content(3, 300_000);
    write(&drop, "data file #1.bin", &bytes);
    write(&drop, "notes.txt", b"notes");

    let r = w.json(&["deliver", "Files", drop.to_str().unwrap(), "--presign", "1h"], None).ok();
    let ls = lines(&r);
    let s = summary(&ls);
    assert_eq!(s["presign_expires_secs"], 3600);
    let links = s["presigned"].as_array().unwrap();
    assert_eq!(links.len(), 2, "{s:#}");
    let link = links.iter().find(|l| l["key"] == "incoming/data file #1.bin").unwrap()["url"].as_str().unwrap().to_string();
    assert_eq!(file_event(&ls, "incoming/data file #1.bin")["presigned_url"], link.as_str());
    assert!(link.contains("X-Amz-Expires=3600") && link.contains("X-Amz-Signature="), "{link}");
    let (status, body) = http_get(&link);
    assert_eq!(status, 200);
    assert!(body == bytes, "the link serves the delivered bytes");
    // Without the signature, the object is not public.
    let (status, _) = http_get(file_event(&ls, "incoming/data file #1.bin")["url"].as_str().unwrap());
    assert!(status >= 400, "{status}");

    // Human output lists the links and how long they last.
    write(&drop, "later.txt", b"later");
    let r = w.run(&["deliver", "Files", drop.join("later.txt").to_str().unwrap(), "--presign", "15m"], None).ok();
    assert!(r.stdout.contains("Download links (valid for 15m):"), "{}", r.stdout);
    assert!(r.stdout.contains("X-Amz-Expires=900"), "{}", r.stdout);
    // At most seven days.
    w.json(&["deliver", "Files", drop.to_str().unwrap(), "--presign", "8d"], None).error(2, "usage");
    w.assert_nowhere(S3S_SECRET);
}

#[test]
fn confirmation_follows_the_terminal_and_the_flags() {
    let fs = S3sFs::start();
    let w = world();
    add_s3s(&w, &fs, "Files", "{prefix}{relpath}");
    let src = tempfile::tempdir().unwrap();
    let f = write(src.path(), "one.txt", b"one");
    let path = f.to_str().unwrap();
    // Without a terminal a script proceeds, though the destination asks for confirmation…
    assert_eq!(w.json(&["destination", "show", "Files"], None).ok().json()["confirm_delivery"], true);
    // …unless --confirm insists on asking.
    let r = w.json(&["deliver", "Files", path, "--confirm"], None);
    assert_eq!(lines(&r).last().unwrap()["error"]["code"], "confirmation_required");
    assert_eq!(r.code, 2);
    assert!(fs.object_paths("reports").is_empty());
    w.json(&["deliver", "Files", path, "--confirm", "--yes"], None).error(2, "usage");
    // Nothing to deliver is invalid input.
    let r = w.json(&["deliver", "Files", src.path().join("missing").to_str().unwrap()], None);
    assert_eq!(r.code, 2);
    assert_eq!(lines(&r).last().unwrap()["error"]["code"], "nothing_to_deliver");
    // A paused destination takes nothing.
    w.json(&["destination", "edit", "Files", "--paused"], None).ok();
    let r = w.json(&["deliver", "Files", path], None);
    assert_eq!(r.code, 2);
    assert_eq!(lines(&r)[0]["error"]["code"], "destination_paused");
    w.json(&["destination", "edit", "Files", "--active"], None).ok();
    w.json(&["deliver", "Files", path], None).ok();
    assert_eq!(fs.object_paths("reports"), ["incoming/one.txt"]);
}

#[cfg(unix)]
#[test]
fn on_a_terminal_the_delivery_is_confirmed_and_progress_is_live() {
    let fs = S3sFs::start();
    let w = world();
    add_s3s(&w, &fs, "Files", "{prefix}{relpath}");
    let src = tempfile::tempdir().unwrap();
    let f = write(src.path(), "big.bin", &content(5, 24 * MIB));
    let path = f.to_str().unwrap();
    let (code, text) = on_terminal(&w, &["deliver", "Files", path], &[("[y/N] ", "n\n", false)]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("Deliver 1 file (24.0 MiB) to Files? [y/N]"), "{text}");
    assert!(text.contains("Nothing was delivered"), "{text}");
    assert!(fs.object_paths("reports").is_empty());
    let (code, text) = on_terminal(&w, &["deliver", "Files", path], &[("[y/N] ", "y\n", false)]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("\r\x1b[2K") && text.contains("1/1 files"), "a live progress line: {text:?}");
    assert!(text.contains("Done: 1 delivered, 0 failed"), "{text}");
    assert_eq!(fs.object_paths("reports"), ["incoming/big.bin"]);
    // --yes does not ask.
    write(src.path(), "next.txt", b"next");
    let (code, text) =
        on_terminal(&w, &["deliver", "Files", src.path().join("next.txt").to_str().unwrap(), "--yes"], &[("Done", "", false)]);
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains("[y/N]"), "{text}");
}

#[test]
fn bandwidth_limits_are_set_obeyed_and_shown_in_the_json_lines() {
    let fs = S3sFs::start();
    let w = world();
    add_s3s(&w, &fs, "Files", "{prefix}{relpath}");
    let src = tempfile::tempdir().unwrap();
    let f = write(src.path(), "six.bin", &content(9, 6 * MIB));
    // The overall limit: kept, shown, refused in the core's words when it is nonsense.
    assert_eq!(w.json(&["settings", "bandwidth-limit", "4MB/s"], None).ok().json()["bandwidth_limit"], 4 * MIB);
    let refused = w.json(&["settings", "bandwidth-limit", "0"], None).error(2, "bandwidth_limit_invalid");
    assert!(refused["fix"].as_str().unwrap().contains("Leave it empty"), "{refused:#}");
    assert_eq!(w.json(&["settings", "bandwidth-limit"], None).ok().json()["bandwidth_limit"], 4 * MIB);
    // This run's own limit is lower: it wins, and every progress line says so.
    let started = Instant::now();
    let r = w.json(&["deliver", "Files", f.to_str().unwrap(), "--bandwidth-limit", "2MB/s"], None);
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    let ls = lines(&r);
    let progress = events(&ls, "progress");
    assert!(!progress.is_empty() && progress.iter().all(|p| p["rate_limit"] == 2 * MIB), "{progress:#?}");
    assert!(secs >= 6.0 / 2.0 * 0.85, "6 MiB at 2 MiB/s took only {secs:.2} s");
    assert_eq!(summary(&ls)["delivered"], 1);
    // A run's limit must be a rate.
    let refused = w.json(&["deliver", "Files", f.to_str().unwrap(), "--bandwidth-limit", "off"], None).error(2, "bandwidth_limit_invalid");
    assert!(refused["fix"].as_str().unwrap().contains("--bandwidth-limit 2MB/s"), "{refused:#}");
}
