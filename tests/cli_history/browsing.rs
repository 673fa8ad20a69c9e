//! Listing, showing, filtering and exporting batches: a partial batch, and
//! one with what was given, what was left out and what was refused.

use crate::support::content::write;
use crate::support::servers::{S3sFs, S3S_SECRET};
use crate::support::world::*;

/// A tiny RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(!quoted && field.is_empty() && row.is_empty(), "the CSV ends mid-record");
    rows
}

/// CSV rows as maps from the header's names.
fn records(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let rows = parse_csv(text);
    let header = &rows[0];
    rows[1..]
        .iter()
        .map(|r| {
            assert_eq!(r.len(), header.len(), "{r:?}");
            header.iter().cloned().zip(r.iter().cloned()).collect()
        })
        .collect()
}

fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    // Via `date`, so the test does not share the binary's own arithmetic.
    let out = std::process::Command::new("date").args(["-u", "-d", &format!("@{secs}"), "+%Y-%m-%d"]).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn a_partial_batch_is_listed_shown_filtered_and_exported() {
    let fs = S3sFs::start();
    let w = world();
    add_s3s(&w, &fs, "Files", "{prefix}{name}");
    let src = tempfile::tempdir().unwrap();
    let same = write(src.path(), "same.txt", b"new bytes");
    let odd = write(src.path(), "we,\"quoted\".txt", b"odd name");
    let fresh = write(src.path(), "fresh.txt", b"fresh");
    write(fs.root.path(), "reports/incoming/same.txt", b"original");
    let r = w.json(&["deliver", "Files", same.to_str().unwrap(), odd.to_str().unwrap(), fresh.to_str().unwrap()], None);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);

    let list = w.json(&["history", "list"], None).ok().json();
    let batches = list.as_array().unwrap();
    assert_eq!(batches.len(), 1, "{list:#}");
    let b = &batches[0];
    assert_eq!((b["state"].as_str(), b["outcome"].as_str()), (Some("finished"), Some("partial")), "{b:#}");
    assert_eq!((b["files_total"].as_u64(), b["delivered"].as_u64(), b["failed"].as_u64()), (Some(3), Some(2), Some(1)), "{b:#}");
    assert_eq!((b["destination_name"].as_str(), b["origin"].as_str()), (Some("Files"), Some("cli")));
    let id = b["id"].as_str().unwrap().to_string();

    // List filters.
    let count = |args: &[&str]| w.json(&[&["history", "list"], args].concat(), None).ok().json().as_array().unwrap().len();
    assert_eq!(count(&["--status", "partial"]), 1);
    assert_eq!(count(&["--status", "finished"]), 1);
    assert_eq!(count(&["--status", "failed"]), 0);
    assert_eq!(count(&["--status", "interrupted"]), 0);
    assert_eq!(count(&["--destination", "files"]), 1);
    assert_eq!(count(&["--search", "quoted"]), 1);
    assert_eq!(count(&["--search", "nothing-like-it"]), 0);
    assert_eq!(count(&["--since", &today()]), 1);
    assert_eq!(count(&["--until", &today()]), 1);
    assert_eq!(count(&["--until", "2000-01-01"]), 0);
    assert_eq!(count(&["--offset", "1"]), 0);
    w.json(&["history", "list", "--since", "yesterday"], None).error(2, "usage");
    w.json(&["history", "list", "--status", "odd"], None).error(2, "usage");

    // Show, with file filters.
    let show = w.json(&["history", "show", &id], None).ok().json();
    assert_eq!(show["batch"]["id"], id.as_str());
    assert_eq!(show["files"].as_array().unwrap().len(), 3, "{show:#}");
    let failed = w.json(&["history", "show", &id, "--status", "failed"], None).ok().json();
    let ff = failed["files"].as_array().unwrap();
    assert_eq!(ff.len(), 1, "{failed:#}");
    assert_eq!(ff[0]["key"], "incoming/same.txt");
    assert_eq!(ff[0]["error_code"], "already_exists");
    assert!(ff[0]["error_fix"].as_str().is_some_and(|f| !f.is_empty()), "{failed:#}");
    assert!(ff[0]["attempts"].as_i64().unwrap() >= 1);
    let found = w.json(&["history", "show", &id, "--search", "quoted"], None).ok().json();
    let keys: Vec<&str> = found["files"].as_array().unwrap().iter().map(|f| f["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["incoming/we,\"quoted\".txt"]);
    w.json(&["history", "show", "no-such-batch"], None).error(1, "batch_not_found");

    // For people.
    let text = w.run(&["history", "list"], None).ok().stdout;
    assert!(text.contains("Files") && text.contains("partial") && text.contains(&id), "{text}");
    let text = w.run(&["history", "show", &id], None).ok().stdout;
    assert!(text.contains("[already_exists]") && text.contains("fix: ") && text.contains("incoming/fresh.txt"), "{text}");

    // Export: batches to stdout, files to a file; quoting round-trips.
    let csv = w.run(&["history", "export", "--output", "-"], None).ok().stdout;
    let rs = records(&csv);
    assert_eq!(rs.len(), 1, "{csv}");
    assert_eq!((rs[0]["batch_id"].as_str(), rs[0]["outcome"].as_str(), rs[0]["failed"].as_str()), (id.as_str(), "partial", "1"));
    let out = src.path().join("files.csv");
    let r = w.json(&["history", "export", "--files", "--output", out.to_str().unwrap()], None).ok().json();
    assert_eq!(r["exported"]["rows"], 3, "{r:#}");
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.contains(",\"incoming/we,\"\"quoted\"\".txt\","), "{csv}");
    let rs = records(&csv);
    assert_eq!(rs.len(), 3);
    let odd_row = rs.iter().find(|r| r["relpath"] == "we,\"quoted\".txt").expect("the odd name's row");
    assert_eq!((odd_row["key"].as_str(), odd_row["status"].as_str()), ("incoming/we,\"quoted\".txt", "delivered"));
    let bad = rs.iter().find(|r| r["status"] == "failed").unwrap();
    assert_eq!(bad["error_code"], "already_exists");
    let none = w.run(&["history", "export", "--status", "interrupted", "--output", "-"], None).ok().stdout;
    assert_eq!(records(&none).len(), 0);

    // Only interrupted batches resume or discard.
    w.json(&["history", "discard", &id, "--yes"], None).error(2, "batch_not_interrupted");
    w.run(&["--json", "history", "resume", &id], None).error(2, "batch_not_interrupted");
    w.assert_nowhere(S3S_SECRET);
}

#[test]
fn a_batch_shows_what_was_given_left_out_and_refused() {
    let fs = S3sFs::start();
    let w = world();
    add_s3s(&w, &fs, "Files", "{prefix}{relpath}");
    let src = tempfile::tempdir().unwrap();
    let folder = src.path().join("drop");
    write(&folder, "a.txt", b"a");
    write(&folder, ".DS_Store", b"finder");
    let bell = write(&folder, "bell\u{7}.txt", b"no key carries this name");
    let single = write(src.path(), "extra.csv", b"x,y\n");
    let missing = src.path().join("gone.csv");
    let given = [folder.to_str().unwrap(), single.to_str().unwrap(), missing.to_str().unwrap()];
    let r = w.json(&[&["deliver", "Files"], &given[..]].concat(), None);
    assert_eq!(r.code, 1, "two paths were refused: {}\n{}", r.stdout, r.stderr);
    let id = w.json(&["history", "list"], None).ok().json()[0]["id"].as_str().unwrap().to_string();

    let show = w.json(&["history", "show", &id], None).ok().json();
    let b = &show["batch"];
    assert_eq!(
        (b["outcome"].as_str(), b["files_total"].as_u64(), b["delivered"].as_u64(), b["refused"].as_u64(), b["excluded"].as_u64()),
        (Some("partial"), Some(4), Some(2), Some(2), Some(1)),
        "{b:#}"
    );
    let sources: Vec<(&str, &str, u64)> = show["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["path"].as_str().unwrap(), s["kind"].as_str().unwrap(), s["files"].as_u64().unwrap()))
        .collect();
    assert_eq!(sources, [(given[0], "folder", 1), (given[1], "file", 1), (given[2], "missing", 0)]);
    let excluded = show["excluded"].as_array().unwrap();
    assert_eq!(excluded.len(), 1, "{show:#}");
    assert_eq!(
        (excluded[0]["path"].as_str(), excluded[0]["reason"].as_str()),
        (folder.join(".DS_Store").to_str(), Some("ignored by `.DS_Store`"))
    );
    let refused = w.json(&["history", "show", &id, "--status", "refused"], None).ok().json();
    let rf: Vec<(&str, &str)> =
        refused["files"].as_array().unwrap().iter().map(|f| (f["source"].as_str().unwrap(), f["error_code"].as_str().unwrap())).collect();
    assert_eq!(rf, [(bell.to_str().unwrap(), "key_control_chars"), (given[2], "not_found")]);

    // For people: where the files came from, what was left out and why, each refusal with its fix;
    // the control character in the refused name is shown escaped, never sent to the terminal.
    let text = w.run(&["history", "show", &id], None).ok().stdout;
    for expected in [
        &format!("Given:       {} (folder, 1 file)", given[0]) as &str,
        &format!("{} (file)", given[1]),
        &format!("{} (not found)", given[2]),
        "Left out:    1 path",
        ".DS_Store: ignored by `.DS_Store`",
        "2 delivered, 0 skipped, 0 failed, 0 cancelled, 2 refused before sending, 4 total",
        "(refused) bell\\u{7}.txt",
        "bell\\u{7}.txt (refused before sending)",
        "[key_control_chars]",
        "[not_found]",
    ] {
        assert!(text.contains(expected), "{expected:?} is not in:\n{text}");
    }
    assert!(!text.contains('\u{7}'), "a control character reached the terminal:\n{text}");
    let list = w.run(&["history", "list"], None).ok().stdout;
    assert!(list.contains(" 2/2/4 "), "refused files count as not delivered: {list}");

    // Nothing can be retried as it is; re-delivering sends only what had a key.
    let e = w.json(&["history", "retry", &id], None).error(1, "only_refused_left");
    assert!(e["message"].as_str().unwrap().contains("were refused before sending"), "{e:#}");
    let r = w.json(&["history", "retry", &id, "--all", "--dry-run"], None).ok();
    assert_eq!(lines(&r)[0]["files"].as_array().map(|f| f.len()), Some(2));

    // The exports keep it: per batch its counts and sources, per file the refusals with their reason.
    let rs = records(&w.run(&["history", "export", "--output", "-"], None).ok().stdout);
    assert_eq!((rs[0]["refused"].as_str(), rs[0]["excluded"].as_str()), ("2", "1"));
    assert_eq!(rs[0]["sources"].split('\n').collect::<Vec<_>>(), given);
    let files = records(&w.run(&["history", "export", "--files", "--output", "-"], None).ok().stdout);
    let gone = files.iter().find(|f| f["source"] == given[2]).expect("the missing path's row");
    assert_eq!((gone["status"].as_str(), gone["error_code"].as_str(), gone["key"].as_str()), ("refused", "not_found", ""));

    // A batch from before sources were recorded says so, and makes nothing up.
    let db = rusqlite::Connection::open(w.data.join("chute.db")).unwrap();
    db.execute("DELETE FROM batch_sources", []).unwrap();
    db.execute("UPDATE batches SET inputs_recorded = 0", []).unwrap();
    let text = w.run(&["history", "show", &id], None).ok().stdout;
    assert!(text.contains("Given:       not recorded") && !text.contains("Left out:"), "{text}");
    w.assert_nowhere(S3S_SECRET);
}
