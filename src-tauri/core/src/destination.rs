//! The destination model and its validation. Validation returns
//! field-level problems (errors block saving, warnings do not); the form
//! shows them live and the CLI prints the same words.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::keys;
use crate::provider::{self, EndpointRule, ProviderKind, RegionRule};
use crate::report::Code;
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
        for s in [&mut self.name, &mut self.bucket, &mut self.region, &mut self.endpoint, &mut self.account_id] {
            *s = s.trim().to_string();
        }
        if self.region.is_empty() {
            self.region = self.preset().default_region.to_string();
        }
        if self.key_template.trim().is_empty() {
            self.key_template = keys::DEFAULT_TEMPLATE.to_string();
        }
        self
    }

    /// The key a file named `name` would get with a flat layout, for examples.
    pub fn example_key(&self, name: &str) -> String {
        format!("{}{}", self.prefix, name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One thing wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub field: String,
    pub severity: Severity,
    pub code: crate::report::Code,
    pub message: String,
    pub fix: String,
    /// A value that fixes the problem in one click, where one is safe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix_value: Option<String>,
    /// The field `fix_value` goes into, when it is not `field` itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix_field: Option<String>,
}

impl Problem {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

struct Problems(Vec<Problem>);

impl Problems {
    fn push(&mut self, severity: Severity, field: &str, code: Code, message: String, fix: String, fix_value: Option<String>) {
        self.0.push(Problem { field: field.into(), severity, code, message, fix, fix_value, fix_field: None });
    }
    fn error(&mut self, field: &str, code: Code, message: impl Into<String>, fix: impl Into<String>) {
        self.push(Severity::Error, field, code, message.into(), fix.into(), None);
    }
    fn error_fix(&mut self, field: &str, code: Code, message: impl Into<String>, fix: impl Into<String>, value: String) {
        self.push(Severity::Error, field, code, message.into(), fix.into(), Some(value));
    }
    fn warn(&mut self, field: &str, code: Code, message: impl Into<String>, fix: impl Into<String>) {
        self.push(Severity::Warning, field, code, message.into(), fix.into(), None);
    }
    fn retarget_last_fix(&mut self, field: &str) {
        if let Some(last) = self.0.last_mut() {
            last.fix_field = Some(field.into());
        }
    }
    fn warn_fix(&mut self, field: &str, code: Code, message: impl Into<String>, fix: impl Into<String>, value: String) {
        self.push(Severity::Warning, field, code, message.into(), fix.into(), Some(value));
    }
}

/// What validation needs to know beyond the settings themselves.
#[derive(Debug, Default, Clone)]
pub struct Context<'a> {
    /// Names of the *other* destinations (for the duplicate check).
    pub other_names: Vec<&'a str>,
    /// The credentials as they will be after saving.
    pub credentials: Option<CredentialCheck<'a>>,
}

/// Credentials as validation sees them (no secret values).
#[derive(Debug, Clone)]
pub enum CredentialCheck<'a> {
    Keys { access_key_id: &'a str, secret_present: bool },
    Profile { profile: &'a str, known_profiles: Option<Vec<String>> },
    None,
}

pub fn validate(s: &Settings, ctx: &Context) -> Vec<Problem> {
    let mut p = Problems(Vec::new());
    validate_name(&mut p, s, ctx);
    validate_bucket(&mut p, s);
    validate_endpoint(&mut p, s);
    validate_region(&mut p, s);
    validate_prefix(&mut p, s);
    validate_template(&mut p, s);
    validate_options(&mut p, s);
    if let Some(c) = &ctx.credentials {
        validate_credentials(&mut p, c);
    }
    p.0
}

fn validate_name(p: &mut Problems, s: &Settings, ctx: &Context) {
    let name = s.name.trim();
    if name.is_empty() {
        p.error("name", Code::NameEmpty, "The name is empty.", "Give the destination a name you will recognise, e.g. \"Reports (prod)\".");
    } else if name.chars().count() > 80 {
        p.error("name", Code::NameTooLong, "The name is longer than 80 characters.", "Shorten the name.");
    } else if name.chars().any(char::is_control) {
        p.error(
            "name",
            Code::NameControlChars,
            "The name contains control characters.",
            "Remove tabs, line breaks and other invisible characters.",
        );
    } else if ctx.other_names.iter().any(|o| o.trim().eq_ignore_ascii_case(name)) {
        p.error(
            "name",
            Code::NameDuplicate,
            format!("Another destination is already called \"{name}\"."),
            "Choose a different name; names must be unique (ignoring case).",
        );
    }
}

fn validate_bucket(p: &mut Problems, s: &Settings) {
    let b = s.bucket.trim();
    let min = s.preset().bucket_min_len;
    if b.is_empty() {
        p.error("bucket", Code::BucketEmpty, "The bucket name is empty.", "Enter the name of an existing bucket.");
        return;
    }
    if b.contains('/') || b.starts_with("s3://") || b.contains(':') {
        let guess = b.trim_start_matches("s3://").split('/').next().unwrap_or("").to_string();
        let message = format!("\"{b}\" is not a bucket name: it contains a path or scheme.");
        let fix = "Put only the bucket name here, and the folder part in the path prefix.";
        // No one-click fix when the guess would be refused the same way
        // (an https:// URL, an ARN, `a:b`) or is empty (`s3://`, `/x`).
        if guess.is_empty() || guess.contains(':') {
            p.error("bucket", Code::BucketHasPath, message, fix);
        } else {
            p.error_fix("bucket", Code::BucketHasPath, message, fix, guess);
        }
        return;
    }
    if b.chars().any(|c| c.is_ascii_uppercase()) {
        p.error_fix(
            "bucket",
            Code::BucketUppercase,
            format!("Bucket names are lowercase; \"{b}\" has capital letters."),
            "Use the lowercase name exactly as the bucket was created.",
            b.to_ascii_lowercase(),
        );
    }
    if b.contains('_') {
        p.error(
            "bucket",
            Code::BucketUnderscore,
            format!("Bucket names cannot contain `_` (\"{b}\")."),
            "Use `-` instead of `_`, matching the bucket's real name.",
        );
    }
    if b.chars().any(|c| !(c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')) {
        p.error(
            "bucket",
            Code::BucketChars,
            format!("\"{b}\" contains characters a bucket name cannot have."),
            "Use only lowercase letters, digits, `-` and `.`.",
        );
    }
    let len = b.len();
    if len < min || len > 63 {
        p.error(
            "bucket",
            Code::BucketLength,
            format!("Bucket names are {min}–63 characters long; \"{b}\" has {len}."),
            "Check the bucket name.",
        );
    }
    let first = b.chars().next().unwrap();
    let last = b.chars().last().unwrap();
    if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
        p.error(
            "bucket",
            Code::BucketEdges,
            "A bucket name must start and end with a letter or digit.",
            "Remove the leading or trailing `.` or `-`.",
        );
    }
    if b.contains("..") || b.contains(".-") || b.contains("-.") {
        p.error("bucket", Code::BucketDots, "A bucket name cannot contain `..`, `.-` or `-.`.", "Check the bucket name.");
    }
    if b.parse::<std::net::Ipv4Addr>().is_ok() {
        p.error(
            "bucket",
            Code::BucketIp,
            "A bucket name cannot look like an IP address.",
            "Use the bucket's name, and put the server address in the endpoint.",
        );
    }
    if b.starts_with("xn--") || b.starts_with("sthree-") || b.ends_with("-s3alias") || b.ends_with("--ol-s3") {
        p.error("bucket", Code::BucketReserved, format!("\"{b}\" uses a prefix or suffix reserved by S3."), "Check the bucket name.");
    }
    if b.contains('.') && !s.path_style && s.effective_endpoint().is_none_or(|e| e.starts_with("https://")) {
        p.warn_fix(
            "bucket",
            Code::BucketDottedTls,
            format!("\"{b}\" contains dots: with virtual-hosted addressing over HTTPS the certificate will not match `{b}.<endpoint>`."),
            "Turn on path-style addressing for this destination.",
            "true".into(),
        );
        p.retarget_last_fix("path_style");
    }
}

/// `localhost` and loopback addresses: this machine.
pub(crate) fn is_loopback_host(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost") || d.ends_with(".localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// The local network: private and link-local addresses (10/8, 172.16/12,
/// 192.168/16, 169.254/16, fc00::/7, fe80::/10), and names that only a
/// local network resolves: single-label hosts (`minio`, `nas`), `*.local`
/// (mDNS), `*.lan`, `*.home.arpa` and `*.internal`.
fn is_local_network_host(host: &url::Host<&str>) -> bool {
    let private_v4 = |ip: &std::net::Ipv4Addr| ip.is_private() || ip.is_link_local();
    match host {
        url::Host::Domain(d) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            !d.contains('.') || [".local", ".lan", ".home.arpa", ".internal"].iter().any(|s| d.ends_with(s))
        }
        url::Host::Ipv4(ip) => private_v4(ip),
        url::Host::Ipv6(ip) => match ip.to_ipv4_mapped() {
            Some(v4) => private_v4(&v4),
            None => ip.is_unique_local() || ip.is_unicast_link_local(),
        },
    }
}

/// The one-click fix for an endpoint typed without a scheme: `http://` for
/// this machine and the local network (where self-hosted servers usually
/// speak plain HTTP), `https://` for anything else.
fn endpoint_without_scheme(p: &mut Problems, raw: &str) {
    let parsed = url::Url::parse(&format!("https://{raw}")).ok();
    let Some(host) = parsed.as_ref().and_then(url::Url::host) else {
        p.error(
            "endpoint",
            Code::EndpointNoScheme,
            format!("\"{raw}\" has no scheme."),
            "Start the endpoint with https:// (or http:// for a server on this machine or your local network).",
        );
        return;
    };
    let (scheme, why) = if is_loopback_host(&host) {
        ("http", format!("{host} is this machine, where servers such as MinIO usually speak plain http://"))
    } else if is_local_network_host(&host) {
        ("http", format!("{host} is on your local network, where self-hosted servers usually speak plain http://"))
    } else {
        ("https", format!("{host} may be reached over the internet, where only https:// keeps your data and keys private"))
    };
    let fixed = format!("{scheme}://{raw}");
    let fix = match scheme {
        "http" => format!("Use `{fixed}`, or https:// if the server has a TLS certificate."),
        _ => format!("Use `{fixed}`."),
    };
    p.error_fix("endpoint", Code::EndpointNoScheme, format!("\"{raw}\" has no scheme: {why}, so the fix adds {scheme}://."), fix, fixed);
}

fn validate_endpoint(p: &mut Problems, s: &Settings) {
    let preset = s.preset();
    let raw = s.endpoint.trim();
    if raw.is_empty() {
        if preset.needs_user_endpoint() {
            p.error(
                "endpoint",
                Code::EndpointRequired,
                format!("{} needs an endpoint URL.", preset.label),
                "Enter the server's URL, e.g. https://s3.example.com or http://minio.internal:9000.",
            );
        }
        if preset.needs_account_id() {
            let a = s.account_id.trim();
            if a.is_empty() {
                p.error(
                    "account_id",
                    Code::AccountIdRequired,
                    "Cloudflare R2 needs your account id.",
                    "Copy the account id from the R2 overview page in the Cloudflare dashboard.",
                );
            } else if !a.chars().all(|c| c.is_ascii_hexdigit()) || a.len() != 32 {
                p.warn(
                    "account_id",
                    Code::AccountIdFormat,
                    "Cloudflare account ids are 32 hexadecimal characters.",
                    "Check the account id on the R2 overview page.",
                );
            }
        }
        return;
    }
    if raw.chars().any(char::is_whitespace) {
        p.error("endpoint", Code::EndpointSpaces, "The endpoint URL contains spaces.", "Remove the spaces from the URL.");
        return;
    }
    if !raw.contains("://") {
        endpoint_without_scheme(p, raw);
        return;
    }
    let url = match url::Url::parse(raw) {
        Ok(u) => u,
        Err(e) => {
            p.error(
                "endpoint",
                Code::EndpointInvalid,
                format!("\"{raw}\" is not a valid URL ({e})."),
                "Enter a URL like https://s3.example.com.",
            );
            return;
        }
    };
    if url.scheme() != "http" && url.scheme() != "https" {
        p.error(
            "endpoint",
            Code::EndpointScheme,
            format!("The endpoint scheme must be http or https, not `{}`.", url.scheme()),
            "Start the endpoint with https://.",
        );
        return;
    }
    if !url.username().is_empty() || url.password().is_some() {
        let mut clean = url.clone();
        let _ = clean.set_username("");
        let _ = clean.set_password(None);
        p.error_fix(
            "endpoint",
            Code::EndpointCredentials,
            "The endpoint URL contains a user name or password.",
            "Remove them from the URL and enter the keys in the credentials section, where they go to the keychain.",
            clean.as_str().trim_end_matches('/').to_string(),
        );
    }
    let Some(host) = url.host() else {
        p.error("endpoint", Code::EndpointNoHost, "The endpoint URL has no host.", "Enter a URL like https://s3.example.com.");
        return;
    };
    if url.scheme() == "http" && !is_loopback_host(&host) {
        p.warn(
            "endpoint",
            Code::EndpointPlainHttp,
            "Plain http:// sends your data unencrypted over the network.",
            "Use https:// unless the server is on a network you trust.",
        );
    }
    if url.query().is_some() || url.fragment().is_some() {
        p.error("endpoint", Code::EndpointQuery, "The endpoint URL has a query or fragment.", "Remove everything from `?` or `#` on.");
    }
    let path = url.path().trim_matches('/');
    if !path.is_empty() {
        let b = s.bucket.trim();
        if !b.is_empty() && path.split('/').next() == Some(b) {
            p.error_fix(
                "endpoint",
                Code::EndpointHasBucket,
                "The endpoint URL ends with the bucket name.",
                "The bucket goes in its own field; remove it from the endpoint.",
                format!("{}://{}", url.scheme(), url.host_str().unwrap_or("")) + &url.port().map(|p| format!(":{p}")).unwrap_or_default(),
            );
        } else {
            p.warn(
                "endpoint",
                Code::EndpointPath,
                format!("The endpoint URL has a path (`/{path}`)."),
                "S3 endpoints rarely have a path; check the URL against your provider's documentation.",
            );
        }
    }
    if let Some(h) = url.host_str() {
        let b = s.bucket.trim();
        if !b.is_empty() && h.starts_with(&format!("{b}.")) && s.provider != ProviderKind::R2 {
            p.warn(
                "endpoint",
                Code::EndpointVirtualHost,
                "The endpoint host starts with the bucket name.",
                "Enter the service endpoint without the bucket; Chute adds the bucket itself.",
            );
        }
    }
    // The endpoint must fit the provider.
    let kind = provider::detect_from_endpoint(raw);
    match (s.provider, kind) {
        (ProviderKind::R2 | ProviderKind::B2 | ProviderKind::Tigris, k) if k != s.provider => {
            p.warn(
                "endpoint",
                Code::EndpointProviderMismatch,
                format!("This endpoint does not look like a {} endpoint.", s.preset().label),
                "Leave the endpoint empty to use the provider's own, or choose \"S3-compatible\".",
            );
        }
        (
            ProviderKind::Custom | ProviderKind::Minio,
            k @ (ProviderKind::R2 | ProviderKind::B2 | ProviderKind::Tigris | ProviderKind::Aws),
        ) => {
            p.warn_fix(
                "provider",
                Code::ProviderDetected,
                format!("This endpoint belongs to {}.", k.preset().label),
                format!("Choose {} as the provider to get its defaults (region, checksums, path style).", k.preset().label),
                k.id().to_string(),
            );
        }
        _ => {}
    }
    if let EndpointRule::Fixed { url: canonical, legacy } = preset.endpoint {
        if legacy.iter().any(|l| l.trim_end_matches('/') == raw.trim_end_matches('/')) {
            p.warn_fix(
                "endpoint",
                Code::EndpointLegacy,
                format!("This is {}'s legacy endpoint.", preset.label),
                format!("Use {canonical}."),
                canonical.to_string(),
            );
        }
    }
}

fn validate_region(p: &mut Problems, s: &Settings) {
    let preset = s.preset();
    let r = s.region.trim();
    if r.is_empty() {
        return; // The preset's default applies.
    }
    if r.chars().any(|c| !(c.is_ascii_alphanumeric() || c == '-')) {
        p.error(
            "region",
            Code::RegionFormat,
            format!("\"{r}\" is not a region code."),
            "Region codes look like `eu-west-1`; use the code, not the display name.",
        );
        return;
    }
    match preset.region {
        RegionRule::Auto => {
            if r != "auto" {
                p.error_fix(
                    "region",
                    Code::RegionNotAuto,
                    format!("{} uses the region `auto`, not `{r}`.", preset.label),
                    "Set the region to `auto`.",
                    "auto".into(),
                );
            }
        }
        RegionRule::AwsList => {
            if r == "auto" {
                p.error_fix(
                    "region",
                    Code::RegionAutoOnAws,
                    "Amazon S3 has no region `auto`.",
                    "Choose the region the bucket was created in.",
                    "us-east-1".into(),
                );
            } else if !preset.regions.contains(&r) {
                let looks_like_az = r.chars().last().is_some_and(|c| c.is_ascii_lowercase()) && preset.regions.contains(&&r[..r.len() - 1]);
                if looks_like_az {
                    p.error_fix(
                        "region",
                        Code::RegionIsZone,
                        format!("`{r}` is an availability zone, not a region."),
                        format!("Use the region `{}`.", &r[..r.len() - 1]),
                        r[..r.len() - 1].to_string(),
                    );
                } else {
                    p.warn(
                        "region",
                        Code::RegionUnknown,
                        format!("`{r}` is not a region Chute knows for Amazon S3."),
                        "Check the region in the S3 console (bucket → Properties).",
                    );
                }
            }
        }
        RegionRule::MatchesEndpoint => {
            let endpoint_region = s.effective_endpoint().and_then(|e| provider::b2_region_from_endpoint(&e));
            match endpoint_region {
                Some(er) if er != r => p.error_fix(
                    "region",
                    Code::RegionEndpointMismatch,
                    format!("The region `{r}` does not match the endpoint, which is in `{er}`."),
                    "Use the region from the bucket's S3 endpoint (Backblaze: Buckets → Endpoint).",
                    er,
                ),
                _ if !preset.regions.contains(&r) => p.warn(
                    "region",
                    Code::RegionUnknown,
                    format!("`{r}` is not a Backblaze B2 region Chute knows."),
                    "Copy the region from the bucket's S3 endpoint, e.g. us-west-004.",
                ),
                _ => {}
            }
        }
        RegionRule::Any { .. } => {
            if r == "auto" && s.provider == ProviderKind::Minio {
                p.warn_fix(
                    "region",
                    Code::RegionAutoMinio,
                    "MinIO does not use `auto`; the usual region is us-east-1.",
                    "Use the region configured on your MinIO server.",
                    "us-east-1".into(),
                );
            }
        }
    }
}

fn validate_prefix(p: &mut Problems, s: &Settings) {
    let prefix = &s.prefix;
    if prefix.is_empty() {
        return;
    }
    if prefix.chars().any(char::is_control) {
        p.error(
            "prefix",
            Code::PrefixControlChars,
            "The path prefix contains control characters.",
            "Remove tabs, line breaks and other invisible characters.",
        );
        return;
    }
    if prefix.contains('\\') {
        p.error_fix(
            "prefix",
            Code::PrefixBackslash,
            "The path prefix uses `\\`; object keys use `/` as the separator.",
            "Replace `\\` with `/`.",
            prefix.replace('\\', "/"),
        );
        return;
    }
    let cleaned = clean_prefix(prefix);
    if prefix.starts_with('/') {
        p.error_fix(
            "prefix",
            Code::PrefixLeadingSlash,
            format!("The path prefix starts with `/`: files would land under an empty folder name (`{}`).", s.example_key("report.csv")),
            "Remove the leading `/`.",
            cleaned.clone(),
        );
    } else if prefix.contains("//") {
        p.error_fix(
            "prefix",
            Code::PrefixDoubleSlash,
            "The path prefix contains `//`, which makes an empty folder name in every key.",
            "Use a single `/`.",
            cleaned.clone(),
        );
    }
    if prefix.split('/').any(|seg| seg == ".." || seg == ".") {
        p.error(
            "prefix",
            Code::PrefixDotSegment,
            "The path prefix contains a `.` or `..` folder; S3 keeps them literally, so keys will not be where you expect.",
            "Write the prefix without `.` and `..` folders.",
        );
    }
    if prefix.trim() != prefix {
        p.warn_fix(
            "prefix",
            Code::PrefixSpaces,
            "The path prefix starts or ends with a space.",
            "Remove the surrounding spaces.",
            cleaned.clone(),
        );
    }
    if !prefix.ends_with('/') {
        p.warn_fix(
            "prefix",
            Code::PrefixNoTrailingSlash,
            format!(
                "The path prefix `{prefix}` does not end with `/`: a file report.csv would be stored as `{prefix}report.csv`, not in a folder `{prefix}/`."
            ),
            format!("Add a trailing `/` so the key becomes `{}report.csv`.", cleaned),
            cleaned,
        );
    }
    if prefix.len() > 900 {
        p.error(
            "prefix",
            Code::PrefixTooLong,
            "The path prefix is longer than 900 bytes; with a file name the key would pass S3's 1,024-byte limit.",
            "Shorten the prefix.",
        );
    }
}

/// The prefix as it should be: no leading `/`, single slashes, trailing `/`.
pub fn clean_prefix(prefix: &str) -> String {
    let segs: Vec<&str> = prefix.trim().split('/').map(str::trim).filter(|s| !s.is_empty()).collect();
    if segs.is_empty() {
        String::new()
    } else {
        segs.join("/") + "/"
    }
}

fn validate_template(p: &mut Problems, s: &Settings) {
    let t = &s.key_template;
    if t.trim().is_empty() {
        return;
    }
    match keys::parse_template(t) {
        Err(e) => p.error(
            "key_template",
            Code::TemplateInvalid,
            format!("The key template is not valid: {e}."),
            "Use tokens like {prefix}, {relpath}, {name}, {date}; see the list under the field.",
        ),
        Ok(parts) => {
            if !parts.iter().any(|x| matches!(x, keys::Part::Token(keys::Token::Prefix))) && !s.prefix.is_empty() {
                p.warn_fix(
                    "key_template",
                    Code::TemplateNoPrefix,
                    "The key template does not contain {prefix}, so the path prefix is ignored.",
                    "Start the template with {prefix}.",
                    format!("{{prefix}}{t}"),
                );
            }
            if !keys::template_is_unique_per_file(&parts) {
                p.warn(
                    "key_template",
                    Code::TemplateNotUnique,
                    "The key template names no file and no unique id: every file of a batch gets the same key.",
                    "Include {name}, {relpath}, {stem}, {id} or {uuid}.",
                );
            }
            if t.starts_with('/') {
                p.error_fix(
                    "key_template",
                    Code::TemplateLeadingSlash,
                    "The key template starts with `/`.",
                    "Remove the leading `/`.",
                    t.trim_start_matches('/').to_string(),
                );
            }
        }
    }
}

pub const ACLS: &[&str] = &[
    "private",
    "public-read",
    "public-read-write",
    "authenticated-read",
    "aws-exec-read",
    "bucket-owner-read",
    "bucket-owner-full-control",
];

fn validate_options(p: &mut Problems, s: &Settings) {
    let preset = s.preset();
    let sc = s.storage_class.trim();
    if !sc.is_empty() && !preset.storage_classes.contains(&sc) {
        let upper = sc.to_ascii_uppercase().replace('-', "_");
        if preset.storage_classes.contains(&upper.as_str()) {
            p.error_fix(
                "storage_class",
                Code::StorageClassCase,
                format!("Storage classes are written `{upper}`."),
                format!("Use `{upper}`."),
                upper,
            );
        } else {
            p.error(
                "storage_class",
                Code::StorageClassUnknown,
                format!("{} has no storage class `{sc}`.", preset.label),
                format!("Choose one of: {}.", preset.storage_classes.join(", ")),
            );
        }
    }
    let acl = s.acl.trim();
    if !acl.is_empty() {
        if !ACLS.contains(&acl) {
            p.error("acl", Code::AclUnknown, format!("`{acl}` is not a canned ACL."), format!("Choose one of: {}.", ACLS.join(", ")));
        } else if !preset.supports_acl {
            p.warn(
                "acl",
                Code::AclUnsupported,
                format!("{} ignores or rejects object ACLs.", preset.label),
                "Leave the ACL empty and control access with bucket settings.",
            );
        } else if acl == "public-read-write" {
            p.warn(
                "acl",
                Code::AclPublicWrite,
                "public-read-write lets anyone overwrite the delivered objects.",
                "Use private or public-read unless you really mean it.",
            );
        }
    }
    for (k, v) in &s.metadata {
        let bad_key = k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if bad_key {
            p.error(
                "metadata",
                Code::MetadataKey,
                format!("Metadata key `{k}` is not a valid header name."),
                "Use letters, digits, `-`, `_` and `.` only.",
            );
        }
        if v.chars().any(char::is_control) {
            p.error(
                "metadata",
                Code::MetadataValue,
                format!("Metadata `{k}` has control characters in its value."),
                "Remove line breaks and other invisible characters.",
            );
        }
    }
    let meta_size: usize = s.metadata.iter().map(|(k, v)| k.len() + v.len()).sum();
    if meta_size > 2048 {
        p.error(
            "metadata",
            Code::MetadataTooLarge,
            format!("The metadata adds up to {meta_size} bytes; S3 allows 2 KB."),
            "Remove or shorten some entries.",
        );
    }
    if s.tags.len() > 10 {
        p.error("tags", Code::TagsTooMany, format!("{} tags set; S3 allows 10 per object.", s.tags.len()), "Remove some tags.");
    }
    for (k, v) in &s.tags {
        if k.is_empty() || k.chars().count() > 128 || v.chars().count() > 256 {
            p.error(
                "tags",
                Code::TagLength,
                format!("Tag `{k}` is empty or too long (keys up to 128, values up to 256 characters)."),
                "Shorten the tag.",
            );
        }
        if k.starts_with("aws:") {
            p.error("tags", Code::TagReserved, format!("Tag keys cannot start with `aws:` (`{k}`)."), "Choose another key.");
        }
    }
    let h = &s.headers;
    for (field, value) in [
        ("headers.cache_control", &h.cache_control),
        ("headers.content_disposition", &h.content_disposition),
        ("headers.content_encoding", &h.content_encoding),
        ("headers.content_language", &h.content_language),
        ("headers.expires", &h.expires),
        ("headers.content_type", &h.content_type),
    ] {
        if value.chars().any(char::is_control) {
            p.error(
                field,
                Code::HeaderControlChars,
                "This header contains control characters.",
                "Remove line breaks and other invisible characters.",
            );
        }
    }
    let ct = h.content_type.trim();
    if !ct.is_empty() && !ct.contains('/') {
        p.error(
            "headers.content_type",
            Code::ContentTypeFormat,
            format!("`{ct}` is not a media type."),
            "Use a type like text/csv or application/json, or leave it empty to guess from the extension.",
        );
    }
}

fn validate_credentials(p: &mut Problems, c: &CredentialCheck) {
    match c {
        CredentialCheck::Keys { access_key_id, secret_present } => {
            let id = access_key_id.trim();
            if id.is_empty() {
                p.error("access_key_id", Code::AccessKeyIdEmpty, "The access key id is empty.", "Paste the access key id from your provider's console.");
            } else if id != *access_key_id || id.chars().any(char::is_whitespace) {
                p.error_fix("access_key_id", Code::AccessKeyIdSpaces, "The access key id contains spaces.", "Remove the spaces (often pasted by accident).", id.split_whitespace().collect());
            } else if id.len() < 8 {
                p.warn("access_key_id", Code::AccessKeyIdShort, "This access key id looks too short.", "Check that you copied all of it.");
            }
            if !secret_present {
                p.error("secret_access_key", Code::SecretEmpty, "The secret access key is empty.", "Paste the secret access key; it goes straight to the system keychain.");
            }
        }
        CredentialCheck::Profile { profile, known_profiles } => {
            if profile.trim().is_empty() {
                p.error("profile", Code::ProfileEmpty, "No AWS profile is chosen.", "Choose a profile from ~/.aws/config.");
            } else if let Some(known) = known_profiles {
                if !known.iter().any(|k| k == profile.trim()) {
                    p.error(
                        "profile",
                        Code::ProfileUnknown,
                        format!("There is no AWS profile `{profile}` in ~/.aws/config or ~/.aws/credentials."),
                        format!("Choose one of: {}, or create it with `aws configure --profile {profile}`.", if known.is_empty() { "(none found)".to_string() } else { known.join(", ") }),
                    );
                }
            }
        }
        CredentialCheck::None => p.warn(
            "credentials",
            Code::NoCredentials,
            "Without credentials, uploads only work if the bucket policy allows anonymous (public) writes, which lets anyone on the internet write to it.",
            "Prefer an access key limited to s3:PutObject on this bucket and prefix.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_prefix_normalizes() {
        assert_eq!(clean_prefix("/a//b"), "a/b/");
        assert_eq!(clean_prefix("incoming"), "incoming/");
        assert_eq!(clean_prefix(" / "), "");
    }
}
