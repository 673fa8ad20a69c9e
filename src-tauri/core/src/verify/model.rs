//! What checking an object works with: what it should be (`Expected`),
//! how it was found to be so (`Basis`), the result (`ObjectCheck`), and
//! what one run of checks shares (`Checker`, its requests made by check.rs).

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

use serde::Serialize;

use crate::deliver::{Failures, FileError};
use crate::destination::Settings;
use crate::diagnose::receipt::{diagnosis, Against, Discrepancy};
use crate::report::Verification;

/// What an object should be.
#[derive(Debug, Clone)]
pub struct Expected {
    /// The file's index in its batch (or its place in an audit).
    pub index: usize,
    pub key: String,
    pub expect: Expect,
    /// Where the file came from, for the fix of a difference.
    pub against: Against,
}

#[derive(Debug, Clone)]
pub enum Expect {
    /// The bytes of a local file: the one sent, or one of an audited folder.
    Local(LocalFile),
    /// What was recorded when the object was delivered.
    Recorded { size: u64, etag: Option<String> },
}

#[derive(Debug, Clone)]
pub struct LocalFile {
    pub path: PathBuf,
    pub size: u64,
    /// As planned; a file whose size or time changed since is not hashed.
    pub mtime_ms: i64,
    /// The MD5 of what was sent, worked out while sending: hex, or the
    /// multipart form `hex-N`.
    pub sent_md5: Option<String>,
    /// The part sizes it was uploaded with, or may have been (a resumed
    /// upload: the recorded one, else Chute's); empty when not known.
    pub part_sizes: Vec<u64>,
}

/// How an object was found to be what it should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Its ETag is the MD5 of the local bytes.
    Etag,
    /// Its multipart ETag is the one the local bytes give for its part size.
    MultipartEtag,
    /// Its CRC32C checksum (whole or composite) is the local bytes'.
    Crc32c,
    /// Only its size could be compared.
    Size,
    /// Its size and ETag are those recorded when it was delivered.
    Recorded,
}

/// What checking one object found.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectCheck {
    #[serde(skip)]
    pub index: usize,
    pub key: String,
    /// The local file's path inside an audited folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relpath: Option<String>,
    pub state: Verification,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<Basis>,
    /// The object's size and ETag, as the server gave them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// Why only the size could be compared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A difference's diagnosis, or why the object could not be checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<FileError>,
}

impl ObjectCheck {
    pub fn new(index: usize, key: &str, state: Verification) -> ObjectCheck {
        ObjectCheck { index, key: key.to_string(), relpath: None, state, basis: None, size: None, etag: None, note: None, error: None }
    }

    pub(super) fn verified(mut self, basis: Basis) -> ObjectCheck {
        self.state = Verification::Verified;
        self.basis = Some(basis);
        self
    }

    pub(super) fn size_only(mut self, note: impl Into<String>) -> ObjectCheck {
        self.state = Verification::SizeOnly;
        self.basis = Some(Basis::Size);
        self.note = Some(note.into());
        self
    }

    pub(super) fn unchecked(mut self, error: FileError) -> ObjectCheck {
        self.state = Verification::Unchecked;
        self.error = Some(error);
        self
    }

    /// The object differs as `d` says: a failure with its diagnosis.
    pub fn differs(mut self, d: Discrepancy, against: &Against) -> ObjectCheck {
        self.state = match d {
            Discrepancy::Size { .. } | Discrepancy::Content { .. } => Verification::Mismatch,
            Discrepancy::Changed { .. } => Verification::Changed,
            Discrepancy::Missing => Verification::Missing,
            Discrepancy::MissingLocally => Verification::MissingLocally,
        };
        self.error = Some(FileError::from_diagnosis(diagnosis(&self.key, &d, against)));
        self
    }
}

/// What one run of checks shares.
pub struct Checker {
    pub(super) client: aws_sdk_s3::Client,
    pub(super) bucket: String,
    pub(super) failures: Failures,
    /// The part size Chute gives a file of this size (its own uploads).
    part_rule: (u64, u64, u32),
    /// Set once the server refused to describe an object: the rest would
    /// be refused alike, so they are not asked about.
    pub(super) refused: Mutex<Option<FileError>>,
    /// Cleared once the server says it has no GetObjectAttributes.
    pub(super) attributes: AtomicBool,
    /// Cleared once a listing came back without ETags or failed (refused
    /// to credentials without s3:ListBucket, say): such listings settle
    /// nothing, so this run of checks lists no more.
    pub(super) listing_helps: AtomicBool,
    /// The destination encrypts with SSE-KMS or SSE-C: its objects' ETags
    /// are not MD5s, whatever the server says on a HEAD.
    pub(super) encrypted: bool,
}

impl Checker {
    pub fn new(client: aws_sdk_s3::Client, settings: &Settings, anonymous: bool) -> Checker {
        let preset = settings.preset();
        Checker {
            client,
            bucket: settings.bucket.clone(),
            failures: Failures::new(settings, anonymous),
            part_rule: (preset.min_part_size, crate::deliver::TransferOptions::default().min_part_size, preset.max_parts),
            refused: Mutex::new(None),
            attributes: AtomicBool::new(true),
            listing_helps: AtomicBool::new(true),
            encrypted: settings.encryption.hides_md5(),
        }
    }

    /// The part size Chute uploads a file of `size` bytes with, with parts of at least `min_part_size`.
    pub fn chute_part_size(&self, size: u64, min_part_size: Option<u64>) -> u64 {
        let (provider_min, ours, max_parts) = self.part_rule;
        crate::deliver::part_size(size, provider_min, min_part_size.unwrap_or(ours), max_parts)
    }
}
