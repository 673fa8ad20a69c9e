//! Garage (a self-hosted S3 server with real regions and per-key
//! permissions) as a single node on loopback: `garage.toml` in a temp
//! folder, a layout of one node, bucket `reports` in region `garage`, and
//! two imported keys: `admin` (read, write, owner) and `reader` (read only).
//! scripts/install-deps.sh builds it once with `cargo install garage`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::servers::{free_port, wait_for_port};

pub const GARAGE_REGION: &str = "garage";
pub const GARAGE_ADMIN_KEY: &str = "GK0c0ffee0c0ffee0c0ffee0c0";
pub const GARAGE_ADMIN_SECRET: &str = "5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7";
pub const GARAGE_READER_KEY: &str = "GKbeadbeadbeadbeadbeadbead";
pub const GARAGE_READER_SECRET: &str = "4ead4ead4ead4ead4ead4ead4ead4ead4ead4ead4ead4ead4ead4ead4ead4ead";

/// The `garage` binary: `$CHUTE_GARAGE`, the one scripts/install-deps.sh
/// builds (`~/.cache/chute/garage/bin`), or `garage` on PATH.
fn garage_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("CHUTE_GARAGE") {
        return p.into();
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .map(|c| c.join("chute/garage/bin/garage"));
    cache.filter(|p| p.exists()).unwrap_or_else(|| "garage".into())
}

pub struct Garage {
    child: Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

impl Garage {
    pub fn start() -> Garage {
        let dir = tempfile::tempdir().unwrap();
        let (port, rpc) = (free_port(), free_port());
        let secret: String = (0..32).map(|i| format!("{:02x}", (i * 37 + 11) % 256)).collect();
        let config = format!(
            "metadata_dir = \"{meta}\"\ndata_dir = \"{data}\"\ndb_engine = \"sqlite\"\nreplication_factor = 1\n\
             rpc_bind_addr = \"127.0.0.1:{rpc}\"\nrpc_public_addr = \"127.0.0.1:{rpc}\"\nrpc_secret = \"{secret}\"\n\
             [s3_api]\ns3_region = \"{GARAGE_REGION}\"\napi_bind_addr = \"127.0.0.1:{port}\"\nroot_domain = \".s3.garage.localhost\"\n",
            meta = dir.path().join("meta").display(),
            data = dir.path().join("data").display(),
        );
        std::fs::write(dir.path().join("garage.toml"), config).unwrap();
        let mut child = Command::new(garage_bin())
            .arg("-c")
            .arg(dir.path().join("garage.toml"))
            .arg("server")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("garage must be installed (scripts/install-deps.sh --test builds it with cargo install)");
        wait_for_port(port, "garage", &mut child);
        let g = Garage { child, port, dir };
        // The node answers its own admin RPC a moment after the S3 port opens.
        let deadline = Instant::now() + Duration::from_secs(30);
        let node = loop {
            if let Some(id) = g.try_cli(&["node", "id", "-q"]) {
                break id.trim().split('@').next().unwrap_or_default().to_string();
            }
            assert!(Instant::now() < deadline, "garage never answered `node id`");
            std::thread::sleep(Duration::from_millis(100));
        };
        g.cli(&["layout", "assign", "-z", "dc1", "-c", "1G", &node]);
        g.cli(&["layout", "apply", "--version", "1"]);
        g.cli(&["bucket", "create", "reports"]);
        g.cli(&["key", "import", "-n", "admin", "--yes", GARAGE_ADMIN_KEY, GARAGE_ADMIN_SECRET]);
        g.cli(&["key", "import", "-n", "reader", "--yes", GARAGE_READER_KEY, GARAGE_READER_SECRET]);
        g.cli(&["bucket", "allow", "--read", "--write", "--owner", "reports", "--key", "admin"]);
        g.cli(&["bucket", "allow", "--read", "reports", "--key", "reader"]);
        g
    }

    fn try_cli(&self, args: &[&str]) -> Option<String> {
        let out = Command::new(garage_bin()).arg("-c").arg(self.dir.path().join("garage.toml")).args(args).output().ok()?;
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Run `garage <args>` against this node; panics on failure.
    pub fn cli(&self, args: &[&str]) -> String {
        let out = Command::new(garage_bin()).arg("-c").arg(self.dir.path().join("garage.toml")).args(args).output().expect("garage");
        assert!(out.status.success(), "garage {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// AWS profile files naming the admin key as profile `garage`: (config, credentials).
    pub fn profile_files(&self) -> (String, String) {
        (
            format!("[profile garage]\nregion = {GARAGE_REGION}\n"),
            format!("[garage]\naws_access_key_id = {GARAGE_ADMIN_KEY}\naws_secret_access_key = {GARAGE_ADMIN_SECRET}\n"),
        )
    }

    fn admin_python(&self, body: &str) -> serde_json::Value {
        super::servers::boto3(&self.endpoint(), GARAGE_ADMIN_KEY, GARAGE_ADMIN_SECRET, GARAGE_REGION, body)
    }

    /// Multipart uploads still open in `bucket`.
    pub fn multipart_uploads(&self, bucket: &str) -> usize {
        self.admin_python(&format!("print(json.dumps(len(s3.list_multipart_uploads(Bucket='{bucket}').get('Uploads', []))))"))
            .as_u64()
            .unwrap() as usize
    }

    /// The MD5 (hex) of the object's bytes, or `null` when there is none.
    pub fn object_md5(&self, bucket: &str, key: &str) -> Option<String> {
        self.admin_python(&format!(
            "try:\n    print(json.dumps(hashlib.md5(s3.get_object(Bucket='{bucket}', Key='{key}')['Body'].read()).hexdigest()))\nexcept s3.exceptions.NoSuchKey:\n    print('null')"
        ))
        .as_str()
        .map(str::to_string)
    }
}

impl Drop for Garage {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
