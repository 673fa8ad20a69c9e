//! The command line itself: usage errors, and where the data folder is.

use std::process::{Command, Stdio};

use serde_json::Value;

use super::support::world::*;

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
