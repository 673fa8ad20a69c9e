//! Destinations from the command line: add, list, show, edit, duplicate and
//! remove, the secret kept in the keychain only, never an argument, and
//! asked for hidden on a terminal.

use serde_json::Value;

use super::support::keychain::Keyring;
#[cfg(unix)]
use super::support::pty::on_terminal;
use super::support::world::*;

#[test]
fn add_list_show_keep_the_secret_in_the_keychain_only() {
    let k = Keyring::start();
    let w = World::with_keyring(&k);

    let mut args = minio_add("Reports");
    args.extend(["--access-key-id", KEY_ID, "--secret-stdin", "--meta", "team=data", "--tag", "env=prod"]);
    let saved = w.json(&args, Some(&format!("{SECRET}\n"))).ok().json();
    let d = &saved["destination"];
    let id = d["id"].as_str().unwrap().to_string();
    assert_eq!(d["name"], "Reports");
    assert_eq!(d["provider"], "minio");
    assert_eq!(d["path_style"], true, "MinIO's preset turns on path-style addressing");
    assert_eq!(d["region"], "us-east-1", "the preset's default region is filled in");
    assert_eq!(d["metadata"]["team"], "data");
    assert_eq!(d["tags"]["env"], "prod");
    assert_eq!(saved["warnings"], Value::Array(vec![]));

    let list = w.list();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["bucket"], "reports");

    // By name (any case), by id, and with the `dest` alias and the flag after the subcommand.
    for target in ["Reports", "reports", id.as_str()] {
        let shown = w.run(&["dest", "show", target, "--json"], None).ok().json();
        assert_eq!(shown["id"], id.as_str());
        assert_eq!(shown["credentials"]["kind"], "keychain");
        assert_eq!(shown["credentials"]["key_id_hint"], "AKIA…MPLE");
        assert_eq!(shown["effective_endpoint"], "http://127.0.0.1:9000");
    }
    let human = w.run(&["destination", "show", "Reports"], None).ok();
    assert!(human.stdout.contains("keychain (AKIA…MPLE)"), "{}", human.stdout);
    assert!(human.stdout.lines().any(|l| l.starts_with("Bucket:") && l.ends_with(" reports")), "{}", human.stdout);
    let table = w.run(&["destination", "list"], None).ok();
    assert!(table.stdout.lines().next().unwrap().starts_with("NAME"), "{}", table.stdout);
    assert!(table.stdout.lines().any(|l| l.starts_with("Reports ") && l.contains("keychain (AKIA…MPLE)")), "{}", table.stdout);

    // The secret went to the keychain (trailing newline trimmed) …
    let stored = item(&k, &id).expect("keychain item");
    let blob: Value = serde_json::from_str(stored.trim()).expect("keychain item is Chute's JSON blob");
    assert_eq!(blob["secret_access_key"], SECRET);
    assert_eq!(blob["access_key_id"], KEY_ID);
    // … and nowhere else: not in the database, its WAL, nor any output; not even the full key id.
    w.assert_nowhere(SECRET);
    w.assert_nowhere(KEY_ID);
}

#[test]
fn the_secret_is_never_an_argument() {
    let k = Keyring::start();
    let w = World::with_keyring(&k);
    // There is no flag that takes a secret.
    let mut args = minio_add("Reports");
    args.extend(["--access-key-id", KEY_ID, "--secret-access-key", SECRET]);
    let r = w.json(&args, None);
    let e = r.error(2, "usage");
    assert!(e["message"].as_str().unwrap().contains("--secret-access-key"), "{e}");
    // Without --secret-stdin and without a terminal: say how to pipe it.
    let mut args = minio_add("Reports");
    args.extend(["--access-key-id", KEY_ID]);
    let e = w.json(&args, None).error(2, "secret_needs_stdin");
    assert!(e["fix"].as_str().unwrap().contains("--secret-stdin"), "{e}");
    let human = w.run(&args, None);
    assert_eq!(human.code, 2);
    assert!(
        human.stderr.starts_with("error: ") && human.stderr.contains("\n  fix: ") && human.stderr.contains("--secret-stdin"),
        "{}",
        human.stderr
    );
    assert!(human.stdout.is_empty());
    // A usage error without --json is clap's, exit 2.
    let r = w.run(&["destination", "add", "--name", "x"], None);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(w.list().is_empty());
    assert_eq!(items(&k), 0);
    // The secret passed as an (unknown) argument above is not echoed back either.
    w.assert_nowhere(SECRET);
}

#[test]
fn edit_duplicate_and_remove() {
    let k = Keyring::start();
    let w = World::with_keyring(&k);
    let mut args = minio_add("Reports");
    args.extend(["--access-key-id", KEY_ID, "--secret-stdin"]);
    let id = w.json(&args, Some(SECRET)).ok().json()["destination"]["id"].as_str().unwrap().to_string();
    let created = w.json(&["destination", "show", &id], None).ok().json();

    // Change the bucket; everything else, the secret included, stays.
    let edited = w.json(&["destination", "edit", "reports", "--bucket", "reports-2024"], None).ok().json();
    let d = &edited["destination"];
    assert_eq!(d["id"], id.as_str());
    assert_eq!(d["bucket"], "reports-2024");
    for field in ["name", "provider", "endpoint", "prefix", "region", "path_style", "key_template", "credentials", "created_at"] {
        assert_eq!(d[field], created[field], "{field} changed");
    }
    assert!(item(&k, &id).unwrap().contains(SECRET), "the secret is kept");

    // Pause, then resume.
    let paused = w.json(&["destination", "edit", &id, "--paused"], None).ok().json();
    assert_eq!(paused["destination"]["active"], false);
    assert!(w.run(&["destination", "show", &id], None).ok().stdout.contains("paused"));
    let active = w.json(&["destination", "edit", &id, "--active"], None).ok().json();
    assert_eq!(active["destination"]["active"], true);

    // An invalid edit changes nothing.
    let e = w.json(&["destination", "edit", &id, "--bucket", "Reports_2024"], None).error(2, "invalid_destination");
    assert!(e["problems"].as_array().unwrap().iter().any(|p| p["code"] == "bucket_uppercase"), "{e}");
    assert_eq!(w.json(&["destination", "show", &id], None).ok().json()["bucket"], "reports-2024");

    // Duplicate: a new id, "<name> copy", its own keychain item with the same secret.
    let dup = w.json(&["destination", "duplicate", "Reports"], None).ok().json();
    let dup_id = dup["destination"]["id"].as_str().unwrap().to_string();
    assert_ne!(dup_id, id);
    assert_eq!(dup["destination"]["name"], "Reports copy");
    assert_eq!(dup["destination"]["bucket"], "reports-2024");
    assert!(item(&k, &dup_id).unwrap().contains(SECRET));
    let dup2 = w.run(&["destination", "duplicate", "Reports"], None).ok();
    assert!(dup2.stdout.contains("\"Reports copy 2\""), "{}", dup2.stdout);
    assert_eq!(w.list().len(), 3);

    // Replace the key of the copy: only the copy's item changes.
    let new_secret = "n3wS3cretForTheCopy/abcdefghijklmnopqrstu";
    let r = w
        .json(&["destination", "edit", "reports copy", "--access-key-id", "AKIANEWKEYID00000000", "--secret-stdin"], Some(new_secret))
        .ok()
        .json();
    assert_eq!(r["destination"]["credentials"]["key_id_hint"], "AKIA…0000");
    assert!(item(&k, &dup_id).unwrap().contains(new_secret));
    assert!(item(&k, &id).unwrap().contains(SECRET));

    // Switch the copy to no credentials: its keychain item goes.
    let r = w.json(&["destination", "edit", &dup_id, "--no-credentials"], None).ok().json();
    assert_eq!(r["destination"]["credentials"]["kind"], "none");
    assert!(r["warnings"].as_array().unwrap().iter().any(|p| p["code"] == "no_credentials"));
    assert!(item(&k, &dup_id).is_none());

    // Remove without --yes and without a terminal: refused, nothing removed.
    let e = w.json(&["destination", "remove", "Reports"], None).error(2, "confirmation_required");
    assert!(e["fix"].as_str().unwrap().contains("--yes"));
    assert!(item(&k, &id).is_some());
    assert_eq!(w.list().len(), 3);

    // Remove --yes: the destination and its keychain item are gone.
    let r = w.json(&["destination", "remove", "Reports", "--yes"], None).ok().json();
    assert_eq!(r["removed"]["id"], id.as_str());
    assert!(item(&k, &id).is_none(), "keychain item removed");
    let names: Vec<String> = w.list().iter().map(|d| d["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, ["Reports copy", "Reports copy 2"]);

    // Unknown names fail with exit 1.
    let e = w.json(&["destination", "show", "Reports"], None).error(1, "destination_not_found");
    assert!(e["message"].as_str().unwrap().contains("Reports"));
    w.json(&["destination", "remove", "nope", "--yes"], None).error(1, "destination_not_found");
    w.json(&["destination", "edit", "nope", "--bucket", "x-y-z"], None).error(1, "destination_not_found");

    w.assert_nowhere(SECRET);
    w.assert_nowhere(new_secret);
}

#[cfg(unix)]
#[test]
fn on_a_terminal_the_secret_is_asked_for_hidden_and_removal_is_confirmed() {
    let k = Keyring::start();
    let w = World::with_keyring(&k);
    let typed = "Typed0Secret/at-the-hidden-prompt";
    let mut args = minio_add("Prompted");
    args.extend(["--access-key-id", KEY_ID]);
    let (code, text) = on_terminal(&w, &args, &[("Secret access key for AKIA…MPLE: ", &format!("{typed}\n"), true)]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("Added \"Prompted\""), "{text}");
    let d = w.json(&["destination", "show", "Prompted"], None).ok().json();
    let id = d["id"].as_str().unwrap().to_string();
    let blob: Value = serde_json::from_str(item(&k, &id).expect("keychain item").trim()).unwrap();
    assert_eq!(blob["secret_access_key"], typed, "the typed secret, without its newline");

    // Removal asks first; anything but yes keeps the destination.
    let (code, text) = on_terminal(&w, &["destination", "remove", "Prompted"], &[("[y/N] ", "n\n", false)]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("Remove destination \"Prompted\" and its keychain item?"), "{text}");
    assert!(text.contains("was not removed"), "{text}");
    assert!(item(&k, &id).is_some());
    let (code, text) = on_terminal(&w, &["destination", "remove", "prompted"], &[("[y/N] ", "y\n", false)]);
    assert_eq!(code, 0, "{text}");
    assert!(item(&k, &id).is_none());
    assert!(w.list().is_empty());
    // Never echoed, never stored anywhere but the keychain.
    w.assert_nowhere(typed);
}

#[test]
fn uploads_left_open_under_the_prefix_are_listed_and_aborted_by_age() {
    let moto = super::support::servers::Moto::start();
    let w = world();
    add_moto(&w, &moto, "Archive");
    let mine = moto.open_upload("reports", "incoming/big.bin", 5 * 1024 * 1024);
    moto.open_upload("reports", "other/not-mine.bin", 1024);

    let listed = w.json(&["destination", "uploads", "Archive"], None).ok().json();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 1, "only the destination's prefix: {listed:#?}");
    assert_eq!((listed[0]["key"].as_str(), listed[0]["upload_id"].as_str()), (Some("incoming/big.bin"), Some(mine.as_str())));
    // moto answers ListParts with a root element the SDK does not accept
    // (`ListPartsResponse`), so the sizes are unknown here: said as such, not as zero.
    assert_eq!((listed[0]["parts"].clone(), listed[0]["bytes"].clone()), (Value::Null, Value::Null));
    let text = w.run(&["destination", "uploads", "Archive"], None).ok().stdout;
    assert!(text.contains("incoming/big.bin") && text.contains("1 upload open") && text.contains("abort-uploads"), "{text}");

    // Not old enough: nothing aborted (moto dates every upload 2010-11-10, so "older than" is
    // measured against that: 200,000 hours is about 23 years). Then every one, whatever its age.
    assert!(listed[0]["initiated_at"].as_i64().is_some(), "its start is listed");
    let none = w.json(&["destination", "abort-uploads", "Archive", "--older-than", "200000", "--yes"], None).ok().json();
    assert_eq!(none["aborted"], serde_json::json!([]));
    assert_eq!(moto.multipart_uploads("reports"), 2);
    let all = w.json(&["destination", "abort-uploads", "Archive", "--older-than", "0", "--yes"], None).ok().json();
    assert_eq!(all["aborted"][0]["key"], "incoming/big.bin");
    assert_eq!(moto.multipart_uploads("reports"), 1, "the upload outside the prefix is left alone");
    w.json(&["destination", "abort-uploads", "Archive", "--key", "incoming/big.bin", "--upload-id", &mine, "--yes"], None)
        .error(1, "not_found");
}
