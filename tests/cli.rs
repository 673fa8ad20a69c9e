//! The `chute` binary against real parts: a real gnome-keyring Secret
//! Service on a private D-Bus session, a real SQLite database in a temp
//! folder, real AWS and rclone config files. No mocks. The connection test
//! commands are in cli_probe.rs.

mod support;

use std::process::{Command, Stdio};

use serde_json::Value;
use support::content::bytes_found_under;
use support::keychain::{Bus, Keyring};
#[cfg(unix)]
use support::pty::on_terminal;
use support::world::*;

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

enum Creds {
    Keys { id: &'static str, secret: &'static str },
    Profile(&'static str),
}

struct Bad {
    set: Vec<(&'static str, Option<String>)>,
    extra: Vec<String>,
    creds: Creds,
    code: &'static str,
    fragment: String,
}

fn bad(set: &[(&'static str, Option<&str>)], code: &'static str, fragment: &str) -> Bad {
    Bad {
        set: set.iter().map(|(k, v)| (*k, v.map(str::to_string))).collect(),
        extra: vec![],
        creds: Creds::Keys { id: KEY_ID, secret: SECRET },
        code,
        fragment: fragment.to_string(),
    }
}

fn bad_inputs() -> Vec<Bad> {
    const ACCOUNT: &str = "0123456789abcdef0123456789abcdef";
    let custom = |endpoint: &'static str| [("--provider", Some("custom")), ("--endpoint", Some(endpoint))];
    let eleven_tags: Vec<String> = (1..=11).flat_map(|i| ["--tag".to_string(), format!("k{i}=v{i}")]).collect();
    let mut rows = vec![
        bad(&[("--name", Some(""))], "name_empty", "The name is empty."),
        bad(&[("--name", Some("REPORTS"))], "name_duplicate", "Another destination is already called \"REPORTS\"."),
        bad(&[("--name", Some("Tab\there"))], "name_control_chars", "control characters"),
        bad(&[("--name", Some(&"n".repeat(81)))], "name_too_long", "longer than 80 characters"),
        bad(&[("--bucket", Some("Reports-Bucket"))], "bucket_uppercase", "has capital letters"),
        bad(&[("--bucket", Some("reports_bucket"))], "bucket_underscore", "cannot contain `_`"),
        bad(&[("--bucket", Some("ab"))], "bucket_length", "3–63 characters long; \"ab\" has 2"),
        bad(&[("--bucket", Some("192.168.1.10"))], "bucket_ip", "cannot look like an IP address"),
        bad(&[("--bucket", Some("reports..bucket"))], "bucket_dots", "cannot contain `..`"),
        bad(&[("--bucket", Some("-reports"))], "bucket_edges", "must start and end with a letter or digit"),
        bad(&[("--bucket", Some("reports/2024"))], "bucket_has_path", "\"reports/2024\" is not a bucket name"),
        bad(&[("--bucket", Some("xn--reports"))], "bucket_reserved", "reserved by S3"),
        bad(&custom("s3.example.com"), "endpoint_no_scheme", "\"s3.example.com\" has no scheme: s3.example.com may be reached over the internet, where only https:// keeps your data and keys private, so the fix adds https://."),
        bad(&custom("127.0.0.1:9000"), "endpoint_no_scheme", "\"127.0.0.1:9000\" has no scheme: 127.0.0.1 is this machine, where servers such as MinIO usually speak plain http://, so the fix adds http://."),
        bad(&custom("192.168.1.20:9000"), "endpoint_no_scheme", "192.168.1.20 is on your local network, where self-hosted servers usually speak plain http://, so the fix adds http://."),
        bad(&custom("https://s3.example .com"), "endpoint_spaces", "contains spaces"),
        bad(&custom("https://user:pass@s3.example.com"), "endpoint_credentials", "contains a user name or password"),
        bad(&custom("ftp://files.example.com"), "endpoint_scheme", "not `ftp`"),
        bad(&custom("https://s3.example.com?x=1"), "endpoint_query", "query or fragment"),
        bad(&custom("https://s3.example.com/reports-bucket"), "endpoint_has_bucket", "ends with the bucket name"),
        bad(&[("--provider", Some("minio")), ("--region", None)], "endpoint_required", "MinIO needs an endpoint URL."),
        bad(&[("--provider", Some("r2")), ("--region", None)], "account_id_required", "Cloudflare R2 needs your account id."),
        bad(
            &[("--provider", Some("r2")), ("--account-id", Some(ACCOUNT)), ("--region", Some("us-east-1"))],
            "region_not_auto",
            "Cloudflare R2 uses the region `auto`, not `us-east-1`.",
        ),
        bad(&[("--provider", Some("tigris")), ("--region", Some("eu-west-1"))], "region_not_auto", "Tigris uses the region `auto`, not `eu-west-1`."),
        bad(
            &[("--provider", Some("b2")), ("--region", Some("us-west-002")), ("--endpoint", Some("https://s3.us-west-004.backblazeb2.com"))],
            "region_endpoint_mismatch",
            "The region `us-west-002` does not match the endpoint, which is in `us-west-004`.",
        ),
        bad(&[("--region", Some("us-east-1a"))], "region_is_zone", "`us-east-1a` is an availability zone, not a region."),
        bad(&[("--region", Some("auto"))], "region_auto_on_aws", "Amazon S3 has no region `auto`."),
        bad(&[("--region", Some("EU West"))], "region_format", "\"EU West\" is not a region code."),
        bad(&[("--prefix", Some("/incoming/"))], "prefix_leading_slash", "starts with `/`"),
        bad(&[("--prefix", Some("incoming//daily/"))], "prefix_double_slash", "contains `//`"),
        bad(&[("--prefix", Some("incoming\\daily\\"))], "prefix_backslash", "uses `\\`"),
        bad(&[("--prefix", Some("incoming/../other/"))], "prefix_dot_segment", "`.` or `..` folder"),
        bad(&[("--key-template", Some("{prefix}{nmae}"))], "template_invalid", "unknown token `{nmae}`"),
        bad(&[("--key-template", Some("{prefix"))], "template_invalid", "never closed"),
        bad(&[("--key-template", Some("/{prefix}{name}"))], "template_leading_slash", "The key template starts with `/`."),
        bad(&[("--storage-class", Some("SUPERFAST"))], "storage_class_unknown", "Amazon S3 has no storage class `SUPERFAST`."),
        bad(&[("--storage-class", Some("standard_ia"))], "storage_class_case", "Storage classes are written `STANDARD_IA`."),
        bad(&[("--acl", Some("everyone"))], "acl_unknown", "`everyone` is not a canned ACL."),
        bad(&[("--meta", Some("my key=value"))], "metadata_key", "Metadata key `my key` is not a valid header name."),
        bad(&[("--meta", Some("note=line\nbreak"))], "metadata_value", "Metadata `note` has control characters"),
        bad(&[("--tag", Some("aws:team=data"))], "tag_reserved", "cannot start with `aws:`"),
        bad(&[("--content-type", Some("csv"))], "content_type_format", "`csv` is not a media type."),
        bad(&[("--cache-control", Some("no-cache\r\n"))], "header_control_chars", "This header contains control characters."),
    ];
    rows.push(Bad { extra: eleven_tags, ..bad(&[], "tags_too_many", "11 tags set; S3 allows 10 per object.") });
    rows.push(Bad { creds: Creds::Keys { id: KEY_ID, secret: "" }, ..bad(&[], "secret_empty", "The secret access key is empty.") });
    rows.push(Bad { creds: Creds::Keys { id: KEY_ID, secret: "\n" }, ..bad(&[], "secret_empty", "The secret access key is empty.") });
    rows.push(Bad { creds: Creds::Keys { id: "", secret: SECRET }, ..bad(&[], "access_key_id_empty", "The access key id is empty.") });
    rows.push(Bad {
        creds: Creds::Keys { id: "AKIA IOSFODNN7EXAMPLE", secret: SECRET },
        ..bad(&[], "access_key_id_spaces", "The access key id contains spaces.")
    });
    rows.push(Bad {
        creds: Creds::Profile("nosuch"),
        ..bad(&[], "profile_unknown", "There is no AWS profile `nosuch` in ~/.aws/config or ~/.aws/credentials.")
    });
    rows
}

/// A valid AWS destination, with the row's changes applied.
fn bad_args(row: &Bad) -> (Vec<String>, Option<String>) {
    let mut flags: Vec<(&str, Option<String>)> = vec![
        ("--name", Some("Bad input".into())),
        ("--provider", Some("aws".into())),
        ("--bucket", Some("reports-bucket".into())),
        ("--region", Some("eu-west-1".into())),
    ];
    for (k, v) in &row.set {
        match flags.iter_mut().find(|(f, _)| f == k) {
            Some(slot) => slot.1 = v.clone(),
            None => flags.push((k, v.clone())),
        }
    }
    let mut args: Vec<String> = vec!["destination".into(), "add".into()];
    for (k, v) in flags {
        if let Some(v) = v {
            // `--flag=value` so values starting with `-` stay values.
            args.push(format!("{k}={v}"));
        }
    }
    args.extend(row.extra.iter().cloned());
    let stdin = match &row.creds {
        Creds::Keys { id, secret } => {
            args.push(format!("--access-key-id={id}"));
            args.push("--secret-stdin".into());
            Some(secret.to_string())
        }
        Creds::Profile(p) => {
            args.push(format!("--profile={p}"));
            None
        }
    };
    (args, stdin)
}

#[test]
fn bad_inputs_are_refused_with_the_cores_words_and_save_nothing() {
    let k = Keyring::start();
    let w = World::with_keyring(&k);
    // An AWS config with one profile, so `--profile nosuch` is checked against real files.
    w.write(&w.aws_config(), "[default]\nregion = eu-west-1\n");
    // The existing destination for the duplicate-name row.
    w.json(&["destination", "add", "--name", "Reports", "--provider", "aws", "--bucket", "reports", "--no-credentials"], None).ok();
    let before = w.list();
    let items_before = items(&k);

    let rows = bad_inputs();
    assert!(rows.len() >= 40, "the table has {} rows", rows.len());
    for row in &rows {
        let (args, stdin) = bad_args(row);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let label = format!("{} ({args:?})", row.code);

        // --json: exit 2, the core's code and message.
        let r = w.json(&args, stdin.as_deref());
        let e = r.error(2, "invalid_destination");
        let problems = e["problems"].as_array().unwrap_or_else(|| panic!("{label}: no problems in {e:#}"));
        let p = problems
            .iter()
            .find(|p| p["code"] == row.code)
            .unwrap_or_else(|| panic!("{label}: no problem with code {} in {e:#}", row.code));
        assert_eq!(p["severity"], "error", "{label}");
        let message = p["message"].as_str().unwrap();
        assert!(message.contains(&row.fragment), "{label}: {message:?} lacks {:?}", row.fragment);
        assert!(!p["fix"].as_str().unwrap().is_empty(), "{label}");
        let errors = problems.iter().filter(|p| p["severity"] == "error").count();
        if errors == 1 {
            assert_eq!(e["message"], message, "{label}: the error's message is the problem's");
            assert_eq!(e["field"], p["field"], "{label}");
        }

        // --dry-run: the same problem, exit 2.
        let mut dry = args.clone();
        dry.push("--dry-run");
        let r = w.json(&dry, stdin.as_deref());
        assert_eq!(r.code, 2, "{label} dry run: {}", r.stdout);
        assert!(r.json().as_array().unwrap().iter().any(|p| p["code"] == row.code && p["message"] == message), "{label} dry run");

        // For people: the same words on stderr, nothing on stdout.
        let r = w.run(&args, stdin.as_deref());
        assert_eq!(r.code, 2, "{label}");
        assert!(r.stdout.is_empty(), "{label}: {}", r.stdout);
        assert!(r.stderr.starts_with("error: "), "{label}: {}", r.stderr);
        assert!(r.stderr.contains("\n  fix: "), "{label}: {}", r.stderr);
        let field = p["field"].as_str().unwrap();
        assert!(r.stderr.contains(&format!("  - [{field}] {message} — ")), "{label}: {}", r.stderr);

        // Nothing saved, no keychain item.
        assert_eq!(w.list(), before, "{label}: the destinations changed");
        assert_eq!(items(&k), items_before, "{label}: a keychain item was stored");
    }
    w.assert_nowhere(SECRET);
    // The key id is no secret (a fix may repeat it), but Chute's files keep only its masked form.
    assert!(bytes_found_under(&w.data, KEY_ID.as_bytes()).is_empty());
}

#[test]
fn warnings_do_not_block_saving_and_are_printed() {
    let k = Keyring::start();
    let w = World::with_keyring(&k);
    let base = |name: &'static str| -> Vec<&'static str> {
        vec!["destination", "add", "--name", name, "--provider", "aws", "--bucket", "reports", "--region", "eu-west-1"]
    };

    // A prefix without a trailing slash.
    let mut args = base("Incoming");
    args.extend(["--prefix", "incoming", "--access-key-id", KEY_ID, "--secret-stdin"]);
    let saved = w.json(&args, Some(SECRET)).ok().json();
    let id = saved["destination"]["id"].as_str().unwrap().to_string();
    let warning = saved["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "prefix_no_trailing_slash")
        .unwrap_or_else(|| panic!("no prefix warning: {saved:#}"))
        .clone();
    assert_eq!(warning["severity"], "warning");
    assert!(warning["message"].as_str().unwrap().contains("incomingreport.csv"), "{warning}");
    assert_eq!(saved["destination"]["prefix"], "incoming", "a warning does not change the value");
    assert!(item(&k, &id).is_some());
    // `show` still reports it.
    let shown = w.json(&["destination", "show", &id], None).ok().json();
    assert!(shown["warnings"].as_array().unwrap().iter().any(|p| p["code"] == "prefix_no_trailing_slash"));

    // The same for people: saved, and the warning printed as `warning [field] message — fix`.
    let mut args = base("Incoming 2");
    args.extend(["--prefix", "incoming", "--no-credentials"]);
    let r = w.run(&args, None).ok();
    assert!(r.stdout.contains("\"Incoming 2\""), "{}", r.stdout);
    let line = format!("warning [prefix] {} — {}", warning["message"].as_str().unwrap(), warning["fix"].as_str().unwrap());
    assert!(r.stderr.contains(&line), "{}", r.stderr);
    assert!(r.stderr.contains("warning [credentials] "), "{}", r.stderr);

    // Plain http to a host that is not this machine.
    let args = [
        "destination",
        "add",
        "--name",
        "LAN MinIO",
        "--provider",
        "minio",
        "--bucket",
        "reports",
        "--endpoint",
        "http://minio.lan:9000",
        "--access-key-id",
        KEY_ID,
        "--secret-stdin",
    ];
    let saved = w.json(&args, Some(SECRET)).ok().json();
    assert!(
        saved["warnings"].as_array().unwrap().iter().any(|p| p["code"] == "endpoint_plain_http" && p["field"] == "endpoint"),
        "{saved:#}"
    );
    let r = w.run(&["destination", "show", "lan minio"], None).ok();
    assert!(r.stdout.contains("warning [endpoint] Plain http://"), "{}", r.stdout);
    // … but not to a loopback one.
    let mut args = minio_add("Local MinIO");
    args.push("--no-credentials");
    let saved = w.json(&args, None).ok().json();
    assert!(!saved["warnings"].as_array().unwrap().iter().any(|p| p["code"] == "endpoint_plain_http"), "{saved:#}");

    // A dry run with only warnings exits 0 and saves nothing.
    let before = w.list();
    assert_eq!(before.len(), 4);
    let mut args = base("Dry");
    args.extend(["--prefix", "dry", "--no-credentials", "--dry-run"]);
    let r = w.json(&args, None).ok().json();
    let codes: Vec<&str> = r.as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"prefix_no_trailing_slash") && codes.contains(&"no_credentials"), "{codes:?}");
    assert!(r.as_array().unwrap().iter().all(|p| p["severity"] == "warning"));
    let r = w.run(&args, None).ok();
    assert!(r.stdout.contains("warning [prefix] "), "{}", r.stdout);
    assert_eq!(w.list(), before);
    // A clean dry run says so.
    let mut args = base("Clean");
    args.extend(["--prefix", "clean/", "--access-key-id", KEY_ID, "--secret-stdin", "--dry-run"]);
    assert_eq!(w.json(&args, Some(SECRET)).ok().json(), Value::Array(vec![]));
    assert_eq!(w.list(), before);
    assert_eq!(items(&k), 2);
    w.assert_nowhere(SECRET);
}

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

const R2_ACCOUNT: &str = "0123456789abcdef0123456789abcdef";
const AWS_DEFAULT_SECRET: &str = "awsDefaultSecret/0123456789abcdefghijklmno";
const AWS_MINIO_SECRET: &str = "awsMinioSecret0123456789abcdefghij";
const AWS_R2_SECRET: &str = "awsR2Secret0123456789abcdef0123456789abcdef012345";
const RC_R2_SECRET: &str = "rcloneR2Secret0123456789abcdef0123456789abcdef01";
const RC_MINIO_SECRET: &str = "rcloneMinioSecret0123456789abcdefghij";
const RC_B2_SECRET: &str = "K004rcloneB2Secret0123456789abcdefgh";
const RC_DRIVE_TOKEN: &str = "ya29.rcloneDriveToken0123456789";

fn aws_files(w: &World) {
    w.write(
        &w.aws_config(),
        &format!(
            "[default]\nregion = eu-west-1\n\n\
             [profile minio]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:9000\ns3 =\n  addressing_style = path\n\n\
             [profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Uploader\nregion = eu-central-1\n\n\
             [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-central-1\n\n\
             [profile r2]\nendpoint_url = https://{R2_ACCOUNT}.r2.cloudflarestorage.com\nregion = auto\n"
        ),
    );
    w.write(
        &w.aws_credentials(),
        &format!(
            "[default]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {AWS_DEFAULT_SECRET}\n\n\
             [minio]\naws_access_key_id = minio-access-key\naws_secret_access_key = {AWS_MINIO_SECRET}\n\n\
             [r2]\naws_access_key_id = r2accesskeyid0123456789\naws_secret_access_key = {AWS_R2_SECRET}\n"
        ),
    );
}

fn by_source<'a>(cands: &'a [Value], source: &str) -> &'a Value {
    cands.iter().find(|c| c["source"] == source).unwrap_or_else(|| panic!("no candidate {source}: {cands:#?}"))
}

#[test]
fn import_from_aws_profiles() {
    let k = Keyring::start();
    let w = World::with_keyring(&k);
    aws_files(&w);

    let list = w.json(&["destination", "import", "--from", "aws", "--list"], None).ok();
    let cands = list.json().as_array().unwrap().clone();
    let mut sources: Vec<&str> = cands.iter().map(|c| c["source"].as_str().unwrap()).collect();
    sources.sort();
    assert_eq!(sources, ["default", "minio", "r2", "sso"]);

    let d = by_source(&cands, "default");
    assert_eq!((d["kind"].as_str(), d["provider"].as_str(), d["region"].as_str()), (Some("aws"), Some("aws"), Some("eu-west-1")));
    assert_eq!(d["auth"]["kind"], "keys");
    assert_eq!(d["auth"]["key_id_hint"], "AKIA…MPLE");
    let m = by_source(&cands, "minio");
    assert_eq!(m["provider"], "custom", "a loopback endpoint is a generic S3-compatible server");
    assert_eq!(m["endpoint"], "http://127.0.0.1:9000");
    assert_eq!(m["path_style"], true, "`s3 = addressing_style = path` is read");
    assert_eq!(m["auth"]["kind"], "keys");
    let s = by_source(&cands, "sso");
    assert_eq!(s["auth"], serde_json::json!({"kind": "profile", "profile": "sso"}));
    assert_eq!(s["region"], "eu-central-1");
    assert!(!s["notes"].as_array().unwrap().is_empty());
    let r = by_source(&cands, "r2");
    assert_eq!(r["provider"], "r2");
    assert_eq!(r["account_id"], R2_ACCOUNT);
    assert_eq!(r["region"], "auto");
    assert_eq!(r["endpoint"], "");
    assert_eq!(r["path_style"], false);
    for secret in [AWS_DEFAULT_SECRET, AWS_MINIO_SECRET, AWS_R2_SECRET, KEY_ID] {
        assert!(!list.stdout.contains(secret), "a secret or full key id in the candidates: {}", list.stdout);
    }
    let human = w.run(&["destination", "import", "--from", "aws"], None).ok();
    assert!(human.stdout.lines().any(|l| l.starts_with("sso ") && l.contains("AWS profile (sso)")), "{}", human.stdout);

    // Import: static keys go to the keychain.
    let saved = w
        .json(
            &[
                "destination",
                "import",
                "--from",
                "aws",
                "--source",
                "default",
                "--name",
                "AWS reports",
                "--bucket",
                "reports",
                "--prefix",
                "in/",
            ],
            None,
        )
        .ok()
        .json();
    let d = &saved["destination"];
    assert_eq!((d["provider"].as_str(), d["region"].as_str(), d["prefix"].as_str()), (Some("aws"), Some("eu-west-1"), Some("in/")));
    assert_eq!(d["credentials"], serde_json::json!({"kind": "keychain", "key_id_hint": "AKIA…MPLE"}));
    assert!(item(&k, d["id"].as_str().unwrap()).unwrap().contains(AWS_DEFAULT_SECRET));

    let saved =
        w.json(&["destination", "import", "--from", "aws", "--source", "r2", "--name", "R2", "--bucket", "media"], None).ok().json();
    let d = &saved["destination"];
    assert_eq!((d["provider"].as_str(), d["account_id"].as_str(), d["region"].as_str()), (Some("r2"), Some(R2_ACCOUNT), Some("auto")));
    assert_eq!(d["effective_endpoint"], format!("https://{R2_ACCOUNT}.r2.cloudflarestorage.com"));
    assert!(item(&k, d["id"].as_str().unwrap()).unwrap().contains(AWS_R2_SECRET));

    let saved = w.json(&["destination", "import", "--from", "aws", "--source", "minio", "--bucket", "local"], None).ok().json();
    let d = &saved["destination"];
    assert_eq!(d["name"], "minio", "the name defaults to the profile's");
    assert_eq!((d["endpoint"].as_str(), d["path_style"].as_bool()), (Some("http://127.0.0.1:9000"), Some(true)));
    assert!(item(&k, d["id"].as_str().unwrap()).unwrap().contains(AWS_MINIO_SECRET));

    // The SSO profile stays a profile: nothing goes to the keychain.
    let stored_items = items(&k);
    let saved =
        w.json(&["destination", "import", "--from", "aws", "--source", "sso", "--name", "SSO", "--bucket", "reports"], None).ok().json();
    assert_eq!(saved["destination"]["credentials"], serde_json::json!({"kind": "profile", "profile": "sso"}));
    assert_eq!(items(&k), stored_items);

    // Bad choices: the core's validation, and unknown sources.
    w.json(&["destination", "import", "--from", "aws", "--source", "default", "--name", "x", "--bucket", "Bad_Bucket"], None)
        .error(2, "invalid_destination");
    w.json(&["destination", "import", "--from", "aws", "--source", "nope", "--name", "x", "--bucket", "reports"], None)
        .error(1, "import_source_missing");
    let e = w
        .json(&["destination", "import", "--from", "aws", "--source", "default", "--name", "aws REPORTS", "--bucket", "reports"], None)
        .error(2, "invalid_destination");
    assert_eq!(e["problems"][0]["code"], "name_duplicate", "{e}");
    assert_eq!(w.list().len(), 4);
    assert_eq!(items(&k), stored_items);

    for secret in [AWS_DEFAULT_SECRET, AWS_MINIO_SECRET, AWS_R2_SECRET, KEY_ID] {
        w.assert_nowhere(secret);
    }
}

#[test]
fn import_from_rclone() {
    let k = Keyring::start();
    let w = World::with_keyring(&k);
    w.write(
        &w.rclone_config(),
        &format!(
            "[r2]\ntype = s3\nprovider = Cloudflare\naccess_key_id = r2rcloneaccesskey0123\nsecret_access_key = {RC_R2_SECRET}\n\
             endpoint = https://{R2_ACCOUNT}.r2.cloudflarestorage.com\n\n\
             [minio]\ntype = s3\nprovider = Minio\naccess_key_id = minio-rclone-key\nsecret_access_key = {RC_MINIO_SECRET}\n\
             endpoint = http://192.168.1.20:9000\nregion = us-east-1\n\n\
             [other]\ntype = drive\nclient_id = someclient\ntoken = {{\"access_token\":\"{RC_DRIVE_TOKEN}\"}}\n\n\
             [b2]\ntype = s3\nprovider = Other\naccess_key_id = 004abcdef0123450000000001\nsecret_access_key = {RC_B2_SECRET}\n\
             endpoint = https://s3.us-west-004.backblazeb2.com\n"
        ),
    );

    let list = w.json(&["destination", "import", "--from", "rclone", "--list"], None).ok();
    let cands = list.json().as_array().unwrap().clone();
    let mut sources: Vec<&str> = cands.iter().map(|c| c["source"].as_str().unwrap()).collect();
    sources.sort();
    assert_eq!(sources, ["b2", "minio", "r2"], "the drive remote is skipped");
    let r = by_source(&cands, "r2");
    assert_eq!((r["kind"].as_str(), r["provider"].as_str(), r["region"].as_str()), (Some("rclone"), Some("r2"), Some("auto")));
    assert_eq!(r["account_id"], R2_ACCOUNT);
    assert_eq!(r["path_style"], false);
    assert_eq!(r["auth"]["kind"], "keys");
    let m = by_source(&cands, "minio");
    assert_eq!((m["provider"].as_str(), m["endpoint"].as_str()), (Some("minio"), Some("http://192.168.1.20:9000")));
    assert_eq!(m["path_style"], true);
    let b = by_source(&cands, "b2");
    assert_eq!((b["provider"].as_str(), b["region"].as_str(), b["endpoint"].as_str()), (Some("b2"), Some("us-west-004"), Some("")));
    assert_eq!(b["auth"]["key_id_hint"], "004a…0001");
    for secret in [RC_R2_SECRET, RC_MINIO_SECRET, RC_B2_SECRET, RC_DRIVE_TOKEN] {
        assert!(!list.stdout.contains(secret), "{}", list.stdout);
    }

    // The same file given explicitly.
    let alt = w.home.join("elsewhere.conf");
    std::fs::copy(w.rclone_config(), &alt).unwrap();
    let explicit = w.json(&["destination", "import", "--from", "rclone", "--file", alt.to_str().unwrap()], None).ok().json();
    assert_eq!(explicit.as_array().unwrap().len(), 3);

    for (source, name, bucket, secret) in [
        ("r2", "R2 media", "media", RC_R2_SECRET),
        ("minio", "LAN MinIO", "reports", RC_MINIO_SECRET),
        ("b2", "Backups", "backups-2024", RC_B2_SECRET),
    ] {
        let saved = w
            .json(&["destination", "import", "--from", "rclone", "--source", source, "--name", name, "--bucket", bucket], None)
            .ok()
            .json();
        let d = &saved["destination"];
        assert_eq!(d["name"], name);
        assert_eq!(d["credentials"]["kind"], "keychain");
        let stored = item(&k, d["id"].as_str().unwrap()).expect("keychain item");
        assert!(stored.contains(secret));
        if source == "minio" {
            assert!(saved["warnings"].as_array().unwrap().iter().any(|p| p["code"] == "endpoint_plain_http"), "{saved:#}");
        }
        if source == "b2" {
            assert_eq!(d["effective_endpoint"], "https://s3.us-west-004.backblazeb2.com");
        }
    }
    w.json(&["destination", "import", "--from", "rclone", "--source", "other", "--name", "Drive", "--bucket", "x-y-z"], None)
        .error(1, "import_source_missing");
    assert_eq!(w.list().len(), 3);
    assert_eq!(items(&k), 3);
    for secret in [RC_R2_SECRET, RC_MINIO_SECRET, RC_B2_SECRET, RC_DRIVE_TOKEN] {
        w.assert_nowhere(secret);
    }
}

#[test]
fn import_errors_are_explained() {
    let k = Keyring::start();
    let w = World::with_keyring(&k);
    // Encrypted rclone config.
    let enc = w.home.join("encrypted.conf");
    w.write(&enc, "# Encrypted rclone configuration File\n\nRCLONE_ENCRYPT_V0:\nc2VjcmV0LWJ5dGVzLWhlcmU=\n");
    let e = w
        .json(&["destination", "import", "--from", "rclone", "--file", enc.to_str().unwrap(), "--list"], None)
        .error(1, "import_rclone_encrypted");
    assert!(e["fix"].as_str().unwrap().contains("rclone config show"), "{e}");
    let human = w.run(&["destination", "import", "--from", "rclone", "--file", enc.to_str().unwrap()], None);
    assert_eq!(human.code, 1);
    assert!(human.stderr.contains("encrypted"), "{}", human.stderr);
    // No rclone config and no AWS config at all.
    w.json(&["destination", "import", "--from", "rclone"], None).error(1, "import_file_missing");
    w.json(&["destination", "import", "--from", "aws"], None).error(1, "import_file_missing");
    // An unknown kind is a usage error.
    w.json(&["destination", "import", "--from", "s3cmd"], None).error(2, "usage");
    assert!(w.list().is_empty());
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

#[test]
fn usage_errors_exit_2() {
    let w = World::new("unix:path=/nonexistent");
    for args in [
        vec!["destination", "add", "--name", "x", "--provider", "dropbox", "--bucket", "reports", "--no-credentials"],
        vec!["destination", "add", "--name", "x", "--provider", "aws", "--bucket", "reports", "--profile", "p", "--no-credentials"],
        vec!["destination", "add", "--name", "x", "--provider", "aws", "--bucket", "reports", "--meta", "novalue", "--no-credentials"],
        vec!["destination", "add", "--name", "x", "--provider", "aws", "--bucket", "reports", "--secret-stdin"],
        vec!["destination", "edit", "x", "--active", "--paused"],
        vec!["destination", "frobnicate"],
    ] {
        let r = w.json(&args, None);
        r.error(2, "usage");
        let r = w.run(&args, None);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stderr.contains("error:"), "{}", r.stderr);
    }
    // Adding without saying where credentials come from.
    let e =
        w.json(&["destination", "add", "--name", "x", "--provider", "aws", "--bucket", "reports"], None).error(2, "credentials_missing");
    assert!(e["fix"].as_str().unwrap().contains("--no-credentials"), "{e}");
    assert!(w.list().is_empty());
    // Help and version are not errors.
    assert_eq!(w.run(&["--help"], None).code, 0);
    assert_eq!(w.run(&["--version"], None).code, 0);
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
fn the_data_dir_defaults_to_chute_data_dir() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("from-env");
    let run = |args: &[&str]| {
        Command::new(BIN)
            .env_clear()
            .env("HOME", root.path())
            .env("CHUTE_DATA_DIR", &data)
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let out = run(&["dest", "add", "--name", "Env", "--provider", "aws", "--bucket", "reports", "--no-credentials", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(data.join("chute.db").is_file());
    let out = run(&["--json", "dest", "list"]);
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["name"], "Env");
    // --data-dir wins over the environment.
    let other = root.path().join("flag");
    let out = run(&["--json", "dest", "list", "--data-dir", other.to_str().unwrap()]);
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).unwrap(), Value::Array(vec![]));
    assert!(other.join("chute.db").is_file());
}
