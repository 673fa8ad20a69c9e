//! A real HTTP proxy on loopback: tinyproxy (Debian's package, installed by
//! `scripts/install-deps.sh --test`), started in the foreground with a
//! config of the test's own, and its log read back to see which requests
//! went through it.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use super::servers::{free_port, wait_for_port};

/// What the proxy lets through.
pub enum Rules {
    /// Anything, from anyone.
    Open,
    /// Only requests that carry this user and password.
    Login(&'static str, &'static str),
    /// Nothing: every host is filtered out (403 "Filtered").
    DenyAll,
}

pub struct TinyProxy {
    child: Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

impl TinyProxy {
    pub fn start(rules: Rules) -> TinyProxy {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let log = dir.path().join("tinyproxy.log");
        let mut conf = format!(
            "Port {port}\nListen 127.0.0.1\nTimeout 30\nMaxClients 64\nAllow 127.0.0.1\nLogFile \"{}\"\nLogLevel Info\n",
            log.display()
        );
        match rules {
            Rules::Open => {}
            Rules::Login(user, password) => conf.push_str(&format!("BasicAuth {user} {password}\n")),
            Rules::DenyAll => {
                let filter = dir.path().join("filter");
                std::fs::write(&filter, "^nothing\\.example$\n").unwrap();
                conf.push_str(&format!("Filter \"{}\"\nFilterDefaultDeny Yes\n", filter.display()));
            }
        }
        let path = dir.path().join("tinyproxy.conf");
        std::fs::write(&path, conf).unwrap();
        let mut child = Command::new("tinyproxy")
            .arg("-d")
            .arg("-c")
            .arg(&path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tinyproxy must be installed (scripts/install-deps.sh --test installs it)");
        wait_for_port(port, "tinyproxy", &mut child);
        TinyProxy { child, port, dir }
    }

    /// `http://127.0.0.1:PORT`, or with a user and password in it.
    pub fn url(&self, login: Option<(&str, &str)>) -> String {
        match login {
            Some((user, password)) => format!("http://{user}:{password}@127.0.0.1:{}", self.port),
            None => format!("http://127.0.0.1:{}", self.port),
        }
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("tinyproxy.log")
    }

    /// The request lines the proxy received (`PUT http://…/key HTTP/1.1`, `CONNECT host:port HTTP/1.1`).
    pub fn requests(&self) -> Vec<String> {
        let log = String::from_utf8_lossy(&std::fs::read(self.log_path()).unwrap_or_default()).into_owned();
        log.lines().filter_map(|l| l.split_once("): ").map(|(_, r)| r.to_string())).filter(|r| r.contains(" HTTP/")).collect()
    }
}

impl Drop for TinyProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
