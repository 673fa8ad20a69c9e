//! The keychain and the database: no Secret Service, a keychain gone
//! between saving and delivering, a locked keychain, a database from a
//! newer Chute.

use super::support::keychain::{Bus, Keyring};
use super::support::world::*;

fn assert_keychain_unavailable(w: &World) {
    let mut args = minio_add("Reports");
    args.extend(["--access-key-id", KEY_ID, "--secret-stdin"]);
    let e = w.json(&args, Some(SECRET)).error(1, "keychain_unavailable");
    let fix = e["fix"].as_str().unwrap();
    assert!(fix.contains("Secret Service provider") && fix.contains("gnome-keyring"), "{fix}");
    assert!(fix.contains("Install and start"), "{fix}");
    let human = w.run(&args, Some(SECRET));
    assert_eq!(human.code, 1);
    assert!(human.stderr.contains("Install and start a Secret Service provider"), "{}", human.stderr);
    // Nothing saved: the keychain goes first.
    assert!(w.list().is_empty());
    // Commands that do not need the keychain still work.
    let mut args = minio_add("Anonymous");
    args.push("--no-credentials");
    w.json(&args, None).ok();
    assert_eq!(w.list().len(), 1);
    w.assert_nowhere(SECRET);
}

#[test]
fn no_secret_service_is_explained() {
    // No bus at all.
    let dir = tempfile::tempdir().unwrap();
    let missing = format!("unix:path={}", dir.path().join("no-such-bus").display());
    assert_keychain_unavailable(&World::new(&missing));
    // A bus without a Secret Service on it.
    let bus = Bus::start();
    assert_keychain_unavailable(&World::new(&bus.address));
}

/// One vocabulary across processes: with the keychain gone (its daemon and
/// bus), `destination test` and `deliver` name the failure with one code and
/// one fix (tests/one_vocabulary.rs holds the other failures to the same).
#[test]
fn a_vanished_keychain_reads_the_same_in_the_test_and_the_delivery() {
    let k = Keyring::start();
    let w = World::with_keyring(&k);
    let mut args = minio_add("Reports");
    args.extend(["--access-key-id", KEY_ID, "--secret-stdin"]);
    w.json(&args, Some(SECRET)).ok();
    drop(k);
    let report = w.json(&["destination", "test", "Reports"], None).json();
    let findings = report["findings"].as_array().unwrap_or_else(|| panic!("not a report: {report:#}"));
    let tested = findings.iter().find(|f| f["code"] == "keychain_unavailable").unwrap_or_else(|| panic!("{report:#}"));
    let src = tempfile::tempdir().unwrap();
    let file = src.path().join("report.csv");
    std::fs::write(&file, b"day,count\n").unwrap();
    let run = w.json(&["deliver", "Reports", file.to_str().unwrap(), "--yes"], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // JSON lines: the plan, then the refusal.
    let last: serde_json::Value = serde_json::from_str(run.stdout.lines().last().unwrap_or_default()).unwrap();
    let delivered = &last["error"];
    assert_eq!(delivered["code"], "keychain_unavailable", "{last:#}");
    assert_eq!(delivered["fix"], tested["fix"], "one fix for one failure");
    assert!(delivered["fix"].as_str().unwrap().contains("Secret Service"), "{delivered:#}");
}

#[test]
fn locked_keychain_is_explained() {
    let k = Keyring::start();
    let w = World::with_keyring(&k);
    k.lock();
    let mut args = minio_add("Reports");
    args.extend(["--access-key-id", KEY_ID, "--secret-stdin"]);
    let e = w.json(&args, Some(SECRET)).error(1, "keychain_locked");
    assert!(e["fix"].as_str().unwrap().contains("Unlock"), "{e}");
    assert_eq!(e["field"], "credentials");
    assert!(w.list().is_empty());
    assert_eq!(items(&k), 0);
    w.assert_nowhere(SECRET);
}

#[test]
fn a_database_from_a_newer_chute_is_refused_and_left_untouched() {
    let k = Keyring::start();
    let w = World::with_keyring(&k);
    let mut args = minio_add("Reports");
    args.push("--no-credentials");
    w.json(&args, None).ok();
    let db = w.data.join("chute.db");
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.pragma_update(None, "user_version", 999).unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let version: i64 = rusqlite::Connection::open(&db).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, 999);
    assert_eq!(std::fs::read(&db).unwrap(), before);

    let mut with_keys = minio_add("Other");
    with_keys.extend(["--access-key-id", KEY_ID, "--secret-stdin"]);
    let commands: Vec<(Vec<&str>, Option<&str>)> = vec![
        (vec!["destination", "list"], None),
        (vec!["destination", "show", "Reports"], None),
        (with_keys, Some(SECRET)),
        (vec!["destination", "edit", "Reports", "--bucket", "other"], None),
        (vec!["destination", "remove", "Reports", "--yes"], None),
        (vec!["destination", "duplicate", "Reports"], None),
        (vec!["destination", "import", "--from", "aws", "--list"], None),
    ];
    for (args, stdin) in &commands {
        let e = w.json(args, *stdin).error(1, "database_too_new");
        assert!(e["message"].as_str().unwrap().contains("999"), "{e}");
        assert!(e["fix"].as_str().unwrap().contains("Update Chute"), "{e}");
        let human = w.run(args, *stdin);
        assert_eq!(human.code, 1);
        assert!(human.stderr.starts_with("error: database "), "{}", human.stderr);
    }
    assert_eq!(std::fs::read(&db).unwrap(), before, "the newer database was modified");
    assert_eq!(items(&k), 0);
    w.assert_nowhere(SECRET);
}
