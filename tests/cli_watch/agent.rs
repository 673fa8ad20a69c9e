//! `chute --json watch run` as a child process: its JSON lines collected
//! as they come, waited on by predicate; stopped with SIGTERM (graceful)
//! or SIGKILL (a crash).

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::servers::S3sFs;
use crate::support::world::{add_s3s, world, World};

/// What most watch tests start from: s3s-fs, a world with one destination
/// on it through an AWS profile (prefix `incoming/`), and an empty folder.
pub struct Scene {
    pub fs: S3sFs,
    pub w: World,
    pub folder: tempfile::TempDir,
}

impl Scene {
    pub fn new(destination: &str, key_template: &str) -> Scene {
        let fs = S3sFs::start();
        let w = world();
        add_s3s(&w, &fs, destination, key_template);
        Scene { fs, w, folder: tempfile::tempdir().unwrap() }
    }
}

pub struct Agent {
    child: Child,
    events: Arc<Mutex<Vec<Value>>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Agent {
    /// Start the runner (in the world's environment, plus `env`); returns
    /// once it watches `watching` watches.
    pub fn start(w: &World, env: &[(&str, &str)], watching: usize) -> Agent {
        let mut cmd = w.command(&["--json", "watch", "run"]);
        cmd.envs(env.iter().copied());
        let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("start chute watch run");
        let out = BufReader::new(child.stdout.take().unwrap());
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = events.clone();
        let reader = std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
                sink.lock().unwrap().push(v);
            }
        });
        let agent = Agent { child, events, reader: Some(reader) };
        agent.wait_for(Duration::from_secs(30), "the watches to start", |es| count(es, "watching") >= watching);
        agent
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn events(&self) -> Vec<Value> {
        self.events.lock().unwrap().clone()
    }

    /// Wait until `done` holds for the events so far; panics with them after `timeout`.
    pub fn wait_for(&self, timeout: Duration, what: &str, done: impl Fn(&[Value]) -> bool) {
        let deadline = Instant::now() + timeout;
        loop {
            if done(&self.events()) {
                return;
            }
            if Instant::now() > deadline {
                let es: Vec<String> = self.events().iter().map(|e| e.to_string()).collect();
                panic!("timed out waiting for {what}; events:\n{}", es.join("\n"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGTERM, then wait for the exit; returns the exit code.
    #[cfg(unix)]
    pub fn stop(mut self) -> (i32, Vec<Value>) {
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let status = self.child.wait().unwrap();
        if let Some(r) = self.reader.take() {
            r.join().unwrap();
        }
        (status.code().expect("exited, not killed"), self.events())
    }

    /// SIGKILL: the process dies at once, as in a crash.
    pub fn kill(mut self) -> Vec<Value> {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        if let Some(r) = self.reader.take() {
            r.join().unwrap();
        }
        self.events()
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Events of one kind.
pub fn of<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["event"] == kind).collect()
}

pub fn count(events: &[Value], kind: &str) -> usize {
    of(events, kind).len()
}

/// `watch add` with the given extra flags; returns the watch's JSON.
pub fn add_watch(w: &World, name: &str, folder: &std::path::Path, to: &[&str], extra: &[&str]) -> Value {
    let mut args = vec!["watch", "add", name, folder.to_str().unwrap()];
    for d in to {
        args.extend(["--to", d]);
    }
    args.extend_from_slice(extra);
    w.json(&args, None).ok().json()
}
