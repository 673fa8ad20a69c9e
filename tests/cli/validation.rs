//! Bad inputs refused with the core's words, and warnings that do not block saving.

use serde_json::Value;

use super::support::content::bytes_found_under;
use super::support::keychain::Keyring;
use super::support::world::*;

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
