//! What an endpoint was seen to do, not what its provider preset assumes:
//! whether it honours a conditional create (`If-None-Match: *`), which
//! checksums it verifies, whether it lists multipart uploads, and how it
//! forms a multipart object's ETag. Measured by the connection test (and
//! before a first delivery that relies on it), kept with the destination,
//! and valid only for the endpoint it was measured on (`fingerprint`).

mod measure;

use serde::{Deserialize, Serialize};

use crate::destination::Settings;

pub use measure::{delete_probe_object, measure, measure_conditional_create, measure_with_own_object};

/// What a conditional create (`PUT` with `If-None-Match: *` on a key that
/// holds an object) did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionalCreate {
    /// Refused with 412: "never overwrite" can be atomic here.
    Honoured,
    /// Accepted and overwritten: the header is silently ignored.
    Ignored,
    /// Refused as unsupported (400/501 naming the header).
    Rejected,
    /// Could not be told (the request was refused for another reason).
    Unknown,
}

/// A checksum algorithm a request can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    /// `Content-MD5`.
    Md5,
    Crc32,
    Crc32c,
    Crc64nvme,
    Sha1,
    Sha256,
}

impl Algorithm {
    pub const ALL: [Algorithm; 6] =
        [Algorithm::Md5, Algorithm::Crc32, Algorithm::Crc32c, Algorithm::Crc64nvme, Algorithm::Sha1, Algorithm::Sha256];

    pub fn label(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Crc32 => "CRC32",
            Algorithm::Crc32c => "CRC32C",
            Algorithm::Crc64nvme => "CRC64NVME",
            Algorithm::Sha1 => "SHA-1",
            Algorithm::Sha256 => "SHA-256",
        }
    }
}

/// What the endpoint did with a deliberately wrong checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChecksumSupport {
    /// Refused as a mismatch: it checks what it receives.
    Verified,
    /// Stored anyway: the header is accepted but not checked.
    Ignored,
    /// Refused as unsupported.
    Rejected,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecksumObservation {
    pub algorithm: Algorithm,
    pub support: ChecksumSupport,
    /// What the server answered (`HTTP 400 BadDigest`, `accepted`).
    pub answer: String,
}

/// How a completed multipart upload's ETag is formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MultipartEtag {
    /// `md5(part md5s…)-N`, as AWS: recomputable from the parts.
    Md5OfParts,
    /// Anything else: says nothing about the content.
    Opaque,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    /// The endpoint measured (see [`fingerprint`]); another one makes these unknown.
    pub fingerprint: String,
    /// When, in Unix milliseconds.
    pub measured_at: i64,
    pub conditional_create: ConditionalCreate,
    /// What the server answered the conditional create.
    pub conditional_answer: String,
    /// Per algorithm, in [`Algorithm::ALL`]'s order; empty when only the
    /// conditional create was measured (before a first delivery).
    #[serde(default)]
    pub checksums: Vec<ChecksumObservation>,
    /// Whether ListMultipartUploads works (`None`: not measured or refused).
    #[serde(default)]
    pub lists_uploads: Option<bool>,
    #[serde(default = "unknown_etag")]
    pub multipart_etag: MultipartEtag,
}

fn unknown_etag() -> MultipartEtag {
    MultipartEtag::Unknown
}

/// A new key for a probe object under the destination's prefix.
pub fn probe_key(s: &Settings) -> String {
    format!("{}chute-probe-{}.txt", s.prefix, &uuid::Uuid::new_v4().simple().to_string()[..12])
}

/// The endpoint a measurement belongs to: provider, endpoint, region,
/// bucket and addressing. A destination edited to another of these must be
/// measured again before its observations are relied on.
pub fn fingerprint(s: &Settings) -> String {
    format!(
        "{}|{}|{}|{}|{}",
        s.provider.id(),
        s.effective_endpoint().unwrap_or_default(),
        s.region.trim(),
        s.bucket.trim(),
        if s.path_style { "path" } else { "virtual" }
    )
}

impl Capabilities {
    /// These observations, if they were made on `s`'s endpoint.
    pub fn for_settings(self, s: &Settings) -> Option<Capabilities> {
        (self.fingerprint == fingerprint(s)).then_some(self)
    }

    /// "Never overwrite" may rely on `If-None-Match: *`.
    pub fn conditional_put(&self) -> bool {
        self.conditional_create == ConditionalCreate::Honoured
    }

    pub fn checksum(&self, a: Algorithm) -> Option<ChecksumSupport> {
        self.checksums.iter().find(|c| c.algorithm == a).map(|c| c.support)
    }

    /// Whether multipart parts should carry CRC32C: where it was seen to be
    /// verified; where it was seen not to be, MD5 (Content-MD5) instead;
    /// unmeasured, what the provider preset says.
    pub fn part_checksums(&self, s: &Settings) -> bool {
        match self.checksum(Algorithm::Crc32c) {
            Some(ChecksumSupport::Verified) => true,
            Some(_) => false,
            None => s.preset().part_checksums,
        }
    }

    /// The checksums the server was seen to verify.
    pub fn verified(&self) -> Vec<Algorithm> {
        self.checksums.iter().filter(|c| c.support == ChecksumSupport::Verified).map(|c| c.algorithm).collect()
    }

    /// One line: "conditional create honoured; verifies MD5, CRC32C; lists
    /// multipart uploads; multipart ETags are MD5s of the parts".
    pub fn summary(&self) -> String {
        let mut out = vec![format!(
            "conditional create {}",
            match self.conditional_create {
                ConditionalCreate::Honoured => "honoured",
                ConditionalCreate::Ignored => "ignored (overwrites)",
                ConditionalCreate::Rejected => "not supported",
                ConditionalCreate::Unknown => "not known",
            }
        )];
        if !self.checksums.is_empty() {
            let verified: Vec<&str> = self.verified().iter().map(|a| a.label()).collect();
            out.push(if verified.is_empty() { "verifies no checksum".into() } else { format!("verifies {}", verified.join(", ")) });
        }
        match self.lists_uploads {
            Some(true) => out.push("lists multipart uploads".into()),
            Some(false) => out.push("cannot list multipart uploads".into()),
            None => {}
        }
        match self.multipart_etag {
            MultipartEtag::Md5OfParts => out.push("multipart ETags are MD5s of the parts".into()),
            MultipartEtag::Opaque => out.push("multipart ETags are opaque".into()),
            MultipartEtag::Unknown => {}
        }
        out.join("; ")
    }
}

/// How "never overwrite" is kept at a destination, for the preview and the
/// destination's details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverwriteGuard {
    /// The server refuses the write atomically (`If-None-Match: *` honoured).
    Atomic,
    /// Seen not to honour it: Chute looks before each write, which another
    /// writer could race.
    CheckFirst,
    /// Not measured on this endpoint yet: the first delivery measures it.
    Unknown,
}

impl OverwriteGuard {
    pub fn of(c: Option<&Capabilities>) -> OverwriteGuard {
        match c.map(|c| c.conditional_create) {
            Some(ConditionalCreate::Honoured) => OverwriteGuard::Atomic,
            Some(ConditionalCreate::Unknown) | None => OverwriteGuard::Unknown,
            Some(_) => OverwriteGuard::CheckFirst,
        }
    }
}
