//! The connection test through a proxy: the resolve and connect steps are
//! the proxy's, then the proxy step opens a tunnel to the endpoint
//! (`CONNECT`, for https://) or has the proxy forward one request (plain
//! http://), and says in the words of `diagnose::proxy` when the proxy is
//! not there, wants credentials, refuses the endpoint or cannot reach it.

use std::time::Instant;

use tokio::net::TcpStream;

use super::network::{dial, exchange, head_request, judge_answer, lookup, skip_tls, tls, Exchanged, Head};
use super::recorder::{Probe, Stop};
use super::{StepId, StepStatus};
use crate::diagnose::proxy;
use crate::s3::Hop;

/// Resolve and connect to the proxy, through it to the endpoint, then
/// TLS (for https://) and the reach step's one exchange.
pub(super) async fn reach_through(p: &mut Probe<'_>, target: &url::Url, hop: &Hop) -> Result<(), Stop> {
    p.note_proxy(format!("{} ({})", hop.address(), hop.source));
    let tcp = connect_to_proxy(p, hop).await?;
    let host = target.host_str().unwrap_or_default().to_string();
    let endpoint = format!("{host}:{}", target.port_or_known_default().unwrap_or(443));
    let t = p.start(StepId::Proxy);
    let read_timeout = p.opts.client.read_timeout;
    if target.scheme() == "https" {
        let connect = format!(
            "CONNECT {endpoint} HTTP/1.1\r\nHost: {endpoint}\r\nUser-Agent: chute-probe\r\n{}\r\n",
            hop.authorization.as_ref().map(|a| format!("Proxy-Authorization: {}\r\n", a.expose())).unwrap_or_default()
        );
        let mut tcp = tcp;
        let answer = exchange(&mut tcp, &connect, read_timeout).await;
        let head = proxy_answer(p, t, hop, &endpoint, &answer)?;
        if head.status != Some(200) {
            let d = proxy::proxy_refused(&hop.address(), &hop.source, &endpoint, head.status, evidence(p, &head));
            return Err(p.fail(StepId::Proxy, t, d));
        }
        p.end(StepId::Proxy, t, StepStatus::Passed, format!("tunnel to {endpoint} through {} ({})", hop.address(), hop.source));
        let t = p.start(StepId::Tls);
        let stream = tls(p, t, tcp, &host).await?;
        let t = p.start(StepId::Reach);
        let answer = exchange(stream, &head_request(target, target.path(), None), read_timeout).await;
        judge_answer(p, t, answer, target)
    } else {
        // The proxy forwards a request written with the whole URL.
        let request = head_request(target, target.as_str(), hop.authorization.as_ref().map(|a| a.expose().as_str()));
        let answer = exchange(tcp, &request, read_timeout).await;
        let head = proxy_answer(p, t, hop, &endpoint, &answer)?;
        let from_endpoint = !made_by_proxy(&head);
        match head.status {
            Some(403) if !from_endpoint => {
                let d = proxy::proxy_refused(&hop.address(), &hop.source, &endpoint, Some(403), evidence(p, &head));
                return Err(p.fail(StepId::Proxy, t, d));
            }
            Some(status @ (500 | 502 | 503 | 504)) if !from_endpoint => {
                let d = proxy::proxy_upstream_failed(&hop.address(), &hop.source, &endpoint, status, evidence(p, &head));
                return Err(p.fail(StepId::Proxy, t, d));
            }
            _ => {}
        }
        p.end(StepId::Proxy, t, StepStatus::Passed, format!("forwarded to {endpoint} by {} ({})", hop.address(), hop.source));
        skip_tls(p);
        let t = p.start(StepId::Reach);
        judge_answer(p, t, answer, target)
    }
}

/// The resolve and connect steps, for the proxy's host.
async fn connect_to_proxy(p: &mut Probe<'_>, hop: &Hop) -> Result<TcpStream, Stop> {
    let t = p.start(StepId::Resolve);
    let addrs = match lookup(&hop.host, hop.port).await {
        Ok(addrs) => {
            p.end(StepId::Resolve, t, StepStatus::Passed, format!("proxy {} → {}", hop.host, addrs[0].ip()));
            addrs
        }
        Err(why) => {
            let d = unreachable(p, hop, StepId::Resolve, &format!("`{}` could not be found ({why})", hop.host));
            return Err(p.fail(StepId::Resolve, t, d));
        }
    };
    let t = p.start(StepId::Connect);
    match dial(&addrs, p.opts.client.connect_timeout).await {
        Ok((tcp, a)) => {
            p.end(StepId::Connect, t, StepStatus::Passed, format!("connected to the proxy at {a}"));
            Ok(tcp)
        }
        Err(f) => {
            let d = unreachable(p, hop, StepId::Connect, &f.what);
            Err(p.fail(StepId::Connect, t, d))
        }
    }
}

fn unreachable(p: &Probe<'_>, hop: &Hop, step: StepId, what: &str) -> crate::diagnose::Diagnosis {
    let mut ev = p.evidence(step);
    ev.detail = Some(what.to_string());
    proxy::proxy_unreachable(&hop.address(), &hop.source, what, ev)
}

/// The proxy's answer, read: no answer, a broken connection or a refusal
/// of its credentials fail the proxy step; anything else is for the caller to judge.
fn proxy_answer(p: &mut Probe<'_>, t: Instant, hop: &Hop, endpoint: &str, answer: &Exchanged) -> Result<Head, Stop> {
    let bytes = match answer {
        Ok(b) if !b.is_empty() => b,
        Ok(_) => return Err(proxy_dropped(p, t, hop, endpoint, "it closed the connection without an answer")),
        Err(Some(e)) => return Err(proxy_dropped(p, t, hop, endpoint, &e.to_string())),
        Err(None) => return Err(proxy_dropped(p, t, hop, endpoint, "no answer within the read time limit")),
    };
    let head = Head::parse(bytes);
    // 407 is the standard answer; some proxies (tinyproxy) answer wrong
    // credentials with their own 401, which no S3 server sends.
    if head.status == Some(407) || (head.status == Some(401) && made_by_proxy(&head)) {
        let d = proxy::proxy_auth_required(&hop.address(), &hop.source, hop.authorization.is_some(), evidence(p, &head));
        return Err(p.fail(StepId::Proxy, t, d));
    }
    Ok(head)
}

/// Whether an answer is the proxy's own page rather than the endpoint's
/// answer it forwarded: nothing S3-like, no XML (S3 errors are XML), and
/// no `Via` (which a proxy adds to what it forwards).
fn made_by_proxy(head: &Head) -> bool {
    !head.looks_like_s3() && !head.header("content-type").unwrap_or_default().contains("xml") && head.header("via").is_none()
}

fn proxy_dropped(p: &mut Probe<'_>, t: Instant, hop: &Hop, endpoint: &str, what: &str) -> Stop {
    let mut ev = p.evidence(StepId::Proxy);
    ev.detail = Some(what.to_string());
    let d = proxy::proxy_refused(&hop.address(), &hop.source, endpoint, None, ev);
    p.fail(StepId::Proxy, t, d)
}

/// The proxy step's evidence: the proxy's status line and its `Server`.
fn evidence(p: &Probe<'_>, head: &Head) -> crate::diagnose::Evidence {
    let mut ev = p.evidence(StepId::Proxy);
    ev.http_status = head.status;
    ev.detail = Some(match head.header("server") {
        Some(server) => format!("{} (server {server})", head.status_line),
        None => head.status_line.clone(),
    });
    ev
}
