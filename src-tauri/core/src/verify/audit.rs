//! A local folder audited against the objects under a prefix, whoever
//! uploaded them: the folder's files (as a delivery would plan them, each
//! keyed `{prefix}{relpath}`) paired with a listing of the prefix
//! (ListObjectsV2, page by page). A file with its object is checked like a
//! receipt (size, then content; the listed ETag settles it where it can, else
//! a HEAD); a file with no object is missing
//! remotely; an object with no file is missing locally.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use super::listing::{seen_of, Listed};
use super::many::{check_described, VerifyProgress};
use super::model::{Checker, Expect, Expected, LocalFile, ObjectCheck};
use crate::deliver::Plan;
use crate::diagnose::receipt::{Against, Discrepancy};
use crate::report::{ErrorInfo, Verification};
use crate::s3::listing::each_page;
use crate::s3::{self, Answer, Failure, Speaks};

/// What auditing a folder against a prefix found.
#[derive(Debug, Clone, Serialize)]
pub struct Audit {
    pub folder: String,
    pub bucket: String,
    pub prefix: String,
    /// Local files compared (a delivery's ignored names and links left out).
    pub local_files: usize,
    /// Objects listed under the prefix.
    pub objects: usize,
    /// Objects not compared: folder markers (keys ending in `/`) and Chute's manifests.
    pub objects_left_out: usize,
    pub verified: usize,
    pub size_only: usize,
    /// Object and file differ in size or content.
    pub mismatched: usize,
    /// Files with no object.
    pub missing: usize,
    /// Objects with no file.
    pub missing_locally: usize,
    /// Could not be compared (a file unreadable, the server not answering).
    pub unchecked: usize,
    /// Every file and object, by key.
    pub results: Vec<ObjectCheck>,
}

impl Audit {
    /// Every file has its object with the same size (and content, where the
    /// server allows comparing it), and every object its file.
    pub fn all_verified(&self) -> bool {
        self.mismatched + self.missing + self.missing_locally + self.unchecked == 0
    }
}

/// The objects under `prefix` with their sizes, and as a check reads them
/// (where the listing gives their ETags); a refusal or failure in the
/// catalogue's words.
async fn list(c: &Checker, prefix: &str) -> Result<(BTreeMap<String, u64>, Listed), ErrorInfo> {
    let mut out = BTreeMap::new();
    let mut described = Listed::new();
    let listed = each_page(&c.client, &c.bucket, prefix, None, usize::MAX, |page| {
        for o in page.contents() {
            if let Some(key) = o.key() {
                out.insert(key.to_string(), o.size().unwrap_or(0).max(0) as u64);
            }
        }
        described.extend(page.contents().iter().filter_map(seen_of));
        true
    })
    .await;
    match listed {
        Ok(()) => Ok((out, described)),
        Err(e) => {
            let answer = Answer::of(&e);
            if s3::classify(&answer, Speaks::Unknown) == Failure::AccessDenied {
                return Err(ErrorInfo::new(
                    crate::report::Code::ReadDenied,
                    format!("Listing the objects under `{prefix}` was refused ({}).", answer.summary()),
                    "Grant these credentials s3:ListBucket on the bucket (for this prefix), then audit again.",
                ));
            }
            let f = c.failures.of(&format!("Listing the objects under `{prefix}`"), &e);
            Err(ErrorInfo::new(f.code, f.message, f.fix))
        }
    }
}

/// Audit the files of `plan` (made from `folder` with the key template
/// `{prefix}{relpath}`) against the objects under `prefix`. Objects under
/// `skip` (Chute's manifests) are left out.
pub async fn audit(
    checker: Arc<Checker>,
    plan: &Plan,
    folder: &Path,
    prefix: &str,
    skip: Option<&str>,
    on_progress: &mut (dyn FnMut(VerifyProgress) + Send),
) -> Result<Audit, ErrorInfo> {
    let (listed, described) = list(&checker, prefix).await?;
    let shown = folder.display().to_string();
    let against = |relpath: &str| Against::Folder { folder: shown.clone(), relpath: relpath.to_string() };
    let left_out = |k: &str| k.ends_with('/') || skip.is_some_and(|s| k.starts_with(s));
    let local_keys: HashSet<&str> = plan.files.iter().map(|f| f.key.as_str()).collect();
    let mut results = Vec::new();
    let mut expected = Vec::new();
    for (i, f) in plan.files.iter().enumerate() {
        if listed.contains_key(&f.key) {
            let local = LocalFile { path: f.source().into_owned(), size: f.size, mtime_ms: f.mtime_ms, sent_md5: None, part_sizes: vec![] };
            expected.push(Expected { index: i, key: f.key.clone(), expect: Expect::Local(local), against: against(&f.relpath) });
        } else {
            results.push(ObjectCheck::new(i, &f.key, Verification::Missing).differs(Discrepancy::Missing, &against(&f.relpath)));
        }
    }
    for (key, _) in listed.iter().filter(|(k, _)| !left_out(k) && !local_keys.contains(k.as_str())) {
        let relpath = key.strip_prefix(prefix).unwrap_or(key);
        results.push(
            ObjectCheck::new(results.len(), key, Verification::MissingLocally).differs(Discrepancy::MissingLocally, &against(relpath)),
        );
    }
    for p in &plan.problems {
        let relpath = p.path.strip_prefix(folder).unwrap_or(&p.path).to_string_lossy().replace('\\', "/");
        let error = crate::deliver::err(p.code, p.message.clone(), p.fix.clone());
        results.push(ObjectCheck {
            relpath: Some(relpath.clone()),
            error: Some(error),
            ..ObjectCheck::new(0, &format!("{prefix}{relpath}"), Verification::Unchecked)
        });
    }
    results.extend(check_described(checker.clone(), expected, Some(described), None, on_progress).await);
    for r in &mut results {
        if r.relpath.is_none() {
            r.relpath = Some(r.key.strip_prefix(prefix).unwrap_or(&r.key).to_string());
        }
    }
    results.sort_by(|a, b| a.key.cmp(&b.key));
    let count = |s: Verification| results.iter().filter(|r| r.state == s).count();
    Ok(Audit {
        folder: shown,
        bucket: checker.bucket.clone(),
        prefix: prefix.to_string(),
        local_files: plan.files.len() + plan.problems.len(),
        objects: listed.len(),
        objects_left_out: listed.keys().filter(|k| left_out(k)).count(),
        verified: count(Verification::Verified),
        size_only: count(Verification::SizeOnly),
        mismatched: count(Verification::Mismatch),
        missing: count(Verification::Missing),
        missing_locally: count(Verification::MissingLocally),
        unchecked: count(Verification::Unchecked),
        results,
    })
}
