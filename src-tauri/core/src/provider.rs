//! Provider presets as data: one table, read by validation, the S3 client
//! builder, the UI form and the CLI. Adding a provider means adding a row.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    Aws,
    R2,
    Minio,
    B2,
    Tigris,
    Custom,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 6] =
        [ProviderKind::Aws, ProviderKind::R2, ProviderKind::Minio, ProviderKind::B2, ProviderKind::Tigris, ProviderKind::Custom];

    pub fn id(self) -> &'static str {
        self.preset().id
    }

    pub fn parse(s: &str) -> Option<ProviderKind> {
        let s = s.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|k| {
            let p = k.preset();
            p.id == s || p.aliases.contains(&s.as_str())
        })
    }

    pub fn preset(self) -> &'static Provider {
        PROVIDERS.iter().find(|p| p.kind == self).expect("every ProviderKind has a row in PROVIDERS")
    }
}

/// How a provider's endpoint is found.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EndpointRule {
    /// AWS: the SDK's regional endpoint; a custom one is allowed (e.g. FIPS, VPC).
    AwsRegional,
    /// Built from an account id: `https://{account}.r2.cloudflarestorage.com`.
    FromAccount { template: &'static str },
    /// Built from the region: `https://s3.{region}.backblazeb2.com`.
    FromRegion { template: &'static str },
    /// One fixed endpoint (legacy hosts are still accepted).
    Fixed { url: &'static str, legacy: &'static [&'static str] },
    /// The user types it (MinIO, custom).
    UserSupplied,
}

/// Which regions fit a provider.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RegionRule {
    /// One of the listed AWS regions.
    AwsList,
    /// Must be exactly `auto`.
    Auto,
    /// Must match the region inside the endpoint host.
    MatchesEndpoint,
    /// Anything non-empty; the default is given.
    Any { default: &'static str },
}

/// Whether the SDK may send its default CRC checksums on every request.
/// aws-sdk-s3 >= 1.69 does by default; many S3-compatible servers reject
/// the headers, so everywhere but AWS the policy is "only when required".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChecksumPolicy {
    WhenSupported,
    WhenRequired,
}

/// Whether a provider takes one kind of server-side encryption, in the
/// words validation uses (the cause; the validator adds the fix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SseSupport {
    Supported,
    /// Taken where the server is set up for it: a warning says how.
    Conditional {
        note: &'static str,
    },
    /// Refused by this provider: an error says why.
    Unsupported {
        why: &'static str,
    },
    /// Not known: allowed, the connection test's probe object shows it.
    Unknown,
}

/// What a provider does with each kind of server-side encryption.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct EncryptionSupport {
    pub sse_s3: SseSupport,
    pub sse_kms: SseSupport,
    pub sse_c: SseSupport,
    /// SSE-C refused over plain http:// even to this machine (AWS, MinIO).
    pub sse_c_needs_tls: bool,
}

const UNKNOWN_ENCRYPTION: EncryptionSupport =
    EncryptionSupport { sse_s3: SseSupport::Unknown, sse_kms: SseSupport::Unknown, sse_c: SseSupport::Unknown, sse_c_needs_tls: false };

#[derive(Debug, Serialize)]
pub struct Provider {
    pub kind: ProviderKind,
    pub id: &'static str,
    pub label: &'static str,
    #[serde(skip)]
    pub aliases: &'static [&'static str],
    pub endpoint: EndpointRule,
    pub region: RegionRule,
    pub default_region: &'static str,
    pub regions: &'static [&'static str],
    pub path_style: bool,
    pub checksum: ChecksumPolicy,
    /// Multipart parts carry a CRC32C checksum (x-amz-checksum-crc32c) the
    /// server verifies, instead of Content-MD5: several times cheaper to compute.
    pub part_checksums: bool,
    pub supports_acl: bool,
    /// Whether `If-None-Match: *` on PutObject is honoured (atomic never-overwrite).
    pub conditional_put: bool,
    pub storage_classes: &'static [&'static str],
    pub min_part_size: u64,
    pub max_parts: u32,
    pub bucket_min_len: usize,
    /// Which server-side encryption it takes (validation warns or refuses).
    pub encryption: EncryptionSupport,
    /// A short hint shown under the provider picker.
    pub hint: &'static str,
}

pub const AWS_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
    "us-gov-east-1",
    "us-gov-west-1",
    "cn-north-1",
    "cn-northwest-1",
];

pub const B2_REGIONS: &[&str] =
    &["us-west-000", "us-west-001", "us-west-002", "us-west-004", "us-east-005", "eu-central-003", "ca-east-006"];

const AWS_STORAGE_CLASSES: &[&str] =
    &["STANDARD", "INTELLIGENT_TIERING", "STANDARD_IA", "ONEZONE_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE", "REDUCED_REDUNDANCY"];

const MIB: u64 = 1024 * 1024;

pub static PROVIDERS: &[Provider] = &[
    Provider {
        kind: ProviderKind::Aws,
        id: "aws",
        label: "Amazon S3",
        aliases: &["s3", "amazon", "amazon-s3"],
        endpoint: EndpointRule::AwsRegional,
        region: RegionRule::AwsList,
        default_region: "us-east-1",
        regions: AWS_REGIONS,
        path_style: false,
        checksum: ChecksumPolicy::WhenSupported,
        part_checksums: true,
        supports_acl: true,
        conditional_put: true,
        storage_classes: AWS_STORAGE_CLASSES,
        min_part_size: 5 * MIB,
        max_parts: 10_000,
        bucket_min_len: 3,
        encryption: EncryptionSupport {
            sse_s3: SseSupport::Supported,
            sse_kms: SseSupport::Supported,
            sse_c: SseSupport::Conditional {
                note: "Amazon S3 blocks SSE-C on new buckets by default: the bucket's default encryption must allow it (BlockedEncryptionTypes set to NONE)",
            },
            sse_c_needs_tls: true,
        },
        hint: "Pick the bucket's region; leave the endpoint empty unless you use a VPC or FIPS endpoint.",
    },
    Provider {
        kind: ProviderKind::R2,
        id: "r2",
        label: "Cloudflare R2",
        aliases: &["cloudflare", "cloudflare-r2"],
        endpoint: EndpointRule::FromAccount { template: "https://{account}.r2.cloudflarestorage.com" },
        region: RegionRule::Auto,
        default_region: "auto",
        regions: &["auto"],
        path_style: false,
        checksum: ChecksumPolicy::WhenRequired,
        part_checksums: false,
        supports_acl: false,
        conditional_put: true,
        storage_classes: &["STANDARD", "STANDARD_IA"],
        min_part_size: 5 * MIB,
        max_parts: 10_000,
        bucket_min_len: 3,
        encryption: EncryptionSupport {
            sse_s3: SseSupport::Conditional {
                note: "Cloudflare R2 encrypts every object at rest whatever is asked, so SSE-S3 adds nothing (and R2 may refuse the header)",
            },
            sse_kms: SseSupport::Unsupported { why: "Cloudflare R2 has no KMS; it encrypts every object at rest, and offers SSE-C for your own key" },
            sse_c: SseSupport::Supported,
            sse_c_needs_tls: false,
        },
        hint: "Enter your Cloudflare account id; the region is always `auto`.",
    },
    Provider {
        kind: ProviderKind::Minio,
        id: "minio",
        label: "MinIO",
        aliases: &[],
        endpoint: EndpointRule::UserSupplied,
        region: RegionRule::Any { default: "us-east-1" },
        default_region: "us-east-1",
        regions: &["us-east-1"],
        path_style: true,
        checksum: ChecksumPolicy::WhenRequired,
        part_checksums: true,
        supports_acl: false,
        conditional_put: true,
        storage_classes: &["STANDARD", "REDUCED_REDUNDANCY"],
        min_part_size: 5 * MIB,
        max_parts: 10_000,
        bucket_min_len: 3,
        encryption: EncryptionSupport {
            sse_s3: SseSupport::Conditional {
                note: "MinIO encrypts with SSE-S3 only when a KMS is configured (MinIO KES, or MINIO_KMS_SECRET_KEY); without one it refuses the upload",
            },
            sse_kms: SseSupport::Conditional {
                note: "MinIO takes SSE-KMS only when a KMS is configured (MinIO KES) and holds the key named",
            },
            sse_c: SseSupport::Conditional { note: "MinIO takes SSE-C only over https://" },
            sse_c_needs_tls: true,
        },
        hint: "Use your MinIO server's URL, e.g. http://minio.internal:9000; the region is usually us-east-1.",
    },
    Provider {
        kind: ProviderKind::B2,
        id: "b2",
        label: "Backblaze B2",
        aliases: &["backblaze", "backblaze-b2"],
        endpoint: EndpointRule::FromRegion { template: "https://s3.{region}.backblazeb2.com" },
        region: RegionRule::MatchesEndpoint,
        default_region: "us-west-004",
        regions: B2_REGIONS,
        path_style: false,
        checksum: ChecksumPolicy::WhenRequired,
        part_checksums: false,
        supports_acl: false,
        conditional_put: false,
        storage_classes: &["STANDARD"],
        min_part_size: 5 * MIB,
        max_parts: 10_000,
        bucket_min_len: 6,
        encryption: EncryptionSupport {
            sse_s3: SseSupport::Supported,
            sse_kms: SseSupport::Unsupported { why: "Backblaze B2 has no KMS: it offers SSE-B2 (choose SSE-S3) and SSE-C" },
            sse_c: SseSupport::Supported,
            sse_c_needs_tls: false,
        },
        hint: "The region is the part of your bucket's S3 endpoint after `s3.`, e.g. us-west-004.",
    },
    Provider {
        kind: ProviderKind::Tigris,
        id: "tigris",
        label: "Tigris",
        aliases: &["fly", "tigris-data"],
        endpoint: EndpointRule::Fixed { url: "https://t3.storage.dev", legacy: &["https://fly.storage.tigris.dev"] },
        region: RegionRule::Auto,
        default_region: "auto",
        regions: &["auto"],
        path_style: false,
        checksum: ChecksumPolicy::WhenRequired,
        part_checksums: false,
        supports_acl: true,
        conditional_put: true,
        storage_classes: &["STANDARD", "STANDARD_IA", "GLACIER", "GLACIER_IR"],
        min_part_size: 5 * MIB,
        max_parts: 10_000,
        bucket_min_len: 3,
        encryption: UNKNOWN_ENCRYPTION,
        hint: "The endpoint is https://t3.storage.dev and the region is always `auto`.",
    },
    Provider {
        kind: ProviderKind::Custom,
        id: "custom",
        label: "S3-compatible",
        aliases: &["other", "s3-compatible", "generic"],
        endpoint: EndpointRule::UserSupplied,
        region: RegionRule::Any { default: "us-east-1" },
        default_region: "us-east-1",
        regions: &["us-east-1"],
        path_style: true,
        checksum: ChecksumPolicy::WhenRequired,
        part_checksums: false,
        supports_acl: true,
        conditional_put: false,
        storage_classes: &["STANDARD"],
        min_part_size: 5 * MIB,
        max_parts: 10_000,
        bucket_min_len: 3,
        encryption: UNKNOWN_ENCRYPTION,
        hint: "Any S3-compatible endpoint (Wasabi, Garage, Ceph, DigitalOcean Spaces…).",
    },
];

impl Provider {
    /// The endpoint this provider implies for the given settings, if any.
    /// `None` means the SDK's default (AWS) or that the user must supply one.
    pub fn derived_endpoint(&self, region: &str, account_id: &str) -> Option<String> {
        match self.endpoint {
            EndpointRule::AwsRegional | EndpointRule::UserSupplied => None,
            EndpointRule::FromAccount { template } => {
                let a = account_id.trim();
                (!a.is_empty()).then(|| template.replace("{account}", a))
            }
            EndpointRule::FromRegion { template } => {
                let r = region.trim();
                (!r.is_empty()).then(|| template.replace("{region}", r))
            }
            EndpointRule::Fixed { url, .. } => Some(url.to_string()),
        }
    }

    pub fn needs_user_endpoint(&self) -> bool {
        matches!(self.endpoint, EndpointRule::UserSupplied)
    }

    pub fn needs_account_id(&self) -> bool {
        matches!(self.endpoint, EndpointRule::FromAccount { .. })
    }
}

/// Guess the provider from an endpoint URL (used by import).
pub fn detect_from_endpoint(endpoint: &str) -> ProviderKind {
    let host = url::Url::parse(endpoint).ok().and_then(|u| u.host_str().map(str::to_ascii_lowercase)).unwrap_or_default();
    if host.ends_with(".r2.cloudflarestorage.com") {
        ProviderKind::R2
    } else if host.ends_with(".backblazeb2.com") {
        ProviderKind::B2
    } else if host == "t3.storage.dev" || host.ends_with(".tigris.dev") || host.ends_with(".storage.dev") {
        ProviderKind::Tigris
    } else if host.ends_with(".amazonaws.com") {
        ProviderKind::Aws
    } else {
        ProviderKind::Custom
    }
}

/// The account id inside an R2 endpoint, e.g. `abc123` from
/// `https://abc123.r2.cloudflarestorage.com`.
pub fn r2_account_from_endpoint(endpoint: &str) -> Option<String> {
    let u = url::Url::parse(endpoint).ok()?;
    let host = u.host_str()?.to_ascii_lowercase();
    host.strip_suffix(".r2.cloudflarestorage.com").map(|a| a.rsplit('.').next().unwrap_or(a).to_string())
}

/// The region inside a B2 endpoint, e.g. `us-west-004` from
/// `https://s3.us-west-004.backblazeb2.com`.
pub fn b2_region_from_endpoint(endpoint: &str) -> Option<String> {
    let u = url::Url::parse(endpoint).ok()?;
    let host = u.host_str()?.to_ascii_lowercase();
    let rest = host.strip_prefix("s3.")?;
    rest.strip_suffix(".backblazeb2.com").map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_row() {
        for k in ProviderKind::ALL {
            assert_eq!(PROVIDERS.iter().filter(|p| p.kind == k).count(), 1);
            assert_eq!(ProviderKind::parse(k.id()), Some(k));
        }
    }

    #[test]
    fn checksum_default_only_on_aws() {
        for p in PROVIDERS {
            let want = if p.kind == ProviderKind::Aws { ChecksumPolicy::WhenSupported } else { ChecksumPolicy::WhenRequired };
            assert_eq!(p.checksum, want, "{}", p.id);
        }
    }

    #[test]
    fn endpoints_derive() {
        let r2 = ProviderKind::R2.preset();
        assert_eq!(r2.derived_endpoint("auto", "abc123").as_deref(), Some("https://abc123.r2.cloudflarestorage.com"));
        let b2 = ProviderKind::B2.preset();
        assert_eq!(b2.derived_endpoint("us-west-004", "").as_deref(), Some("https://s3.us-west-004.backblazeb2.com"));
        assert_eq!(b2_region_from_endpoint("https://s3.eu-central-003.backblazeb2.com").as_deref(), Some("eu-central-003"));
        assert_eq!(r2_account_from_endpoint("https://abc.r2.cloudflarestorage.com").as_deref(), Some("abc"));
        assert_eq!(detect_from_endpoint("https://fly.storage.tigris.dev"), ProviderKind::Tigris);
        assert_eq!(detect_from_endpoint("http://127.0.0.1:9000"), ProviderKind::Custom);
    }
}
