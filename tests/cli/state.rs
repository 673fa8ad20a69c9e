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

fn mode(p: &std::path::Path) -> u32 {
    std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(p).unwrap().permissions()) & 0o777
}

/// The history names every delivered path and bucket: the data folder is
/// the user's alone (0700), the database and its WAL 0600, an export too;
/// a folder left open by an older Chute is tightened, and that is said.
#[test]
fn data_at_rest_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let w = World::new("unix:path=/nonexistent");
    let run = w.run(&["destination", "list"], None).ok();
    assert!(!run.stderr.contains("note:"), "nothing to tighten on a new folder: {}", run.stderr);
    let db = w.data.join("chute.db");
    let wal = w.data.join("chute.db-wal");
    assert_eq!(mode(&w.data), 0o700);
    assert_eq!(mode(&db), 0o600);
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600);
    }
    let out = w.home.join("history.csv");
    w.run(&["history", "export", "--output", out.to_str().unwrap()], None).ok();
    assert_eq!(mode(&out), 0o600, "an export is private too");

    // As an older Chute left them: world-readable. The next run tightens
    // them, says so on stderr, and keeps the data.
    let mut args = minio_add("Reports");
    args.push("--no-credentials");
    w.json(&args, None).ok();
    std::fs::set_permissions(&w.data, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let run = w.run(&["destination", "list"], None).ok();
    assert!(run.stdout.contains("Reports"), "{}", run.stdout);
    let notes: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("note: ")).collect();
    assert_eq!(notes.len(), 2, "{}", run.stderr);
    assert!(notes[0].contains("(0755)") && notes[0].contains("made it 0700"), "{notes:?}");
    assert!(notes[1].contains("chute.db") && notes[1].contains("(0644)") && notes[1].contains("made it 0600"), "{notes:?}");
    assert_eq!((mode(&w.data), mode(&db)), (0o700, 0o600));
    let again = w.run(&["destination", "list"], None).ok();
    assert!(!again.stderr.contains("note:"), "said once: {}", again.stderr);
}
