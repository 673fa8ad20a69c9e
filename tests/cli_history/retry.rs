//! Retrying a finished batch from the history (refused with the way
//! forward when it would meet the same objects), deleting entries, and how
//! many days of history are kept.

use serde_json::Value;

use crate::support::content::write;
use crate::support::servers::{S3sFs, S3S_SECRET};
use crate::support::world::*;

#[test]
fn retry_from_the_history_then_delete_entries_and_keep_n_days() {
    let fs = S3sFs::start();
    let w = world();
    add_s3s(&w, &fs, "Files", "{prefix}{relpath}");
    let src = tempfile::tempdir().unwrap();
    let taken = write(src.path(), "taken.txt", b"new bytes");
    let fresh = write(src.path(), "fresh.txt", b"fresh");
    write(fs.root.path(), "reports/incoming/taken.txt", b"original");
    let r = w.json(&["deliver", "Files", taken.to_str().unwrap(), fresh.to_str().unwrap()], None);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let id = w.json(&["history", "list"], None).ok().json()[0]["id"].as_str().unwrap().to_string();

    // Retrying as is would meet the object again: refused with the way
    // forward, and nothing is recorded.
    let refused = w.json(&["history", "retry", &id], None).error(1, "only_existing_left");
    assert!(refused.to_string().contains("overwrite"), "{refused}");
    // With the overwrite asked for, it lands; the other file is not sent again.
    let r = w.json(&["history", "retry", &id, "--overwrite", "overwrite", "--presign", "1h"], None);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let summary = lines(&r).into_iter().find(|l| l["event"] == "summary").unwrap();
    assert_eq!((summary["delivered"].as_u64(), summary["failed"].as_u64()), (Some(1), Some(0)), "{summary:#}");
    // The same runner as deliver: a presigned link when asked.
    assert_eq!(summary["presigned"][0]["key"], "incoming/taken.txt", "{summary:#}");
    assert!(summary["presigned"][0]["url"].as_str().is_some_and(|u| u.contains("X-Amz-Expires=3600")), "{summary:#}");
    assert_eq!(std::fs::read(fs.root.path().join("reports/incoming/taken.txt")).unwrap(), b"new bytes");
    let list = w.json(&["history", "list"], None).ok().json();
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{list:#}");
    assert_eq!((rows[0]["origin"].as_str(), rows[0]["parent_id"].as_str()), (Some("retry"), Some(id.as_str())), "{list:#}");
    // Nothing failed in the last one: nothing to retry; --all re-delivers it.
    let last = rows[0]["id"].as_str().unwrap().to_string();
    w.json(&["history", "retry", &last], None).error(1, "nothing_to_retry");
    let r = w.json(&["history", "retry", &id, "--all", "--dry-run"], None).ok();
    assert_eq!(lines(&r)[0]["files"].as_array().map(|f| f.len()), Some(2));
    w.json(&["history", "retry", "no-such-batch"], None).error(1, "batch_not_found");

    // Delete: the entry goes, the objects stay; an unknown id is reported.
    let r = w.json(&["history", "delete", &last, "no-such-batch", "--yes"], None);
    assert_eq!(r.code, 1);
    let v = r.json();
    assert_eq!(v["deleted"], 1, "{v:#}");
    assert_eq!(v["kept"][0]["reason"], "not_found");
    assert_eq!(w.json(&["history", "list"], None).ok().json().as_array().unwrap().len(), 1);
    assert!(fs.root.path().join("reports/incoming/taken.txt").exists());

    // Retention: off by default, set, shown, refused when out of range.
    assert_eq!(w.json(&["history", "retention"], None).ok().json()["keep_days"], Value::Null);
    let v = w.json(&["history", "retention", "30"], None).ok().json();
    assert_eq!((v["keep_days"].as_u64(), v["removed"].as_u64()), (Some(30), Some(0)), "{v:#}");
    let text = w.run(&["history", "retention"], None).ok().stdout;
    assert!(text.contains("30 days"), "{text}");
    w.json(&["history", "retention", "0"], None).error(2, "usage");
    w.json(&["history", "retention", "soon"], None).error(2, "usage");
    let db = rusqlite::Connection::open(w.data.join("chute.db")).unwrap();
    db.execute("UPDATE batches SET started_at = started_at - 31 * 86400000 WHERE id = ?1", [&id]).unwrap();
    let v = w.json(&["history", "retention", "30"], None).ok().json();
    assert_eq!(v["removed"], 1, "the 31-day-old batch goes: {v:#}");
    assert_eq!(w.json(&["history", "retention", "off"], None).ok().json()["keep_days"], Value::Null);
    w.assert_nowhere(S3S_SECRET);
}
