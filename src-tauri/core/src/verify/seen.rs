//! What the server says about an object: its size, its ETag, its
//! CRC32C checksum (HEAD with checksum mode on) and whether it is encrypted
//! so that its ETag is no MD5, nothing when there is no
//! object at the key; and, for a multipart object whose part size is not
//! known, the size of its first part, from GetObjectAttributes where the
//! server supports it, else from a HEAD of part 1.

use std::sync::atomic::{AtomicBool, Ordering};

use aws_sdk_s3::types::{ChecksumMode, ObjectAttributes};

use crate::deliver::{Failures, FileError};
use crate::diagnose::receipt::read_denied;
use crate::s3::{self, Answer, Failure, Speaks};

/// An object as the server describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Seen {
    pub size: u64,
    /// Without its quotes.
    pub etag: Option<String>,
    /// Base64, `-N` after it for a composite (multipart) checksum.
    pub crc32c: Option<String>,
    /// The server says the object is encrypted with SSE-KMS or SSE-C, whose
    /// ETags are not the MD5 of the bytes.
    pub encrypted: bool,
}

/// Why the server could not say.
pub(super) enum NotSeen {
    /// These credentials may not read objects here: the rest would be refused alike.
    Refused(FileError),
    Failed(FileError),
}

/// HEAD `key`: `None` when there is no object there (404).
pub(super) async fn head(client: &aws_sdk_s3::Client, bucket: &str, key: &str, failures: &Failures) -> Result<Option<Seen>, NotSeen> {
    match client.head_object().bucket(bucket).key(key).checksum_mode(ChecksumMode::Enabled).send().await {
        Ok(o) => Ok(Some(Seen {
            size: o.content_length().unwrap_or(0).max(0) as u64,
            etag: o.e_tag().map(|e| e.trim_matches('"').to_string()),
            crc32c: o.checksum_crc32_c().map(str::to_string),
            encrypted: o.sse_customer_algorithm().is_some()
                || o.server_side_encryption().is_some_and(|e| e.as_str().starts_with("aws:kms")),
        })),
        Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 404) => Ok(None),
        Err(e) => {
            // A HEAD's refusal has no code: asked again, a wrong SSE-C key or key id is named as such.
            let answer = s3::with_code(client, bucket, key, Answer::of(&e)).await;
            match s3::classify(&answer, Speaks::Unknown) {
                Failure::AccessDenied => Err(NotSeen::Refused(FileError::from_diagnosis(read_denied(&answer.summary())))),
                _ => Err(NotSeen::Failed(failures.of_answer(&format!("Checking `{key}`"), &answer))),
            }
        }
    }
}

/// The size of the first part of the multipart object at `key`, where the
/// server tells it. `attributes` is cleared once the server answers that it
/// does not support GetObjectAttributes, so it is asked once per run.
pub(super) async fn first_part_size(
    client: &aws_sdk_s3::Client,
    bucket: &str,
    key: &str,
    size: u64,
    attributes: &AtomicBool,
) -> Option<u64> {
    if attributes.load(Ordering::Relaxed) {
        let asked = client
            .get_object_attributes()
            .bucket(bucket)
            .key(key)
            .object_attributes(ObjectAttributes::ObjectParts)
            .max_parts(1)
            .send()
            .await;
        match asked {
            Ok(out) => {
                let first = out.object_parts().and_then(|p| p.parts().first()).and_then(|p| p.size());
                if let Some(n) = first.filter(|n| *n > 0) {
                    return Some(n as u64);
                }
            }
            Err(e) => {
                let status = e.raw_response().map(|r| r.status().as_u16());
                if matches!(status, Some(400 | 405 | 501)) {
                    attributes.store(false, Ordering::Relaxed);
                }
            }
        }
    }
    let part = client.head_object().bucket(bucket).key(key).part_number(1).send().await.ok()?;
    let n = part.content_length()?.max(0) as u64;
    // A server that ignores partNumber answers with the whole object.
    (part.parts_count().is_some_and(|c| c > 1) && n > 0 && n < size).then_some(n)
}
