//! The harness for the `chute` binary's tests (tests/cli.rs and
//! tests/cli_probe.rs): an isolated world per test and helpers.
#![allow(dead_code)]

use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::common::{bytes_found_under, Keyring};

pub const BIN: &str = env!("CARGO_BIN_EXE_chute");
pub const KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzCLI0SECRET";

/// One isolated world for the binary: its own HOME, data dir, AWS and
/// rclone config paths and session bus. Remembers every output it saw.
pub struct World {
    pub _root: tempfile::TempDir,
    pub home: PathBuf,
    pub data: PathBuf,
    pub bus: String,
    /// (arguments, stdout + stderr) of every run.
    pub outputs: RefCell<Vec<(String, String)>>,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}\nstderr:\n{}", self.stdout, self.stderr))
    }

    pub fn ok(self) -> Run {
        assert_eq!(self.code, 0, "expected success\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    /// `{"error": …}` with the given exit code; returns the error object.
    pub fn error(&self, exit: i32, code: &str) -> Value {
        assert_eq!(self.code, exit, "exit code\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        let v = self.json();
        let e = v.get("error").unwrap_or_else(|| panic!("no error object: {v}")).clone();
        assert_eq!(e["code"], code, "{e:#}");
        assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "{e:#}");
        assert!(e["fix"].as_str().is_some_and(|m| !m.is_empty()), "{e:#}");
        e
    }
}

impl World {
    pub fn new(bus: &str) -> World {
        let root = tempfile::tempdir().unwrap();
        let home = root.path().join("home");
        let data = root.path().join("data");
        std::fs::create_dir_all(&home).unwrap();
        World { home, data, bus: bus.to_string(), _root: root, outputs: RefCell::new(Vec::new()) }
    }

    pub fn with_keyring(k: &Keyring) -> World {
        World::new(k.address())
    }

    pub fn aws_config(&self) -> PathBuf {
        self.home.join(".aws/config")
    }

    pub fn aws_credentials(&self) -> PathBuf {
        self.home.join(".aws/credentials")
    }

    pub fn rclone_config(&self) -> PathBuf {
        self.home.join(".config/rclone/rclone.conf")
    }

    pub fn write(&self, path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// `program` in this world's environment only.
    pub fn program(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("AWS_CONFIG_FILE", self.aws_config())
            .env("AWS_SHARED_CREDENTIALS_FILE", self.aws_credentials())
            .env("RCLONE_CONFIG", self.rclone_config())
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .env("CHUTE_KEYCHAIN_TIMEOUT_SECS", "10");
        cmd
    }

    /// `chute --data-dir DATA ARGS…` in this world's environment only.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = self.program(BIN);
        cmd.arg("--data-dir").arg(&self.data).args(args);
        cmd
    }

    /// Run `chute --data-dir DATA ARGS…` with `stdin` piped in (or no stdin at all).
    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> Run {
        self.spawn(self.command(args), format!("{args:?}"), stdin)
    }

    /// Run a prepared command, remembering its output under `label`.
    pub fn spawn(&self, mut cmd: Command, label: String, stdin: Option<&str>) -> Run {
        cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() }).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("run chute");
        if let Some(input) = stdin {
            let mut pipe = child.stdin.take().unwrap();
            // A command that fails before reading its input closes the pipe early.
            if let Err(e) = pipe.write_all(input.as_bytes()) {
                assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
            }
        }
        let out = child.wait_with_output().unwrap();
        let run = Run {
            code: out.status.code().expect("chute exited by a signal"),
            stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
        };
        self.outputs.borrow_mut().push((label, format!("{}\n{}", run.stdout, run.stderr)));
        run
    }

    pub fn json(&self, args: &[&str], stdin: Option<&str>) -> Run {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        self.run(&a, stdin)
    }

    pub fn list(&self) -> Vec<Value> {
        self.json(&["destination", "list"], None).ok().json().as_array().expect("list is an array").clone()
    }

    /// Runs chute inside a private network and mount namespace: only
    /// loopback, and an /etc/resolv.conf naming 127.0.0.1, where nothing
    /// answers, so every DNS lookup fails at once and none leaves the
    /// machine (names in /etc/hosts still resolve). `setup` (sh) runs
    /// first, then each (arguments, stdin) in turn, in the same namespace.
    pub fn in_netns(&self, setup: &str, runs: &[(&[&str], Option<&str>)]) -> Vec<Run> {
        let dir = tempfile::tempdir_in(self._root.path()).unwrap();
        let d = dir.path();
        std::fs::write(d.join("resolv.conf"), "nameserver 127.0.0.1\n").unwrap();
        let mut script = format!(
            "ip link set lo up || exit 90\nmount --bind {} /etc/resolv.conf || exit 91\n{setup}\n",
            sh_quote(&d.join("resolv.conf").display().to_string())
        );
        for (i, (args, stdin)) in runs.iter().enumerate() {
            let input = match stdin {
                Some(text) => {
                    let f = d.join(format!("in{i}"));
                    std::fs::write(&f, text).unwrap();
                    f.display().to_string()
                }
                None => "/dev/null".to_string(),
            };
            let words: Vec<String> = [BIN, "--data-dir", &self.data.display().to_string()]
                .iter()
                .map(|w| w.to_string())
                .chain(args.iter().map(|a| a.to_string()))
                .map(|w| sh_quote(&w))
                .collect();
            let file = |what: &str| sh_quote(&d.join(format!("{what}{i}")).display().to_string());
            script +=
                &format!("{} < {} > {} 2> {}; echo $? > {}\n", words.join(" "), sh_quote(&input), file("out"), file("err"), file("code"));
        }
        let mut cmd = self.program("unshare");
        cmd.args(["-n", "-m", "sh", "-c", &script]);
        let out = cmd.stdin(Stdio::null()).output().expect("unshare");
        assert!(out.status.success(), "the namespace script failed ({}): {}", out.status, String::from_utf8_lossy(&out.stderr));
        runs.iter()
            .enumerate()
            .map(|(i, (args, _))| {
                let read = |what: &str| std::fs::read_to_string(d.join(format!("{what}{i}"))).unwrap_or_else(|e| panic!("{what}{i}: {e}"));
                let run = Run { code: read("code").trim().parse().unwrap(), stdout: read("out"), stderr: read("err") };
                self.outputs.borrow_mut().push((format!("{args:?} (in a private network)"), format!("{}\n{}", run.stdout, run.stderr)));
                run
            })
            .collect()
    }

    /// No command printed `needle`, and no file under the data dir holds it.
    pub fn assert_nowhere(&self, needle: &str) {
        for (args, o) in self.outputs.borrow().iter() {
            assert!(!o.contains(needle), "a secret was printed by chute {args}:\n{o}");
        }
        let hits = bytes_found_under(&self.data, needle.as_bytes());
        assert!(hits.is_empty(), "a secret was written to {hits:?}");
    }
}

/// Number of Chute's items in the keyring.
pub fn items(k: &Keyring) -> usize {
    k.count("chute")
}

pub fn item(k: &Keyring, id: &str) -> Option<String> {
    k.lookup("chute", &format!("destination:{id}"))
}

pub fn minio_add(name: &str) -> Vec<&str> {
    vec![
        "destination",
        "add",
        "--name",
        name,
        "--provider",
        "minio",
        "--bucket",
        "reports",
        "--endpoint",
        "http://127.0.0.1:9000",
        "--prefix",
        "incoming/",
    ]
}

pub fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}
