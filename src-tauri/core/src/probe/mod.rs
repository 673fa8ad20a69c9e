//! The connection test. Steps run in order, each timed and reported as it
//! runs: credentials, resolve, connect, the proxy (a tunnel through it, or
//! a request it forwards; skipped when requests go straight), TLS, reach
//! (one raw HTTP exchange, which also reads the server's clock),
//! HeadBucket, PutObject of a probe object under the prefix, optionally a
//! read-back of it, what the server does with conditional and checksummed
//! writes (on that object), and DeleteObject.
//! Every failure becomes a `Diagnosis`: S3 answers through the one
//! classifier and catalogue a delivery uses too.

mod bucket;
mod capabilities;
mod findings;
mod network;
mod proxy;
mod recorder;

use std::time::{Instant, SystemTime};

use serde::Serialize;

use crate::destination::Settings;
use crate::diagnose::{Diagnosis, Evidence, Level};
use crate::s3::{self, Auth, ClientOptions};
use recorder::{Probe, Stop};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepId {
    Credentials,
    Resolve,
    Connect,
    Proxy,
    Tls,
    Reach,
    HeadBucket,
    PutObject,
    ReadBack,
    Capabilities,
    DeleteObject,
}

impl StepId {
    /// Every step, in the order the test runs them (`ReadBack` only when asked for).
    pub const ALL: [StepId; 11] = [
        StepId::Credentials,
        StepId::Resolve,
        StepId::Connect,
        StepId::Proxy,
        StepId::Tls,
        StepId::Reach,
        StepId::HeadBucket,
        StepId::PutObject,
        StepId::ReadBack,
        StepId::Capabilities,
        StepId::DeleteObject,
    ];

    /// The id as it is serialized (`head_bucket`), for evidence and logs.
    pub fn id(self) -> &'static str {
        match self {
            StepId::Credentials => "credentials",
            StepId::Resolve => "resolve",
            StepId::Connect => "connect",
            StepId::Proxy => "proxy",
            StepId::Tls => "tls",
            StepId::Reach => "reach",
            StepId::HeadBucket => "head_bucket",
            StepId::PutObject => "put_object",
            StepId::ReadBack => "read_back",
            StepId::Capabilities => "capabilities",
            StepId::DeleteObject => "delete_object",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StepId::Credentials => "Credentials",
            StepId::Resolve => "Resolve host",
            StepId::Connect => "Connect",
            StepId::Proxy => "Proxy",
            StepId::Tls => "TLS handshake",
            StepId::Reach => "Server answers",
            StepId::HeadBucket => "Bucket (HeadBucket)",
            StepId::PutObject => "Write probe object",
            StepId::ReadBack => "Read back",
            StepId::Capabilities => "What the server does",
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
    /// What the endpoint was seen to do (conditional create, checksums, …),
    /// when the test got as far as writing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<s3::capabilities::Capabilities>,
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
    /// Measure what the server does (conditional create, checksums, …) on
    /// the probe object: about ten more small requests.
    pub capabilities: bool,
    pub client: ClientOptions,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        ProbeOptions { read_back: false, capabilities: true, client: ClientOptions::probe() }
    }
}

/// Skew worth a warning, and the window S3 servers accept signatures in.
const SKEW_LIMIT_SECS: i64 = 300;
const S3_SKEW_WINDOW_SECS: i64 = 900;

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
    let probe_key = s3::capabilities::probe_key(s);
    let mut p =
        Probe::new(s, opts, on_event, Evidence { endpoint: target.to_string(), addressing: addressing.into(), ..Evidence::default() });
    findings::settings(&mut p);
    let stopped = match steps(&mut p, auth, &target, &probe_key).await {
        Ok(()) => false,
        Err(Stop) => true,
    };
    if stopped {
        // Every later step is said not to have run (the read-back only runs when asked for).
        for id in StepId::ALL.into_iter().filter(|&id| id != StepId::ReadBack) {
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
        capabilities: p.capabilities,
        clock_skew_secs: p.clock_skew,
        started_at,
        duration_ms: started.elapsed().as_millis() as u64,
    }
}

/// Every step in turn; a failed one stops the rest (they are reported as not run).
async fn steps(p: &mut Probe<'_>, auth: Result<Auth, Diagnosis>, target: &url::Url, probe_key: &str) -> Result<(), Stop> {
    let auth = bucket::credentials(p, auth).await?;
    // Through the proxy a request to the endpoint would take, or straight there.
    let route = s3::ProxyRoute::of(p.s, p.opts.client.proxy_password.clone());
    match route.hop(target) {
        Some(hop) => proxy::reach_through(p, target, &hop).await?,
        None => network::reach_server(p, target, &route.direct_because(target)).await?,
    }
    bucket::steps(p, &auth, probe_key).await
}
