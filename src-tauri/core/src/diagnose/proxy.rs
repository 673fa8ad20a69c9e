//! The words for a proxy in the way: one that cannot be reached, that asks
//! for (other) credentials, that refuses the endpoint, or that cannot reach
//! it. The connection test's proxy step and a delivery's failed requests
//! both use these. `proxy` names it as `host:port`, `source` where it was
//! set (`HTTPS_PROXY`, the destination's proxy setting), and `target` the
//! endpoint's `host:port`.

use super::{Diagnosis, Evidence, Level};
use crate::report::Code;

/// Where to change the proxy, in words that fit where it was set.
fn where_to_change(source: &str) -> String {
    if source.starts_with("the destination") {
        "Edit the destination's proxy".into()
    } else {
        format!("Correct {source}, or give this destination its own proxy")
    }
}

pub fn proxy_unreachable(proxy: &str, source: &str, what: &str, ev: Evidence) -> Diagnosis {
    Diagnosis::new(Code::ProxyUnreachable, Level::Error, "The proxy cannot be reached")
        .happened(format!("Requests go through the proxy at {proxy} (set by {source}), and it could not be reached: {what}."))
        .cause("The proxy's address or port is wrong, it is not running, or this machine is off the network that has it (the office network or its VPN).")
        .fix(format!(
            "{}; if the endpoint is reachable without a proxy, set the destination's proxy to `direct` or add the endpoint's host to NO_PROXY.",
            where_to_change(source)
        ))
        .evidence(ev)
}

/// `had_credentials`: a user and password were sent and refused.
pub fn proxy_auth_required(proxy: &str, source: &str, had_credentials: bool, ev: Evidence) -> Diagnosis {
    let (title, happened) = if had_credentials {
        (
            "The proxy refused its user name and password",
            format!("The proxy at {proxy} (set by {source}) does not accept the user name or password it was given."),
        )
    } else {
        (
            "The proxy needs a user name and password",
            format!("The proxy at {proxy} (set by {source}) wants credentials (HTTP 407), and none were sent."),
        )
    };
    let fix = match (source.starts_with("the destination"), had_credentials) {
        (true, true) => "Check the user in the destination's proxy address and enter its password again in the proxy password field (kept in the system keychain).".to_string(),
        (true, false) => "Put the proxy user in the destination's proxy address (http://user@host:port) and its password in the proxy password field; the password is kept in the system keychain.".to_string(),
        (false, true) => format!("Correct the user and password in {source} (http://user:password@host:port), or give this destination its own proxy with a user, whose password is kept in the keychain."),
        (false, false) => format!("Give the user and password in {source} (http://user:password@host:port), or give this destination its own proxy with a user, whose password is kept in the keychain."),
    };
    Diagnosis::new(Code::ProxyAuthRequired, Level::Error, title)
        .happened(happened)
        .cause(if had_credentials {
            "A typo, an expired or changed password, or a user the proxy does not allow."
        } else {
            "This proxy only forwards requests of known users."
        })
        .fix(fix)
        .evidence(ev)
}

/// `status`: the proxy's answer (403, or what it sent instead of 200 to a tunnel).
pub fn proxy_refused(proxy: &str, source: &str, target: &str, status: Option<u16>, ev: Evidence) -> Diagnosis {
    let answer = status.map(|s| format!(" (HTTP {s})")).unwrap_or_default();
    Diagnosis::new(Code::ProxyRefused, Level::Error, "The proxy refuses to connect to the endpoint")
        .happened(format!("The proxy at {proxy} (set by {source}) would not forward requests to {target}{answer}."))
        .cause("The proxy's rules do not allow this host or port: office proxies often allow listed sites only, and tunnels only to port 443.")
        .fix(format!(
            "Ask the proxy's administrator to allow {target}; if the endpoint is reachable without the proxy, set the destination's proxy to `direct` or add its host to NO_PROXY."
        ))
        .evidence(ev)
}

pub fn proxy_upstream_failed(proxy: &str, source: &str, target: &str, status: u16, ev: Evidence) -> Diagnosis {
    Diagnosis::new(Code::ProxyUpstreamFailed, Level::Error, "The proxy cannot reach the endpoint")
        .happened(format!("The proxy at {proxy} (set by {source}) answered HTTP {status}: it could not connect to {target} for Chute."))
        .cause("The endpoint is down or its address is wrong, or it is an internal server the proxy's network cannot see.")
        .fix(format!(
            "Check the endpoint; if it is an internal server, add its host to NO_PROXY or set the destination's proxy to `direct`. {}",
            where_to_change(source)
        ))
        .evidence(ev)
}
