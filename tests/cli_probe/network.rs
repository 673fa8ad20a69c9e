//! The connection test where the network is the problem: a host that does
//! not resolve and a bucket that needs path-style addressing (in private
//! network namespaces, so no query leaves the machine), no keychain at
//! all, refused connections and servers that do not speak S3.

use crate::support::keychain::Keyring;
use crate::support::servers::{cargo_bin, free_port, S3S_KEY, S3S_SECRET};
use crate::support::world::*;
use crate::{finding, last_line, namespaces_available, skipped_after, step};

#[test]
fn test_host_not_found_without_dns_leaving_the_machine() {
    if !namespaces_available("test_host_not_found_without_dns_leaving_the_machine") {
        return;
    }
    let w = world();
    let draft = [
        "destination",
        "test",
        "--provider",
        "custom",
        "--bucket",
        "reports",
        "--endpoint",
        "https://s3.does-not-exist.example",
        "--access-key-id",
        KEY_ID,
        "--secret-stdin",
    ];
    let mut json = vec!["--json"];
    json.extend(draft);
    let runs = w.in_netns("", &[(&json, Some(SECRET)), (&draft, Some(SECRET))]);
    assert_eq!(runs[0].code, 1, "{}\n{}", runs[0].stdout, runs[0].stderr);
    let r = runs[0].json();
    assert_eq!(step(&r, "credentials")["status"], "passed");
    skipped_after(&r, "resolve");
    let f = finding(&r, "host_not_found");
    assert!(f["title"].as_str().unwrap().contains("does-not-exist.example"), "{f:#}");
    assert!(f["evidence"]["detail"].as_str().is_some_and(|d| !d.is_empty()), "{f:#}");
    assert!(r["duration_ms"].as_u64().unwrap() < 5000, "the lookup failed at once: {r:#}");
    let human = &runs[1];
    assert_eq!(human.code, 1);
    assert!(human.stdout.contains("  ✗ Resolve host ") && human.stdout.contains("[host_not_found]"), "{}", human.stdout);
    assert!(last_line(human).starts_with("Failed in "), "{}", human.stdout);
    w.assert_nowhere(SECRET);
}

#[test]
fn test_path_style_needed_is_found_and_fixed_in_a_private_network() {
    if !namespaces_available("test_path_style_needed_is_found_and_fixed_in_a_private_network") {
        return;
    }
    let k = Keyring::start();
    let w = World::with_keyring(&k);
    let port = free_port();
    let endpoint = format!("http://localhost:{port}");
    let add = [
        "destination",
        "add",
        "--name",
        "Local",
        "--provider",
        "minio",
        "--bucket",
        "reports",
        "--endpoint",
        &endpoint,
        "--path-style=false",
        "--prefix",
        "incoming/",
        "--access-key-id",
        S3S_KEY,
        "--secret-stdin",
    ];
    let saved = w.json(&add, Some(S3S_SECRET)).ok().json();
    assert_eq!(saved["destination"]["path_style"], false);

    // s3s-fs inside the namespace, on its loopback.
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir(root.path().join("reports")).unwrap();
    let s3s = cargo_bin("s3s-fs").display().to_string();
    let setup = format!(
        "{s3s} --host 127.0.0.1 --port {port} --access-key {key} --secret-key {secret} --domain localhost:{port} {root} >/dev/null 2>&1 &\n\
         S3S=$!\n\
         trap 'kill $S3S 2>/dev/null; wait $S3S 2>/dev/null' EXIT\n\
         i=0\n\
         until ss -Hltn 'sport = :{port}' | grep -q .; do\n\
           i=$((i+1)); if [ $i -gt 300 ]; then echo 's3s-fs did not listen' >&2; exit 92; fi\n\
           sleep 0.1\n\
         done",
        s3s = sh_quote(&s3s),
        key = sh_quote(S3S_KEY),
        secret = sh_quote(S3S_SECRET),
        root = sh_quote(&root.path().display().to_string()),
    );
    let runs = w.in_netns(
        &setup,
        &[
            (&["--json", "destination", "test", "Local"], None),
            (&["destination", "test", "Local"], None),
            (&["--json", "destination", "test", "Local", "--apply-fix"], None),
        ],
    );
    let (first, human, fixed) = (&runs[0], &runs[1], &runs[2]);
    assert_eq!(first.code, 1, "{}\n{}", first.stdout, first.stderr);
    let r = first.json();
    assert_eq!(r["addressing"], "virtual-hosted");
    skipped_after(&r, "resolve");
    let f = finding(&r, "path_style_needed");
    assert_eq!((f["apply"]["field"].as_str(), f["apply"]["value"].as_str()), (Some("path_style"), Some("true")), "{f:#}");
    assert!(f["what_happened"].as_str().unwrap().contains("reports.localhost"), "{f:#}");
    assert_eq!(human.code, 1);
    assert!(
        human.stdout.contains("[path_style_needed]") && human.stdout.contains("One-click fix: Use path-style (run again with --apply-fix)"),
        "{}",
        human.stdout
    );

    assert_eq!(fixed.code, 0, "{}\n{}", fixed.stdout, fixed.stderr);
    let fx = fixed.json();
    assert_eq!(fx["before"]["outcome"], "failed");
    assert_eq!(fx["applied"][0]["field"], "path_style");
    assert_eq!(fx["applied"][0]["value"], "true");
    assert_eq!(fx["after"]["outcome"], "passed", "{fx:#}");
    assert_eq!(fx["after"]["addressing"], "path-style");
    assert_eq!(step(&fx["after"], "resolve")["status"], "passed");
    assert_eq!(w.json(&["destination", "show", "Local"], None).ok().json()["path_style"], true);
    w.assert_nowhere(S3S_SECRET);
}

#[test]
fn test_without_a_keychain_runs_no_network_step() {
    let k = Keyring::start();
    let w = World::with_keyring(&k);
    let endpoint = format!("http://127.0.0.1:{}", free_port());
    let add = [
        "destination",
        "add",
        "--name",
        "Reports",
        "--provider",
        "minio",
        "--bucket",
        "reports",
        "--endpoint",
        &endpoint,
        "--access-key-id",
        KEY_ID,
        "--secret-stdin",
    ];
    w.json(&add, Some(SECRET)).ok();
    let dir = tempfile::tempdir().unwrap();
    let missing = format!("unix:path={}", dir.path().join("no-such-bus").display());
    let run = |args: &[&str]| {
        let mut cmd = w.command(args);
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &missing);
        w.spawn(cmd, format!("{args:?} (no keychain)"), None)
    };
    let r = run(&["--json", "destination", "test", "Reports"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let r = r.json();
    assert_eq!(r["outcome"], "failed");
    assert_eq!(r["steps"][0]["id"], "credentials");
    skipped_after(&r, "credentials");
    assert_eq!(r["findings"].as_array().unwrap().len(), 1, "{r:#}");
    let f = finding(&r, "keychain_unavailable");
    assert!(f["fix"].as_str().unwrap().contains("Secret Service"), "{f:#}");
    let human = run(&["destination", "test", "Reports"]);
    assert_eq!(human.code, 1);
    assert!(human.stdout.contains("  ✗ Credentials ") && human.stdout.contains("[keychain_unavailable]"), "{}", human.stdout);
    assert!(human.stdout.contains("  – Resolve host ") && human.stdout.contains("  – Delete probe object "), "{}", human.stdout);
    // With the keychain back, the report is about the network instead.
    let r = w.json(&["destination", "test", "Reports"], None);
    assert_eq!(r.code, 1);
    finding(&r.json(), "connection_refused");
    w.assert_nowhere(SECRET);
}

#[test]
fn test_refused_connections_and_bad_requests() {
    let w = world();
    let port = free_port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let draft = ["destination", "test", "--provider", "minio", "--bucket", "reports", "--endpoint", &endpoint, "--no-credentials"];
    let mut json = vec!["--json"];
    json.extend(draft);
    let r = w.run(&json, None);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let r = r.json();
    skipped_after(&r, "connect");
    let f = finding(&r, "connection_refused");
    assert!(f["evidence"]["detail"].as_str().unwrap().contains(&port.to_string()), "{f:#}");
    let human = w.run(&draft, None);
    assert_eq!(human.code, 1);
    assert!(
        human.stdout.contains("  ✗ Connect ") && human.stdout.contains("Error: The server refused the connection [connection_refused]"),
        "{}",
        human.stdout
    );
    // Settings warnings the test did not report go to stderr.
    assert!(human.stderr.contains("warning [credentials] "), "{}", human.stderr);

    // Nothing to test.
    let e = w.json(&["destination", "test"], None).error(2, "usage");
    assert!(e["fix"].as_str().unwrap().contains("--provider"), "{e}");
    assert_eq!(w.run(&["destination", "test"], None).code, 2);
    w.json(&["destination", "test", "--provider", "minio"], None).error(2, "usage");
    // --apply-fix needs a saved destination.
    w.json(
        &["destination", "test", "--provider", "minio", "--bucket", "reports", "--endpoint", &endpoint, "--no-credentials", "--apply-fix"],
        None,
    )
    .error(2, "usage");
    // Unsaved settings are validated as `add` validates them, and need credentials.
    let e = w
        .json(&["destination", "test", "--provider", "minio", "--bucket", "Bad_Bucket", "--endpoint", &endpoint, "--no-credentials"], None)
        .error(2, "invalid_destination");
    assert!(e["problems"].as_array().unwrap().iter().any(|p| p["code"] == "bucket_uppercase"), "{e}");
    w.json(&["destination", "test", "--provider", "minio", "--bucket", "reports", "--endpoint", &endpoint], None)
        .error(2, "credentials_missing");
    // Unknown destinations.
    w.json(&["destination", "test", "nope"], None).error(1, "destination_not_found");
    w.json(&["destination", "probes", "nope"], None).error(1, "destination_not_found");
    // --apply-fix with unsaved changes is refused.
    let mut add = vec!["destination", "add", "--name", "Saved"];
    add.extend(&draft[2..]);
    w.json(&add, None).ok();
    let e = w.json(&["destination", "test", "Saved", "--region", "eu-west-1", "--apply-fix"], None).error(2, "apply_fix_with_changes");
    assert!(e["fix"].as_str().unwrap().contains("chute destination edit"), "{e}");
    w.json(&["destination", "probes", "Saved", "--limit", "0"], None).error(2, "usage");
    assert!(w.json(&["destination", "probes", "Saved"], None).ok().json().as_array().unwrap().is_empty());
}
