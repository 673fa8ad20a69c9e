//! Many objects described by a listing instead of a HEAD each:
//! ListObjectsV2 gives 1,000 keys a page with their sizes and ETags, which
//! settles a check whenever the ETag does (the one recorded at delivery,
//! or the MD5 or multipart ETag of the local bytes). An object the listing
//! does not verify (absent, different, encrypted so that its ETag is no
//! MD5) is still asked about on its own, so a listing only ever saves
//! requests: it never decides a difference. A server whose listing gives
//! no ETags, a refusal or an error leaves every object to its HEAD.
//!
//! The keys' range is listed as `s3::listing::key_range` does; where other
//! objects crowd it, listing stops and the rest are asked about one by one.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use super::model::{Checker, Expected};
use super::seen::Seen;
use crate::s3::listing::key_range;

/// Fewer objects than this are asked about one by one.
const LIST_FROM: usize = 20;

/// What the listing said, by key (only objects listed with an ETag).
pub(super) type Listed = HashMap<String, Seen>;

/// One listed object as a check reads it; `None` without an ETag.
pub(super) fn seen_of(o: &aws_sdk_s3::types::Object) -> Option<(String, Seen)> {
    let etag = o.e_tag()?.trim_matches('"').to_string();
    let seen = Seen { size: o.size().unwrap_or(0).max(0) as u64, etag: Some(etag), crc32c: None, encrypted: false };
    Some((o.key()?.to_string(), seen))
}

/// The objects of `expected` as a listing of their range describes them;
/// empty where listing is not worth it or not possible (a server seen to
/// list no ETags, or to refuse or fail a listing, is not listed again by
/// the same checker).
pub(super) async fn describe(c: &Checker, expected: &[Expected]) -> Listed {
    let mut out = Listed::new();
    if expected.len() < LIST_FROM || !c.listing_helps.load(Ordering::Relaxed) {
        return out;
    }
    let mut keys: Vec<&str> = expected.iter().map(|e| e.key.as_str()).collect();
    keys.sort_unstable();
    let mut etags = true;
    // A failure leaves the objects not yet listed to their HEADs.
    let listed = key_range(&c.client, &c.bucket, &keys, |o| match seen_of(o) {
        Some((key, seen)) => {
            out.insert(key, seen);
            true
        }
        // A server that lists no ETags: nothing to settle by listing.
        None => {
            etags = false;
            false
        }
    })
    .await;
    if !etags || listed.is_err() {
        c.listing_helps.store(false, Ordering::Relaxed);
    }
    if !etags {
        out.clear();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_object_without_an_etag_says_nothing() {
        let o = aws_sdk_s3::types::Object::builder().key("k").size(3).build();
        assert!(seen_of(&o).is_none());
        let o = aws_sdk_s3::types::Object::builder().key("k").size(3).e_tag("\"abc\"").build();
        let (key, seen) = seen_of(&o).unwrap();
        assert_eq!((key.as_str(), seen.size, seen.etag.as_deref()), ("k", 3, Some("abc")));
    }
}
