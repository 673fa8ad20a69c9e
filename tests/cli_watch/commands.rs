//! Setting watches up from the command line: add (with its checks), list,
//! show (with the command line that makes the same watch), pause, resume,
//! remove; one runner per data folder.

use std::time::Duration;

use crate::agent::{add_watch, Agent, Scene};
use crate::support::world::{sh_quote, BIN};

#[test]
fn watches_are_added_checked_listed_paused_resumed_and_removed() {
    let Scene { fs: _server, w, folder } = Scene::new("Files", "{prefix}{relpath}");
    let f = folder.path().to_str().unwrap();

    // Each bad choice is named, with its fix, and nothing is saved.
    let e = w.json(&["watch", "add", "x", "/no/such/folder", "--to", "Files"], None).error(2, "watch_folder_missing");
    assert_eq!(e["field"], "folder");
    w.json(&["watch", "add", "x", f, "--to", "Nowhere"], None).error(1, "destination_not_found");
    w.json(&["watch", "add", "x", f, "--to", "Files", "--settle", "100ms"], None).error(2, "watch_settle_range");
    // Every problem at once, each with its field.
    let several = w.json(&["watch", "add", " ", "/no/such/folder", "--to", "Files", "--settle", "100ms"], None);
    let e = several.error(2, "name_empty");
    assert!(e["message"].as_str().unwrap().contains("2 more problems"), "{e:#}");
    let fields: Vec<&str> = e["problems"].as_array().unwrap().iter().map(|p| p["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "folder", "settle_ms"]);
    assert_eq!(w.json(&["watch", "list"], None).ok().json(), serde_json::json!([]));

    let added = add_watch(&w, "Exports", folder.path(), &["Files"], &["--settle", "3s", "--after", "move", "--existing", "deliver"]);
    assert_eq!(added["state"], "not_running", "{added:#}");
    assert_eq!(added["settle_ms"], 3000);
    assert_eq!(added["destination_names"], serde_json::json!(["Files"]));
    w.json(&["watch", "add", "exports", f, "--to", "Files"], None).error(2, "watch_name_duplicate");

    // The command line shown makes the same watch.
    let line = added["command_line"].as_str().unwrap().to_string();
    assert!(line.starts_with("chute watch add Exports "), "{line}");
    w.json(&["watch", "remove", "Exports", "--yes"], None).ok();
    let script =
        format!("{} --data-dir {} --json {}", sh_quote(BIN), sh_quote(w.data.to_str().unwrap()), line.trim_start_matches("chute "));
    let mut sh = w.program("sh");
    sh.args(["-c", &script]);
    let again = w.spawn(sh, "the command line shown".into(), None).ok().json();
    for field in ["name", "folder", "recursive", "destinations", "settle_ms", "existing", "after", "paused", "command_line"] {
        assert_eq!(again[field], added[field], "{field}");
    }

    let paused = w.json(&["watch", "pause", "exports"], None).ok().json();
    assert_eq!((paused["paused"].clone(), paused["state"].clone()), (serde_json::json!(true), serde_json::json!("paused")));
    let list = w.json(&["watch", "list"], None).ok().json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    let text = w.run(&["watch", "show", "Exports"], None).ok().stdout;
    assert!(text.contains("paused") && text.contains("chute watch add Exports"), "{text}");
    assert_eq!(w.json(&["watch", "resume", "exports"], None).ok().json()["paused"], false);
    w.json(&["watch", "remove", "exports", "--yes"], None).ok();
    w.json(&["watch", "show", "exports"], None).error(1, "watch_not_found");
}

/// The runner lives for days: its allocator's regions stay in small
/// pages, so memory it does not touch is not made resident 2 MiB at a time.
#[cfg(target_os = "linux")]
#[test]
fn the_runner_keeps_its_memory_out_of_huge_pages() {
    let Scene { fs: _server, w, folder } = Scene::new("Files", "{prefix}{relpath}");
    add_watch(&w, "Exports", folder.path(), &["Files"], &[]);
    let agent = Agent::start(&w, &[], 1);
    let status = std::fs::read_to_string(format!("/proc/{}/status", agent.pid())).unwrap();
    assert!(status.lines().any(|l| l.split_whitespace().eq(["THP_enabled:", "0"])), "{status}");
    assert_eq!(agent.stop().0, 0);
}

#[cfg(unix)]
#[test]
fn a_second_runner_says_who_holds_the_watches_and_the_first_stops_cleanly() {
    let Scene { fs: _server, w, folder } = Scene::new("Files", "{prefix}{relpath}");
    add_watch(&w, "inbox", folder.path(), &["Files"], &[]);
    let agent = Agent::start(&w, &[], 1);
    let shown = w.json(&["watch", "show", "inbox"], None).ok().json();
    assert_eq!(shown["state"], "watching", "{shown:#}");
    assert_eq!(shown["runner"]["who"], "chute watch run");

    let second = w.json(&["watch", "run"], None);
    let e = second.error(1, "watch_runner_busy");
    assert!(e["message"].as_str().unwrap().contains("chute watch run"), "{e:#}");
    assert!(e["fix"].as_str().unwrap().contains("kill"), "{e:#}");

    let (code, events) = agent.stop();
    assert_eq!(code, 0);
    let kinds: Vec<&str> = events.iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["watching", "existing", "stopping", "unwatched", "stopped"]);
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(w.json(&["watch", "show", "inbox"], None).ok().json()["state"], "not_running");
}

#[test]
fn a_watched_folder_removed_stops_the_watch_with_a_fix_and_it_resumes_when_it_is_back() {
    let Scene { fs: _server, w, .. } = Scene::new("Files", "{prefix}{relpath}");
    let parent = tempfile::tempdir().unwrap();
    let folder = parent.path().join("drop");
    std::fs::create_dir(&folder).unwrap();
    add_watch(&w, "drop", &folder, &["Files"], &["--settle", "500ms"]);
    let agent = Agent::start(&w, &[], 1);
    std::fs::remove_dir(&folder).unwrap();
    agent.wait_for(Duration::from_secs(30), "the problem", |es| {
        crate::agent::of(es, "problem").iter().any(|e| e["code"] == "watch_folder_gone")
    });
    let shown = w.json(&["watch", "show", "drop"], None).ok().json();
    assert_eq!(shown["state"], "stopped");
    assert_eq!(shown["problem"]["code"], "watch_folder_gone");
    std::fs::create_dir(&folder).unwrap();
    agent.wait_for(Duration::from_secs(30), "watching again", |es| crate::agent::count(es, "watching") >= 2);
    std::fs::write(folder.join("back.txt"), b"back").unwrap();
    agent.wait_for(Duration::from_secs(30), "the delivery", |es| crate::agent::count(es, "delivered") >= 1);
    assert_eq!(w.json(&["watch", "show", "drop"], None).ok().json()["problem"], serde_json::Value::Null);
    agent.stop();
}

#[test]
fn outside_its_delivery_hours_a_watch_queues_files_and_sends_none() {
    let Scene { fs, w, folder } = Scene::new("Files", "{prefix}{relpath}");
    // A window that opens two hours from now, local time (as `date` tells it).
    let now = String::from_utf8(std::process::Command::new("date").arg("+%H").output().unwrap().stdout).unwrap();
    let hour: u32 = now.trim().parse().unwrap();
    let hours = format!("{:02}:00-{:02}:00", (hour + 2) % 24, (hour + 3) % 24);
    let added = add_watch(&w, "nightly", folder.path(), &["Files"], &["--settle", "500ms", "--hours", &hours]);
    assert!(added["command_line"].as_str().unwrap().contains(&format!("--hours {hours}")));
    w.json(&["watch", "add", "bad", folder.path().to_str().unwrap(), "--to", "Files", "--hours", "10:00-10:00"], None).error(2, "usage");
    let agent = Agent::start(&w, &[], 1);
    std::fs::write(folder.path().join("report.csv"), b"a\n").unwrap();
    agent.wait_for(Duration::from_secs(30), "the file queued", |es| crate::agent::count(es, "queued") >= 1);
    std::thread::sleep(Duration::from_secs(2));
    let shown = w.json(&["watch", "show", "nightly"], None).ok().json();
    assert_eq!(shown["state"], "outside_hours", "{shown:#}");
    assert_eq!(shown["journal"]["queued"], 1);
    let (_, events) = agent.stop();
    assert_eq!(crate::agent::count(&events, "delivered"), 0);
    assert!(fs.objects("reports").is_empty());
    let text = w.run(&["watch", "show", "nightly"], None).ok().stdout;
    assert!(text.contains(&format!("delivers between {:02}:00 and {:02}:00", (hour + 2) % 24, (hour + 3) % 24)), "{text}");
}

#[test]
fn a_paused_destination_holds_its_files_with_a_fix_and_resuming_it_sends_them() {
    let Scene { fs, w, .. } = Scene::new("Files", "{prefix}{relpath}");
    w.json(&["destination", "edit", "Files", "--paused"], None).ok();
    let folder = tempfile::tempdir().unwrap();
    add_watch(&w, "inbox", folder.path(), &["Files"], &["--settle", "500ms"]);
    let agent = Agent::start(&w, &[], 1);
    std::fs::write(folder.path().join("a.txt"), b"a").unwrap();
    agent.wait_for(Duration::from_secs(30), "the refusal", |es| {
        crate::agent::of(es, "retrying")
            .iter()
            .any(|e| e["code"] == "destination_paused" && e["fix"].as_str().unwrap().contains("--active"))
    });
    assert_eq!(w.json(&["watch", "show", "inbox"], None).ok().json()["journal"]["last_failure"]["code"], "destination_paused");
    w.json(&["destination", "edit", "Files", "--active"], None).ok();
    agent.wait_for(Duration::from_secs(30), "the delivery once resumed", |es| crate::agent::count(es, "delivered") >= 1);
    agent.stop();
    assert_eq!(fs.objects("reports")["incoming/a.txt"], b"a");
}

#[test]
fn a_locked_keychain_holds_the_files_in_the_queue_with_its_diagnosis() {
    let fs = crate::support::servers::S3sFs::start();
    let k = crate::support::keychain::Keyring::start();
    let w = crate::support::world::World::with_keyring(&k);
    let mut args: Vec<String> = ["destination", "add", "--name", "Files", "--prefix", "incoming/"].map(String::from).to_vec();
    args.extend(["--provider", "minio", "--bucket", "reports", "--endpoint", &fs.endpoint()].map(String::from));
    args.extend(["--access-key-id", crate::support::servers::S3S_KEY, "--secret-stdin"].map(String::from));
    w.json(&args.iter().map(String::as_str).collect::<Vec<_>>(), Some(crate::support::servers::S3S_SECRET)).ok();
    let folder = tempfile::tempdir().unwrap();
    add_watch(&w, "inbox", folder.path(), &["Files"], &["--settle", "500ms"]);
    let agent = Agent::start(&w, &[], 1);
    std::fs::write(folder.path().join("first.txt"), b"1").unwrap();
    agent.wait_for(Duration::from_secs(30), "a delivery with the keychain open", |es| crate::agent::count(es, "delivered") >= 1);

    k.lock(); // as a screen lock would
    std::fs::write(folder.path().join("second.txt"), b"2").unwrap();
    agent.wait_for(Duration::from_secs(30), "the refusal", |es| {
        crate::agent::of(es, "retrying").iter().any(|e| e["code"] == "keychain_locked" && e["path"] == "second.txt")
    });
    let shown = w.json(&["watch", "show", "inbox"], None).ok().json();
    assert_eq!(shown["state"], "retrying", "{shown:#}");
    assert_eq!(shown["journal"]["queued"], 1, "the file waits in the journal");
    assert_eq!(shown["journal"]["last_failure"]["code"], "keychain_locked");
    assert!(shown["journal"]["last_failure"]["fix"].as_str().unwrap().contains("Unlock"), "{shown:#}");
    agent.stop();
    assert_eq!(fs.objects("reports").keys().cloned().collect::<Vec<_>>(), ["incoming/first.txt"]);
}
