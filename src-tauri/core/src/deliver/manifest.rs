//! After a batch, for destinations that ask for it: a manifest object that
//! lists every object the batch delivered with its size and MD5, in the
//! shape Redshift's `COPY … MANIFEST` reads (`entries[{url, mandatory,
//! meta.content_length}]`; the other keys are ignored by COPY), then a
//! `_SUCCESS` marker, written last and only when every file landed, so a
//! loader that waits for the marker never reads half a batch. Both are
//! under `{prefix}_manifests/{batch id}/`, a place no other batch writes,
//! and sent with `If-None-Match: *` where the server honours it.

use aws_sdk_s3::primitives::ByteStream;
use serde::Serialize;

use super::failure::Failures;
use super::BatchSummary;
use crate::destination::Settings;

pub const MARKER: &str = "_SUCCESS";

/// What was written after the batch, and why not the rest.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct ManifestOutcome {
    pub manifest_key: Option<String>,
    pub marker_key: Option<String>,
    /// Why no manifest or no marker was written, if one was not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Where a batch's manifest and marker go.
pub fn keys(settings: &Settings, batch_id: &str) -> (String, String) {
    let folder = format!("{}_manifests/{batch_id}/", settings.prefix);
    (format!("{folder}manifest.json"), format!("{folder}{MARKER}"))
}

/// One object the manifest lists: its key, its size as sent and its MD5.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestEntry {
    pub key: String,
    pub size: u64,
    pub md5: Option<String>,
}

/// The manifest's JSON for the objects a batch of `files` delivered.
pub fn manifest_json(settings: &Settings, batch_id: &str, delivered: &[ManifestEntry], files: usize) -> Option<Vec<u8>> {
    if delivered.is_empty() {
        return None;
    }
    let entries: Vec<serde_json::Value> = delivered
        .iter()
        .map(|e| {
            serde_json::json!({
                "url": format!("s3://{}/{}", settings.bucket, e.key),
                "mandatory": true,
                "meta": { "content_length": e.size, "content_md5": e.md5 },
            })
        })
        .collect();
    let doc = serde_json::json!({ "entries": entries, "chute": { "batch_id": batch_id, "files": files } });
    serde_json::to_vec_pretty(&doc).ok()
}

/// Write the manifest, then (only if every file of the batch landed and
/// none was refused) the marker. `conditional`: the endpoint was seen to
/// honour `If-None-Match: *`, so neither can replace an object by accident.
#[allow(clippy::too_many_arguments)]
pub async fn write(
    client: &aws_sdk_s3::Client,
    settings: &Settings,
    anonymous: bool,
    batch_id: &str,
    delivered: &[ManifestEntry],
    summary: &BatchSummary,
    refused: usize,
    conditional: bool,
) -> ManifestOutcome {
    let (manifest_key, marker_key) = keys(settings, batch_id);
    let files = summary.delivered + summary.skipped + summary.failed + summary.cancelled;
    let Some(body) = manifest_json(settings, batch_id, delivered, files) else {
        return ManifestOutcome {
            manifest_key: None,
            marker_key: None,
            note: Some("Nothing was delivered, so no manifest was written.".into()),
        };
    };
    let failures = Failures::new(settings, anonymous);
    let put = |key: String, body: Vec<u8>, content_type: &'static str| {
        let mut req = client.put_object().bucket(&settings.bucket).key(key).content_type(content_type).body(ByteStream::from(body));
        if conditional {
            req = req.if_none_match("*");
        }
        req.send()
    };
    if let Err(e) = put(manifest_key.clone(), body, "application/json").await {
        let f = failures.of(&format!("Writing the manifest `{manifest_key}`"), &e);
        return ManifestOutcome {
            manifest_key: None,
            marker_key: None,
            note: Some(format!("The manifest was not written: {} {}", f.message, f.fix)),
        };
    }
    let missing = summary.failed + summary.cancelled + refused;
    if missing > 0 {
        let note = format!(
            "No {MARKER} marker: {missing} file{} of the batch did not land; deliver {} again to complete it.",
            if missing == 1 { "" } else { "s" },
            if missing == 1 { "it" } else { "them" }
        );
        return ManifestOutcome { manifest_key: Some(manifest_key), marker_key: None, note: Some(note) };
    }
    match put(marker_key.clone(), Vec::new(), "application/octet-stream").await {
        Ok(_) => ManifestOutcome { manifest_key: Some(manifest_key), marker_key: Some(marker_key), note: None },
        Err(e) => {
            let f = failures.of(&format!("Writing the marker `{marker_key}`"), &e);
            ManifestOutcome {
                manifest_key: Some(manifest_key),
                marker_key: None,
                note: Some(format!("The marker was not written: {} {}", f.message, f.fix)),
            }
        }
    }
}
