//! The steps below S3: resolve the host, connect, the TLS handshake, and
//! one raw HTTP exchange by hand (does it speak HTTP, is it S3-like, what
//! time does it think it is); through a proxy, `proxy` runs them with the
//! pieces here. Their failures are put in the words of `diagnose::network`,
//! which a delivery's failed requests share.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use super::recorder::{Probe, Stop};
use super::{StepId, StepStatus, SKEW_LIMIT_SECS};
use crate::destination::Settings;
use crate::diagnose::{catalogue, network};
use crate::report::error_chain;

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// Straight to the server: resolve, connect, TLS (for https://) and one
/// HTTP exchange; the proxy step is skipped, `direct_because` says why.
pub(super) async fn reach_server(p: &mut Probe<'_>, target: &url::Url, direct_because: &str) -> Result<(), Stop> {
    let host = target.host_str().unwrap_or_default().to_string();
    let port = target.port_or_known_default().unwrap_or(443);

    let t = p.start(StepId::Resolve);
    let addrs = resolve(p, t, &host, port).await?;

    let t = p.start(StepId::Connect);
    let tcp = connect(p, t, &addrs).await?;
    p.skip(StepId::Proxy, direct_because);

    let stream: Box<dyn Stream> = if target.scheme() == "https" {
        let t = p.start(StepId::Tls);
        Box::new(tls(p, t, tcp, &host).await?)
    } else {
        skip_tls(p);
        Box::new(tcp)
    };

    // One raw HTTP exchange, for "does it speak HTTP" and the clock.
    let t = p.start(StepId::Reach);
    let answer = exchange(stream, &head_request(target, target.path(), None), p.opts.client.read_timeout).await;
    judge_answer(p, t, answer, target)
}

/// No TLS step for a plain http:// endpoint (straight or through a proxy).
pub(super) fn skip_tls(p: &mut Probe<'_>) {
    p.skip(StepId::Tls, "plain http://");
}

/// A name's addresses, or why there are none.
pub(super) async fn lookup(host: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
    if let Ok(ip) = host.trim_matches(['[', ']']).parse::<std::net::IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    match tokio::time::timeout(Duration::from_secs(5), tokio::net::lookup_host((host, port))).await {
        Ok(Ok(addrs)) => {
            let addrs: Vec<SocketAddr> = addrs.collect();
            if addrs.is_empty() {
                Err("no addresses".into())
            } else {
                Ok(addrs)
            }
        }
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("the resolver did not answer within 5 s".into()),
    }
}

/// Why no connection could be opened: the last attempt's words, and
/// whether any was refused or timed out.
pub(super) struct DialFailure {
    pub(super) what: String,
    pub(super) refused: bool,
    pub(super) timed_out: bool,
}

/// A TCP connection to the first of `addrs` (up to four) that accepts one.
pub(super) async fn dial(addrs: &[SocketAddr], timeout: Duration) -> Result<(TcpStream, SocketAddr), DialFailure> {
    let mut failure = DialFailure { what: String::new(), refused: false, timed_out: false };
    for a in addrs.iter().take(4) {
        match tokio::time::timeout(timeout, TcpStream::connect(a)).await {
            Ok(Ok(s)) => return Ok((s, *a)),
            Ok(Err(e)) => {
                failure.refused |= e.kind() == std::io::ErrorKind::ConnectionRefused;
                failure.what = format!("{a}: {e}");
            }
            Err(_) => {
                failure.timed_out = true;
                failure.what = format!("{a}: no answer within {} s", timeout.as_secs());
            }
        }
    }
    Err(failure)
}

async fn resolve(p: &mut Probe<'_>, t: Instant, host: &str, port: u16) -> Result<Vec<SocketAddr>, Stop> {
    match lookup(host, port).await {
        Ok(addrs) if host.trim_matches(['[', ']']).parse::<std::net::IpAddr>().is_ok() => {
            p.end(StepId::Resolve, t, StepStatus::Passed, "IP address, nothing to resolve");
            Ok(addrs)
        }
        Ok(addrs) => {
            let shown: Vec<String> = addrs.iter().take(3).map(|a| a.ip().to_string()).collect();
            p.end(StepId::Resolve, t, StepStatus::Passed, format!("{host} → {}", shown.join(", ")));
            Ok(addrs)
        }
        Err(why) => Err(host_not_found(p, t, host, &why).await),
    }
}

async fn host_not_found(p: &mut Probe<'_>, t: Instant, host: &str, why: &str) -> Stop {
    let s = p.s;
    let mut ev = p.evidence(StepId::Resolve);
    ev.detail = Some(why.to_string());
    // Virtual-hosted addressing puts the bucket in the host name; many
    // self-hosted endpoints have no DNS for that.
    if !s.path_style {
        if let Some(endpoint_host) =
            s.effective_endpoint().and_then(|e| url::Url::parse(&e).ok()).and_then(|u| u.host_str().map(str::to_string))
        {
            if endpoint_host != host {
                let base_resolves = tokio::time::timeout(Duration::from_secs(5), tokio::net::lookup_host((endpoint_host.as_str(), 443)))
                    .await
                    .map(|r| r.map(|mut a| a.next().is_some()).unwrap_or(false))
                    .unwrap_or(false);
                if base_resolves || endpoint_host.parse::<std::net::IpAddr>().is_ok() {
                    return p.fail(StepId::Resolve, t, network::path_style_needed(host, &endpoint_host, ev));
                }
            }
        }
    }
    p.fail(StepId::Resolve, t, network::host_not_found(host, why, ev))
}

async fn connect(p: &mut Probe<'_>, t: Instant, addrs: &[SocketAddr]) -> Result<TcpStream, Stop> {
    let timeout = p.opts.client.connect_timeout;
    match dial(addrs, timeout).await {
        Ok((s, a)) => {
            p.end(StepId::Connect, t, StepStatus::Passed, format!("connected to {a}"));
            Ok(s)
        }
        Err(f) => {
            let mut ev = p.evidence(StepId::Connect);
            ev.detail = Some(f.what.clone());
            let d = if f.refused {
                network::connection_refused(&f.what, ev)
            } else if f.timed_out {
                network::connect_timeout(&f.what, timeout.as_secs(), ev)
            } else {
                network::network_unreachable(&f.what, ev)
            };
            Err(p.fail(StepId::Connect, t, d))
        }
    }
}

fn tls_config() -> Arc<tokio_rustls::rustls::ClientConfig> {
    use tokio_rustls::rustls;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Arc::new(cfg)
}

/// The endpoint with `http://` instead of `https://`, when its host is this
/// machine (the only place plain HTTP is safe to offer in one click).
fn http_twin(s: &Settings) -> Option<String> {
    let endpoint = s.effective_endpoint()?;
    let url = url::Url::parse(&endpoint).ok()?;
    let local = crate::destination::is_loopback_host(&url.host()?);
    (local && url.scheme() == "https").then(|| format!("http://{}", endpoint.strip_prefix("https://").unwrap_or(&endpoint)))
}

pub(super) async fn tls(
    p: &mut Probe<'_>,
    t: Instant,
    tcp: TcpStream,
    host: &str,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>, Stop> {
    use tokio_rustls::rustls::pki_types::ServerName;
    let Ok(name) = ServerName::try_from(host.trim_matches(['[', ']']).to_string()) else {
        let d = network::tls_bad_name(host, p.evidence(StepId::Tls));
        return Err(p.fail(StepId::Tls, t, d));
    };
    let connector = tokio_rustls::TlsConnector::from(tls_config());
    let read_timeout = p.opts.client.read_timeout;
    match tokio::time::timeout(read_timeout, connector.connect(name, tcp)).await {
        Ok(Ok(s)) => {
            let version = s.get_ref().1.protocol_version().map(|v| format!("{v:?}")).unwrap_or_default();
            p.end(StepId::Tls, t, StepStatus::Passed, version.replace("TLSv1_", "TLS 1."));
            Ok(s)
        }
        Ok(Err(e)) => {
            let text = error_chain(&e);
            let lower = text.to_ascii_lowercase();
            let mut ev = p.evidence(StepId::Tls);
            ev.detail = Some(text.clone());
            let d = if lower.contains("certificate") || lower.contains("unknownissuer") || lower.contains("notvalidforname") {
                let name_mismatch = lower.contains("notvalidforname") || lower.contains("not valid for name");
                let dotted = name_mismatch && !p.s.path_style && p.s.bucket.contains('.');
                network::tls_untrusted(&text, name_mismatch, dotted, ev)
            } else if ["corrupt message", "invalidcontenttype", "invalid content type", "wrong_version", "invalidmessage"]
                .iter()
                .any(|n| lower.contains(n))
            {
                network::https_to_http_port(http_twin(p.s), ev)
            } else {
                network::tls_handshake_failed(&text, ev)
            };
            Err(p.fail(StepId::Tls, t, d))
        }
        Err(_) => {
            let d = network::server_silent(format!("No TLS answer within {} s.", read_timeout.as_secs()), p.evidence(StepId::Tls));
            Err(p.fail(StepId::Tls, t, d))
        }
    }
}

/// The endpoint with `https://` instead of `http://`.
fn https_twin(s: &Settings) -> String {
    let url = s.effective_endpoint().unwrap_or_default();
    match url.strip_prefix("http://") {
        Some(rest) => format!("https://{rest}"),
        None => url,
    }
}

/// One HEAD request, written by hand: `path` is what goes on the request
/// line (the path, or the whole URL when a proxy forwards it), with
/// `Proxy-Authorization` when one is given.
pub(super) fn head_request(target: &url::Url, path: &str, proxy_authorization: Option<&str>) -> String {
    let host_header = match target.port() {
        Some(port) => format!("{}:{port}", target.host_str().unwrap_or_default()),
        None => target.host_str().unwrap_or_default().to_string(),
    };
    let path = if path.is_empty() { "/" } else { path };
    let proxy = proxy_authorization.map(|a| format!("Proxy-Authorization: {a}\r\n")).unwrap_or_default();
    format!("HEAD {path} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: chute-probe\r\n{proxy}Connection: close\r\n\r\n")
}

/// What came back to one exchange: the response head's bytes, an I/O
/// error, or nothing within the time limit (`Err(None)`).
pub(super) type Exchanged = Result<Vec<u8>, Option<std::io::Error>>;

/// Send `request` and read the response head (up to 64 KiB).
pub(super) async fn exchange(mut stream: impl AsyncRead + AsyncWrite + Unpin, request: &str, timeout: Duration) -> Exchanged {
    let exchange = async {
        stream.write_all(request.as_bytes()).await?;
        stream.flush().await?;
        let mut buf = Vec::with_capacity(2048);
        let mut chunk = [0u8; 2048];
        loop {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
            if buf.windows(4).any(|w| w == b"\r\n\r\n") || buf.len() > 64 * 1024 {
                break;
            }
        }
        Ok::<Vec<u8>, std::io::Error>(buf)
    };
    match tokio::time::timeout(timeout, exchange).await {
        Err(_) => Err(None),
        Ok(r) => r.map_err(Some),
    }
}

/// A response head: its status and headers (names in lower case).
pub(super) struct Head {
    pub(super) status_line: String,
    pub(super) status: Option<u16>,
    pub(super) headers: Vec<(String, String)>,
}

impl Head {
    pub(super) fn parse(bytes: &[u8]) -> Head {
        let text = String::from_utf8_lossy(bytes);
        let mut lines = text.split("\r\n");
        let status_line = lines.next().unwrap_or_default().to_string();
        let status = status_line.strip_prefix("HTTP/").and_then(|r| r.split_whitespace().nth(1)).and_then(|c| c.parse().ok());
        let headers = lines
            .take_while(|l| !l.is_empty())
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Head { status_line, status, headers }
    }

    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Headers only S3 and its kin send, or a server that names itself so.
    pub(super) fn looks_like_s3(&self) -> bool {
        let server = self.header("server").unwrap_or_default().to_ascii_lowercase();
        self.headers.iter().any(|(k, _)| k.starts_with("x-amz-") || k.starts_with("x-minio-"))
            || ["amazons3", "minio", "cloudflare", "garage", "ceph", "s3"].iter().any(|n| server.contains(n))
    }
}

/// The reach step's verdict on one exchange: does it speak HTTP, is it
/// S3-like, what time does it think it is.
pub(super) fn judge_answer(p: &mut Probe<'_>, t: Instant, result: Exchanged, target: &url::Url) -> Result<(), Stop> {
    let read_timeout = p.opts.client.read_timeout;
    let https = target.scheme() == "https";
    let http_to_tls = |p: &mut Probe, detail: String| {
        let mut ev = p.evidence(StepId::Reach);
        ev.detail = Some(detail);
        network::http_to_tls_port(&https_twin(p.s), ev)
    };
    let bytes = match result {
        Err(None) => {
            let d = network::server_silent(format!("No HTTP answer within {} s.", read_timeout.as_secs()), p.evidence(StepId::Reach));
            return Err(p.fail(StepId::Reach, t, d));
        }
        Err(Some(e)) if !https => {
            let d = http_to_tls(p, e.to_string());
            return Err(p.fail(StepId::Reach, t, d));
        }
        Err(Some(e)) => {
            let mut ev = p.evidence(StepId::Reach);
            ev.detail = Some(e.to_string());
            let d = network::connection_reset(&e.to_string(), ev);
            return Err(p.fail(StepId::Reach, t, d));
        }
        Ok(b) => b,
    };
    if !https && (bytes.is_empty() || bytes.first() == Some(&0x15) || bytes.first() == Some(&0x16)) {
        let d = http_to_tls(p, if bytes.is_empty() { "connection closed".into() } else { "the server answered with a TLS record".into() });
        return Err(p.fail(StepId::Reach, t, d));
    }
    let head = Head::parse(&bytes);
    let Some(status) = head.status else {
        let mut ev = p.evidence(StepId::Reach);
        ev.detail = Some(head.status_line.chars().take(120).collect());
        let d = network::not_http(ev);
        return Err(p.fail(StepId::Reach, t, d));
    };
    let date = head.header("date").and_then(|v| httpdate::parse_http_date(v).ok());
    let server = head.header("server").unwrap_or_default().to_string();
    let s3ish = head.looks_like_s3();
    p.looks_like_s3 = Some(s3ish);
    // The status is the answer to an unsigned request: any answer proves the
    // server is there; what S3 thinks of the credentials comes next.
    let mut detail = format!("answered (HTTP {status} to an unsigned request)");
    if !server.is_empty() {
        detail.push_str(&format!(", server {server}"));
    }
    let mut status_out = StepStatus::Passed;
    if let Some(d) = date {
        let local = SystemTime::now() + Duration::from_secs(p.opts.client.clock_offset_secs.max(0) as u64)
            - Duration::from_secs(p.opts.client.clock_offset_secs.min(0).unsigned_abs());
        let skew = match d.duration_since(local) {
            Ok(ahead) => ahead.as_secs() as i64,
            Err(e) => -(e.duration().as_secs() as i64),
        };
        p.clock_skew = Some(skew);
        if skew.abs() > SKEW_LIMIT_SECS {
            status_out = StepStatus::Warning;
            detail.push_str(&format!(", clock off by {}", catalogue::human_secs(skew)));
            p.find(catalogue::clock_skew(Some(skew), None, p.evidence(StepId::Reach)));
        }
    }
    p.end(StepId::Reach, t, status_out, detail);
    Ok(())
}
