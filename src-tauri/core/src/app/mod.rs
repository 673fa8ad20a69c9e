//! The one service API every front end uses (the window, the CLI, later
//! the watcher): destinations, the connection test, delivery, the history,
//! links, objects checked at the destination (verify.rs), the overall
//! bandwidth limit (bandwidth.rs), the person's choices about the app
//! (preferences.rs: notifications, closing on active watches). One long-lived runtime drives all network work; every method is
//! plain blocking Rust for the shells to call from worker threads.

mod bandwidth;
mod capabilities;
mod catalog;
mod delivery;
mod destinations;
mod encryption;
mod error;
mod history;
mod links;
mod pasted;
mod preferences;
mod probe;
mod proxy;
mod uploads;
mod verify;
mod views;
mod watches;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use catalog::{catalog, Catalog, KeyPreset, StepName, TokenHelp};
pub use delivery::{Delivery, Job};
pub use error::{Error, ErrorReply, Result};
pub use links::presign_refused_for_sse_c;
pub use pasted::CopyAfterPaste;
pub use preferences::{CloseAnswer, Notifications};
pub use probe::ProbeTarget;
pub use uploads::{AbortReport, AbortWhich, OpenUpload};
pub use verify::BatchCheck;
pub use views::{DestinationView, Saved};
pub use watches::{WatchState, WatchView};

use crate::history as batches;
use crate::secret::SecretStore;
use crate::store::Store;

/// The folder that holds Chute's database: `$CHUTE_DATA_DIR`, else the
/// platform's app-data folder (`~/.local/share/chute` on Linux).
pub fn default_data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("CHUTE_DATA_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("chute")
}

pub const DB_FILE: &str = "chute.db";

/// A new random id (UUID v4), as destinations and plans use.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Now, in Unix milliseconds.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

pub struct Chute {
    store: Mutex<Store>,
    secrets: SecretStore,
    data_dir: PathBuf,
    /// Drives every network call (tests, deliveries, presigning), for the
    /// life of the `Chute`: two workers, like the machines Chute runs on.
    runtime: tokio::runtime::Runtime,
    /// S3 clients by destination, built once (one keychain read) and kept
    /// while the destination is unchanged: presigning a link is then local.
    clients: links::Clients,
    /// The overall bandwidth limit's bucket, shared by every delivery and
    /// watch of this process (bandwidth.rs keeps it as the setting says).
    bandwidth: std::sync::Arc<crate::deliver::Limiter>,
}

impl Chute {
    /// Open the database in `data_dir` and use the platform keychain.
    pub fn open(data_dir: &Path) -> Result<Chute> {
        Self::open_with(data_dir, SecretStore::platform())
    }

    pub fn open_with(data_dir: &Path, secrets: SecretStore) -> Result<Chute> {
        let store = Store::open(&data_dir.join(DB_FILE))?;
        // Batches whose process died mid-delivery are shown as interrupted.
        batches::mark_interrupted(store.conn())?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("chute-net")
            .enable_all()
            .build()
            .map_err(|e| Error::Delivery(format!("could not start the network runtime: {e}")))?;
        let chute = Chute {
            store: Mutex::new(store),
            secrets,
            data_dir: data_dir.to_path_buf(),
            runtime,
            clients: links::Clients::default(),
            bandwidth: std::sync::Arc::new(crate::deliver::Limiter::new(None)),
        };
        chute.bandwidth_limit()?;
        Ok(chute)
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// What was said on opening: rights on the data folder or database that
    /// were open to other users and were tightened (or could not be).
    pub fn notices(&self) -> Vec<String> {
        self.store().notices().to_vec()
    }

    pub fn secrets(&self) -> &SecretStore {
        &self.secrets
    }

    /// The database, for the watch runner's journal (one short call at a time).
    pub(crate) fn with_conn<T>(&self, f: impl FnOnce(&mut rusqlite::Connection) -> T) -> T {
        f(self.store().conn_mut())
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }
}
