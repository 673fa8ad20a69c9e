//! Many objects described by a listing instead of a HEAD each:
//! ListObjectsV2 gives 1,000 keys a page with their sizes and ETags, which
//! settles a check whenever the ETag does (the one recorded at delivery,
//! or the MD5 or multipart ETag of the local bytes). An object the listing
//! does not verify (absent, different, encrypted so that its ETag is no
//! MD5) is still asked about on its own, so a listing only ever saves
//! requests: it never decides a difference. A server whose listing gives
//! no ETags, a refusal or an error leaves every object to its HEAD.
//!
//! The keys' common prefix is listed from just below the first key to the
//! last; where other objects crowd the range (more than twice the pages
//! the keys need), listing stops and the rest are asked about one by one.
//! The folder audit lists its prefix through the same pages (`each_page`).

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use aws_sdk_s3::error::SdkError;
use aws_sdk_s3::operation::list_objects_v2::{ListObjectsV2Error, ListObjectsV2Output};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

use super::model::{Checker, Expected};
use super::seen::Seen;

/// Fewer objects than this are asked about one by one.
const LIST_FROM: usize = 20;
/// Keys a page holds (the most S3 returns).
const PAGE: usize = 1000;

/// What the listing said, by key (only objects listed with an ETag).
pub(super) type Listed = HashMap<String, Seen>;

/// One listed object as a check reads it; `None` without an ETag.
pub(super) fn seen_of(o: &aws_sdk_s3::types::Object) -> Option<(String, Seen)> {
    let etag = o.e_tag()?.trim_matches('"').to_string();
    let seen = Seen { size: o.size().unwrap_or(0).max(0) as u64, etag: Some(etag), crc32c: None, encrypted: false };
    Some((o.key()?.to_string(), seen))
}

/// The longest prefix all `keys` share, cut at a character boundary.
fn common_prefix<'a>(keys: &[&'a str]) -> &'a str {
    let Some(first) = keys.first() else { return "" };
    let mut end = first.len();
    for k in &keys[1..] {
        end = end.min(first.bytes().zip(k.bytes()).take_while(|(a, b)| a == b).count());
    }
    while !first.is_char_boundary(end) {
        end -= 1;
    }
    &first[..end]
}

/// A failed ListObjectsV2 request.
pub(super) type ListError = SdkError<ListObjectsV2Error, HttpResponse>;

/// The pages listing the objects under `prefix` (after `start_after`), each
/// handed to `each` until it returns false, there are no more, or
/// `most_pages` were asked for; the first failure is returned.
pub(super) async fn each_page(
    c: &Checker,
    prefix: &str,
    start_after: Option<&str>,
    most_pages: usize,
    mut each: impl FnMut(&ListObjectsV2Output) -> bool,
) -> Result<(), ListError> {
    let mut token: Option<String> = None;
    for _ in 0..most_pages {
        let mut ask = c.client.list_objects_v2().bucket(&c.bucket).prefix(prefix).set_continuation_token(token.clone());
        if token.is_none() {
            ask = ask.set_start_after(start_after.map(str::to_string));
        }
        let page = ask.send().await?;
        let go_on = each(&page);
        match (page.is_truncated(), page.next_continuation_token()) {
            (Some(true), Some(t)) if go_on => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(())
}

/// The objects of `expected` as a listing of their range describes them;
/// empty where listing is not worth it or not possible (a server seen to
/// list no ETags is not listed again by the same checker).
pub(super) async fn describe(c: &Checker, expected: &[Expected]) -> Listed {
    let mut out = Listed::new();
    if expected.len() < LIST_FROM || !c.lists_etags.load(Ordering::Relaxed) {
        return out;
    }
    let mut keys: Vec<&str> = expected.iter().map(|e| e.key.as_str()).collect();
    keys.sort_unstable();
    let (first, last) = (keys[0], keys[keys.len() - 1]);
    // Listing starts after its argument: the first key without its last
    // character sorts just before it.
    let start_after = first.char_indices().last().map(|(i, _)| &first[..i]).filter(|s| !s.is_empty());
    let most_pages = keys.len().div_ceil(PAGE) * 2 + 1;
    let mut etags = true;
    // A failure leaves the objects not yet listed to their HEADs.
    let _ = each_page(c, common_prefix(&keys), start_after, most_pages, |page| {
        let objects = page.contents();
        // A server that lists no ETags: nothing to settle by listing.
        etags = objects.is_empty() || objects.iter().any(|o| o.e_tag().is_some());
        out.extend(objects.iter().filter_map(seen_of));
        let past_last = objects.last().and_then(|o| o.key()).is_some_and(|k| k >= last);
        etags && !past_last
    })
    .await;
    if !etags {
        c.lists_etags.store(false, Ordering::Relaxed);
        out.clear();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_prefix_stops_where_keys_part_and_at_a_character() {
        assert_eq!(common_prefix(&["in/a/1", "in/a/2", "in/b"]), "in/");
        assert_eq!(common_prefix(&["in/é1", "in/é2"]), "in/é");
        // 'é' (c3 a9) and 'è' (c3 a8) share a first byte, not a character.
        assert_eq!(common_prefix(&["in/é", "in/è"]), "in/");
        assert_eq!(common_prefix(&["a", "b"]), "");
        assert_eq!(common_prefix(&["same"]), "same");
    }

    #[test]
    fn a_listed_object_without_an_etag_says_nothing() {
        let o = aws_sdk_s3::types::Object::builder().key("k").size(3).build();
        assert!(seen_of(&o).is_none());
        let o = aws_sdk_s3::types::Object::builder().key("k").size(3).e_tag("\"abc\"").build();
        let (key, seen) = seen_of(&o).unwrap();
        assert_eq!((key.as_str(), seen.size, seen.etag.as_deref()), ("k", 3, Some("abc")));
    }
}
