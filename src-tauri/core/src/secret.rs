//! Secrets live in the OS keychain and nowhere else.
//!
//! `Sensitive<T>` wraps a secret value: Debug and Display print
//! `[redacted]`, and serializing it is an error, so a secret cannot slip
//! into JSON (IPC replies, CLI output, the database) by accident.
//! `SecretStore` talks to the platform store through keyring-core, on a
//! worker thread with a timeout (an unlock prompt can block forever), and
//! turns every failure into a `SecretError` that names cause and fix.

use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use keyring_core::api::CredentialStore;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::report::{error_chain, Code, ErrorInfo, UserError};

/// A value that must never be printed, logged or serialized.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    pub fn new(v: T) -> Self {
        Sensitive(v)
    }
    /// The only way to the value. Grep for `expose` to audit every use.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> std::fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T> std::fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T> Serialize for Sensitive<T> {
    fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("refusing to serialize a secret value"))
    }
}

/// Secrets may come *in* (from the form, over IPC) but never go out.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sensitive<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Sensitive)
    }
}

/// Static S3 credentials as kept in one keychain item.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: Sensitive<String>,
    pub session_token: Option<Sensitive<String>>,
}

impl Credentials {
    /// `AKIA…MPLE`: enough to recognise a key, not enough to use it.
    pub fn masked_key_id(&self) -> String {
        mask_key_id(&self.access_key_id)
    }

    fn to_blob(&self) -> Sensitive<String> {
        let mut v = serde_json::json!({
            "v": 1,
            "access_key_id": self.access_key_id,
            "secret_access_key": self.secret_access_key.expose(),
        });
        if let Some(t) = &self.session_token {
            v["session_token"] = serde_json::Value::String(t.expose().clone());
        }
        Sensitive(v.to_string())
    }

    fn from_blob(blob: &str) -> Result<Credentials, SecretError> {
        #[derive(Deserialize)]
        struct Blob {
            access_key_id: String,
            secret_access_key: Sensitive<String>,
            session_token: Option<Sensitive<String>>,
        }
        let b: Blob = serde_json::from_str(blob).map_err(|_| SecretError::Corrupt)?;
        Ok(Credentials { access_key_id: b.access_key_id, secret_access_key: b.secret_access_key, session_token: b.session_token })
    }
}

pub fn mask_key_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        let tail: String = chars[chars.len().saturating_sub(2)..].iter().collect();
        return format!("…{tail}");
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    #[error("no keychain service is running ({0})")]
    Unavailable(String),
    #[error("the keychain is locked ({0})")]
    Locked(String),
    #[error("the keychain did not answer within {0} seconds")]
    Timeout(u64),
    #[error("no secret is stored for this destination")]
    Missing,
    #[error("the keychain item for this destination is not in Chute's format")]
    Corrupt,
    #[error("the keychain failed: {0}")]
    Other(String),
}

impl UserError for SecretError {
    fn info(&self) -> ErrorInfo {
        let (code, message, fix) = match self {
            SecretError::Unavailable(detail) => (
                Code::KeychainUnavailable,
                format!("Chute could not reach the system keychain: {detail}."),
                platform_unavailable_fix().to_string(),
            ),
            SecretError::Locked(detail) => (
                Code::KeychainLocked,
                format!("The system keychain is locked or refused access: {detail}."),
                "Unlock your login keychain (on Linux: open \"Passwords and Keys\" or log out and in again; \
                 accept the unlock prompt if one appears), then try again."
                    .to_string(),
            ),
            SecretError::Timeout(s) => (
                Code::KeychainTimeout,
                format!("The system keychain did not answer within {s} s; it may be waiting for an unlock prompt."),
                "Look for a keychain unlock window (it may be behind other windows), unlock it, then try again.".to_string(),
            ),
            SecretError::Missing => (
                Code::KeychainSecretMissing,
                "No secret is stored in the keychain for this destination.".to_string(),
                "Edit the destination and enter its secret access key again.".to_string(),
            ),
            SecretError::Corrupt => (
                Code::KeychainSecretCorrupt,
                "The keychain item for this destination was changed outside Chute and cannot be read.".to_string(),
                "Edit the destination and enter its access key and secret again.".to_string(),
            ),
            SecretError::Other(detail) => (
                Code::KeychainError,
                format!("The system keychain reported an error: {detail}."),
                "Check that your keychain works (e.g. with `secret-tool` on Linux), then try again.".to_string(),
            ),
        };
        ErrorInfo { code, message, fix, field: Some("credentials".into()) }
    }
}

fn platform_unavailable_fix() -> &'static str {
    if cfg!(target_os = "linux") {
        "Install and start a Secret Service provider (e.g. `sudo apt install gnome-keyring`, then log out and in, \
         or KeePassXC with Secret Service integration). Chute never falls back to storing secrets in a file."
    } else if cfg!(target_os = "macos") {
        "Make sure the login keychain exists and is unlocked (Keychain Access → File → Unlock Keychain \"login\")."
    } else {
        "Make sure Windows Credential Manager is available for your user account."
    }
}

type StoreFactory = dyn Fn() -> Result<Arc<CredentialStore>, keyring_core::Error> + Send + Sync;

/// The keychain. Cheap to clone; every call runs on a worker thread with a timeout.
#[derive(Clone)]
pub struct SecretStore {
    service: String,
    timeout: Duration,
    factory: Arc<StoreFactory>,
    cached: Arc<Mutex<Option<Arc<CredentialStore>>>>,
}

impl std::fmt::Debug for SecretStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretStore").field("service", &self.service).finish()
    }
}

pub const DEFAULT_SERVICE: &str = "chute";

impl SecretStore {
    /// The platform's keychain. The connection is made on first use (and
    /// retried on the next use if it failed), never at start-up, so a
    /// keychain that comes up later is picked up without a restart.
    pub fn platform() -> SecretStore {
        let service = std::env::var("CHUTE_KEYCHAIN_SERVICE").unwrap_or_else(|_| DEFAULT_SERVICE.to_string());
        let timeout = std::env::var("CHUTE_KEYCHAIN_TIMEOUT_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
        SecretStore::with_factory(service, Duration::from_secs(timeout), Arc::new(platform_store))
    }

    pub fn with_factory(service: String, timeout: Duration, factory: Arc<StoreFactory>) -> SecretStore {
        SecretStore { service, timeout, factory, cached: Arc::new(Mutex::new(None)) }
    }

    pub fn backend_name() -> &'static str {
        if cfg!(target_os = "linux") {
            "Secret Service"
        } else if cfg!(target_os = "macos") {
            "macOS Keychain"
        } else if cfg!(target_os = "windows") {
            "Windows Credential Manager"
        } else {
            "system keychain"
        }
    }

    fn account(destination_id: &str) -> String {
        format!("destination:{destination_id}")
    }

    /// Run `op` against the store on a worker thread, bounded by the timeout.
    fn run<T: Send + 'static>(
        &self,
        op: impl FnOnce(Arc<CredentialStore>) -> Result<T, keyring_core::Error> + Send + 'static,
    ) -> Result<T, SecretError> {
        let (tx, rx) = mpsc::channel();
        let factory = self.factory.clone();
        let cached = self.cached.clone();
        std::thread::Builder::new()
            .name("chute-keychain".into())
            .spawn(move || {
                let store = {
                    let mut guard = cached.lock().unwrap_or_else(|p| p.into_inner());
                    match guard.as_ref() {
                        Some(s) => Ok(s.clone()),
                        None => factory().inspect(|s| *guard = Some(s.clone())),
                    }
                };
                let result = match store {
                    Ok(s) => op(s),
                    Err(e) => Err(e),
                };
                if result.as_ref().err().is_some_and(is_connection_error) {
                    // Forget a store whose bus went away; reconnect next time.
                    *cached.lock().unwrap_or_else(|p| p.into_inner()) = None;
                }
                let _ = tx.send(result);
            })
            .map_err(|e| SecretError::Other(format!("could not start a keychain thread: {e}")))?;
        match rx.recv_timeout(self.timeout) {
            Ok(r) => r.map_err(classify),
            Err(_) => Err(SecretError::Timeout(self.timeout.as_secs())),
        }
    }

    pub fn save(&self, destination_id: &str, label: &str, creds: &Credentials) -> Result<(), SecretError> {
        self.put(Self::account(destination_id), format!("Chute: {label}"), creds.to_blob())
    }

    pub fn load(&self, destination_id: &str) -> Result<Credentials, SecretError> {
        Credentials::from_blob(self.get(Self::account(destination_id))?.expose())
    }

    /// Delete the destination's item; a missing item is not an error.
    pub fn delete(&self, destination_id: &str) -> Result<(), SecretError> {
        self.remove(Self::account(destination_id))
    }

    /// The password of the user named in a destination's proxy address:
    /// an item of its own, beside the destination's keys.
    pub fn save_proxy_password(&self, destination_id: &str, label: &str, password: &Sensitive<String>) -> Result<(), SecretError> {
        self.put(Self::proxy_account(destination_id), format!("Chute: {label} (proxy)"), password.clone())
    }

    pub fn load_proxy_password(&self, destination_id: &str) -> Result<Sensitive<String>, SecretError> {
        self.get(Self::proxy_account(destination_id))
    }

    /// Delete the proxy password; a missing item is not an error.
    pub fn delete_proxy_password(&self, destination_id: &str) -> Result<(), SecretError> {
        self.remove(Self::proxy_account(destination_id))
    }

    fn proxy_account(destination_id: &str) -> String {
        format!("{}:proxy", Self::account(destination_id))
    }

    /// A destination's SSE-C customer key (its base64): an item of its own,
    /// beside the destination's keys. Lose it and the objects are lost.
    pub fn save_sse_customer_key(&self, destination_id: &str, label: &str, key_base64: &Sensitive<String>) -> Result<(), SecretError> {
        self.put(Self::sse_c_account(destination_id), format!("Chute: {label} (SSE-C key)"), key_base64.clone())
    }

    pub fn load_sse_customer_key(&self, destination_id: &str) -> Result<Sensitive<String>, SecretError> {
        self.get(Self::sse_c_account(destination_id))
    }

    /// Delete the SSE-C key; a missing item is not an error.
    pub fn delete_sse_customer_key(&self, destination_id: &str) -> Result<(), SecretError> {
        self.remove(Self::sse_c_account(destination_id))
    }

    fn sse_c_account(destination_id: &str) -> String {
        format!("{}:sse-c", Self::account(destination_id))
    }

    fn put(&self, user: String, label: String, secret: Sensitive<String>) -> Result<(), SecretError> {
        let service = self.service.clone();
        self.run(move |store| {
            let mods = std::collections::HashMap::from([("label", label.as_str())]);
            let mods = if cfg!(target_os = "linux") { Some(&mods) } else { None };
            let entry = store.build(&service, &user, mods)?;
            entry.set_password(secret.expose())
        })
    }

    fn get(&self, user: String) -> Result<Sensitive<String>, SecretError> {
        let service = self.service.clone();
        self.run(move |store| store.build(&service, &user, None)?.get_password().map(Sensitive))
    }

    fn remove(&self, user: String) -> Result<(), SecretError> {
        let service = self.service.clone();
        match self.run(move |store| store.build(&service, &user, None)?.delete_credential()) {
            Err(SecretError::Missing) => Ok(()),
            r => r,
        }
    }
}

#[cfg(target_os = "linux")]
fn platform_store() -> Result<Arc<CredentialStore>, keyring_core::Error> {
    let s: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new()?;
    Ok(s)
}
#[cfg(target_os = "macos")]
fn platform_store() -> Result<Arc<CredentialStore>, keyring_core::Error> {
    let s: Arc<CredentialStore> = apple_native_keyring_store::keychain::Store::new()?;
    Ok(s)
}
#[cfg(target_os = "windows")]
fn platform_store() -> Result<Arc<CredentialStore>, keyring_core::Error> {
    let s: Arc<CredentialStore> = windows_native_keyring_store::Store::new()?;
    Ok(s)
}
#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn platform_store() -> Result<Arc<CredentialStore>, keyring_core::Error> {
    Err(keyring_core::Error::NotSupportedByStore("no keychain on this platform".into()))
}

fn is_connection_error(e: &keyring_core::Error) -> bool {
    matches!(classify_ref(e), SecretError::Unavailable(_))
}

fn classify(e: keyring_core::Error) -> SecretError {
    classify_ref(&e)
}

/// Sort a keychain failure into a cause the user can act on. The
/// platform crates report most failures as text, so look at the chain.
fn classify_ref(e: &keyring_core::Error) -> SecretError {
    use keyring_core::Error as E;
    let chain = error_chain(e);
    let lower = chain.to_ascii_lowercase();
    match e {
        E::NoEntry => SecretError::Missing,
        E::BadEncoding(_) | E::BadDataFormat(..) => SecretError::Corrupt,
        _ if lower.contains("failed to connect")
            || lower.contains("not provided by any .service files")
            || lower.contains("serviceunknown")
            || lower.contains("no such file or directory")
            || lower.contains("connection refused")
            || lower.contains("dbus_session_bus_address")
            || lower.contains("address") && lower.contains("zbus") =>
        {
            SecretError::Unavailable(short(&chain))
        }
        E::NoStorageAccess(_) => {
            if lower.contains("result not returned") {
                SecretError::Locked("the Secret Service has no default keyring (create a \"login\" keyring and make it the default)".into())
            } else {
                SecretError::Locked(short(&chain))
            }
        }
        E::NoDefaultStore => SecretError::Unavailable("no keychain store is configured".into()),
        _ => SecretError::Other(short(&chain)),
    }
}

fn short(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() > 240 {
        s.chars().take(240).collect::<String>() + "…"
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_never_prints_or_serializes() {
        let s = Sensitive::new("wJalrXUtnFEMI/K7MDENG".to_string());
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{s}"), "[redacted]");
        assert!(serde_json::to_string(&s).is_err());
        let c = Credentials { access_key_id: "AKIAIOSFODNN7EXAMPLE".into(), secret_access_key: s, session_token: None };
        assert!(!format!("{c:?}").contains("wJalr"));
        let back: Sensitive<String> = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(back.expose(), "abc");
    }

    #[test]
    fn masks_key_ids() {
        assert_eq!(mask_key_id("AKIAIOSFODNN7EXAMPLE"), "AKIA…MPLE");
        assert_eq!(mask_key_id("abc"), "…bc");
    }

    #[test]
    fn blob_round_trips() {
        let c = Credentials {
            access_key_id: "AK".into(),
            secret_access_key: Sensitive::new("SK".into()),
            session_token: Some(Sensitive::new("TOK".into())),
        };
        let back = Credentials::from_blob(c.to_blob().expose()).unwrap();
        assert_eq!(back.access_key_id, "AK");
        assert_eq!(back.secret_access_key.expose(), "SK");
        assert_eq!(back.session_token.unwrap().expose(), "TOK");
        assert_eq!(Credentials::from_blob("garbage").unwrap_err(), SecretError::Corrupt);
    }

    #[test]
    fn a_hanging_keychain_times_out() {
        let store = SecretStore::with_factory(
            "t".into(),
            Duration::from_millis(200),
            Arc::new(|| {
                std::thread::sleep(Duration::from_secs(5));
                Err(keyring_core::Error::NoDefaultStore)
            }),
        );
        assert!(matches!(store.load("x"), Err(SecretError::Timeout(_))));
    }
}
