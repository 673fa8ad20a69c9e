//! The connection test. Steps run in order, each timed and reported as it
//! runs: credentials, resolve, connect, TLS, reach (one raw HTTP exchange,
//! which also reads the server's clock), HeadBucket, PutObject of a probe
//! object under the prefix, optionally a read-back of it, and DeleteObject.
//! Every failure becomes a `Diagnosis`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::operation::RequestId;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use serde::Serialize;

use crate::report::error_chain;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::destination::{self, Context, Settings};
use crate::diagnose::{self, Diagnosis, Evidence, Level};
use crate::provider::ProviderKind;
use crate::report::Code;
use crate::s3::{self, Auth, ClientOptions};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepId {
    Credentials,
    Resolve,
    Connect,
    Tls,
    Reach,
    HeadBucket,
    PutObject,
    ReadBack,
    DeleteObject,
}

impl StepId {
    /// The id as it is serialized (`head_bucket`), for evidence and logs.
    pub fn id(self) -> &'static str {
        match self {
            StepId::Credentials => "credentials",
            StepId::Resolve => "resolve",
            StepId::Connect => "connect",
            StepId::Tls => "tls",
            StepId::Reach => "reach",
            StepId::HeadBucket => "head_bucket",
            StepId::PutObject => "put_object",
            StepId::ReadBack => "read_back",
            StepId::DeleteObject => "delete_object",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StepId::Credentials => "Credentials",
            StepId::Resolve => "Resolve host",
            StepId::Connect => "Connect",
            StepId::Tls => "TLS handshake",
            StepId::Reach => "Server answers",
            StepId::HeadBucket => "Bucket (HeadBucket)",
            StepId::PutObject => "Write probe object",
            StepId::ReadBack => "Read back",
            StepId::DeleteObject => "Delete probe object",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Running,
    Passed,
    Warning,
    Failed,
    Skipped,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct StepResult {
    pub id: StepId,
    pub label: String,
    pub status: StepStatus,
    pub duration_ms: u64,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Passed,
    Warnings,
    Failed,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ProbeReport {
    pub outcome: Outcome,
    pub steps: Vec<StepResult>,
    pub findings: Vec<Diagnosis>,
    pub endpoint: String,
    pub addressing: String,
    pub probe_key: String,
    /// Server clock minus local clock, when the server sent a Date.
    pub clock_skew_secs: Option<i64>,
    pub started_at: i64,
    pub duration_ms: u64,
}

/// What the probe reports while it runs (one channel per probe).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ProbeEvent {
    Step(StepResult),
    Finding(Box<Diagnosis>),
}

#[derive(Debug, Clone)]
pub struct ProbeOptions {
    pub read_back: bool,
    pub client: ClientOptions,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        ProbeOptions { read_back: false, client: ClientOptions::probe() }
    }
}

/// Skew worth a warning, and the window S3 servers accept signatures in.
const SKEW_LIMIT_SECS: i64 = 300;
const S3_SKEW_WINDOW_SECS: i64 = 900;

struct Probe<'a> {
    s: &'a Settings,
    opts: &'a ProbeOptions,
    on_event: &'a mut (dyn FnMut(ProbeEvent) + Send),
    steps: Vec<StepResult>,
    findings: Vec<Diagnosis>,
    base: Evidence,
    /// The reach step saw headers only S3-like servers send.
    looks_like_s3: Option<bool>,
    clock_skew: Option<i64>,
}

/// A failed step stops the probe; the diagnosis says why.
struct Stop;

impl<'a> Probe<'a> {
    fn evidence(&self, step: StepId) -> Evidence {
        Evidence { step: Some(step.id().into()), ..self.base.clone() }
    }

    fn start(&mut self, id: StepId) -> Instant {
        (self.on_event)(ProbeEvent::Step(StepResult {
            id,
            label: id.label().into(),
            status: StepStatus::Running,
            duration_ms: 0,
            detail: String::new(),
        }));
        Instant::now()
    }

    fn end(&mut self, id: StepId, t: Instant, status: StepStatus, detail: impl Into<String>) {
        let r = StepResult { id, label: id.label().into(), status, duration_ms: t.elapsed().as_millis() as u64, detail: detail.into() };
        (self.on_event)(ProbeEvent::Step(r.clone()));
        self.steps.push(r);
    }

    fn skip(&mut self, id: StepId, detail: &str) {
        let r = StepResult { id, label: id.label().into(), status: StepStatus::Skipped, duration_ms: 0, detail: detail.into() };
        (self.on_event)(ProbeEvent::Step(r.clone()));
        self.steps.push(r);
    }

    /// Record a finding. A later finding with the same code replaces an
    /// earlier one unless it is less severe (it knows more: a status, a code).
    fn find(&mut self, d: Diagnosis) {
        let rank = |l: Level| match l {
            Level::Info => 0,
            Level::Warning => 1,
            Level::Error => 2,
        };
        if let Some(i) = self.findings.iter().position(|f| f.code == d.code) {
            if rank(d.level) < rank(self.findings[i].level) {
                return;
            }
            self.findings[i] = d.clone();
        } else {
            self.findings.push(d.clone());
        }
        (self.on_event)(ProbeEvent::Finding(Box::new(d)));
    }

    fn fail(&mut self, id: StepId, t: Instant, d: Diagnosis) -> Stop {
        let title = d.title.clone();
        self.find(d);
        self.end(id, t, StepStatus::Failed, title);
        Stop
    }
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Run the connection test. `auth` is the resolved identity, or the
/// diagnosis of why it could not be had (e.g. a locked keychain).
pub async fn run(
    s: &Settings,
    auth: Result<Auth, Diagnosis>,
    opts: &ProbeOptions,
    on_event: &mut (dyn FnMut(ProbeEvent) + Send),
) -> ProbeReport {
    let started = Instant::now();
    let started_at = now_ms();
    let target = s3::request_base(s);
    let addressing = if target.host_str()
        == s.effective_endpoint().as_deref().and_then(|e| url::Url::parse(e).ok()).as_ref().and_then(|u| u.host_str())
    {
        "path-style"
    } else {
        "virtual-hosted"
    };
    let probe_key = format!("{}chute-probe-{}.txt", s.prefix, &uuid::Uuid::new_v4().simple().to_string()[..12]);
    let mut p = Probe {
        s,
        opts,
        on_event,
        steps: Vec::new(),
        findings: Vec::new(),
        base: Evidence { endpoint: target.to_string(), addressing: addressing.into(), ..Evidence::default() },
        looks_like_s3: None,
        clock_skew: None,
    };
    setting_findings(&mut p);
    let stopped = match steps(&mut p, auth, &target, &probe_key).await {
        Ok(()) => false,
        Err(Stop) => true,
    };
    if stopped {
        for id in
            [StepId::Resolve, StepId::Connect, StepId::Tls, StepId::Reach, StepId::HeadBucket, StepId::PutObject, StepId::DeleteObject]
        {
            if !p.steps.iter().any(|st| st.id == id) {
                p.skip(id, "not run: an earlier step failed");
            }
        }
    }
    let outcome = if p.findings.iter().any(|f| f.level == Level::Error) || p.steps.iter().any(|st| st.status == StepStatus::Failed) {
        Outcome::Failed
    } else if p.findings.iter().any(|f| f.level == Level::Warning) || p.steps.iter().any(|st| st.status == StepStatus::Warning) {
        Outcome::Warnings
    } else {
        Outcome::Passed
    };
    ProbeReport {
        outcome,
        steps: p.steps,
        findings: p.findings,
        endpoint: target.to_string(),
        addressing: addressing.into(),
        probe_key,
        clock_skew_secs: p.clock_skew,
        started_at,
        duration_ms: started.elapsed().as_millis() as u64,
    }
}

/// Settings problems the probe reports even when every step passes.
fn setting_findings(p: &mut Probe) {
    let problems = destination::validate(p.s, &Context::default());
    for pr in problems {
        let d = match pr.code.as_str() {
            "prefix_no_trailing_slash" => {
                Diagnosis::new(Code::PrefixNoTrailingSlash, Level::Warning, "The path prefix does not end with /")
                    .happened(pr.message.clone())
                    .cause("Without the slash the prefix is glued to every file name instead of being a folder.")
                    .fix(pr.fix.clone())
            }
            "region_not_auto" => {
                Diagnosis::new(Code::RegionNotAuto, Level::Error, format!("{} needs the region `auto`", p.s.preset().label))
                    .happened(pr.message.clone())
                    .cause("This provider signs requests for the region `auto`; any other region makes signatures fail.")
                    .fix(pr.fix.clone())
            }
            _ => continue,
        };
        let d = match &pr.fix_value {
            Some(v) => d.apply(pr.fix_field.as_deref().unwrap_or(&pr.field), v.clone(), format!("Use `{v}`")),
            None => d,
        };
        p.find(d);
    }
}

async fn steps(p: &mut Probe<'_>, auth: Result<Auth, Diagnosis>, target: &url::Url, probe_key: &str) -> Result<(), Stop> {
    // Credentials.
    let t = p.start(StepId::Credentials);
    let auth = match auth {
        Ok(a) => {
            if let Auth::Profile(profile) = &a {
                if let Err(why) = s3::check_profile(profile).await {
                    let mut ev = p.evidence(StepId::Credentials);
                    ev.detail = Some(why.clone());
                    let d = Diagnosis::new(Code::ProfileCredentialsFailed, Level::Error, format!("The AWS profile `{profile}` gave no credentials"))
                        .happened(format!("Resolving the profile failed: {why}."))
                        .cause("The profile is not in ~/.aws/config or ~/.aws/credentials, its SSO session has expired, its role cannot be assumed, or its credential_process failed.")
                        .fix(format!("Check the profile with `aws sts get-caller-identity --profile {profile}`; for SSO run `aws sso login --profile {profile}`."))
                        .evidence(ev);
                    return Err(p.fail(StepId::Credentials, t, d));
                }
            }
            let detail = match &a {
                Auth::Static(c) => format!("access key {}", c.masked_key_id()),
                Auth::Profile(name) => format!("AWS profile `{name}`"),
                Auth::Anonymous => "none (anonymous requests)".into(),
            };
            p.end(StepId::Credentials, t, StepStatus::Passed, detail);
            a
        }
        Err(d) => return Err(p.fail(StepId::Credentials, t, d)),
    };

    let host = target.host_str().unwrap_or_default().to_string();
    let port = target.port_or_known_default().unwrap_or(443);
    let https = target.scheme() == "https";

    // Resolve.
    let t = p.start(StepId::Resolve);
    let addrs = resolve(p, t, &host, port).await?;

    // Connect.
    let t = p.start(StepId::Connect);
    let tcp = connect(p, t, &addrs).await?;

    // TLS.
    let stream: Box<dyn Stream> = if https {
        let t = p.start(StepId::Tls);
        Box::new(tls(p, t, tcp, &host).await?)
    } else {
        p.skip(StepId::Tls, "plain http://");
        Box::new(tcp)
    };

    // Reach: one raw HTTP exchange, for "does it speak HTTP" and the clock.
    let t = p.start(StepId::Reach);
    reach(p, t, stream, target).await?;

    let client = s3::client(p.s, &auth, &p.opts.client).await;
    let bucket = p.s.bucket.trim().to_string();
    let anonymous = matches!(auth, Auth::Anonymous);

    // HeadBucket.
    let t = p.start(StepId::HeadBucket);
    match client.head_bucket().bucket(&bucket).send().await {
        Ok(out) => {
            let detail = match out.bucket_region() {
                Some(r) => format!("bucket found (region {r})"),
                None => "bucket found".to_string(),
            };
            // Some servers answer a wrongly-signed region anyway (moto); the
            // step still warns so a green tick never sits beside the finding.
            let region_ok = out.bucket_region().is_none_or(|r| check_region(p, StepId::HeadBucket, r));
            p.end(StepId::HeadBucket, t, if region_ok { StepStatus::Passed } else { StepStatus::Warning }, detail);
        }
        Err(e) => {
            let facts = Facts::of(&e);
            let bodiless = facts.code.is_none() || facts.code.as_deref() == Some("NotFound");
            let facts = if bodiless && matches!(facts.status, Some(301 | 400 | 403 | 404)) {
                // HEAD carries no error body: ask again with a cheap request that does.
                follow_up(&client, &bucket, facts).await
            } else {
                facts
            };
            let code = facts.code.as_deref().unwrap_or("");
            let denied_only = facts.status == Some(403)
                && (code.is_empty() || code == "AccessDenied")
                && !diagnose::is_unknown_key(code, facts.message.as_deref().unwrap_or(""));
            let skewed = p.clock_skew.is_some_and(|k| k.abs() > S3_SKEW_WINDOW_SECS);
            if facts.status == Some(403) && skewed && code != "InvalidAccessKeyId" && code != "SignatureDoesNotMatch" {
                // A clock outside S3's window explains the refusal. The SDK learns the
                // server's time from this answer and corrects later requests, so go on.
                let skew = p.clock_skew.unwrap_or_default();
                p.find(clock_skew(p, skew, Some(&facts)).level(Level::Warning));
                p.end(StepId::HeadBucket, t, StepStatus::Warning, "refused: this computer's clock is outside S3's 15-minute window");
            } else if denied_only {
                // Object-scoped tokens (R2) and prefix-scoped IAM users may not see the bucket
                // itself; delivery only needs PutObject, so go on and let the write decide.
                p.find(
                    Diagnosis::new(Code::HeadBucketDenied, Level::Info, "The bucket itself is not visible to these credentials")
                        .happened("HeadBucket was refused (403); Chute went on to test writing, which is all delivery needs.")
                        .cause("The credentials are scoped to objects or to the prefix (e.g. an R2 object-scoped token or an IAM policy without s3:ListBucket).")
                        .fix("Nothing to do if the write test passes. Grant s3:ListBucket on the bucket if you want bucket-level checks.")
                        .evidence(facts.evidence(p, StepId::HeadBucket)),
                );
                p.end(StepId::HeadBucket, t, StepStatus::Warning, "bucket not visible (403); testing write access instead");
            } else {
                let d = classify(p, StepId::HeadBucket, &facts, anonymous);
                return Err(p.fail(StepId::HeadBucket, t, d));
            }
        }
    }

    // PutObject.
    let t = p.start(StepId::PutObject);
    let body = format!("Chute connection test, {}. Safe to delete.\n", httpdate::fmt_http_date(SystemTime::now()));
    let put = client
        .put_object()
        .bucket(&bucket)
        .key(probe_key)
        .content_type("text/plain; charset=utf-8")
        .body(body.clone().into_bytes().into())
        .send()
        .await;
    match put {
        Ok(_) => p.end(StepId::PutObject, t, StepStatus::Passed, format!("wrote {probe_key}")),
        Err(e) => {
            let facts = Facts::of(&e);
            let d = classify(p, StepId::PutObject, &facts, anonymous);
            return Err(p.fail(StepId::PutObject, t, d));
        }
    }

    // Optional read-back.
    if p.opts.read_back {
        let t = p.start(StepId::ReadBack);
        match client.get_object().bucket(&bucket).key(probe_key).send().await {
            Ok(out) => {
                let bytes = out.body.collect().await.map(|b| b.into_bytes().to_vec()).unwrap_or_default();
                if bytes == body.as_bytes() {
                    p.end(StepId::ReadBack, t, StepStatus::Passed, "read back the same bytes");
                } else {
                    let d = Diagnosis::new(Code::ReadBackMismatch, Level::Error, "The object read back differs from what was written")
                        .happened(format!("Wrote {} bytes, read back {} different bytes.", body.len(), bytes.len()))
                        .cause("Something between Chute and the storage changes object bodies (a proxy, or a transform on the server).")
                        .fix("Check proxies and the bucket's transformation settings.")
                        .evidence(p.evidence(StepId::ReadBack));
                    p.find(d);
                    p.end(StepId::ReadBack, t, StepStatus::Failed, "content differs");
                }
            }
            Err(e) => {
                let facts = Facts::of(&e);
                let d = Diagnosis::new(Code::ReadBackDenied, Level::Warning, "The probe object could not be read back")
                    .happened(format!("GetObject failed: {}.", facts.summary()))
                    .cause("The credentials may lack s3:GetObject, which delivery does not need.")
                    .fix("Grant s3:GetObject on the prefix if you want read-back checks, or turn read-back off.")
                    .evidence(facts.evidence(p, StepId::ReadBack));
                p.find(d);
                p.end(StepId::ReadBack, t, StepStatus::Warning, "could not read back");
            }
        }
    }

    // DeleteObject.
    let t = p.start(StepId::DeleteObject);
    match client.delete_object().bucket(&bucket).key(probe_key).send().await {
        Ok(_) => p.end(StepId::DeleteObject, t, StepStatus::Passed, "probe object removed"),
        Err(e) => {
            let facts = Facts::of(&e);
            let d = Diagnosis::new(Code::ProbeLeftBehind, Level::Warning, "The probe object could not be deleted")
                .happened(format!("DeleteObject failed ({}); the probe object was left at `{probe_key}`.", facts.summary()))
                .cause("The credentials can write but not delete, which is fine for delivery.")
                .fix(format!("Delete `{probe_key}` by hand, or grant s3:DeleteObject on the prefix so the test can clean up after itself."))
                .evidence(facts.evidence(p, StepId::DeleteObject))
                .policy(diagnose::minimal_policy(p.s));
            p.find(d);
            p.end(StepId::DeleteObject, t, StepStatus::Warning, format!("left {probe_key}"));
        }
    }
    Ok(())
}

/// Flag a bucket region that differs from the destination's; false if it does.
fn check_region(p: &mut Probe, step: StepId, bucket_region: &str) -> bool {
    let s = p.s;
    if matches!(s.provider, ProviderKind::R2 | ProviderKind::Tigris) || bucket_region.is_empty() {
        return true;
    }
    let mine = s.effective_region();
    if bucket_region != mine {
        let level = if s.provider == ProviderKind::Aws { Level::Error } else { Level::Warning };
        let mut ev = p.evidence(step);
        ev.bucket_region = Some(bucket_region.into());
        p.find(
            Diagnosis::new(Code::WrongRegion, level, format!("The bucket is in {bucket_region}, not {mine}"))
                .happened(format!(
                    "The server reports the bucket's region as `{bucket_region}` (x-amz-bucket-region); the destination says `{mine}`."
                ))
                .cause("The region was guessed or copied from another bucket.")
                .fix(format!("Set the region to `{bucket_region}`."))
                .evidence(ev)
                .apply("region", bucket_region, format!("Use {bucket_region}")),
        );
        return false;
    }
    true
}

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

async fn resolve(p: &mut Probe<'_>, t: Instant, host: &str, port: u16) -> Result<Vec<SocketAddr>, Stop> {
    if let Ok(ip) = host.trim_matches(['[', ']']).parse::<std::net::IpAddr>() {
        p.end(StepId::Resolve, t, StepStatus::Passed, "IP address, nothing to resolve");
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let lookup = tokio::time::timeout(Duration::from_secs(5), tokio::net::lookup_host((host, port))).await;
    match lookup {
        Ok(Ok(addrs)) => {
            let addrs: Vec<SocketAddr> = addrs.collect();
            if !addrs.is_empty() {
                let shown: Vec<String> = addrs.iter().take(3).map(|a| a.ip().to_string()).collect();
                p.end(StepId::Resolve, t, StepStatus::Passed, format!("{host} → {}", shown.join(", ")));
                return Ok(addrs);
            }
            Err(host_not_found(p, t, host, "no addresses").await)
        }
        Ok(Err(e)) => Err(host_not_found(p, t, host, &e.to_string()).await),
        Err(_) => Err(host_not_found(p, t, host, "the resolver did not answer within 5 s").await),
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
                    return p.fail(
                        StepId::Resolve,
                        t,
                        Diagnosis::new(Code::PathStyleNeeded, Level::Error, "This endpoint needs path-style addressing")
                            .happened(format!("`{host}` does not resolve, but `{endpoint_host}` does."))
                            .cause("With virtual-hosted addressing the bucket becomes part of the host name, which this server has no DNS entry for.")
                            .fix("Turn on path-style addressing.")
                            .evidence(ev)
                            .apply("path_style", "true", "Use path-style"),
                    );
                }
            }
        }
    }
    p.fail(
        StepId::Resolve,
        t,
        Diagnosis::new(Code::HostNotFound, Level::Error, format!("`{host}` could not be found"))
            .happened(format!("The name `{host}` did not resolve to an address ({why})."))
            .cause("A typo in the endpoint or account id, no network or DNS, or a VPN-only host while off the VPN.")
            .fix("Check the endpoint (or R2 account id) for typos and that this machine is online; open the endpoint in a browser to compare.")
            .evidence(ev),
    )
}

async fn connect(p: &mut Probe<'_>, t: Instant, addrs: &[SocketAddr]) -> Result<TcpStream, Stop> {
    let timeout = p.opts.client.connect_timeout;
    let mut last = String::new();
    let mut timed_out = false;
    let mut refused = false;
    for a in addrs.iter().take(4) {
        match tokio::time::timeout(timeout, TcpStream::connect(a)).await {
            Ok(Ok(s)) => {
                p.end(StepId::Connect, t, StepStatus::Passed, format!("connected to {a}"));
                return Ok(s);
            }
            Ok(Err(e)) => {
                refused |= e.kind() == std::io::ErrorKind::ConnectionRefused;
                last = format!("{a}: {e}");
            }
            Err(_) => {
                timed_out = true;
                last = format!("{a}: no answer within {} s", timeout.as_secs());
            }
        }
    }
    let mut ev = p.evidence(StepId::Connect);
    ev.detail = Some(last.clone());
    let d = if refused {
        Diagnosis::new(Code::ConnectionRefused, Level::Error, "The server refused the connection")
            .happened(format!("Nothing accepts connections at {last}."))
            .cause("The server is not running, or listens on another port.")
            .fix("Start the server, or check the port in the endpoint (MinIO's default is 9000).")
    } else if timed_out {
        Diagnosis::new(Code::ConnectTimeout, Level::Error, "The server did not answer the connection")
            .happened(format!("Connecting took longer than {} s ({last}).", timeout.as_secs()))
            .cause("A firewall drops the traffic, the host is down, or the address is wrong.")
            .fix("Check the endpoint, and that a firewall or VPN lets this machine reach it.")
    } else {
        Diagnosis::new(Code::NetworkUnreachable, Level::Error, "The server cannot be reached")
            .happened(format!("The connection failed: {last}."))
            .cause("No route to the host: the network is down or the address is not reachable from here.")
            .fix("Check this machine's network connection and the endpoint address.")
    };
    Err(p.fail(StepId::Connect, t, d.evidence(ev)))
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

async fn tls(p: &mut Probe<'_>, t: Instant, tcp: TcpStream, host: &str) -> Result<tokio_rustls::client::TlsStream<TcpStream>, Stop> {
    use tokio_rustls::rustls::pki_types::ServerName;
    let name = match ServerName::try_from(host.trim_matches(['[', ']']).to_string()) {
        Ok(n) => n,
        Err(_) => {
            let d = Diagnosis::new(Code::TlsBadName, Level::Error, "The host name cannot be used for TLS")
                .happened(format!("`{host}` is not a valid TLS server name."))
                .cause("The endpoint's host is malformed.")
                .fix("Check the endpoint URL.")
                .evidence(p.evidence(StepId::Tls));
            return Err(p.fail(StepId::Tls, t, d));
        }
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
                let d = Diagnosis::new(Code::TlsUntrustedCertificate, Level::Error, "The server's certificate is not trusted")
                    .happened(format!("The TLS handshake failed: {text}."))
                    .evidence(ev);
                if name_mismatch && !p.s.path_style && p.s.bucket.contains('.') {
                    d.cause("The bucket name has dots, so `bucket.endpoint` does not match the server's wildcard certificate.")
                        .fix("Turn on path-style addressing.")
                        .apply("path_style", "true", "Use path-style")
                } else if name_mismatch {
                    d.cause("The certificate was issued for another host name.")
                        .fix("Use the host name the certificate was issued for, as your provider documents it.")
                } else {
                    d.cause("The certificate is self-signed, expired, or issued by an authority this machine does not trust (common with self-hosted MinIO or a TLS-inspecting proxy).")
                        .fix("Install the server's CA certificate in the system trust store, or use a certificate from a public authority.")
                }
            } else if lower.contains("corrupt message")
                || lower.contains("invalidcontenttype")
                || lower.contains("invalid content type")
                || lower.contains("wrong_version")
                || lower.contains("invalidmessage")
            {
                let d = Diagnosis::new(Code::HttpsToHttpPort, Level::Error, "The server speaks plain HTTP, not HTTPS")
                    .happened("Chute started a TLS handshake and the server answered with something that is not TLS.")
                    .cause("The endpoint says https:// but this port serves plain HTTP (MinIO and test servers often do).")
                    .fix("Use the server's HTTPS port, or http:// if the server is on a network you trust.")
                    .evidence(ev);
                // Plain HTTP is a one-click fix only where it stays on this machine.
                match http_twin(p.s) {
                    Some(http_url) => d.apply("endpoint", http_url, "Use http://"),
                    None => d,
                }
            } else {
                Diagnosis::new(Code::TlsHandshakeFailed, Level::Error, "The TLS handshake failed")
                    .happened(format!("The TLS handshake failed: {text}."))
                    .cause("The server closed the connection during TLS, or supports no protocol version in common.")
                    .fix("Check that the port serves HTTPS, and the server's TLS settings.")
                    .evidence(ev)
            };
            Err(p.fail(StepId::Tls, t, d))
        }
        Err(_) => {
            let d = Diagnosis::new(Code::ServerSilent, Level::Error, "The server accepted the connection but never answered")
                .happened(format!("No TLS answer within {} s.", read_timeout.as_secs()))
                .cause("The service on that port is hung, or it is not an HTTPS server.")
                .fix("Check that the server is healthy and that the endpoint's port is its S3 port.")
                .evidence(p.evidence(StepId::Tls));
            Err(p.fail(StepId::Tls, t, d))
        }
    }
}

/// Send one HEAD request by hand and read the response head.
async fn reach(p: &mut Probe<'_>, t: Instant, mut stream: Box<dyn Stream>, target: &url::Url) -> Result<(), Stop> {
    let host_header = match target.port() {
        Some(port) => format!("{}:{port}", target.host_str().unwrap_or_default()),
        None => target.host_str().unwrap_or_default().to_string(),
    };
    let path = if target.path().is_empty() { "/" } else { target.path() };
    let req = format!("HEAD {path} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: chute-probe\r\nConnection: close\r\n\r\n");
    let read_timeout = p.opts.client.read_timeout;
    let exchange = async {
        stream.write_all(req.as_bytes()).await?;
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
    let result = tokio::time::timeout(read_timeout, exchange).await;
    let https = target.scheme() == "https";
    let http_to_tls = |p: &mut Probe, detail: String| {
        let mut ev = p.evidence(StepId::Reach);
        ev.detail = Some(detail);
        let mut https_url = p.s.effective_endpoint().unwrap_or_default();
        if let Some(rest) = https_url.strip_prefix("http://") {
            https_url = format!("https://{rest}");
        }
        Diagnosis::new(Code::HttpToTlsPort, Level::Error, "The server expects HTTPS")
            .happened("Chute sent a plain HTTP request and the server closed the connection without an HTTP answer.")
            .cause("The endpoint says http:// but this port serves HTTPS.")
            .fix(format!("Use {https_url}."))
            .evidence(ev)
            .apply("endpoint", https_url.clone(), "Use https://")
    };
    let bytes = match result {
        Err(_) => {
            let d = Diagnosis::new(Code::ServerSilent, Level::Error, "The server accepted the connection but never answered")
                .happened(format!("No HTTP answer within {} s.", read_timeout.as_secs()))
                .cause("The service on that port is hung or overloaded, or it is not an HTTP server.")
                .fix("Check that the server is healthy and that the endpoint's port is its S3 port.")
                .evidence(p.evidence(StepId::Reach));
            return Err(p.fail(StepId::Reach, t, d));
        }
        Ok(Err(e)) if !https => {
            let d = http_to_tls(p, e.to_string());
            return Err(p.fail(StepId::Reach, t, d));
        }
        Ok(Err(e)) => {
            let mut ev = p.evidence(StepId::Reach);
            ev.detail = Some(e.to_string());
            let d = Diagnosis::new(Code::ConnectionReset, Level::Error, "The server dropped the connection")
                .happened(format!("The connection broke before an answer: {e}."))
                .cause("A proxy or firewall in between, or the server crashed.")
                .fix("Try again; if it persists, check proxies and the server's logs.")
                .evidence(ev);
            return Err(p.fail(StepId::Reach, t, d));
        }
        Ok(Ok(b)) => b,
    };
    if !https && (bytes.is_empty() || bytes.first() == Some(&0x15) || bytes.first() == Some(&0x16)) {
        let d = http_to_tls(p, if bytes.is_empty() { "connection closed".into() } else { "the server answered with a TLS record".into() });
        return Err(p.fail(StepId::Reach, t, d));
    }
    let text = String::from_utf8_lossy(&bytes);
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: Option<u16> = status_line.strip_prefix("HTTP/").and_then(|r| r.split_whitespace().nth(1)).and_then(|c| c.parse().ok());
    let Some(status) = status else {
        let mut ev = p.evidence(StepId::Reach);
        ev.detail = Some(status_line.chars().take(120).collect());
        let d = Diagnosis::new(Code::NotHttp, Level::Error, "The server does not speak HTTP")
            .happened("The answer was not an HTTP response.")
            .cause("The endpoint's port belongs to another kind of service.")
            .fix("Check the endpoint's port against your provider's documentation.")
            .evidence(ev);
        return Err(p.fail(StepId::Reach, t, d));
    };
    let mut date = None;
    let mut s3ish = false;
    let mut server = String::new();
    for line in lines {
        let Some((k, v)) = line.split_once(':') else { continue };
        let k = k.trim().to_ascii_lowercase();
        let v = v.trim();
        match k.as_str() {
            "date" => date = httpdate::parse_http_date(v).ok(),
            "server" => server = v.to_string(),
            k if k.starts_with("x-amz-") || k.starts_with("x-minio-") => s3ish = true,
            _ => {}
        }
    }
    let lower_server = server.to_ascii_lowercase();
    s3ish |= ["amazons3", "minio", "cloudflare", "garage", "ceph", "s3"].iter().any(|n| lower_server.contains(n));
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
            detail.push_str(&format!(", clock off by {}", human_secs(skew)));
            p.find(clock_skew(p, skew, None));
        }
    }
    p.end(StepId::Reach, t, status_out, detail);
    Ok(())
}

fn human_secs(skew: i64) -> String {
    let a = skew.unsigned_abs();
    if a >= 3600 {
        format!("{}h {}m", a / 3600, (a % 3600) / 60)
    } else {
        format!("{}m {}s", a / 60, a % 60)
    }
}

fn clock_skew(p: &Probe, skew: i64, facts: Option<&Facts>) -> Diagnosis {
    let level = if facts.is_some() { Level::Error } else { Level::Warning };
    let mut ev = facts.map(|f| f.evidence(p, StepId::Reach)).unwrap_or_else(|| p.evidence(StepId::Reach));
    ev.detail = Some(format!("server clock minus local clock: {skew} s"));
    let direction = if skew > 0 { "behind" } else { "ahead of" };
    let code = facts.and_then(|f| f.code.clone()).unwrap_or_else(|| "HTTP 403".into());
    Diagnosis::new(Code::ClockSkew, level, "This computer's clock is wrong")
        .happened(if facts.is_some() {
            format!(
                "The server refused a request signed with this computer's time ({code}): this clock is {} {direction} the server's, outside the 15 minutes S3 allows. Chute's S3 client then corrects for the difference, but other tools will fail.",
                human_secs(skew)
            )
        } else {
            format!("This computer's clock is {} {direction} the server's.", human_secs(skew))
        })
        .cause("S3 signatures are only valid within 15 minutes of the server's time.")
        .fix("Turn on automatic time synchronisation (NTP) in your system settings, then test again.")
        .evidence(ev)
}

/// What an SDK error tells us, gathered in one place.
#[derive(Debug, Clone, Default)]
struct Facts {
    status: Option<u16>,
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    bucket_region: Option<String>,
    kind: &'static str,
    chain: String,
    timeout: bool,
    io: bool,
}

impl Facts {
    fn of<E: ProvideErrorMetadata + std::error::Error + 'static>(e: &SdkError<E, HttpResponse>) -> Facts {
        let raw = e.raw_response();
        let header = |name: &str| raw.and_then(|r| r.headers().get(name)).map(str::to_string);
        let (kind, timeout, io) = match e {
            SdkError::ServiceError(_) => ("service", false, false),
            SdkError::TimeoutError(_) => ("timeout", true, false),
            SdkError::DispatchFailure(d) => {
                let c = d.as_connector_error();
                ("dispatch", c.is_some_and(|c| c.is_timeout()), c.is_some_and(|c| c.is_io()))
            }
            SdkError::ResponseError(_) => ("response", false, false),
            _ => ("construction", false, false),
        };
        Facts {
            status: raw.map(|r| r.status().as_u16()),
            code: e.code().map(str::to_string),
            message: e.message().map(str::to_string),
            request_id: e.request_id().map(str::to_string).or_else(|| header("x-amz-request-id")),
            bucket_region: header("x-amz-bucket-region"),
            kind,
            chain: error_chain(e),
            timeout,
            io,
        }
    }

    fn summary(&self) -> String {
        match (&self.status, &self.code) {
            (Some(s), Some(c)) => format!("HTTP {s} {c}"),
            (Some(s), None) => format!("HTTP {s}"),
            (None, Some(c)) => c.clone(),
            (None, None) => self.chain.chars().take(200).collect(),
        }
    }

    fn evidence(&self, p: &Probe, step: StepId) -> Evidence {
        let mut ev = p.evidence(step);
        ev.http_status = self.status;
        ev.s3_code = self.code.clone();
        ev.message = self.message.clone();
        ev.request_id = self.request_id.clone();
        ev.bucket_region = self.bucket_region.clone();
        if self.status.is_none() {
            ev.detail = Some(self.chain.chars().take(600).collect());
        }
        ev
    }
}

/// After a HEAD error (no body): learn the real code from a cheap request
/// that has one, keeping the HEAD's status and headers. No prefix in the
/// query: only the error code matters, and some servers mis-sign `/` there.
async fn follow_up(client: &aws_sdk_s3::Client, bucket: &str, head: Facts) -> Facts {
    let r = client.list_objects_v2().bucket(bucket).max_keys(0).send().await;
    match r {
        Err(e) => {
            let f = Facts::of(&e);
            Facts {
                // The follow-up's code is the real one; HEAD's `NotFound` is the SDK's name for a bodiless 404.
                code: f.code.or(head.code.filter(|c| c != "NotFound")),
                message: f.message.or(head.message),
                request_id: head.request_id.or(f.request_id),
                bucket_region: head.bucket_region.or(f.bucket_region),
                ..head
            }
        }
        Ok(_) => head,
    }
}

/// Turn an S3 failure into a diagnosis.
fn classify(p: &Probe, step: StepId, f: &Facts, anonymous: bool) -> Diagnosis {
    let code = f.code.clone().unwrap_or_default();
    let message = f.message.clone().unwrap_or_default();
    let ev = f.evidence(p, step);
    let s = p.s;
    if f.kind == "timeout" || f.timeout {
        return Diagnosis::new(Code::ServerSilent, Level::Error, "The server stopped answering")
            .happened(format!("The request timed out ({}).", f.summary()))
            .cause("The server is overloaded or hung, or something in between drops the traffic.")
            .fix("Try again in a moment; check the server's health and any proxy in between.")
            .evidence(ev);
    }
    if f.status.is_none() {
        return Diagnosis::new(Code::RequestFailed, Level::Error, "The request could not be sent")
            .happened(format!("The S3 request failed before an answer: {}.", f.chain.chars().take(300).collect::<String>()))
            .cause(if f.io {
                "The connection broke (reset or closed by the server or a proxy)."
            } else {
                "A problem building or sending the request."
            })
            .fix("Test again; if it persists, check the endpoint and any proxy in between.")
            .evidence(ev);
    }
    if diagnose::is_unknown_key(&code, &message) {
        return Diagnosis::new(Code::UnknownAccessKey, Level::Error, "The access key is not known to this server")
            .happened(format!("The server does not recognise the access key ({code})."))
            .cause("The key was deleted or rotated, has a typo, or belongs to another provider or account (e.g. an AWS key used with R2).")
            .fix("Create a new access key in the provider's console and enter it in this destination.")
            .evidence(ev);
    }
    match code.as_str() {
        "SignatureDoesNotMatch" => {
            return Diagnosis::new(Code::WrongSecret, Level::Error, "The secret access key is wrong")
                .happened("The server knows the access key, but the request signature does not match (SignatureDoesNotMatch).")
                .cause("The secret does not belong to this access key: a typo, a space pasted with it, or a rotated secret.")
                .fix("Paste the secret again exactly as the provider showed it (it is only shown once; create a new key if it is lost).")
                .evidence(ev);
        }
        "ExpiredToken" | "TokenRefreshRequired" | "InvalidToken" => {
            return Diagnosis::new(Code::ExpiredToken, Level::Error, "The session token has expired")
                .happened(format!("The server refused the temporary credentials ({code})."))
                .cause("Temporary credentials (SSO, assume-role, session tokens) last hours, not forever.")
                .fix("Sign in again (e.g. `aws sso login --profile NAME`), or use a long-lived access key for this destination.")
                .evidence(ev);
        }
        "RequestTimeTooSkewed" => {
            let skew = p.clock_skew.unwrap_or(0);
            return clock_skew(p, skew, Some(f));
        }
        "PermanentRedirect" | "AuthorizationHeaderMalformed" | "IllegalLocationConstraintException" => {
            return wrong_region(p, f, ev, &message);
        }
        "NoSuchBucket" => return bucket_not_found(p, ev),
        _ => {}
    }
    if diagnose::is_checksum_rejection(&code, &message) {
        return Diagnosis::new(Code::ChecksumRejected, Level::Error, "The server rejects the checksum headers")
            .happened(format!("The server refused the upload's integrity headers ({code}: {message})."))
            .cause(format!(
                "Newer AWS SDKs send CRC checksums on every upload; many S3-compatible servers reject them. Chute only sends them where the provider supports them, and {} is set up to {}.",
                s.preset().label,
                if s.preset().checksum == crate::provider::ChecksumPolicy::WhenSupported { "send them" } else { "send them only when required" }
            ))
            .fix("If this server is not Amazon S3, choose its provider (or \"S3-compatible\") so Chute stops sending the headers.")
            .evidence(ev);
    }
    match (f.status, code.as_str()) {
        (Some(301), _) => wrong_region(p, f, ev, &message),
        // A 404 with no S3 error code even on the follow-up GET: not an S3 API.
        (Some(404), _) if p.looks_like_s3 != Some(true) && (code.is_empty() || code == "NotFound") => not_s3(p, ev),
        (Some(404), _) => bucket_not_found(p, ev),
        (Some(403), _) if anonymous => Diagnosis::new(Code::AnonymousDenied, Level::Error, "The bucket does not accept anonymous uploads")
            .happened(format!("Without credentials, {} was refused (403 {code}).", step.label()))
            .cause("The destination has no credentials, and the bucket policy does not allow public writes (which is good).")
            .fix("Add an access key limited to this bucket and prefix; the policy below is the least it needs.")
            .evidence(ev)
            .policy(diagnose::minimal_policy(s)),
        (Some(403), _) => Diagnosis::new(Code::WriteDenied, Level::Error, format!("Writing under `{}` is not allowed", if s.prefix.is_empty() { "the bucket root" } else { s.prefix.as_str() }))
            .happened(format!("{} was refused (403 {}).", step.label(), if code.is_empty() { "AccessDenied" } else { &code }))
            .cause("The credentials' policy does not allow s3:PutObject on this bucket and prefix; a policy scoped to `bucket/*` or to another prefix is the usual cause.")
            .fix("Attach the policy below to the IAM user or role (or give the R2/B2 token write access to this bucket), then test again.")
            .evidence(ev)
            .policy(diagnose::minimal_policy(s)),
        (Some(405 | 501), _) => not_s3(p, ev),
        (Some(503), "SlowDown") | (Some(503), _) => Diagnosis::new(Code::ServerBusy, Level::Error, "The server is overloaded")
            .happened(format!("{} answered 503 {}.", step.label(), code))
            .cause("The service is throttling requests (SlowDown) or is temporarily unavailable.")
            .fix("Wait a minute and test again; deliveries retry these automatically.")
            .evidence(ev),
        (Some(st), _) if st >= 500 => Diagnosis::new(Code::ServerError, Level::Error, "The server reported an internal error")
            .happened(format!("{} answered {} {}.", step.label(), st, code))
            .cause("A fault on the storage service's side.")
            .fix("Test again later; if it persists, contact the provider with the request id below.")
            .evidence(ev),
        _ => Diagnosis::new(Code::S3Error, Level::Error, format!("{} failed", step.label()))
            .happened(format!("The server answered {}{}.", f.summary(), if message.is_empty() { String::new() } else { format!(": {message}") }))
            .cause("An S3 error Chute has no specific advice for.")
            .fix("Look the error code up in your provider's documentation; the details below have the request id for support.")
            .evidence(ev),
    }
}

fn wrong_region(p: &Probe, f: &Facts, mut ev: Evidence, message: &str) -> Diagnosis {
    let mine = p.s.effective_region();
    let detected = f.bucket_region.clone().or_else(|| diagnose::expected_region_from_message(message));
    ev.bucket_region = detected.clone();
    let d = Diagnosis::new(
        Code::WrongRegion,
        Level::Error,
        match &detected {
            Some(r) => format!("The bucket is in {r}, not {mine}"),
            None => format!("The bucket is not in {mine}"),
        },
    )
    .happened(format!("The server redirected or refused the request because the bucket lives in another region ({}).", f.summary()))
    .cause("The region was guessed or copied from another bucket.")
    .evidence(ev);
    match detected {
        Some(r) => d.fix(format!("Set the region to `{r}`.")).apply("region", r.clone(), format!("Use {r}")),
        None => d.fix("Set the region shown for the bucket in your provider's console."),
    }
}

fn bucket_not_found(p: &Probe, ev: Evidence) -> Diagnosis {
    let s = p.s;
    Diagnosis::new(Code::BucketNotFound, Level::Error, format!("There is no bucket `{}` here", s.bucket.trim()))
        .happened(format!("The server says the bucket `{}` does not exist at {}.", s.bucket.trim(), ev.endpoint))
        .cause("A typo in the bucket name (names are case-sensitive), the bucket is in another account or region, or the endpoint points at another server.")
        .fix("Check the bucket name against the provider's console, and that the endpoint and region are the bucket's.")
        .evidence(ev)
}

fn not_s3(p: &Probe, ev: Evidence) -> Diagnosis {
    let _ = p;
    Diagnosis::new(Code::NotS3Server, Level::Error, "This endpoint is not an S3 API")
        .happened(format!("The server at {} answers HTTP, but not like an S3 service (HTTP {}).", ev.endpoint, ev.http_status.map(|s| s.to_string()).unwrap_or_default()))
        .cause("The endpoint is a website, a console URL or another API instead of the S3 endpoint (e.g. MinIO's console on :9001 instead of the API on :9000).")
        .fix("Use the S3 API endpoint from your provider's documentation.")
        .evidence(ev)
}
