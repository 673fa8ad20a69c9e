//! Fan-out and what happens to a local file after it lands: each
//! destination runs and fails on its own (moto refusing writes to one
//! user, s3s-fs taking everything), and a file is moved or deleted only
//! once it landed at every destination of its watch.

use std::time::Duration;

use crate::agent::{add_watch, count, of, Agent, Scene};
use crate::support::servers::{Moto, S3sFs, S3S_KEY, S3S_SECRET};
use crate::support::world::{moto_flags, s3s_flags, world, World};

const WAIT: Duration = Duration::from_secs(60);

/// Two destinations: "Files" on s3s-fs, and "Archive" on moto as a user
/// whose policy allows writing only under `other/`, with prefix `incoming/`.
fn two_destinations(w: &World, fs: &S3sFs, moto: &Moto) {
    let other = moto.user("other-prefix");
    w.write(&w.aws_config(), "[profile s3s]\nregion = us-east-1\n[profile moto-other]\nregion = us-east-1\n");
    w.write(
        &w.aws_credentials(),
        &format!(
            "[s3s]\naws_access_key_id = {S3S_KEY}\naws_secret_access_key = {S3S_SECRET}\n[moto-other]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            other.access_key_id, other.secret_access_key
        ),
    );
    let add = |name: &str, flags: Vec<String>| {
        let mut args: Vec<String> = ["destination", "add", "--name", name, "--prefix", "incoming/", "--key-template", "{prefix}{relpath}"]
            .map(String::from)
            .to_vec();
        args.extend(flags);
        w.json(&args.iter().map(String::as_str).collect::<Vec<_>>(), None).ok();
    };
    add("Files", s3s_flags(fs));
    let mut archive = moto_flags(moto);
    let profile = archive.iter().position(|a| a == "moto").unwrap();
    archive[profile] = "moto-other".into();
    add("Archive", archive);
}

#[test]
fn one_destination_refusing_writes_does_not_hold_back_the_other_nor_lose_its_files() {
    let (fs, moto) = (S3sFs::start(), Moto::start());
    let w = world();
    two_destinations(&w, &fs, &moto);
    let (both, one) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    add_watch(&w, "both", both.path(), &["Files", "Archive"], &["--settle", "500ms", "--after", "move"]);
    add_watch(&w, "files only", one.path(), &["Files"], &["--settle", "500ms", "--after", "delete", "--no-subfolders"]);
    let agent = Agent::start(&w, &[], 2);
    for i in 0..5 {
        std::fs::write(both.path().join(format!("r{i}.csv")), format!("row {i}\n")).unwrap();
    }
    std::fs::write(one.path().join("only.csv"), b"only\n").unwrap();
    agent.wait_for(WAIT, "Files has everything and Archive's refusal is diagnosed", |es| {
        count(es, "delivered") >= 6 && of(es, "retrying").iter().any(|e| e["code"] == "write_denied")
    });
    std::thread::sleep(Duration::from_secs(1));
    let (_, events) = agent.stop();

    let objects = fs.objects("reports");
    let mut keys: Vec<&str> = objects.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["incoming/only.csv", "incoming/r0.csv", "incoming/r1.csv", "incoming/r2.csv", "incoming/r3.csv", "incoming/r4.csv"]);
    assert!(moto.keys("reports", "incoming/").is_empty(), "nothing reached the refusing destination");
    let refusal = of(&events, "retrying").into_iter().find(|e| e["code"] == "write_denied").unwrap().clone();
    assert!(refusal["fix"].as_str().unwrap().contains("s3:PutObject"), "the fix names the permission: {refusal:#}");

    // Landed at one of two destinations: kept where it is. Landed at its only one: deleted.
    for i in 0..5 {
        assert!(both.path().join(format!("r{i}.csv")).exists(), "r{i}.csv moved before it landed everywhere");
    }
    assert!(!both.path().join("delivered").exists());
    assert!(!one.path().join("only.csv").exists(), "deleted once it landed");
    assert_eq!(of(&events, "deleted").len(), 1);
    let shown = w.json(&["watch", "show", "both"], None).ok().json();
    assert_eq!(shown["journal"]["last_failure"]["code"], "write_denied", "{shown:#}");
    assert_eq!(shown["journal"]["last_failure"]["retrying"], true);
    assert_eq!(shown["journal"]["delivered"], 5);
}

#[test]
fn after_landing_everywhere_a_file_is_moved_into_delivered_and_not_sent_again() {
    let Scene { fs, w, folder } = Scene::new("Files", "{prefix}{relpath}");
    add_watch(&w, "outbox", folder.path(), &["Files"], &["--settle", "500ms", "--after", "move"]);
    let agent = Agent::start(&w, &[], 1);
    std::fs::create_dir(folder.path().join("q4")).unwrap();
    std::fs::write(folder.path().join("q4/sales.csv"), b"a,b\n").unwrap();
    agent.wait_for(WAIT, "the move", |es| count(es, "moved") >= 1);
    std::thread::sleep(Duration::from_secs(2)); // the moved file raises events: it must not go again
    let (_, events) = agent.stop();
    assert_eq!(count(&events, "delivered"), 1);
    assert_eq!(std::fs::read(folder.path().join("delivered/q4/sales.csv")).unwrap(), b"a,b\n");
    assert!(!folder.path().join("q4/sales.csv").exists());
    assert_eq!(fs.objects("reports").keys().cloned().collect::<Vec<_>>(), ["incoming/q4/sales.csv"]);
}

#[test]
fn a_delivery_to_several_destinations_runs_each_on_its_own_and_the_history_groups_them() {
    let (fs, moto) = (S3sFs::start(), Moto::start());
    let w = world();
    two_destinations(&w, &fs, &moto);
    let src = tempfile::tempdir().unwrap();
    std::fs::write(src.path().join("a.csv"), b"a\n").unwrap();
    std::fs::write(src.path().join("b.csv"), b"b\n").unwrap();
    // Archive first: its refusal must not hold back Files.
    let r = w.json(&["deliver", "Archive", src.path().to_str().unwrap(), "--also", "Files", "--yes"], None);
    assert_eq!(r.code, 1, "the worst of the two: {}\n{}", r.stdout, r.stderr);
    let ls = crate::support::world::lines(&r);
    let plans: Vec<&str> = of(&ls, "plan").iter().map(|p| p["destination"]["name"].as_str().unwrap()).collect();
    assert_eq!(plans, ["Archive", "Files"]);
    let summaries = of(&ls, "summary");
    assert_eq!(summaries.len(), 2);
    assert_eq!(
        (summaries[0]["outcome"].clone(), summaries[1]["outcome"].clone()),
        (serde_json::json!("failed"), serde_json::json!("delivered"))
    );
    let failed = of(&ls, "file").into_iter().find(|f| f["status"] == "failed").unwrap().clone();
    assert_eq!(failed["error"]["code"], "write_denied", "{failed:#}");
    assert_eq!(fs.objects("reports").len(), 2, "Files got everything");

    let batches = w.json(&["history", "list"], None).ok().json();
    let batches = batches.as_array().unwrap();
    assert_eq!(batches.len(), 2);
    let group = batches[0]["group_id"].as_str().expect("grouped").to_string();
    assert_eq!(batches[1]["group_id"], group.as_str(), "one group for the drop");
    let grouped = w.json(&["history", "list", "--group", &group], None).ok().json();
    assert_eq!(grouped.as_array().unwrap().len(), 2);
    let text = w.run(&["history", "show", batches[0]["id"].as_str().unwrap()], None).ok().stdout;
    assert!(text.contains(&format!("Group:       {group}")), "{text}");
}
