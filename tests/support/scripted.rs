//! A scripted S3 answerer: a MOCK, on purpose and only where no server
//! that runs here gives an answer on demand (moto does not enforce session
//! tokens or regions, none of them throttles, none rejects checksum
//! headers the way B2 and R2 do). It answers each request with the status,
//! headers and S3 error XML those services send, over a real socket, so
//! Chute's real client and classifier meet them as they would there.

use std::io::{BufRead, BufReader, Read, Write};
use std::time::{Duration, SystemTime};

/// What the server was asked.
#[derive(Debug)]
pub struct Request {
    pub method: String,
    /// Path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn has_header_starting(&self, prefix: &str) -> bool {
        self.headers.iter().any(|(k, _)| k.starts_with(prefix))
    }
}

/// An answer: status and body (dropped for HEAD, as HTTP wants).
pub type Answer = (u16, &'static str);

pub struct Scripted {
    pub port: u16,
}

impl Scripted {
    pub fn start(answer: fn(&Request) -> Answer) -> Scripted {
        Scripted::with_headers(&[], answer)
    }

    /// Every answer also carries `headers` (e.g. `x-amz-bucket-region`).
    pub fn with_headers(headers: &'static [(&'static str, &'static str)], answer: fn(&Request) -> Answer) -> Scripted {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                std::thread::spawn(move || serve(conn, headers, answer));
            }
        });
        Scripted { port }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

fn serve(conn: std::net::TcpStream, extra: &[(&str, &str)], answer: fn(&Request) -> Answer) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut words = line.split_whitespace();
    let method = words.next().unwrap_or_default().to_string();
    let target = words.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    // Drain whatever body was sent, then answer.
    let _ = conn.set_read_timeout(Some(Duration::from_millis(150)));
    let mut sink = [0u8; 8192];
    while let Ok(n) = reader.read(&mut sink) {
        if n == 0 {
            break;
        }
    }
    let req = Request { method, target, headers };
    let (status, body) = answer(&req);
    let body = if req.method == "HEAD" { "" } else { body };
    let extra: String = extra.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
    let mut out = conn;
    let _ = write!(
        out,
        "HTTP/1.1 {status} Scripted\r\nx-amz-request-id: SCRIPTED-REQ-1\r\nDate: {}\r\n{extra}Content-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        httpdate::fmt_http_date(SystemTime::now()),
        body.len()
    );
}
