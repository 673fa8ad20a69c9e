//! A fault-injecting HTTP proxy for tests: it sits on loopback between
//! Chute's engine and a real S3 server and, on a share of requests, answers
//! 500 or 503 SlowDown itself, resets the connection halfway through the
//! request body, stalls past the client's read timeout, cuts the server's
//! answer short, or flips one byte of the request body on its way to the
//! server. Everything else is passed through untouched.
//!
//! Decisions are a pure function of (seed, request, how many times that
//! request was seen), so a run is reproducible whatever the interleaving.
//! A hook may also run before a request is forwarded (another writer
//! changing an object just before the client asks about it). A proxy may
//! also stand for a server of limited capacity, far away: it refuses
//! requests past a number at once with 503 SlowDown, delays the others,
//! and remembers the most it saw at once.
//! A request already faulted `max_consecutive` times in a row is let
//! through: the tests measure recovery, not luck.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// 500 InternalError, answered by the proxy.
    Status500,
    /// 503 SlowDown, answered by the proxy.
    SlowDown,
    /// The connection is reset after half the request body.
    ResetMidBody,
    /// Nothing is answered until the client gives up (read timeout).
    Stall,
    /// The server's answer is forwarded only in part, then the connection closes.
    Truncate,
    /// One byte of the request body is flipped before it reaches the server.
    FlipByte,
}

pub const TRANSIENT: [Fault; 5] = [Fault::Status500, Fault::SlowDown, Fault::ResetMidBody, Fault::Stall, Fault::Truncate];

#[derive(Debug, Clone)]
pub struct Plan {
    pub seed: u64,
    /// Share of requests faulted, in percent.
    pub percent: u64,
    /// The faults drawn from, evenly.
    pub faults: Vec<Fault>,
    /// Only requests whose method is listed (empty: all).
    pub methods: Vec<&'static str>,
    pub max_consecutive: u32,
    /// Only requests this accepts (method, target), if set.
    pub only: Option<fn(&str, &str) -> bool>,
    /// How long a stall lasts (longer than the client's read timeout).
    pub stall: Duration,
}

impl Plan {
    /// No fault at all: the proxy only records what passes (and runs its hook).
    pub fn none() -> Plan {
        Plan { seed: 0, percent: 0, faults: vec![], methods: vec![], max_consecutive: 0, only: None, stall: Duration::ZERO }
    }
}

/// One request the proxy saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    /// The object key (path without the bucket), URL-decoded.
    pub key: String,
    pub fault: Option<Fault>,
}

/// What a proxy standing for a limited server allows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Capacity {
    /// Requests past this many at once are refused with 503 SlowDown (`None`: no cap).
    pub at_once: Option<usize>,
    /// Each request let through waits this long first (a server far away).
    pub delay: Duration,
}

#[derive(Default)]
struct State {
    /// Times each request (method + target) was seen, and faulted in a row.
    seen: HashMap<String, (u32, u32)>,
    log: Vec<Seen>,
    /// Requests between their head arriving and their answer going back.
    in_flight: usize,
    most_at_once: usize,
}

/// One request in flight while it lives.
struct InFlight<'a>(&'a Mutex<State>);

impl<'a> InFlight<'a> {
    /// Counts the request in; returns how many are in flight with it.
    fn enter(state: &'a Mutex<State>) -> (InFlight<'a>, usize) {
        let mut st = state.lock().unwrap();
        st.in_flight += 1;
        st.most_at_once = st.most_at_once.max(st.in_flight);
        let now = st.in_flight;
        (InFlight(state), now)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.lock().unwrap().in_flight -= 1;
    }
}

/// Run before a request is forwarded to the server.
pub type Before = Arc<dyn Fn(&Seen) + Send + Sync>;

pub struct FaultProxy {
    pub port: u16,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

impl FaultProxy {
    /// Listen on a free loopback port and forward to `upstream` (host:port).
    pub fn start(upstream: &str, plan: Plan) -> FaultProxy {
        FaultProxy::start_with(upstream, plan, None)
    }

    /// Like `start`, with `before` run on each request before it is forwarded.
    pub fn start_with(upstream: &str, plan: Plan, before: Option<Before>) -> FaultProxy {
        FaultProxy::start_full(upstream, plan, before, Capacity::default())
    }

    /// A server of limited `capacity` in front of `upstream`, with no other fault.
    pub fn with_capacity(upstream: &str, capacity: Capacity) -> FaultProxy {
        FaultProxy::start_full(upstream, Plan::none(), None, capacity)
    }

    fn start_full(upstream: &str, plan: Plan, before: Option<Before>, capacity: Capacity) -> FaultProxy {
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let state: Arc<Mutex<State>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (st, stp, up) = (state.clone(), stop.clone(), upstream.to_string());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stp.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (st, up, plan, before) = (st.clone(), up.clone(), plan.clone(), before.clone());
                std::thread::spawn(move || {
                    let _ = serve(conn, &up, (&plan, capacity), &st, before.as_ref());
                });
            }
        });
        FaultProxy { port, state, stop }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn log(&self) -> Vec<Seen> {
        self.state.lock().unwrap().log.clone()
    }

    /// Requests seen for `key`, and how many of them were faulted.
    pub fn for_key(&self, key: &str) -> (usize, usize) {
        let log = self.log();
        let mine: Vec<&Seen> = log.iter().filter(|s| s.key == key).collect();
        (mine.len(), mine.iter().filter(|s| s.fault.is_some()).count())
    }

    /// The most requests that were in flight at once.
    pub fn most_at_once(&self) -> usize {
        self.state.lock().unwrap().most_at_once
    }

    /// Faults injected, by kind (a refusal past the capacity is a SlowDown).
    pub fn tally(&self) -> HashMap<Fault, usize> {
        let mut t = HashMap::new();
        for s in self.log() {
            if let Some(f) = s.fault {
                *t.entry(f).or_default() += 1;
            }
        }
        t
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

fn hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

/// The request's identity for decisions: upload ids are random, so they are
/// left out, keeping a run reproducible.
fn identity(method: &str, target: &str) -> String {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let query: Vec<&str> = query.split('&').map(|p| if p.starts_with("uploadId=") { "uploadId=*" } else { p }).collect();
    format!("{method} {path}?{}", query.join("&"))
}

fn decide(plan: &Plan, state: &Mutex<State>, method: &str, target: &str) -> Option<Fault> {
    let id = identity(method, target);
    let mut st = state.lock().unwrap();
    let entry = st.seen.entry(id.clone()).or_insert((0, 0));
    let nth = entry.0;
    entry.0 += 1;
    let eligible = (plan.methods.is_empty() || plan.methods.contains(&method)) && plan.only.is_none_or(|f| f(method, target));
    let r = mix(plan.seed ^ hash(&id) ^ (nth as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let fault = if eligible && entry.1 < plan.max_consecutive && r % 100 < plan.percent && !plan.faults.is_empty() {
        Some(plan.faults[((r / 100) % plan.faults.len() as u64) as usize])
    } else {
        None
    };
    entry.1 = if fault.is_some() { entry.1 + 1 } else { 0 };
    fault
}

fn key_of(target: &str) -> String {
    let path = target.split('?').next().unwrap_or("");
    // Path-style: /bucket/key...
    let key = path.trim_start_matches('/').split_once('/').map(|(_, k)| k).unwrap_or("");
    percent_decode(key)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Read up to the end of the head (`\r\n\r\n`); None on a closed connection.
fn read_head(conn: &mut TcpStream) -> std::io::Result<Option<Vec<u8>>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        if conn.read(&mut byte)? == 0 {
            return Ok(None);
        }
        head.push(byte[0]);
        if head.ends_with(b"\r\n\r\n") {
            return Ok(Some(head));
        }
        if head.len() > 64 * 1024 {
            return Err(std::io::Error::other("head too long"));
        }
    }
}

fn error_response(status: u16, reason: &str, code: &str) -> Vec<u8> {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>injected by the test proxy</Message><RequestId>fault-proxy</RequestId></Error>"
    );
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nx-amz-request-id: fault-proxy\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn serve(
    mut conn: TcpStream,
    upstream: &str,
    (plan, capacity): (&Plan, Capacity),
    state: &Mutex<State>,
    before: Option<&Before>,
) -> std::io::Result<()> {
    let Some(head) = read_head(&mut conn)? else { return Ok(()) };
    let (_in_flight, at_once) = InFlight::enter(state);
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or("").to_string();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let mut length = 0usize;
    let mut expect_continue = false;
    let mut headers = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        let lname = name.trim().to_ascii_lowercase();
        match lname.as_str() {
            "content-length" => length = value.trim().parse().unwrap_or(0),
            "expect" => {
                expect_continue = value.trim().eq_ignore_ascii_case("100-continue");
                continue;
            }
            "connection" => continue,
            "transfer-encoding" => panic!("the fault proxy does not handle chunked request bodies"),
            _ => {}
        }
        headers.push(line.to_string());
    }
    let over_capacity = capacity.at_once.is_some_and(|most| at_once > most);
    let fault = decide(plan, state, &method, &target).or(over_capacity.then_some(Fault::SlowDown));
    let seen = Seen { method: method.clone(), target: target.clone(), key: key_of(&target), fault };
    state.lock().unwrap().log.push(seen.clone());
    if let Some(before) = before {
        before(&seen);
    }
    if expect_continue {
        conn.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }

    let mut body = vec![0u8; length];
    if fault == Some(Fault::ResetMidBody) {
        conn.read_exact(&mut body[..length / 2])?;
        // Closing with unread data makes the kernel answer with a reset.
        drop(conn);
        return Ok(());
    }
    conn.read_exact(&mut body)?;
    match fault {
        Some(Fault::Status500) => return conn.write_all(&error_response(500, "Internal Server Error", "InternalError")),
        Some(Fault::SlowDown) => return conn.write_all(&error_response(503, "Slow Down", "SlowDown")),
        Some(Fault::Stall) => {
            std::thread::sleep(plan.stall);
            let _ = conn.shutdown(Shutdown::Both);
            return Ok(());
        }
        Some(Fault::FlipByte) if !body.is_empty() => {
            let at = body.len() / 2;
            body[at] ^= 0x20;
        }
        _ => {}
    }
    std::thread::sleep(capacity.delay);
    // Forward, one request per upstream connection.
    let mut up = TcpStream::connect(upstream)?;
    let mut out = format!("{request_line}\r\n");
    for h in &headers {
        out.push_str(h);
        out.push_str("\r\n");
    }
    out.push_str("Connection: close\r\n\r\n");
    // A server may answer before reading the body (a 412, say) and close:
    // its answer still counts, so a failed body write is not the end.
    let _ = up.write_all(out.as_bytes()).and_then(|_| up.write_all(&body));
    let mut answer = Vec::new();
    let _ = up.read_to_end(&mut answer);
    if fault == Some(Fault::Truncate) {
        let cut = answer.len() / 2;
        conn.write_all(&answer[..cut])?;
        return Ok(());
    }
    conn.write_all(&answer)?;
    let _ = conn.shutdown(Shutdown::Write);
    Ok(())
}
