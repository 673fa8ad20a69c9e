//! ListObjectsV2, page by page: the objects under a prefix (the folder
//! audit), or those of a set of keys, listed from just below the first to
//! the last of them within the prefix they share, so that one request of
//! up to 1,000 keys stands for as many HEADs (the preview's look for
//! existing objects, the check of delivered objects, a re-check). Where
//! other objects crowd the range (more than twice the pages the keys
//! need), listing stops, and the listing says how far it got: the keys
//! beyond are left to be asked about one by one.

use aws_sdk_s3::error::SdkError;
use aws_sdk_s3::operation::list_objects_v2::{ListObjectsV2Error, ListObjectsV2Output};
use aws_sdk_s3::types::Object;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

/// Keys a page holds (the most S3 returns).
pub const PAGE: usize = 1000;

/// A failed ListObjectsV2 request.
pub type ListError = SdkError<ListObjectsV2Error, HttpResponse>;

/// The pages listing the objects under `prefix` (after `start_after`), each
/// handed to `each` until it returns false, there are no more, or
/// `most_pages` were asked for; the first failure is returned.
pub async fn each_page(
    client: &aws_sdk_s3::Client,
    bucket: &str,
    prefix: &str,
    start_after: Option<&str>,
    most_pages: usize,
    mut each: impl FnMut(&ListObjectsV2Output) -> bool,
) -> Result<(), ListError> {
    let mut token: Option<String> = None;
    for _ in 0..most_pages {
        let mut ask = client.list_objects_v2().bucket(bucket).prefix(prefix).set_continuation_token(token.clone());
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

/// How far a listing of a set of keys got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reached {
    /// Every key of the set was in range: one not listed has no object.
    All,
    /// Listed up to this key (included); keys after it were not seen.
    Through(String),
    /// Stopped by the caller, or nothing was listed.
    Nothing,
}

impl Reached {
    /// Whether the listing saw where `key` would be.
    pub fn covers(&self, key: &str) -> bool {
        match self {
            Reached::All => true,
            Reached::Through(last) => key <= last.as_str(),
            Reached::Nothing => false,
        }
    }
}

/// List the objects in the range of `keys` (sorted, at least one), each
/// object handed to `each` until it returns false.
pub async fn key_range(
    client: &aws_sdk_s3::Client,
    bucket: &str,
    keys: &[&str],
    mut each: impl FnMut(&Object) -> bool,
) -> Result<Reached, ListError> {
    let (first, last) = (keys[0], keys[keys.len() - 1]);
    // Listing starts after its argument: the first key without its last
    // character sorts just before it.
    let start_after = first.char_indices().last().map(|(i, _)| &first[..i]).filter(|s| !s.is_empty());
    let most_pages = keys.len().div_ceil(PAGE) * 2 + 1;
    let mut reached = Reached::Nothing;
    each_page(client, bucket, common_prefix(keys), start_after, most_pages, |page| {
        for o in page.contents() {
            if !each(o) {
                reached = Reached::Nothing;
                return false;
            }
        }
        let listed_last = page.contents().last().and_then(|o| o.key());
        let more = page.is_truncated() == Some(true) && page.next_continuation_token().is_some();
        match listed_last {
            Some(k) if k >= last => reached = Reached::All,
            _ if !more => reached = Reached::All,
            Some(k) => reached = Reached::Through(k.to_string()),
            None => {}
        }
        reached != Reached::All
    })
    .await?;
    Ok(reached)
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
    fn a_listing_covers_the_keys_up_to_where_it_got() {
        assert!(Reached::All.covers("zzz"));
        let through = Reached::Through("in/m".into());
        assert!(through.covers("in/a") && through.covers("in/m") && !through.covers("in/n"));
        assert!(!Reached::Nothing.covers("in/a"));
    }
}
