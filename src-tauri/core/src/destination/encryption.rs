//! Server-side encryption: whether the provider takes the kind chosen
//! (refused, taken where set up, or not known and left to the connection
//! test), a KMS key id that looks like one (and sits in the bucket's
//! region), and SSE-C's conditions: a customer key, and never over plain
//! http:// off this machine, where the key would travel in clear.

use super::hosts::is_loopback_host;
use super::model::{Encryption, Settings};
use super::problems::{Problems, SseKeyCheck};
use crate::provider::SseSupport;
use crate::report::Code;

pub(super) fn validate_encryption(p: &mut Problems, s: &Settings, key: &SseKeyCheck) {
    let preset = s.preset();
    let support = match s.encryption {
        Encryption::None => return,
        Encryption::SseS3 => preset.encryption.sse_s3,
        Encryption::SseKms => preset.encryption.sse_kms,
        Encryption::SseC => preset.encryption.sse_c,
    };
    let mode = s.encryption.label();
    match support {
        SseSupport::Supported => {}
        SseSupport::Conditional { note } => p.warn(
            "encryption",
            Code::EncryptionConditional,
            format!("{note}."),
            "Make sure the server is set up for it; the connection test writes its probe object with this encryption and says if it is refused.",
        ),
        SseSupport::Unsupported { why } => p.error(
            "encryption",
            Code::EncryptionUnsupported,
            format!("{} does not support {mode}: {why}.", preset.label),
            "Choose another encryption (or none: the bucket's default), or a provider that supports it.",
        ),
        SseSupport::Unknown => p.warn(
            "encryption",
            Code::EncryptionUnverified,
            format!("Chute does not know whether {} servers support {mode}.", preset.label),
            "Run the connection test: it writes its probe object with this encryption and checks that the server confirms it.",
        ),
    }
    match s.encryption {
        Encryption::SseKms => validate_kms_key_id(p, s),
        Encryption::SseC => validate_sse_c(p, s, key),
        _ => {}
    }
}

/// `arn:aws:kms:REGION:ACCOUNT:key/ID`, `arn:…:alias/NAME`, `alias/NAME`,
/// a key id (a UUID) or a multi-Region key id (`mrk-` and 32 hex digits).
fn validate_kms_key_id(p: &mut Problems, s: &Settings) {
    let id = s.kms_key_id.trim();
    if id.is_empty() {
        return;
    }
    let alias_ok = |a: &str| {
        a.strip_prefix("alias/").is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || "/_-".contains(c)))
    };
    let key_ok = |k: &str| is_uuid(k) || k.strip_prefix("mrk-").is_some_and(|h| h.len() == 32 && h.chars().all(|c| c.is_ascii_hexdigit()));
    let arn = id.strip_prefix("arn:").map(|rest| rest.splitn(5, ':').collect::<Vec<_>>());
    let (valid, region) = match &arn {
        Some(parts) if parts.len() == 5 && parts[1] == "kms" => {
            let resource = parts[4];
            let ok = resource.strip_prefix("key/").is_some_and(key_ok) || alias_ok(resource);
            (ok && !parts[2].is_empty() && parts[3].chars().all(|c| c.is_ascii_digit()), Some(parts[2]))
        }
        Some(_) => (false, None),
        None => (alias_ok(id) || key_ok(id), None),
    };
    if !valid {
        p.error(
            "kms_key_id",
            Code::KmsKeyIdFormat,
            format!("`{id}` is not a KMS key id, alias or ARN."),
            "Use the key's ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), its id (a UUID), an alias (alias/NAME), or leave it empty for the AWS-managed key.",
        );
        return;
    }
    let bucket_region = s.effective_region();
    if let Some(r) = region.filter(|r| s.provider == crate::provider::ProviderKind::Aws && *r != bucket_region) {
        p.error(
            "kms_key_id",
            Code::KmsKeyRegion,
            format!("The KMS key is in {r}, the bucket in {bucket_region}: S3 only uses a KMS key of the bucket's own region."),
            format!("Use a key (or a multi-Region replica) in {bucket_region}."),
        );
    }
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5 && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

fn validate_sse_c(p: &mut Problems, s: &Settings, key: &SseKeyCheck) {
    match key {
        SseKeyCheck::Unknown | SseKeyCheck::Present => {}
        SseKeyCheck::Missing => p.error(
            "sse_c_key",
            Code::SseCKeyMissing,
            "SSE-C needs a customer key, and none is kept for this destination.",
            "Enter the 32-byte key (base64 or 64 hex digits) or let Chute generate one, and keep a copy somewhere safe.",
        ),
        SseKeyCheck::Invalid { message, fix } => p.error("sse_c_key", Code::SseCKeyInvalid, message.clone(), fix.clone()),
    }
    let Some(url) = s.effective_endpoint().and_then(|e| url::Url::parse(&e).ok()) else { return };
    if url.scheme() != "http" {
        return;
    }
    let local = url.host().is_some_and(|h| is_loopback_host(&h));
    if !local {
        p.error(
            "encryption",
            Code::SseCOverHttp,
            "SSE-C over plain http:// would send the customer key in clear to another machine (and servers such as Amazon S3 and MinIO refuse it).",
            "Use the server's https:// endpoint, or another encryption.",
        );
    } else if s.preset().encryption.sse_c_needs_tls {
        p.error(
            "encryption",
            Code::SseCOverHttp,
            format!("{} refuses SSE-C over plain http://, even on this machine.", s.preset().label),
            "Serve the endpoint over https:// (a TLS certificate on the server), or choose another encryption.",
        );
    }
}
