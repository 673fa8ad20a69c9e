//! The requests that measure an endpoint, all on one key that already
//! holds an object (the connection test's probe object): the caller wrote
//! it and deletes it afterwards. Each request either overwrites that object
//! with a few bytes or is refused; nothing else in the bucket is touched.

use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use md5::{Digest, Md5};

use super::{Algorithm, Capabilities, ChecksumObservation, ChecksumSupport, ConditionalCreate, MultipartEtag};
use crate::encoding::{b64, hex};
use crate::s3::{Answer, Failure};

const BODY: &[u8] = b"Chute capability check. Safe to delete.\n";

/// Every observation, on `key` (which must hold an object).
pub async fn measure(client: &aws_sdk_s3::Client, bucket: &str, key: &str, fingerprint: String, now_ms: i64) -> Capabilities {
    let (conditional_create, conditional_answer) = measure_conditional_create(client, bucket, key).await;
    let mut checksums = Vec::with_capacity(Algorithm::ALL.len());
    for a in Algorithm::ALL {
        checksums.push(checksum(client, bucket, key, a).await);
    }
    let lists_uploads = lists_uploads(client, bucket, key).await;
    let multipart_etag = multipart_etag(client, bucket, key).await;
    Capabilities { fingerprint, measured_at: now_ms, conditional_create, conditional_answer, checksums, lists_uploads, multipart_etag }
}

/// Outside a connection test: write a probe object under the prefix,
/// measure on it (everything, or when `full` is false only what a delivery
/// relies on: the conditional create and CRC32C), and delete it. The write's refusal is returned as it came.
/// A probe object that cannot be deleted (credentials that may write but
/// not delete, which delivery does not need) is left behind.
pub async fn measure_with_own_object(
    client: &aws_sdk_s3::Client,
    s: &crate::destination::Settings,
    full: bool,
    now_ms: i64,
) -> Result<Capabilities, Answer> {
    let bucket = s.bucket.trim();
    let key = super::probe_key(s);
    client.put_object().bucket(bucket).key(&key).body(BODY.to_vec().into()).send().await.map_err(|e| Answer::of(&e))?;
    let observed = if full {
        measure(client, bucket, &key, super::fingerprint(s), now_ms).await
    } else {
        let (conditional_create, conditional_answer) = measure_conditional_create(client, bucket, &key).await;
        Capabilities {
            fingerprint: super::fingerprint(s),
            measured_at: now_ms,
            conditional_create,
            conditional_answer,
            // The one checksum delivery chooses by (CRC32C parts), one request.
            checksums: vec![checksum(client, bucket, &key, Algorithm::Crc32c).await],
            lists_uploads: None,
            multipart_etag: MultipartEtag::Unknown,
        }
    };
    let _ = delete_probe_object(client, bucket, &key).await;
    Ok(observed)
}

/// How many times a probe object's delete is asked before it is left behind.
const DELETE_ATTEMPTS: u32 = 5;

/// Delete a probe object, asking again (after 0.25, 0.5, 1, 2 s) while the
/// server answers busy (throttled or a 5xx, in the classifier's words) or
/// the connection breaks: a probe
/// measured while other requests keep the server busy (a delivery's
/// preview asking which keys exist) must not leave its object behind on a
/// lone refusal. Any other refusal (no permission to delete) or no answer
/// in time is returned at once.
pub async fn delete_probe_object(client: &aws_sdk_s3::Client, bucket: &str, key: &str) -> Result<(), Answer> {
    let mut pause = std::time::Duration::from_millis(250);
    let mut attempt = 1;
    loop {
        let Err(e) = client.delete_object().bucket(bucket).key(key).send().await else { return Ok(()) };
        let answer = Answer::of(&e);
        let busy = matches!(
            crate::s3::classify(&answer, crate::s3::Speaks::Unknown),
            Failure::Throttled | Failure::ServerError | Failure::ConnectionReset
        );
        if !busy || attempt == DELETE_ATTEMPTS {
            return Err(answer);
        }
        tokio::time::sleep(pause).await;
        pause *= 2;
        attempt += 1;
    }
}

/// A `PUT` with `If-None-Match: *` on `key`, which holds an object: refused
/// with 412 as it should be, stored anyway, or refused as unsupported.
pub async fn measure_conditional_create(client: &aws_sdk_s3::Client, bucket: &str, key: &str) -> (ConditionalCreate, String) {
    let put = client.put_object().bucket(bucket).key(key).if_none_match("*").body(BODY.to_vec().into()).send().await;
    match put {
        Ok(_) => (ConditionalCreate::Ignored, "accepted: the object was overwritten".into()),
        Err(e) => {
            let a = Answer::of(&e);
            let kind = match a.status {
                // 409 ConditionalRequestConflict: honoured, and raced by another writer.
                Some(412 | 409) => ConditionalCreate::Honoured,
                Some(501) => ConditionalCreate::Rejected,
                Some(400) if !auth_refusal(&a) => ConditionalCreate::Rejected,
                _ => ConditionalCreate::Unknown,
            };
            (kind, a.summary())
        }
    }
}

/// Refusals about the signature or the key, which say nothing about a header.
fn auth_refusal(a: &Answer) -> bool {
    matches!(a.code.as_deref(), Some("AuthorizationHeaderMalformed" | "SignatureDoesNotMatch" | "InvalidAccessKeyId" | "ExpiredToken"))
}

/// A checksum that cannot match the body: the right length, the wrong value.
fn wrong_value(a: Algorithm) -> String {
    use crc_fast::{checksum, CrcAlgorithm};
    let real: Vec<u8> = match a {
        Algorithm::Md5 => Md5::digest(BODY).to_vec(),
        Algorithm::Crc32 => (checksum(CrcAlgorithm::Crc32IsoHdlc, BODY) as u32).to_be_bytes().to_vec(),
        Algorithm::Crc32c => (checksum(CrcAlgorithm::Crc32Iscsi, BODY) as u32).to_be_bytes().to_vec(),
        Algorithm::Crc64nvme => checksum(CrcAlgorithm::Crc64Nvme, BODY).to_be_bytes().to_vec(),
        // (zeros flipped: all-ones, which a SHA of this body is not)
        Algorithm::Sha1 => vec![0; 20],
        Algorithm::Sha256 => vec![0; 32],
    };
    // Every byte of the body's own checksum flipped: never a match.
    b64(&real.iter().map(|b| !b).collect::<Vec<u8>>())
}

/// A `PUT` of the body with a deliberately wrong checksum `a`: refused as a
/// mismatch means the server verifies it.
async fn checksum(client: &aws_sdk_s3::Client, bucket: &str, key: &str, a: Algorithm) -> ChecksumObservation {
    let value = wrong_value(a);
    let req = client.put_object().bucket(bucket).key(key).body(BODY.to_vec().into());
    let req = match a {
        Algorithm::Md5 => req.content_md5(value),
        Algorithm::Crc32 => req.checksum_crc32(value),
        Algorithm::Crc32c => req.checksum_crc32_c(value),
        Algorithm::Crc64nvme => req.checksum_crc64_nvme(value),
        Algorithm::Sha1 => req.checksum_sha1(value),
        Algorithm::Sha256 => req.checksum_sha256(value),
    };
    let (support, answer) = match req.send().await {
        Ok(_) => (ChecksumSupport::Ignored, "accepted with a wrong value".to_string()),
        Err(e) => {
            let ans = Answer::of(&e);
            (classify_checksum_refusal(&ans), ans.summary())
        }
    };
    ChecksumObservation { algorithm: a, support, answer }
}

fn classify_checksum_refusal(a: &Answer) -> ChecksumSupport {
    let code = a.code.as_deref().unwrap_or_default();
    let message = a.message.as_deref().unwrap_or_default().to_ascii_lowercase();
    let mismatch = matches!(code, "BadDigest" | "InvalidDigest" | "XAmzContentChecksumMismatch" | "ChecksumMismatch")
        || (message.contains("checksum") && (message.contains("match") || message.contains("differ") || message.contains("calculated")));
    match a.status {
        Some(400) if mismatch => ChecksumSupport::Verified,
        Some(400 | 501) if !auth_refusal(a) => ChecksumSupport::Rejected,
        _ => ChecksumSupport::Unknown,
    }
}

async fn lists_uploads(client: &aws_sdk_s3::Client, bucket: &str, key: &str) -> Option<bool> {
    match client.list_multipart_uploads().bucket(bucket).prefix(key).max_uploads(1).send().await {
        Ok(_) => Some(true),
        Err(e) => match Answer::of(&e) {
            a if a.status == Some(501) || a.code.as_deref() == Some("NotImplemented") => Some(false),
            _ => None,
        },
    }
}

/// A one-part multipart upload of the body to `key`: is the ETag
/// `md5(md5(part))-1`? The upload is aborted if any step fails.
async fn multipart_etag(client: &aws_sdk_s3::Client, bucket: &str, key: &str) -> MultipartEtag {
    let Ok(created) = client.create_multipart_upload().bucket(bucket).key(key).send().await else {
        return MultipartEtag::Unknown;
    };
    let Some(upload_id) = created.upload_id().map(str::to_string) else {
        return MultipartEtag::Unknown;
    };
    let part_md5 = Md5::digest(BODY);
    let part = client
        .upload_part()
        .bucket(bucket)
        .key(key)
        .upload_id(&upload_id)
        .part_number(1)
        .content_md5(b64(&part_md5))
        .body(BODY.to_vec().into())
        .send()
        .await;
    let done = match part {
        Ok(p) => {
            let parts = CompletedMultipartUpload::builder()
                .parts(CompletedPart::builder().part_number(1).e_tag(p.e_tag().unwrap_or_default()).build())
                .build();
            client.complete_multipart_upload().bucket(bucket).key(key).upload_id(&upload_id).multipart_upload(parts).send().await.ok()
        }
        Err(_) => None,
    };
    let Some(done) = done else {
        let _ = client.abort_multipart_upload().bucket(bucket).key(key).upload_id(&upload_id).send().await;
        return MultipartEtag::Unknown;
    };
    let composite = hex(&Md5::digest(part_md5));
    match done.e_tag().map(|e| e.trim_matches('"').to_ascii_lowercase()) {
        Some(e) if e == format!("{composite}-1") => MultipartEtag::Md5OfParts,
        Some(_) => MultipartEtag::Opaque,
        None => MultipartEtag::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn refusal(status: u16, code: &str, message: &str) -> Answer {
        Answer { status: Some(status), code: Some(code.into()), message: Some(message.into()), ..Answer::default() }
    }

    #[test]
    fn a_mismatch_refusal_means_verified_and_others_do_not() {
        assert_eq!(
            classify_checksum_refusal(&refusal(400, "BadDigest", "The Content-MD5 you specified did not match")),
            ChecksumSupport::Verified
        );
        assert_eq!(
            classify_checksum_refusal(&refusal(
                400,
                "InvalidRequest",
                "Value for x-amz-checksum-crc32 header is invalid: checksum did not match the calculated"
            )),
            ChecksumSupport::Verified
        );
        assert_eq!(
            classify_checksum_refusal(&refusal(400, "InvalidArgument", "Unsupported header 'x-amz-checksum-sha1'")),
            ChecksumSupport::Rejected
        );
        assert_eq!(classify_checksum_refusal(&refusal(501, "NotImplemented", "")), ChecksumSupport::Rejected);
        assert_eq!(classify_checksum_refusal(&refusal(403, "AccessDenied", "")), ChecksumSupport::Unknown);
        assert_eq!(classify_checksum_refusal(&refusal(400, "SignatureDoesNotMatch", "")), ChecksumSupport::Unknown);
    }

    #[test]
    fn wrong_values_have_the_algorithm_s_length_and_never_the_body_s_md5() {
        let len = |a| base64::engine::general_purpose::STANDARD.decode(wrong_value(a)).unwrap().len();
        assert_eq!(
            [Algorithm::Md5, Algorithm::Crc32, Algorithm::Crc32c, Algorithm::Crc64nvme, Algorithm::Sha1, Algorithm::Sha256].map(len),
            [16, 4, 4, 8, 20, 32]
        );
        assert_ne!(wrong_value(Algorithm::Md5), b64(&Md5::digest(BODY)));
    }
}
