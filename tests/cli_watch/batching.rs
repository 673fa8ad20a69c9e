//! A batching watch: the files that settle within the window become one
//! gzip object under the hourly key, holding exactly their lines in the
//! order they settled; a refusal sends the same object again, never a
//! second one.

use std::io::Read;
use std::time::Duration;

use crate::agent::{add_watch, count, of, Agent, Scene};

fn gunzip(bytes: &[u8]) -> String {
    let mut s = String::new();
    flate2::read::GzDecoder::new(bytes).read_to_string(&mut s).unwrap();
    s
}

#[test]
fn a_window_of_files_lands_as_one_gz_object_with_their_lines_even_after_the_server_was_down() {
    let Scene { mut fs, w, folder } = Scene::new("Events", "{prefix}{relpath}");
    add_watch(&w, "events", folder.path(), &["Events"], &["--settle", "500ms", "--batch", "4s"]);
    let agent = Agent::start(&w, &[], 1);
    let mut expected = String::new();
    for i in 0..12 {
        let body = format!("{{\"event\":{i},\"a\":1}}\n{{\"event\":{i},\"a\":2}}");
        expected += &body;
        expected += "\n";
        std::fs::write(folder.path().join(format!("e{i:02}.ndjson")), body).unwrap();
        std::thread::sleep(Duration::from_millis(150)); // they settle one after the other, in this order
    }
    agent.wait_for(Duration::from_secs(30), "all twelve queued", |es| count(es, "queued") >= 12);
    fs.stop(); // the window closes while the server is down
    agent.wait_for(Duration::from_secs(60), "a refusal", |es| count(es, "retrying") >= 12);
    fs.restart();
    agent.wait_for(Duration::from_secs(60), "the combined object", |es| count(es, "delivered") >= 12);
    std::thread::sleep(Duration::from_secs(1));
    let (_, events) = agent.stop();

    let keys: std::collections::BTreeSet<&str> = of(&events, "delivered").iter().map(|e| e["key"].as_str().unwrap()).collect();
    assert_eq!(keys.len(), 1, "one object for the window: {keys:?}");
    let objects = fs.objects("reports");
    assert_eq!(objects.len(), 1, "sent again after the refusal, never a second object: {:?}", objects.keys());
    let (key, body) = objects.iter().next().unwrap();
    assert_eq!(keys.iter().next().unwrap(), key);
    let parts: Vec<&str> = key.split('/').collect();
    assert_eq!(parts[0], "incoming");
    assert_eq!(parts.len(), 6, "{key}: {{prefix}}YYYY/MM/DD/HH/YYYY-MM-DD-HH-MM-SS-ID.gz");
    assert!(parts[5].ends_with(".gz") && parts[5].starts_with(&format!("{}-{}-{}-{}-", parts[1], parts[2], parts[3], parts[4])), "{key}");
    assert_eq!(gunzip(body), expected, "exactly the files' lines, in the order they settled");
    let shown = w.json(&["watch", "show", "events"], None).ok().json();
    assert_eq!(shown["journal"]["delivered"], 12);
    assert!(shown["command_line"].as_str().unwrap().contains("--batch 4s"));
    let leftovers: Vec<_> = std::fs::read_dir(w.data.join("bundles")).map(|d| d.flatten().collect()).unwrap_or_default();
    assert!(leftovers.is_empty(), "the combined file is removed once it landed");
}
