//! Through a real proxy (tinyproxy on loopback): the proxy of the
//! environment (`HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY`) and a
//! destination's own, with its password in the keychain; the connection
//! test's proxy step, and a delivery that goes the same way and names the
//! same trouble alike: a proxy that is not there, wants credentials,
//! refuses the endpoint, or tunnels to it.

use serde_json::Value;

use crate::support::http_proxy::{Rules, TinyProxy};
use crate::support::keychain::Keyring;
use crate::support::servers::{S3sFs, TlsServer};
use crate::support::world::*;
use crate::{finding, skipped_after, step};

/// `chute --json ARGS…` with these environment variables.
fn json_with(w: &World, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Run {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    let mut cmd = w.command(&a);
    for (k, v) in env {
        cmd.env(k, v);
    }
    w.spawn(cmd, format!("{a:?} with {env:?}"), stdin)
}

/// Deliver one small file; returns the file's JSON event and the summary.
fn deliver(w: &World, name: &str, env: &[(&str, &str)]) -> (Value, Value) {
    let file = w.home.join(format!("{name}.csv"));
    std::fs::write(&file, format!("id,{name}\n")).unwrap();
    let r = json_with(w, &["deliver", "Files", file.to_str().unwrap(), "--yes"], env, None);
    let ls = lines(&r);
    let f = ls.iter().find(|l| l["event"] == "file" && l["status"] != "started" && l["status"] != "sending").cloned();
    (f.unwrap_or(Value::Null), ls.last().cloned().unwrap_or(Value::Null))
}

fn failure_code(file: &Value) -> &str {
    file["error"]["code"].as_str().unwrap_or_default()
}

#[test]
fn the_environment_proxy_carries_the_test_and_the_delivery_and_no_proxy_bypasses_it() {
    let fs = S3sFs::start();
    let proxy = TinyProxy::start(Rules::Login("alice", "op3n-sesame"));
    let w = world();
    add_s3s(&w, &fs, "Files", "{prefix}{relpath}");
    let through = proxy.url(Some(("alice", "op3n-sesame")));

    let r = json_with(&w, &["destination", "test", "Files"], &[("HTTP_PROXY", &through)], None).ok().json();
    assert_eq!(r["outcome"], "passed", "{r:#}");
    let p = step(&r, "proxy");
    assert_eq!(p["status"], "passed", "{r:#}");
    assert!(p["detail"].as_str().unwrap().contains("HTTP_PROXY"), "{p:#}");
    assert!(step(&r, "connect")["detail"].as_str().unwrap().contains(&format!("proxy at 127.0.0.1:{}", proxy.port)), "{r:#}");

    let (f, summary) = deliver(&w, "through", &[("HTTP_PROXY", &through)]);
    assert_eq!((f["status"].as_str(), summary["delivered"].as_u64()), (Some("delivered"), Some(1)), "{f:#}\n{summary:#}");
    assert_eq!(fs.objects("reports")["incoming/through.csv"], b"id,through\n");
    let puts: Vec<String> = proxy.requests().into_iter().filter(|r| r.starts_with("PUT ") && r.contains("/incoming/through.csv")).collect();
    assert!(!puts.is_empty(), "the object's PUT did not go through the proxy: {:?}", proxy.requests());

    // NO_PROXY lists the endpoint: straight there, past a proxy that is not even running.
    let dead = "http://127.0.0.1:9";
    let env = [("HTTP_PROXY", dead), ("NO_PROXY", "127.0.0.1")];
    let r = json_with(&w, &["destination", "test", "Files"], &env, None).ok().json();
    assert_eq!((r["outcome"].as_str(), step(&r, "proxy")["status"].as_str()), (Some("passed"), Some("skipped")), "{r:#}");
    assert!(step(&r, "proxy")["detail"].as_str().unwrap().contains("NO_PROXY"), "{r:#}");
    let (f, _) = deliver(&w, "bypassed", &env);
    assert_eq!(f["status"], "delivered", "{f:#}");
    // Without any proxy variable, the step says why it was skipped.
    let r = w.json(&["destination", "test", "Files"], None).ok().json();
    assert!(step(&r, "proxy")["detail"].as_str().unwrap().contains("no proxy set"), "{r:#}");
}

#[test]
fn a_destination_proxy_keeps_its_password_in_the_keychain() {
    let fs = S3sFs::start();
    let proxy = TinyProxy::start(Rules::Login("alice", "k3ychain-only"));
    let k = Keyring::start();
    let w = World::with_keyring(&k);
    add_s3s(&w, &fs, "Files", "{prefix}{relpath}");
    let address = format!("http://alice@127.0.0.1:{}", proxy.port);
    w.json(&["destination", "edit", "Files", "--proxy", &address], None).ok();

    // A user and no password: the proxy refuses, and the test says what to do.
    let r = w.json(&["destination", "test", "Files"], None);
    let r = r.json();
    skipped_after(&r, "proxy");
    let d = finding(&r, "proxy_auth_required");
    assert!(d["fix"].as_str().unwrap().contains("proxy password"), "{d:#}");
    assert_eq!(d["evidence"]["proxy"], format!("127.0.0.1:{} (the destination's proxy setting)", proxy.port), "{d:#}");
    // A delivery meets it and calls it the same.
    let (f, _) = deliver(&w, "refused", &[]);
    assert_eq!(failure_code(&f), "proxy_auth_required", "{f:#}");

    // The password goes to the keychain, not the settings.
    w.json(&["destination", "edit", "Files", "--proxy-password-stdin"], Some("k3ychain-only\n")).ok();
    let id = w.json(&["destination", "show", "Files"], None).ok().json()["id"].as_str().unwrap().to_string();
    assert_eq!(k.lookup("chute", &format!("destination:{id}:proxy")).as_deref(), Some("k3ychain-only"));
    let r = w.json(&["destination", "test", "Files"], None).ok().json();
    assert_eq!(r["outcome"], "passed", "{r:#}");
    assert!(step(&r, "proxy")["detail"].as_str().unwrap().contains("the destination's proxy setting"), "{r:#}");
    let (f, _) = deliver(&w, "landed", &[]);
    assert_eq!(f["status"], "delivered", "{f:#}");
    assert!(proxy.requests().iter().any(|r| r.starts_with("PUT ") && r.contains("/incoming/landed.csv")), "{:?}", proxy.requests());
    // The destination's own proxy wins over the environment's.
    let (f, _) = deliver(&w, "own-proxy-wins", &[("HTTP_PROXY", "http://127.0.0.1:9")]);
    assert_eq!(f["status"], "delivered", "{f:#}");

    // A password without a user to go with it is refused, and says why.
    w.json(&["destination", "edit", "Files", "--proxy", "direct"], None).ok();
    w.json(&["destination", "edit", "Files", "--proxy-password-stdin"], Some("x")).error(1, "proxy_user_missing");
    // `direct` ignores the environment.
    let (f, _) = deliver(&w, "direct", &[("HTTP_PROXY", "http://127.0.0.1:9")]);
    assert_eq!(f["status"], "delivered", "{f:#}");

    // Removing the destination removes the proxy password too.
    w.json(&["destination", "edit", "Files", "--proxy", &address], None).ok();
    w.json(&["destination", "remove", "Files", "--yes"], None).ok();
    assert_eq!(k.lookup("chute", &format!("destination:{id}:proxy")), None);
    w.assert_nowhere("k3ychain-only");
}

#[test]
fn a_proxy_that_is_not_there_wants_credentials_or_refuses_is_named_alike() {
    let fs = S3sFs::start();
    let login = TinyProxy::start(Rules::Login("alice", "pw"));
    let deny = TinyProxy::start(Rules::DenyAll);
    let w = world();
    add_s3s(&w, &fs, "Files", "{prefix}{relpath}");
    let cases = [
        ("http://127.0.0.1:9".to_string(), "connect", "proxy_unreachable"),
        ("http://no-such-proxy.invalid:3128".to_string(), "resolve", "proxy_unreachable"),
        (login.url(None), "proxy", "proxy_auth_required"),
        (login.url(Some(("alice", "wrong"))), "proxy", "proxy_auth_required"),
        (deny.url(None), "proxy", "proxy_refused"),
    ];
    for (url, at, code) in cases {
        let env = [("HTTP_PROXY", url.as_str())];
        let r = json_with(&w, &["destination", "test", "Files"], &env, None).json();
        skipped_after(&r, at);
        let d = finding(&r, code);
        assert_eq!(d["level"], "error", "{d:#}");
        assert!(d["what_happened"].as_str().unwrap().contains("HTTP_PROXY"), "{url}: {d:#}");
        assert!(d["fix"].as_str().is_some_and(|f| !f.is_empty()), "{d:#}");
        if code != "proxy_unreachable" || at == "connect" {
            let (f, _) = deliver(&w, "named", &env);
            assert_eq!(failure_code(&f), code, "{url}: the delivery names it otherwise: {f:#}");
        }
    }
    assert!(fs.objects("reports").is_empty());
}

#[test]
fn https_goes_through_a_tunnel_and_a_refused_tunnel_is_named() {
    let tls = TlsServer::start();
    let open = TinyProxy::start(Rules::Open);
    let deny = TinyProxy::start(Rules::DenyAll);
    let w = world();
    let endpoint = format!("https://localhost:{}", tls.port);
    let draft = ["destination", "test", "--provider", "minio", "--bucket", "reports", "--endpoint", &endpoint, "--no-credentials"];

    // Through the tunnel the TLS handshake reaches the server itself (its
    // self-signed certificate is what fails next).
    let r = json_with(&w, &draft, &[("HTTPS_PROXY", &open.url(None))], None).json();
    let p = step(&r, "proxy");
    assert_eq!(p["status"], "passed", "{r:#}");
    assert!(p["detail"].as_str().unwrap().starts_with(&format!("tunnel to localhost:{}", tls.port)), "{p:#}");
    skipped_after(&r, "tls");
    finding(&r, "tls_untrusted_certificate");
    assert!(open.requests().iter().any(|r| r.starts_with(&format!("CONNECT localhost:{}", tls.port))), "{:?}", open.requests());

    let r = json_with(&w, &draft, &[("HTTPS_PROXY", &deny.url(None))], None).json();
    skipped_after(&r, "proxy");
    let d = finding(&r, "proxy_refused");
    assert!(d["what_happened"].as_str().unwrap().contains(&format!("localhost:{}", tls.port)), "{d:#}");
    // HTTP_PROXY is for http:// endpoints only.
    let r = json_with(&w, &draft, &[("HTTP_PROXY", &deny.url(None))], None).json();
    assert_eq!(step(&r, "proxy")["status"], "skipped", "{r:#}");
}
