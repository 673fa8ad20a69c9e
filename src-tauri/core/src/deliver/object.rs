//! Writing an object: its attributes (headers, metadata, tags, storage
//! class, ACL) on every upload request, what an upload's end means, the
//! ETag check, and cleaning up after an upload that cannot stand.

use aws_sdk_s3::error::SdkError;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

use super::shared::Shared;
use crate::destination::Settings;
use crate::s3::Answer;

pub(super) enum Sent {
    /// `parts_checked`: every part's CRC32C was verified by the server as it
    /// was sent (the endpoint was seen to verify CRC32C).
    Done {
        etag: Option<String>,
        version_id: Option<String>,
        md5: Option<String>,
        parts_checked: bool,
    },
    Exists,
    Cancelled,
}

/// The destination's object attributes (content headers, Expires, storage
/// class, ACL, metadata, tags) on a PutObject or CreateMultipartUpload
/// request: both builders name them alike, so one list serves both.
macro_rules! with_object_attributes {
    ($b:expr, $s:expr) => {{
        let (mut b, s) = ($b, $s);
        let h = &s.headers;
        let opt = |v: &str| (!v.trim().is_empty()).then(|| v.trim().to_string());
        b = b.set_cache_control(opt(&h.cache_control)).set_content_disposition(opt(&h.content_disposition));
        b = b.set_content_encoding(opt(&h.content_encoding)).set_content_language(opt(&h.content_language));
        if let Some(exp) =
            opt(&h.expires).and_then(|e| aws_smithy_types::DateTime::from_str(&e, aws_smithy_types::date_time::Format::HttpDate).ok())
        {
            b = b.expires(exp);
        }
        if !s.storage_class.trim().is_empty() {
            b = b.storage_class(s.storage_class.trim().into());
        }
        if !s.acl.trim().is_empty() {
            b = b.acl(s.acl.trim().into());
        }
        for (k, v) in &s.metadata {
            b = b.metadata(k, v);
        }
        if !s.tags.is_empty() {
            b = b.tagging($crate::deliver::object::tagging(s));
        }
        b
    }};
}
pub(super) use with_object_attributes;

pub(super) fn tagging(s: &Settings) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in &s.tags {
        q.append_pair(k, v);
    }
    q.finish()
}

pub(super) fn etag_matches(etag: Option<&str>, md5_hex: &str) -> bool {
    match etag.map(|e| e.trim_matches('"')) {
        // A plain MD5 ETag must match; others (SSE-KMS, multipart, providers' own) cannot be compared.
        Some(e) if e.len() == 32 && e.chars().all(|c| c.is_ascii_hexdigit()) => e.eq_ignore_ascii_case(md5_hex),
        _ => true,
    }
}

/// 412 Precondition Failed and 304 Not Modified both mean "already exists"
/// for `If-None-Match: *`, depending on the server.
pub(super) fn is_precondition<E>(e: &SdkError<E, HttpResponse>) -> bool {
    e.raw_response().is_some_and(|r| matches!(r.status().as_u16(), 412 | 304))
}

/// The object at `key` if `is_ours` accepts its ETag: (ETag, version id).
pub(super) async fn own_object(sh: &Shared, index: usize, key: &str, is_ours: impl Fn(&str) -> bool) -> Option<(String, Option<String>)> {
    let head = sh.client.head_object().bucket(&sh.settings.bucket).key(key).customize().interceptor(sh.counter(index)).send().await.ok()?;
    let etag = head.e_tag()?.to_string();
    is_ours(&etag).then(|| (etag, head.version_id().map(str::to_string)))
}

/// Delete an object this delivery wrote with the wrong bytes (its version
/// where the bucket keeps versions), so no corrupt object stays at the key.
pub(super) async fn remove_written(sh: &Shared, index: usize, key: &str, version_id: Option<&str>) {
    let _ = sh
        .client
        .delete_object()
        .bucket(&sh.settings.bucket)
        .key(key)
        .set_version_id(version_id.map(str::to_string))
        .customize()
        .interceptor(sh.counter(index))
        .send()
        .await;
}

/// A refused HEAD's answer with the code a ranged GET is refused with (see `s3::with_code`).
pub(super) async fn with_code(sh: &Shared, key: &str, head: Answer) -> Answer {
    crate::s3::with_code(&sh.client, &sh.settings.bucket, key, head).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags() {
        assert!(etag_matches(Some("\"900150983cd24fb0d6963f7d28e17f72\""), "900150983cd24fb0d6963f7d28e17f72"));
        assert!(!etag_matches(Some("\"00000000000000000000000000000000\""), "900150983cd24fb0d6963f7d28e17f72"));
        assert!(etag_matches(Some("\"abc-3\""), "900150983cd24fb0d6963f7d28e17f72"), "not comparable");
    }
}
