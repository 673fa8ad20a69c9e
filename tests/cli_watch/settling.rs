//! Only settled files, once each: a file grown over 5 s, a write then a
//! rename, an editor saving twice, and names that are never delivered.

use std::io::Write;
use std::time::Duration;

use crate::agent::{add_watch, count, of, Agent, Scene};

const WAIT: Duration = Duration::from_secs(60);

fn delivered_paths(events: &[serde_json::Value]) -> Vec<String> {
    of(events, "delivered").iter().map(|e| e["path"].as_str().unwrap().to_string()).collect()
}

#[test]
fn a_growing_file_a_renamed_file_and_a_double_save_each_land_once_with_their_final_content() {
    let Scene { fs, w, folder } = Scene::new("Files", "{prefix}{relpath}");
    add_watch(&w, "inbox", folder.path(), &["Files"], &["--settle", "1s"]);
    let agent = Agent::start(&w, &[], 1);

    // Grown over 5 s, a chunk every 250 ms: never sent torn.
    let grower = {
        let path = folder.path().join("growing.log");
        std::thread::spawn(move || {
            let mut f = std::fs::File::create(&path).unwrap();
            for i in 0..20 {
                writeln!(f, "line {i:04} {}", "x".repeat(1000)).unwrap();
                f.flush().unwrap();
                std::thread::sleep(Duration::from_millis(250));
            }
        })
    };
    // Written under a temporary name, then renamed.
    std::fs::write(folder.path().join("report.csv.part"), b"a,b\n1,2\n").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    std::fs::rename(folder.path().join("report.csv.part"), folder.path().join("report.csv")).unwrap();
    // Saved twice, 400 ms apart, as editors do.
    std::fs::create_dir(folder.path().join("notes")).unwrap();
    std::fs::write(folder.path().join("notes/todo.txt"), b"first draft").unwrap();
    std::thread::sleep(Duration::from_millis(400));
    std::fs::write(folder.path().join("notes/todo.txt"), b"final text").unwrap();
    // Names that never go: office lock files, hidden files, downloads in progress.
    std::fs::write(folder.path().join("~$budget.xlsx"), b"lock").unwrap();
    std::fs::write(folder.path().join(".secret-cache"), b"hidden").unwrap();
    std::fs::write(folder.path().join("movie.mkv.crdownload"), b"half").unwrap();
    grower.join().unwrap();

    agent.wait_for(WAIT, "three deliveries", |es| count(es, "delivered") >= 3);
    std::thread::sleep(Duration::from_secs(3)); // anything more would arrive now
    let (code, events) = agent.stop();
    assert_eq!(code, 0, "a SIGTERM stops the runner cleanly");
    assert_eq!(events.last().unwrap()["event"], "stopped");

    let mut paths = delivered_paths(&events);
    paths.sort();
    assert_eq!(paths, ["growing.log", "notes/todo.txt", "report.csv"], "each once, nothing temporary or hidden");
    let objects = fs.objects("reports");
    assert_eq!(objects.keys().cloned().collect::<Vec<_>>(), ["incoming/growing.log", "incoming/notes/todo.txt", "incoming/report.csv"]);
    assert_eq!(objects["incoming/growing.log"], std::fs::read(folder.path().join("growing.log")).unwrap(), "whole, not torn");
    assert_eq!(objects["incoming/growing.log"].len(), 20 * 1011, "20 lines of 1,011 bytes");
    assert_eq!(objects["incoming/notes/todo.txt"], b"final text");
    assert_eq!(objects["incoming/report.csv"], b"a,b\n1,2\n");
    // The history shows what the watch did, as origin "watch".
    let batches = w.json(&["history", "list"], None).ok().json();
    let batches = batches.as_array().unwrap();
    assert!(!batches.is_empty() && batches.iter().all(|b| b["origin"] == "watch"), "{batches:#?}");
}

#[test]
fn only_new_files_leaves_the_existing_ones_alone_and_deliver_sends_them() {
    let Scene { fs: _server, w, .. } = Scene::new("Files", "{prefix}{relpath}");
    let (old, all) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    std::fs::write(old.path().join("before.txt"), b"was there").unwrap();
    std::fs::write(all.path().join("earlier.txt"), b"also there").unwrap();
    add_watch(&w, "new only", old.path(), &["Files"], &["--settle", "500ms"]);
    add_watch(&w, "everything", all.path(), &["Files"], &["--settle", "500ms", "--existing", "deliver", "--no-subfolders"]);
    let agent = Agent::start(&w, &[], 2);
    std::fs::write(old.path().join("after.txt"), b"new").unwrap();
    agent.wait_for(WAIT, "two deliveries", |es| count(es, "delivered") >= 2);
    std::thread::sleep(Duration::from_secs(2));
    let (_, events) = agent.stop();
    let mut paths = delivered_paths(&events);
    paths.sort();
    assert_eq!(paths, ["after.txt", "earlier.txt"]);
    let existing = of(&events, "existing");
    assert_eq!(existing.len(), 2, "{existing:?}");
}

#[test]
fn where_the_os_gives_no_events_the_folder_is_polled_and_the_agent_says_so() {
    let Scene { fs, w, folder } = Scene::new("Files", "{prefix}{relpath}");
    add_watch(&w, "polled", folder.path(), &["Files"], &["--settle", "500ms"]);
    // As on a network mount; forced here, since no network file system is mounted on this machine.
    let agent = Agent::start(&w, &[("CHUTE_WATCH_POLL", "1")], 1);
    let watching = of(&agent.events(), "watching")[0].clone();
    assert!(watching["polling"].as_str().is_some_and(|p| p.contains("CHUTE_WATCH_POLL")), "{watching:#}");
    std::fs::write(folder.path().join("polled.txt"), b"seen by polling").unwrap();
    agent.wait_for(WAIT, "the delivery", |es| count(es, "delivered") >= 1);
    agent.stop();
    assert_eq!(fs.objects("reports")["incoming/polled.txt"], b"seen by polling");
}
