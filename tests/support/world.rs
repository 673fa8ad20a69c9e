//! The `chute` binary's world: an isolated HOME, data folder, AWS and
//! rclone config paths and session bus per test, every output remembered
//! for the secret sweep; destinations on the test servers through AWS
//! profiles; and the JSON lines a `--json` run prints.

use std::cell::RefCell;
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::content::bytes_found_under;
use super::garage::{Garage, GARAGE_REGION};
use super::keychain::Keyring;
use super::servers::{Moto, S3sFs};

/// The `chute` binary, in the CLI package's tests (the only ones that run it
/// in a world; elsewhere this is empty).
pub const BIN: &str = match option_env!("CARGO_BIN_EXE_chute") {
    Some(path) => path,
    None => "",
};
pub const KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzCLI0SECRET";
/// A session bus address where nothing listens: no keychain at all.
pub const NO_BUS: &str = "unix:path=/nonexistent/chute-test-bus";

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

    /// AWS config and credentials files, e.g. `S3sFs::profile_files()`.
    pub fn write_profile(&self, (config, credentials): (String, String)) {
        self.write(&self.aws_config(), &config);
        self.write(&self.aws_credentials(), &credentials);
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

/// A world with no session bus: destinations get their keys from AWS profiles.
pub fn world() -> World {
    World::new(NO_BUS)
}

/// `destination add` flags for s3s-fs's bucket `reports` through the AWS profile `s3s`.
pub fn s3s_flags(fs: &S3sFs) -> Vec<String> {
    ["--provider", "minio", "--bucket", "reports", "--endpoint", &fs.endpoint(), "--profile", "s3s"].map(String::from).to_vec()
}

/// `destination add` flags for Garage's bucket `reports` through the AWS profile `garage` (its admin).
pub fn garage_flags(garage: &Garage) -> Vec<String> {
    [
        "--provider",
        "custom",
        "--bucket",
        "reports",
        "--endpoint",
        &garage.endpoint(),
        "--path-style",
        "--region",
        GARAGE_REGION,
        "--profile",
        "garage",
    ]
    .map(String::from)
    .to_vec()
}

/// `destination add` flags for moto's bucket `reports` through the AWS profile `moto` (its admin).
pub fn moto_flags(moto: &Moto) -> Vec<String> {
    [
        "--provider",
        "aws",
        "--bucket",
        "reports",
        "--endpoint",
        &moto.endpoint(),
        "--path-style",
        "--region",
        "us-east-1",
        "--profile",
        "moto",
    ]
    .map(String::from)
    .to_vec()
}

/// A destination on s3s-fs through the AWS profile `s3s` (bucket `reports`, prefix `incoming/`).
pub fn add_s3s(w: &World, fs: &S3sFs, name: &str, template: &str) {
    w.write_profile(S3sFs::profile_files());
    let mut args: Vec<String> =
        ["destination", "add", "--name", name, "--prefix", "incoming/", "--key-template", template].map(String::from).to_vec();
    args.extend(s3s_flags(fs));
    w.json(&args.iter().map(String::as_str).collect::<Vec<_>>(), None).ok();
}

/// A destination on moto's `reports` bucket as its admin user (profile `moto`, prefix `incoming/`).
pub fn add_moto(w: &World, moto: &Moto, name: &str) {
    w.write_profile(moto.profile_files());
    let mut args: Vec<String> =
        ["destination", "add", "--name", name, "--prefix", "incoming/", "--key-template", "{prefix}{relpath}"].map(String::from).to_vec();
    args.extend(moto_flags(moto));
    w.json(&args.iter().map(String::as_str).collect::<Vec<_>>(), None).ok();
}

/// Every stdout line of a `--json` run, parsed (each must be one JSON document).
pub fn lines(r: &Run) -> Vec<Value> {
    r.stdout
        .lines()
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}\nstdout:\n{}\nstderr:\n{}", r.stdout, r.stderr))
        })
        .collect()
}

/// Read a running `--json deliver`'s lines from `out` into `seen` until a
/// progress event reports bytes sent (with `bytes` false, until any progress
/// event); panics if the delivery ends first or sends nothing for two minutes.
pub fn read_until_sending(out: &mut impl BufRead, seen: &mut String, bytes: bool) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let mut line = String::new();
        assert!(out.read_line(&mut line).unwrap() > 0, "ended before any part was sent:\n{seen}");
        seen.push_str(&line);
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_ne!(v["event"], "summary", "finished before any part was sent:\n{seen}");
        if v["event"] == "progress" && (!bytes || v["bytes_sent"].as_u64().unwrap_or(0) > 0) {
            return;
        }
        assert!(Instant::now() < deadline, "no part was sent in time");
    }
}

/// All that is left in a child's pipe (empty if there is none).
pub fn read_all(pipe: Option<impl Read>) -> String {
    let mut s = String::new();
    if let Some(mut p) = pipe {
        let _ = p.read_to_string(&mut s);
    }
    s
}
