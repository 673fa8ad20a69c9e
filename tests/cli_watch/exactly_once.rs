//! Exactly once by content: a burst of files, the server stopped mid-burst
//! then restarted, the agent killed with SIGKILL mid-queue then restarted,
//! and a restart after files changed (or did not) while nothing ran.
//! Keys carry a `{uuid}` where it matters, so a file sent twice would show
//! as a second object, not hide under the same key.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::agent::{add_watch, count, of, Agent, Scene};
use crate::support::servers::S3sFs;
use crate::support::world::World;

const WAIT: Duration = Duration::from_secs(180);

fn write_burst(folder: &std::path::Path, n: usize) -> BTreeMap<String, Vec<u8>> {
    (0..n)
        .map(|i| {
            let name = format!("f{i:04}.json");
            let body = format!("{{\"n\":{i}}}\n").into_bytes();
            std::fs::write(folder.join(&name), &body).unwrap();
            (name, body)
        })
        .collect()
}

/// Each object's content, counted: every file's content must appear once.
fn contents(objects: &BTreeMap<String, Vec<u8>>) -> BTreeMap<Vec<u8>, usize> {
    let mut c = BTreeMap::new();
    for body in objects.values() {
        *c.entry(body.clone()).or_insert(0) += 1;
    }
    c
}

fn assert_each_once(fs: &S3sFs, files: &BTreeMap<String, Vec<u8>>) {
    let objects = fs.objects("reports");
    assert_eq!(objects.len(), files.len(), "one object per file, none twice");
    let c = contents(&objects);
    for (name, body) in files {
        assert_eq!(c.get(body), Some(&1), "{name} landed {:?} times", c.get(body));
    }
    assert!(fs.upload_files().is_empty(), "no multipart upload left open: {:?}", fs.upload_files());
}

fn journal(w: &World, watch: &str) -> serde_json::Value {
    w.json(&["watch", "show", watch], None).ok().json()["journal"].clone()
}

#[test]
fn a_burst_of_a_thousand_files_lands_exactly_once() {
    let Scene { fs, w, folder } = Scene::new("Files", "{prefix}{uuid}-{name}");
    add_watch(&w, "burst", folder.path(), &["Files"], &["--settle", "1s"]);
    let agent = Agent::start(&w, &[], 1);
    let files = write_burst(folder.path(), 1_000);
    agent.wait_for(WAIT, "1,000 deliveries", |es| count(es, "delivered") >= 1_000);
    std::thread::sleep(Duration::from_secs(2));
    let (code, events) = agent.stop();
    assert_eq!(code, 0);
    assert_eq!(count(&events, "delivered"), 1_000);
    assert_each_once(&fs, &files);
    assert_eq!(journal(&w, "burst")["delivered"], 1_000);
}

#[test]
fn the_server_stopped_mid_burst_then_restarted_gets_every_file_once() {
    let Scene { mut fs, w, folder } = Scene::new("Files", "{prefix}{uuid}-{name}");
    add_watch(&w, "burst", folder.path(), &["Files"], &["--settle", "500ms"]);
    let agent = Agent::start(&w, &[], 1);
    let mut files = write_burst(folder.path(), 200);
    agent.wait_for(WAIT, "the first deliveries", |es| count(es, "delivered") >= 1);
    fs.stop();
    // More files while the server is down: they queue.
    for i in 200..300 {
        let (name, body) = (format!("f{i:04}.json"), format!("{{\"n\":{i}}}\n").into_bytes());
        std::fs::write(folder.path().join(&name), &body).unwrap();
        files.insert(name, body);
    }
    agent.wait_for(WAIT, "a retry while the server is down", |es| {
        of(es, "retrying").iter().any(|e| e["code"] == "connection_refused" && !e["fix"].as_str().unwrap_or("").is_empty())
    });
    assert!(journal(&w, "burst")["queued"].as_u64().unwrap() > 0, "files wait in the journal");
    fs.restart();
    agent.wait_for(WAIT, "all 300 delivered", |es| {
        let mut paths: Vec<&str> = of(es, "delivered").iter().map(|e| e["path"].as_str().unwrap()).collect();
        paths.sort();
        paths.dedup();
        paths.len() >= 300
    });
    std::thread::sleep(Duration::from_secs(2));
    let (_, events) = agent.stop();
    assert_eq!(count(&events, "delivered"), 300, "none delivered twice");
    assert_each_once(&fs, &files);
}

#[cfg(unix)]
#[test]
fn the_agent_killed_mid_queue_then_restarted_delivers_every_file_once() {
    let Scene { fs, w, folder } = Scene::new("Files", "{prefix}{uuid}-{name}");
    add_watch(&w, "burst", folder.path(), &["Files"], &["--settle", "500ms"]);
    let agent = Agent::start(&w, &[], 1);
    let files = write_burst(folder.path(), 600);
    agent.wait_for(WAIT, "some deliveries", |es| count(es, "delivered") >= 20);
    let before = agent.kill();
    let delivered_before = count(&before, "delivered");
    assert!(delivered_before < 600, "the kill came too late to test anything ({delivered_before} delivered)");

    let again = Agent::start(&w, &[], 1);
    again.wait_for(WAIT, "the rest delivered", |_| {
        let j = journal(&w, "burst");
        j["delivered"] == 600 && j["queued"] == 0 && j["sending"] == 0
    });
    let (_, after) = again.stop();
    assert_each_once(&fs, &files);
    assert!(count(&after, "delivered") <= 600 - delivered_before, "what was recorded as delivered is not sent again");
}

#[test]
fn a_restart_sends_what_changed_while_stopped_and_nothing_else() {
    let Scene { fs, w, folder } = Scene::new("Files", "{prefix}{stem}-{uuid}.{ext}");
    add_watch(&w, "docs", folder.path(), &["Files"], &["--settle", "500ms"]);
    let agent = Agent::start(&w, &[], 1);
    std::fs::write(folder.path().join("a.txt"), b"one").unwrap();
    std::fs::write(folder.path().join("b.txt"), b"two").unwrap();
    agent.wait_for(WAIT, "two deliveries", |es| count(es, "delivered") >= 2);
    agent.stop();

    // While nothing runs: one file changes, one is touched without change, one is new.
    std::fs::write(folder.path().join("a.txt"), b"one, edited").unwrap();
    let b = std::fs::File::options().write(true).open(folder.path().join("b.txt")).unwrap();
    b.set_modified(std::time::SystemTime::now() + Duration::from_secs(5)).unwrap();
    std::fs::write(folder.path().join("c.txt"), b"three").unwrap();

    let agent = Agent::start(&w, &[], 1);
    agent.wait_for(WAIT, "the changes", |es| count(es, "delivered") >= 2 && count(es, "unchanged") >= 1);
    std::thread::sleep(Duration::from_secs(2));
    let (_, events) = agent.stop();
    let mut paths: Vec<&str> = of(&events, "delivered").iter().map(|e| e["path"].as_str().unwrap()).collect();
    paths.sort();
    assert_eq!(paths, ["a.txt", "c.txt"]);
    assert_eq!(of(&events, "unchanged").iter().map(|e| e["path"].as_str().unwrap()).collect::<Vec<_>>(), ["b.txt"]);
    let mut bodies: Vec<Vec<u8>> = fs.objects("reports").into_values().collect();
    bodies.sort();
    assert_eq!(bodies, [b"one".to_vec(), b"one, edited".to_vec(), b"three".to_vec(), b"two".to_vec()], "a changed file gets a new key");
}

#[test]
fn a_changed_file_under_the_same_key_is_refused_as_existing_and_the_object_kept() {
    let Scene { fs, w, folder } = Scene::new("Files", "{prefix}{relpath}");
    add_watch(&w, "docs", folder.path(), &["Files"], &["--settle", "500ms"]);
    let agent = Agent::start(&w, &[], 1);
    std::fs::write(folder.path().join("a.txt"), b"first").unwrap();
    agent.wait_for(WAIT, "the first delivery", |es| count(es, "delivered") >= 1);
    std::fs::write(folder.path().join("a.txt"), b"second version").unwrap();
    agent.wait_for(WAIT, "the refusal", |es| count(es, "failed") >= 1);
    let (_, events) = agent.stop();
    let failed = of(&events, "failed")[0].clone();
    assert_eq!((failed["code"].as_str(), failed["path"].as_str()), (Some("already_exists"), Some("a.txt")), "{failed:#}");
    assert!(of(&events, "retrying").is_empty(), "not retried: another attempt cannot change it");
    assert_eq!(fs.objects("reports")["incoming/a.txt"], b"first", "never overwrite keeps the object");
    assert_eq!(journal(&w, "docs")["failed"], 1);
}
