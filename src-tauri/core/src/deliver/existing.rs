//! Which planned keys already hold an object, asked before anything is
//! sent, so the preview can say which files would meet existing objects
//! (and the person can choose new keys, overwrite or skip them) instead of
//! learning it from a failed delivery.
//!
//! Many keys are first looked for in a listing of their range (a page of
//! 1,000 keys for as many HEADs, see `s3::listing::key_range`); the keys a
//! listing did not reach (other objects crowding the range, a refusal)
//! get a HeadObject each, a few at a time. Credentials that may write but
//! not read (a prefix-scoped PutObject policy) cannot ask: the check then
//! says it could not tell, and delivery still never overwrites.

use std::collections::HashSet;

use serde::Serialize;
use tokio::task::JoinSet;

use super::Plan;
use crate::s3::listing::{key_range, Reached};

/// At most this many keys are asked about one by one; a larger batch
/// says how many were checked.
pub const CHECK_LIMIT: usize = 10_000;
const IN_FLIGHT: usize = 16;
/// Fewer keys than this are asked about one by one.
const LIST_FROM: usize = 20;

/// A planned file whose key holds an object already.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ExistingObject {
    /// The file's index in the plan.
    pub index: usize,
    pub key: String,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ExistingCheck {
    /// Keys looked for: all those a listing reached, and up to
    /// `CHECK_LIMIT` others, asked about one by one.
    pub checked: usize,
    /// The files whose key holds an object already, in plan order.
    pub existing: Vec<ExistingObject>,
    /// Set when the server would not say (e.g. no read permission): why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_checked: Option<String>,
}

enum Answer {
    Exists,
    Absent,
    Unknown(String),
}

async fn ask_one(client: &aws_sdk_s3::Client, bucket: &str, key: &str, sse_c: bool) -> Answer {
    match client.head_object().bucket(bucket).key(key).send().await {
        Ok(_) => Answer::Exists,
        Err(e) => match e.raw_response().map(|r| r.status().as_u16()) {
            Some(404) => Answer::Absent,
            // Asked with an SSE-C key: an object is there that this key does
            // not open (written without SSE-C, or with another key).
            Some(400) if sse_c => Answer::Exists,
            // S3 answers 403, not 404, for a key that holds nothing when the
            // credentials may not list the bucket: either permission is missing.
            Some(403) => Answer::Unknown(
                "these credentials may not read objects here or list the bucket (without s3:ListBucket, S3 answers 403 even where no object is), so Chute cannot see which already exist; allowing s3:GetObject and s3:ListBucket lets it".into(),
            ),
            Some(status) => Answer::Unknown(format!("the server answered {status} when asked")),
            None => Answer::Unknown(format!("the server could not be asked: {}", crate::report::error_chain(&e))),
        },
    }
}

/// The keys of the objects in the range of the plan's keys (as many as
/// the listing's bounded pages hold), and how far the listing got; nothing
/// where it failed (the keys are then asked about one by one).
async fn listed(client: &aws_sdk_s3::Client, bucket: &str, plan: &Plan) -> (HashSet<String>, Reached) {
    let mut keys: Vec<&str> = plan.files.iter().map(|f| f.key.as_str()).collect();
    keys.sort_unstable();
    let mut present = HashSet::new();
    let reached = key_range(client, bucket, &keys, |o| {
        present.extend(o.key().map(str::to_string));
        true
    })
    .await;
    match reached {
        Ok(reached) => (present, reached),
        Err(_) => (HashSet::new(), Reached::Nothing),
    }
}

/// Ask which of the plan's keys already exist in `bucket`.
/// `sse_c`: the client sends an SSE-C key on its HEADs.
pub async fn check(client: &aws_sdk_s3::Client, bucket: &str, plan: &Plan, sse_c: bool) -> ExistingCheck {
    let mut out = ExistingCheck::default();
    let (present, reached) =
        if plan.files.len() >= LIST_FROM { listed(client, bucket, plan).await } else { (HashSet::new(), Reached::Nothing) };
    let mut ask = Vec::new();
    for (i, f) in plan.files.iter().enumerate() {
        if reached.covers(&f.key) {
            out.checked += 1;
            if present.contains(&f.key) {
                out.existing.push(ExistingObject { index: i, key: f.key.clone() });
            }
        } else if ask.len() < CHECK_LIMIT {
            ask.push(i);
        }
    }
    out.checked += ask.len();
    let mut pending = ask.into_iter();
    let mut running = JoinSet::new();
    loop {
        while running.len() < IN_FLIGHT {
            let Some(i) = pending.next() else { break };
            let (client, bucket, key) = (client.clone(), bucket.to_string(), plan.files[i].key.clone());
            running.spawn(async move { (i, ask_one(&client, &bucket, &key, sse_c).await) });
        }
        let Some(joined) = running.join_next().await else { break };
        match joined {
            Ok((i, Answer::Exists)) => out.existing.push(ExistingObject { index: i, key: plan.files[i].key.clone() }),
            Ok((_, Answer::Absent)) => {}
            Ok((_, Answer::Unknown(why))) => {
                // One refusal means the rest would be refused alike: stop asking.
                running.abort_all();
                return ExistingCheck { checked: 0, existing: vec![], not_checked: Some(why) };
            }
            Err(e) => {
                running.abort_all();
                return ExistingCheck { checked: 0, existing: vec![], not_checked: Some(format!("the check stopped: {e}")) };
            }
        }
    }
    out.existing.sort_unstable_by_key(|e| e.index);
    out
}
