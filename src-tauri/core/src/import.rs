//! Import connection settings from AWS profiles (~/.aws/config and
//! ~/.aws/credentials) and rclone S3 remotes (rclone.conf). A candidate
//! carries its secret only in memory; it goes straight to the keychain
//! when the destination is created, and it never serializes.

use std::path::{Path, PathBuf};

use ini::Ini;
use serde::Serialize;

use crate::provider::{self, ProviderKind};
use crate::report::{Code, ErrorInfo, UserError};
use crate::secret::{mask_key_id, Credentials, Sensitive};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImportKind {
    Aws,
    Rclone,
}

impl ImportKind {
    pub fn parse(s: &str) -> Option<ImportKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "aws" | "aws-profile" | "profile" => Some(ImportKind::Aws),
            "rclone" => Some(ImportKind::Rclone),
            _ => None,
        }
    }
}

/// How the imported destination will authenticate.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImportedAuth {
    /// Static keys, copied into the keychain on import.
    Keys {
        key_id_hint: String,
    },
    /// Resolved at use time by the AWS SDK (SSO, assume-role, credential_process…).
    Profile {
        profile: String,
    },
    None,
}

#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub kind: ImportKind,
    /// Profile or remote name.
    pub source: String,
    pub provider: ProviderKind,
    pub region: String,
    pub endpoint: String,
    pub account_id: String,
    pub path_style: bool,
    /// A bucket named in the source (rclone `remote:bucket` defaults), if any.
    pub bucket: String,
    pub storage_class: String,
    pub acl: String,
    pub auth: ImportedAuth,
    /// Things the user should know about this candidate.
    pub notes: Vec<String>,
    #[serde(skip)]
    pub credentials: Option<Credentials>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("No {what} was found: looked for {}", looked_for(.paths))]
    NotFound { what: &'static str, paths: Vec<PathBuf> },
    #[error("{path} could not be read: {detail}")]
    Unreadable { path: PathBuf, detail: String },
    #[error("{0} is encrypted with an rclone config password")]
    RcloneEncrypted(PathBuf),
    #[error("no profile or remote named `{0}` was found")]
    NoSuchSource(String),
}

impl UserError for ImportError {
    fn info(&self) -> ErrorInfo {
        let (code, fix) = match self {
            ImportError::NotFound { .. } => (
                Code::ImportFileMissing,
                "Choose the file yourself (Choose a file… in the window, `--file PATH` on the command line), or add the destination by hand.".to_string(),
            ),
            ImportError::Unreadable { .. } => (Code::ImportFileUnreadable, "Check the file's permissions and that it is an INI-style config file.".to_string()),
            ImportError::RcloneEncrypted(_) => (
                Code::ImportRcloneEncrypted,
                "Decrypt a copy first (`rclone config show > plain.conf` after entering the password), import from that file, then delete it.".to_string(),
            ),
            ImportError::NoSuchSource(_) => (Code::ImportSourceMissing, "List what can be imported and use one of the names shown.".to_string()),
        };
        ErrorInfo { code, message: format!("{self}."), fix, field: None }
    }
}

/// `a`, `a and b`, `a, b and c`, each in backticks.
fn looked_for(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

fn home() -> PathBuf {
    dirs::home_dir().unwrap_or_else(|| PathBuf::from("."))
}

pub fn default_aws_config() -> PathBuf {
    std::env::var_os("AWS_CONFIG_FILE").map(PathBuf::from).unwrap_or_else(|| home().join(".aws").join("config"))
}

pub fn default_aws_credentials() -> PathBuf {
    std::env::var_os("AWS_SHARED_CREDENTIALS_FILE").map(PathBuf::from).unwrap_or_else(|| home().join(".aws").join("credentials"))
}

pub fn default_rclone_config() -> PathBuf {
    if let Some(p) = std::env::var_os("RCLONE_CONFIG") {
        return PathBuf::from(p);
    }
    dirs::config_dir().unwrap_or_else(|| home().join(".config")).join("rclone").join("rclone.conf")
}

fn load_ini(path: &Path) -> Result<Option<Ini>, ImportError> {
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path).map_err(|e| ImportError::Unreadable { path: path.into(), detail: e.to_string() })?;
    if text.trim_start().starts_with("# Encrypted rclone configuration File") || text.contains("RCLONE_ENCRYPT_V0:") {
        return Err(ImportError::RcloneEncrypted(path.into()));
    }
    Ini::load_from_str_noescape(&text).map(Some).map_err(|e| ImportError::Unreadable { path: path.into(), detail: e.to_string() })
}

fn get(sec: &ini::Properties, key: &str) -> String {
    sec.get(key).map(|v| v.trim().trim_matches('"').to_string()).unwrap_or_default()
}

/// Profile names from the AWS config and credentials files.
pub fn aws_profile_names(config: &Path, credentials: &Path) -> Vec<String> {
    let mut names = Vec::new();
    if let Ok(Some(ini)) = load_ini(config) {
        for s in ini.sections().flatten() {
            let name = if s == "default" { Some(s) } else { s.strip_prefix("profile ") };
            if let Some(n) = name {
                names.push(n.trim().to_string());
            }
        }
    }
    if let Ok(Some(ini)) = load_ini(credentials) {
        for s in ini.sections().flatten() {
            names.push(s.trim().to_string());
        }
    }
    names.sort();
    names.dedup();
    names
}

pub fn aws_candidates(config: &Path, credentials: &Path) -> Result<Vec<Candidate>, ImportError> {
    let cfg = load_ini(config)?;
    let creds = load_ini(credentials)?;
    if cfg.is_none() && creds.is_none() {
        return Err(ImportError::NotFound { what: "AWS configuration", paths: vec![config.into(), credentials.into()] });
    }
    let mut out = Vec::new();
    for name in aws_profile_names(config, credentials) {
        let section = if name == "default" { name.clone() } else { format!("profile {name}") };
        let empty = ini::Properties::new();
        let c = cfg.as_ref().and_then(|i| i.section(Some(section.as_str()))).unwrap_or(&empty);
        let k = creds.as_ref().and_then(|i| i.section(Some(name.as_str()))).unwrap_or(&empty);
        let region = get(c, "region");
        let endpoint = {
            let e = get(c, "endpoint_url");
            if e.is_empty() {
                get(k, "endpoint_url")
            } else {
                e
            }
        };
        let path_style = get(c, "addressing_style") == "path";
        let mut notes = Vec::new();
        let key_id = {
            let a = get(k, "aws_access_key_id");
            if a.is_empty() {
                get(c, "aws_access_key_id")
            } else {
                a
            }
        };
        let secret = {
            let s = get(k, "aws_secret_access_key");
            if s.is_empty() {
                get(c, "aws_secret_access_key")
            } else {
                s
            }
        };
        let token = {
            let t = get(k, "aws_session_token");
            if t.is_empty() {
                get(c, "aws_session_token")
            } else {
                t
            }
        };
        let dynamic = ["sso_session", "sso_start_url", "role_arn", "credential_process", "web_identity_token_file", "source_profile"]
            .iter()
            .any(|f| !get(c, f).is_empty());
        let (auth, credentials) = if !key_id.is_empty() && !secret.is_empty() && !dynamic {
            if !token.is_empty() {
                notes.push(
                    "This profile holds a temporary session token; it will expire. Prefer a long-lived key or the profile itself.".into(),
                );
            }
            (
                ImportedAuth::Keys { key_id_hint: mask_key_id(&key_id) },
                Some(Credentials {
                    access_key_id: key_id,
                    secret_access_key: Sensitive::new(secret),
                    session_token: (!token.is_empty()).then(|| Sensitive::new(token)),
                }),
            )
        } else {
            if dynamic {
                notes.push("Credentials are resolved from the profile at each use (SSO, assume-role or credential_process).".into());
            }
            (ImportedAuth::Profile { profile: name.clone() }, None)
        };
        let provider = if endpoint.is_empty() { ProviderKind::Aws } else { provider::detect_from_endpoint(&endpoint) };
        out.push(finish(Candidate {
            kind: ImportKind::Aws,
            source: name,
            provider,
            region,
            endpoint,
            account_id: String::new(),
            path_style,
            bucket: String::new(),
            storage_class: String::new(),
            acl: String::new(),
            auth,
            notes,
            credentials,
        }));
    }
    Ok(out)
}

pub fn rclone_candidates(path: &Path) -> Result<Vec<Candidate>, ImportError> {
    let ini = load_ini(path)?.ok_or_else(|| ImportError::NotFound { what: "rclone configuration", paths: vec![path.into()] })?;
    let mut out = Vec::new();
    for (name, sec) in ini.iter() {
        let Some(name) = name else { continue };
        if get(sec, "type") != "s3" {
            continue;
        }
        let endpoint = get(sec, "endpoint");
        let rprov = get(sec, "provider").to_ascii_lowercase();
        let provider = match rprov.as_str() {
            "aws" => ProviderKind::Aws,
            "cloudflare" => ProviderKind::R2,
            "minio" => ProviderKind::Minio,
            _ if !endpoint.is_empty() => provider::detect_from_endpoint(&endpoint),
            _ => ProviderKind::Custom,
        };
        // rclone defaults to path-style except for AWS.
        let path_style = match get(sec, "force_path_style").as_str() {
            "false" => false,
            "true" => true,
            _ => provider != ProviderKind::Aws,
        };
        let mut notes = Vec::new();
        let key_id = get(sec, "access_key_id");
        let secret = get(sec, "secret_access_key");
        let token = get(sec, "session_token");
        let (auth, credentials) = if !key_id.is_empty() && !secret.is_empty() {
            (
                ImportedAuth::Keys { key_id_hint: mask_key_id(&key_id) },
                Some(Credentials {
                    access_key_id: key_id,
                    secret_access_key: Sensitive::new(secret),
                    session_token: (!token.is_empty()).then(|| Sensitive::new(token)),
                }),
            )
        } else if get(sec, "env_auth") == "true" {
            let profile = {
                let p = get(sec, "profile");
                if p.is_empty() {
                    "default".to_string()
                } else {
                    p
                }
            };
            notes.push(format!("rclone takes credentials from the environment here; Chute will use the AWS profile `{profile}`."));
            (ImportedAuth::Profile { profile }, None)
        } else {
            (ImportedAuth::None, None)
        };
        if !matches!(rprov.as_str(), "" | "aws" | "cloudflare" | "minio" | "other") {
            notes.push(format!("rclone provider `{}` is imported as a generic S3-compatible endpoint.", get(sec, "provider")));
        }
        out.push(finish(Candidate {
            kind: ImportKind::Rclone,
            source: name.to_string(),
            provider,
            region: get(sec, "region"),
            endpoint,
            account_id: String::new(),
            path_style,
            bucket: String::new(),
            storage_class: get(sec, "storage_class"),
            acl: get(sec, "acl"),
            auth,
            notes,
            credentials,
        }));
    }
    Ok(out)
}

/// Fit a candidate to Chute's presets: R2 account from the endpoint,
/// `auto` regions, B2 region from the endpoint.
fn finish(mut c: Candidate) -> Candidate {
    match c.provider {
        ProviderKind::R2 => {
            if let Some(a) = provider::r2_account_from_endpoint(&c.endpoint) {
                c.account_id = a;
                c.endpoint.clear();
            }
            c.region = "auto".into();
            c.path_style = false;
        }
        ProviderKind::Tigris => {
            c.region = "auto".into();
        }
        ProviderKind::B2 => {
            if let Some(r) = provider::b2_region_from_endpoint(&c.endpoint) {
                c.region = r;
                c.endpoint.clear();
            }
        }
        ProviderKind::Aws if c.endpoint.is_empty() => {}
        _ => {}
    }
    c
}

pub fn candidates(kind: ImportKind, file: Option<&Path>) -> Result<Vec<Candidate>, ImportError> {
    match kind {
        ImportKind::Aws => {
            let config = file.map(Path::to_path_buf).unwrap_or_else(default_aws_config);
            let creds = if file.is_some() { config.with_file_name("credentials") } else { default_aws_credentials() };
            aws_candidates(&config, &creds)
        }
        ImportKind::Rclone => rclone_candidates(&file.map(Path::to_path_buf).unwrap_or_else(default_rclone_config)),
    }
}
