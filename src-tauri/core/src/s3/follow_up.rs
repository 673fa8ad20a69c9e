//! A refused HEAD has no body, so no S3 code to tell a wrong key (or a
//! wrong SSE-C key) from a missing permission: ask again with a ranged GET
//! of the first byte, whose refusal has one, and keep the HEAD's status
//! and request id. Used by a delivery's look before writing and by the
//! receipts' checks alike.

use super::Answer;

/// `head` with the code a ranged GET of `key` is refused with, when the
/// HEAD's refusal had none (400 or 403 without a body).
pub async fn with_code(client: &aws_sdk_s3::Client, bucket: &str, key: &str, head: Answer) -> Answer {
    let bodiless = head.code.as_deref().is_none_or(|c| matches!(c, "Forbidden" | "BadRequest" | "NotFound"));
    if !bodiless || !matches!(head.status, Some(400 | 403)) {
        return head;
    }
    match client.get_object().bucket(bucket).key(key).range("bytes=0-0").send().await {
        Err(e) => head.completed_by(Answer::of(&e)),
        Ok(_) => head,
    }
}
