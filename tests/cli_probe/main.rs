//! `chute destination test` and `probes` against real servers: moto,
//! s3s-fs, and private network namespaces for DNS failures (no query leaves
//! them). No mocks.
//!
//! One binary, a module per kind of server: `on_servers` (s3s-fs and moto:
//! a passing test, the wrong region, denied writes, bad keys, buckets and
//! tokens), `network` (no DNS, path-style needed, no keychain, refused
//! connections and servers that are not S3), `proxy` (through a real
//! proxy: the environment's and a destination's own) and `sso` (IAM
//! Identity Center profiles from profile and cache files). What they share is here.

#[path = "../support/mod.rs"]
mod support;

mod network;
mod on_servers;
mod proxy;
mod sso;

use std::process::{Command, Stdio};

use serde_json::Value;
use support::servers::Moto;
use support::world::Run;

/// Private network namespaces need root (CAP_SYS_ADMIN); say so and skip without it.
pub(crate) fn namespaces_available(test: &str) -> bool {
    match Command::new("unshare").args(["-n", "true"]).stdout(Stdio::null()).stderr(Stdio::null()).status() {
        Ok(s) if s.success() => true,
        other => {
            eprintln!(
                "SKIPPED {test}: `unshare -n true` failed ({other:?}). This test runs chute in a private network \
                 namespace so no DNS query leaves the machine; that needs root (CAP_SYS_ADMIN)."
            );
            false
        }
    }
}

pub(crate) fn step<'a>(r: &'a Value, id: &str) -> &'a Value {
    r["steps"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap_or_else(|| panic!("no step {id}: {r:#}"))
}

pub(crate) fn finding<'a>(r: &'a Value, code: &str) -> &'a Value {
    r["findings"].as_array().unwrap().iter().find(|f| f["code"] == code).unwrap_or_else(|| panic!("no finding {code}: {r:#}"))
}

pub(crate) fn statuses(r: &Value) -> Vec<(String, String)> {
    r["steps"].as_array().unwrap().iter().map(|s| (s["id"].as_str().unwrap().into(), s["status"].as_str().unwrap().into())).collect()
}

/// Every step after `failed` was skipped.
pub(crate) fn skipped_after(r: &Value, failed: &str) {
    let st = statuses(r);
    let at = st.iter().position(|(id, _)| id == failed).unwrap_or_else(|| panic!("no step {failed}: {r:#}"));
    assert_eq!(st[at].1, "failed", "{r:#}");
    for (id, status) in &st[at + 1..] {
        assert_eq!(status, "skipped", "{id} after {failed}: {r:#}");
    }
}

/// A draft test on moto as `add` would take it: `test --provider aws … --access-key-id ID --secret-stdin`.
pub(crate) fn moto_draft(moto: &Moto, bucket: &str, key_id: &str, extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = [
        "--json",
        "destination",
        "test",
        "--provider",
        "aws",
        "--bucket",
        bucket,
        "--endpoint",
        &moto.endpoint(),
        "--path-style",
        "--region",
        "us-east-1",
        "--prefix",
        "incoming/",
        "--access-key-id",
        key_id,
        "--secret-stdin",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

pub(crate) fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The human report's final line.
pub(crate) fn last_line(r: &Run) -> &str {
    r.stdout.lines().last().unwrap_or_default()
}
