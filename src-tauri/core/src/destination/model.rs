//! The destination model: its settings, what happens to existing objects,
//! content headers, where its credentials come from, and a saved destination.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::keys;
use crate::provider::{self, ProviderKind};
use crate::secret::Sensitive;

/// Names never delivered unless the destination's list says otherwise.
pub const DEFAULT_IGNORES: &[&str] = &[".DS_Store", "Thumbs.db", "desktop.ini", ".git/", "._*", "~$*"];

/// Everything about a destination except its secret. This is what the
/// database stores (as JSON) and what the UI edits.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Settings {
    pub name: String,
    pub provider: ProviderKind,
    pub bucket: String,
    pub region: String,
    /// Empty: derived from the provider preset.
    pub endpoint: String,
    /// Cloudflare account id (R2 only).
    pub account_id: String,
    pub path_style: bool,
    pub prefix: String,
    pub key_template: String,
    pub storage_class: String,
    pub acl: String,
    pub headers: ContentHeaders,
    pub metadata: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
    pub active: bool,
    /// What happens when an object already exists at a key.
    pub overwrite: Overwrite,
    /// Names never delivered (`*`/`?` wildcards; a trailing `/` means folders).
    pub ignore: Vec<String>,
    /// Show the preview and wait for a confirmation before sending.
    pub confirm_delivery: bool,
    /// Files compressed on the way (their keys show it in the preview).
    pub compression: Compression,
    /// After each batch: a manifest of its objects, then a `_SUCCESS` marker
    /// (only when every file landed).
    pub manifest: bool,
    /// Each object checked as soon as it lands (one more request per file:
    /// its size and checksum as the server kept them, against what was
    /// sent), which makes the batch's receipt. Off, the server's answer to
    /// each upload is the only check (the MD5 it computed, or each part's
    /// checksum it verified): many small files go faster, no receipt is
    /// kept, and `history verify` can check them later.
    pub check_after_delivery: bool,
    /// How requests reach the endpoint: empty for the environment's proxy
    /// (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`), `direct`, or an HTTP
    /// proxy's address (`http://[user@]host:port`; its password is in the
    /// keychain). See `proxy_choice`.
    pub proxy: String,
    /// The most this destination's deliveries send per second, as typed
    /// (`2 MB/s`, `500 KB/s`; see `bandwidth::parse`); empty: no limit of
    /// its own (the app's overall limit still applies).
    pub bandwidth_limit: String,
    /// Server-side encryption asked for on every object it writes.
    pub encryption: Encryption,
    /// SSE-KMS only: the key's ARN, `alias/…` or id; empty for the
    /// AWS-managed key (`aws/s3`).
    pub kms_key_id: String,
}

/// The server-side encryption a destination asks for. The SSE-C key
/// itself is a secret: it is kept in the keychain, never here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encryption {
    /// No header: the bucket's default encryption applies.
    #[default]
    None,
    /// SSE-S3: `x-amz-server-side-encryption: AES256`, keys the server manages.
    SseS3,
    /// SSE-KMS: `aws:kms`, with the destination's key id or the AWS-managed key.
    SseKms,
    /// SSE-C: the object encrypted with a customer key sent on every request
    /// that writes or reads it; without the key the object cannot be read.
    SseC,
}

impl Encryption {
    pub const ALL: [Encryption; 4] = [Encryption::None, Encryption::SseS3, Encryption::SseKms, Encryption::SseC];

    /// As the command line takes it: `none`, `sse-s3`, `sse-kms`, `sse-c`.
    pub fn id(self) -> &'static str {
        match self {
            Encryption::None => "none",
            Encryption::SseS3 => "sse-s3",
            Encryption::SseKms => "sse-kms",
            Encryption::SseC => "sse-c",
        }
    }

    pub fn parse(s: &str) -> Option<Encryption> {
        let s = s.trim().to_ascii_lowercase().replace('_', "-");
        Self::ALL.into_iter().find(|e| e.id() == s)
    }

    /// In words, for details and messages.
    pub fn label(self) -> &'static str {
        match self {
            Encryption::None => "the bucket's default",
            Encryption::SseS3 => "SSE-S3 (keys managed by the server)",
            Encryption::SseKms => "SSE-KMS",
            Encryption::SseC => "SSE-C (your own key)",
        }
    }

    /// An object's ETag is then not the MD5 of its bytes (AWS documents
    /// this for SSE-KMS and SSE-C; Garage's SSE-C ETags are random), so it
    /// cannot tell whether the bytes arrived intact.
    pub fn hides_md5(self) -> bool {
        matches!(self, Encryption::SseKms | Encryption::SseC)
    }
}

/// How a destination compresses what it delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Compression {
    /// Sent as it is.
    #[default]
    Off,
    /// gzip, stored as a `.gz` object (`application/gzip`).
    Gzip,
    /// gzip under the file's own name, with `Content-Encoding: gzip` (HTTP
    /// clients and browsers decompress it as they download).
    GzipEncoding,
}

/// What delivery does when an object already exists at a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Overwrite {
    /// Refuse atomically (`If-None-Match: *`); the file is reported, the object untouched.
    #[default]
    Never,
    /// Leave the existing object and report the file as skipped.
    Skip,
    /// Replace it.
    Overwrite,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            name: String::new(),
            provider: ProviderKind::Aws,
            bucket: String::new(),
            region: String::new(),
            endpoint: String::new(),
            account_id: String::new(),
            path_style: false,
            prefix: String::new(),
            key_template: keys::DEFAULT_TEMPLATE.to_string(),
            storage_class: String::new(),
            acl: String::new(),
            headers: ContentHeaders::default(),
            metadata: BTreeMap::new(),
            tags: BTreeMap::new(),
            active: true,
            overwrite: Overwrite::Never,
            ignore: DEFAULT_IGNORES.iter().map(|s| s.to_string()).collect(),
            confirm_delivery: true,
            compression: Compression::Off,
            manifest: false,
            check_after_delivery: true,
            proxy: String::new(),
            bandwidth_limit: String::new(),
            encryption: Encryption::None,
            kms_key_id: String::new(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ContentHeaders {
    pub cache_control: String,
    pub content_disposition: String,
    pub content_encoding: String,
    pub content_language: String,
    pub expires: String,
    /// Overrides the type guessed from the file extension.
    pub content_type: String,
}

/// Where a destination's credentials come from. Stored; holds no secret.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CredentialSource {
    /// An access key pair in the OS keychain; only a masked key id is kept here.
    Keychain { key_id_hint: String },
    /// A profile in ~/.aws/config (SSO, assume-role, credential_process, static keys).
    Profile { profile: String },
    /// No credentials: the bucket must allow anonymous writes.
    None,
}

/// What the form or the CLI sends about credentials.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CredentialInput {
    /// Leave the stored credentials as they are (edit only).
    Keep,
    Keys {
        access_key_id: String,
        secret_access_key: Sensitive<String>,
        #[serde(default)]
        session_token: Option<Sensitive<String>>,
    },
    Profile {
        profile: String,
    },
    None,
}

/// What live validation sends about credentials: whether a secret was
/// typed, never the secret itself.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CredentialDraft {
    Keep,
    Keys {
        access_key_id: String,
        #[serde(default)]
        secret_present: bool,
    },
    Profile {
        profile: String,
    },
    None,
}

impl CredentialInput {
    pub fn draft(&self) -> CredentialDraft {
        match self {
            CredentialInput::Keep => CredentialDraft::Keep,
            CredentialInput::Keys { access_key_id, secret_access_key, .. } => CredentialDraft::Keys {
                access_key_id: access_key_id.clone(),
                secret_present: !secret_access_key.expose().trim().is_empty(),
            },
            CredentialInput::Profile { profile } => CredentialDraft::Profile { profile: profile.clone() },
            CredentialInput::None => CredentialDraft::None,
        }
    }
}

/// A saved destination.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Destination {
    pub id: String,
    #[serde(flatten)]
    pub settings: Settings,
    pub credentials: CredentialSource,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
}

impl Settings {
    pub fn preset(&self) -> &'static provider::Provider {
        self.provider.preset()
    }

    /// The endpoint requests go to: the user's, else the preset's, else
    /// `None` for the SDK's AWS default.
    pub fn effective_endpoint(&self) -> Option<String> {
        let e = self.endpoint.trim();
        if !e.is_empty() {
            return Some(e.trim_end_matches('/').to_string());
        }
        self.preset().derived_endpoint(&self.effective_region(), &self.account_id)
    }

    pub fn effective_region(&self) -> String {
        let r = self.region.trim();
        if r.is_empty() {
            self.preset().default_region.to_string()
        } else {
            r.to_string()
        }
    }

    /// Fill what the user left empty from the provider preset; trims text.
    pub fn normalized(mut self) -> Settings {
        for s in [
            &mut self.name,
            &mut self.bucket,
            &mut self.region,
            &mut self.endpoint,
            &mut self.account_id,
            &mut self.proxy,
            &mut self.bandwidth_limit,
            &mut self.kms_key_id,
        ] {
            *s = s.trim().to_string();
        }
        if self.region.is_empty() {
            self.region = self.preset().default_region.to_string();
        }
        if self.encryption != Encryption::SseKms {
            self.kms_key_id.clear();
        }
        if self.key_template.trim().is_empty() {
            self.key_template = keys::DEFAULT_TEMPLATE.to_string();
        }
        // `off`, `none`: no limit of its own, kept as empty.
        if matches!(crate::bandwidth::parse(&self.bandwidth_limit), Ok(None)) {
            self.bandwidth_limit.clear();
        }
        self
    }

    /// This destination's own bandwidth limit in bytes per second, when it
    /// has a valid one (validation refuses the others before saving).
    pub fn bandwidth_limit(&self) -> Option<u64> {
        crate::bandwidth::parse(&self.bandwidth_limit).ok().flatten()
    }

    /// The key a file named `name` would get with a flat layout, for examples.
    pub fn example_key(&self, name: &str) -> String {
        format!("{}{}", self.prefix, name)
    }
}
