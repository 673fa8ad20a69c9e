//! Real servers on loopback for the tests: moto (IAM policies, SigV4,
//! prefix-scoped AccessDenied) and s3s-fs (real SigV4, clock-skew checks,
//! checksums), and two that are not S3 at all (Python's http.server and
//! `openssl s_server`). Each is started on a free port and stopped on drop.

use std::collections::{BTreeMap, HashMap};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A free port on 127.0.0.1, for a server started next (a child process
/// binds it a moment or seconds later: WebKitWebDriver only when a session
/// starts) or for an address nothing listens on. Taken below the kernel's
/// ephemeral range, so no outgoing connection of a test running beside it
/// is given the port in the meantime (one was given the driver's, and the
/// driver could not listen); each call moves on from the last one's port,
/// so servers started together in one process never get the same one.
pub fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::OnceLock;
    static CURSOR: OnceLock<AtomicU64> = OnceLock::new();
    let low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|r| r.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32768);
    let floor = 10_000u16.min(low / 2);
    let span = u64::from(low - floor);
    // Started from a place set by the process and the clock, so test
    // processes running together do not try the same ports.
    let cursor = CURSOR.get_or_init(|| {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        AtomicU64::new(u64::from(std::process::id()) * 7919 + u64::from(nanos))
    });
    (0..span)
        .map(|_| floor + (cursor.fetch_add(1, Ordering::Relaxed) % span) as u16)
        .find(|&port| TcpListener::bind(("127.0.0.1", port)).is_ok())
        .expect("a free port below the ephemeral range")
}

/// Wait until `child` listens on `port`; panics if it exits first or takes over 30 s.
pub fn wait_for_port(port: u16, what: &str, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited before listening ({status})");
        }
        assert!(Instant::now() < deadline, "{what} did not listen on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs `body` in Python after `s3` is made a boto3 client of `endpoint`
/// with these keys (path-style; checksums only where required, as the
/// S3-compatible servers here want; `json` and `hashlib` imported), and
/// returns the JSON it prints. The test venv's boto3; no profile files.
pub fn boto3(endpoint: &str, key_id: &str, secret: &str, region: &str, body: &str) -> serde_json::Value {
    let code = format!(
        "import boto3, json, hashlib\nfrom botocore.config import Config\n\
         s3 = boto3.client('s3', endpoint_url='{endpoint}', aws_access_key_id='{key_id}', aws_secret_access_key='{secret}', region_name='{region}', \
         config=Config(s3={{'addressing_style': 'path'}}, request_checksum_calculation='when_required', response_checksum_validation='when_required'))\n{body}"
    );
    let out = Command::new("python3")
        .args(["-c", &code])
        .env_remove("AWS_CONFIG_FILE")
        .env_remove("AWS_SHARED_CREDENTIALS_FILE")
        .output()
        .expect("python3");
    assert!(out.status.success(), "boto3 failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The repository root: the package dir (root, src-tauri/core or
/// src-tauri/cli) or the nearest ancestor holding tests/support.
fn repo_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors().find(|p| p.join("tests/support/moto_setup.py").exists()).expect("repo root").to_path_buf()
}

/// A program `cargo install` put in ~/.cargo/bin, or else `name` on PATH.
pub fn cargo_bin(name: &str) -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .map(|h| h.join(".cargo/bin").join(name))
        .filter(|p| p.exists())
        .unwrap_or_else(|| name.into())
}

#[derive(Debug, Clone)]
pub struct Key {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

/// moto's S3 + IAM server, set up by tests/support/moto_setup.py, with auth
/// enforced. Buckets: `reports` (us-east-1), `eu-reports` (eu-west-1).
/// Users: admin, writer (reports/incoming/*), other-prefix
/// (reports/other/*), object-only (Put/Delete, no ListBucket), no-list
/// (reports/incoming/*: Put/Get/Delete, no ListBucket), reader (Get and
/// List only), no-delete.
pub struct Moto {
    child: Child,
    pub port: u16,
    pub users: HashMap<String, Key>,
}

impl Moto {
    pub fn start() -> Moto {
        let port = free_port();
        let mut child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server must be installed (scripts/test.sh installs it with pip)");
        wait_for_port(port, "moto_server", &mut child);
        let script = repo_root().join("tests/support/moto_setup.py");
        let out = Command::new("python3").arg(&script).arg(format!("http://127.0.0.1:{port}")).output().expect("python3");
        assert!(out.status.success(), "moto set-up failed: {}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("moto set-up JSON");
        let users = v["users"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(name, k)| {
                (
                    name.clone(),
                    Key {
                        access_key_id: k["access_key_id"].as_str().unwrap().into(),
                        secret_access_key: k["secret_access_key"].as_str().unwrap().into(),
                        session_token: k["session_token"].as_str().map(str::to_string),
                    },
                )
            })
            .collect();
        Moto { child, port, users }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn user(&self, name: &str) -> &Key {
        &self.users[name]
    }

    /// AWS config and credentials files (their text) naming the profile
    /// `moto`, with the admin user's keys.
    pub fn profile_files(&self) -> (String, String) {
        let k = self.user("admin");
        (
            "[profile moto]\nregion = us-east-1\n".into(),
            format!("[moto]\naws_access_key_id = {}\naws_secret_access_key = {}\n", k.access_key_id, k.secret_access_key),
        )
    }

    /// Runs `body` after `s3` is made a boto3 client of the admin user, and
    /// returns the JSON it prints.
    /// Run `body` (Python, with `s3`, `boto3` and `json` at hand) as the admin user; what it prints, parsed.
    pub fn admin_python(&self, body: &str) -> serde_json::Value {
        let admin = self.user("admin");
        boto3(&self.endpoint(), &admin.access_key_id, &admin.secret_access_key, "us-east-1", body)
    }

    /// Write `bytes` at `key` as another tool would (boto3, the admin user).
    pub fn put(&self, bucket: &str, key: &str, bytes: &[u8]) {
        let admin = self.user("admin");
        put_with_boto3(&self.endpoint(), &admin.access_key_id, &admin.secret_access_key, bucket, key, bytes);
    }

    /// Delete `key` as another tool would (boto3, the admin user).
    pub fn delete(&self, bucket: &str, key: &str) {
        self.admin_python(&format!("s3.delete_object(Bucket='{bucket}', Key='{key}')\nprint('null')"));
    }

    /// Keys under `prefix` in `bucket`, listed with the admin user (boto3).
    /// Filtered here, not with `Prefix=`: moto mis-verifies signatures of
    /// list requests whose prefix contains `/`.
    pub fn keys(&self, bucket: &str, prefix: &str) -> Vec<String> {
        let keys = self.admin_python(&format!(
            "print(json.dumps([o['Key'] for o in s3.list_objects_v2(Bucket='{bucket}').get('Contents', []) if o['Key'].startswith('{prefix}')]))"
        ));
        serde_json::from_value(keys).unwrap()
    }

    /// Every object in `bucket`, with its bytes.
    pub fn objects(&self, bucket: &str) -> BTreeMap<String, Vec<u8>> {
        let hex = self.admin_python(&format!(
            "out = {{}}\n\
             for page in s3.get_paginator('list_objects_v2').paginate(Bucket='{bucket}'):\n\
             \x20   for o in page.get('Contents', []):\n\
             \x20       out[o['Key']] = s3.get_object(Bucket='{bucket}', Key=o['Key'])['Body'].read().hex()\n\
             print(json.dumps(out))"
        ));
        let hex: BTreeMap<String, String> = serde_json::from_value(hex).unwrap();
        hex.into_iter()
            .map(|(k, hex)| (k, (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()))
            .collect()
    }

    /// Multipart uploads still open in `bucket` (each one is billed storage).
    pub fn multipart_uploads(&self, bucket: &str) -> usize {
        self.admin_python(&format!("print(json.dumps(len(s3.list_multipart_uploads(Bucket='{bucket}').get('Uploads', []))))"))
            .as_u64()
            .unwrap() as usize
    }

    /// Start a multipart upload of `key` and send one part of `part_bytes`,
    /// leaving it open (as a crashed tool would); returns its upload id.
    pub fn open_upload(&self, bucket: &str, key: &str, part_bytes: usize) -> String {
        self.admin_python(&format!(
            "u = s3.create_multipart_upload(Bucket='{bucket}', Key='{key}')['UploadId']\n\
             s3.upload_part(Bucket='{bucket}', Key='{key}', UploadId=u, PartNumber=1, Body=b'x' * {part_bytes})\n\
             print(json.dumps(u))"
        ))
        .as_str()
        .unwrap()
        .to_string()
    }

    /// MD5 (hex) of an object's bytes as the server returns them.
    pub fn object_md5(&self, bucket: &str, key: &str) -> String {
        self.admin_python(&format!(
            "import hashlib\nprint(json.dumps(hashlib.md5(s3.get_object(Bucket='{bucket}', Key='{key}')['Body'].read()).hexdigest()))"
        ))
        .as_str()
        .unwrap()
        .to_string()
    }

    /// HeadObject plus the object's tags, as boto3 returns them.
    pub fn head(&self, bucket: &str, key: &str) -> serde_json::Value {
        self.admin_python(&format!(
            "h = s3.head_object(Bucket='{bucket}', Key='{key}')\nt = s3.get_object_tagging(Bucket='{bucket}', Key='{key}')['TagSet']\n\
             print(json.dumps({{'ContentType': h.get('ContentType'), 'ContentEncoding': h.get('ContentEncoding'), 'CacheControl': h.get('CacheControl'), 'ContentDisposition': h.get('ContentDisposition'), 'Expires': str(h.get('Expires') or h.get('ExpiresString') or ''), \
             'Metadata': h.get('Metadata'), 'StorageClass': h.get('StorageClass'), 'Tags': {{x['Key']: x['Value'] for x in t}}}}))"
        ))
    }
}

/// PUT `bytes` at `key` with boto3 (a client that is not Chute's).
pub fn put_with_boto3(endpoint: &str, key_id: &str, secret: &str, bucket: &str, key: &str, bytes: &[u8]) {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), bytes).unwrap();
    let body = format!(
        "s3.put_object(Bucket='{bucket}', Key={key:?}, Body=open({:?}, 'rb').read())\nprint('null')",
        file.path().display().to_string()
    );
    boto3(endpoint, key_id, secret, "us-east-1", &body);
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub const S3S_KEY: &str = "chute-s3s-access";
pub const S3S_SECRET: &str = "chute-s3s-secret-0123456789";

/// s3s-fs serving a temp folder; bucket `reports` exists.
pub struct S3sFs {
    child: Child,
    pub port: u16,
    pub root: tempfile::TempDir,
}

impl S3sFs {
    pub fn start() -> S3sFs {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("reports")).unwrap();
        let port = free_port();
        let child = Self::spawn(port, root.path());
        S3sFs { child, port, root }
    }

    fn spawn(port: u16, root: &std::path::Path) -> Child {
        let mut child = Command::new(cargo_bin("s3s-fs"))
            .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--access-key", S3S_KEY, "--secret-key", S3S_SECRET])
            .args(["--domain", &format!("localhost:{port}")])
            .arg(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("s3s-fs must be installed (scripts/test.sh installs it with cargo install)");
        wait_for_port(port, "s3s-fs", &mut child);
        child
    }

    /// Stop the server (connections are refused until `restart`).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Start it again on the same port and folder.
    pub fn restart(&mut self) {
        self.child = Self::spawn(self.port, self.root.path());
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// AWS config and credentials files (their text) naming the profile
    /// `s3s`, with s3s-fs's keys.
    pub fn profile_files() -> (String, String) {
        (
            "[profile s3s]\nregion = us-east-1\n".into(),
            format!("[s3s]\naws_access_key_id = {S3S_KEY}\naws_secret_access_key = {S3S_SECRET}\n"),
        )
    }

    /// Object files under the bucket (s3s-fs stores keys as paths).
    pub fn object_paths(&self, bucket: &str) -> Vec<String> {
        let base = self.root.path().join(bucket);
        let mut out = Vec::new();
        let mut stack = vec![base.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    out.push(p.strip_prefix(&base).unwrap().to_string_lossy().into_owned());
                }
            }
        }
        out
    }

    /// Every object in `bucket`, with its bytes.
    pub fn objects(&self, bucket: &str) -> BTreeMap<String, Vec<u8>> {
        let base = self.root.path().join(bucket);
        self.object_paths(bucket).into_iter().map(|k| (k.clone(), std::fs::read(base.join(&k)).unwrap())).collect()
    }

    /// Write `bytes` at `key` as another tool would (boto3, s3s-fs's keys).
    pub fn put(&self, bucket: &str, key: &str, bytes: &[u8]) {
        put_with_boto3(&self.endpoint(), S3S_KEY, S3S_SECRET, bucket, key, bytes);
    }

    /// Delete `key` as another tool would (boto3, s3s-fs's keys).
    pub fn delete(&self, bucket: &str, key: &str) {
        boto3(
            &self.endpoint(),
            S3S_KEY,
            S3S_SECRET,
            "us-east-1",
            &format!("s3.delete_object(Bucket='{bucket}', Key={key:?})\nprint('null')"),
        );
    }

    /// Files s3s-fs keeps at its root for open multipart uploads
    /// (`.upload-<id>.json` and `.upload_id-<id>.part-N`).
    pub fn upload_files(&self) -> Vec<String> {
        std::fs::read_dir(self.root.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".upload"))
            .collect()
    }
}

impl Drop for S3sFs {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A real web server that is not S3: Python's http.server on an empty folder.
pub struct WebServer {
    child: Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl WebServer {
    pub fn start() -> WebServer {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut child = Command::new("python3")
            .args(["-m", "http.server", &port.to_string(), "--bind", "127.0.0.1"])
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_for_port(port, "http.server", &mut child);
        WebServer { child, port, _dir: dir }
    }
}

impl Drop for WebServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A real TLS server with a self-signed certificate: `openssl s_server`.
pub struct TlsServer {
    child: Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl TlsServer {
    pub fn start() -> TlsServer {
        let dir = tempfile::tempdir().unwrap();
        let (key, cert) = (dir.path().join("key.pem"), dir.path().join("cert.pem"));
        let ok = Command::new("openssl")
            .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout"])
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("openssl");
        assert!(ok.success());
        let port = free_port();
        let mut child = Command::new("openssl")
            .args(["s_server", "-quiet", "-www", "-accept", &port.to_string(), "-cert"])
            .arg(&cert)
            .arg("-key")
            .arg(&key)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_for_port(port, "s_server", &mut child);
        TlsServer { child, port, _dir: dir }
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
