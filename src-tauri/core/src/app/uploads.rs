//! Multipart uploads left open under a destination's prefix, by Chute or
//! anyone: listed with their age and the bytes their parts hold (which
//! the bucket bills), and aborted (one, or all older than some hours).

use serde::Serialize;

use super::{now_ms, Chute, Error, Result};
use crate::report::{Code, ErrorInfo};
use crate::s3;

/// An upload started and never completed nor aborted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenUpload {
    pub key: String,
    pub upload_id: String,
    /// Unix ms, as the server reports it.
    pub initiated_at: Option<i64>,
    /// The parts uploaded and the bytes they hold, when the server's
    /// ListParts answer could be read (`None`: unknown, not zero).
    pub parts: Option<usize>,
    pub bytes: Option<u64>,
}

/// Which open uploads to abort.
#[derive(Debug, Clone)]
pub enum AbortWhich {
    One { key: String, upload_id: String },
    OlderThanHours(u64),
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct AbortReport {
    pub aborted: Vec<OpenUpload>,
    /// Those that could not be aborted, with why.
    pub failed: Vec<(OpenUpload, ErrorInfo)>,
}

/// At most this many uploads are listed (a page of the server's answer each time).
const LIST_LIMIT: usize = 10_000;

impl Chute {
    /// The multipart uploads open under the destination's prefix, oldest first. Blocking.
    pub fn open_uploads(&self, destination_id: &str) -> Result<Vec<OpenUpload>> {
        let d = self.get(destination_id)?;
        let auth = self.auth_for(&d.credentials, Some(&d.id)).map_err(|d| Error::Diagnosed(Box::new(d)))?;
        let listed = self.runtime.block_on(async {
            let client = s3::client(&d.settings, &auth, &self.client_options(&d, s3::ClientOptions::delivery())).await;
            let mut out = vec![];
            let (mut key_marker, mut id_marker) = (None::<String>, None::<String>);
            loop {
                let page = client
                    .list_multipart_uploads()
                    .bucket(&d.settings.bucket)
                    .prefix(&d.settings.prefix)
                    .set_key_marker(key_marker.clone())
                    .set_upload_id_marker(id_marker.clone())
                    .send()
                    .await?;
                for u in page.uploads() {
                    let (Some(key), Some(id)) = (u.key(), u.upload_id()) else { continue };
                    let parts = client.list_parts().bucket(&d.settings.bucket).key(key).upload_id(id).send().await.ok();
                    let (count, bytes) =
                        parts.map(|p| (p.parts().len(), p.parts().iter().map(|x| x.size().unwrap_or(0).max(0) as u64).sum())).unzip();
                    out.push(OpenUpload {
                        key: key.to_string(),
                        upload_id: id.to_string(),
                        initiated_at: u.initiated().and_then(|t| t.to_millis().ok()),
                        parts: count,
                        bytes,
                    });
                }
                if !page.is_truncated().unwrap_or(false) || out.len() >= LIST_LIMIT {
                    break;
                }
                key_marker = page.next_key_marker().map(str::to_string);
                id_marker = page.next_upload_id_marker().map(str::to_string);
            }
            Ok::<_, aws_sdk_s3::error::SdkError<_, _>>(out)
        });
        let mut uploads = listed.map_err(|e| {
            let answer = s3::Answer::of(&e);
            if answer.status == Some(501) || answer.code.as_deref() == Some("NotImplemented") {
                return Error::NotApplicable(ErrorInfo::new(
                    Code::UploadsNotListed,
                    format!("The server of \"{}\" cannot list open multipart uploads ({}).", d.settings.name, answer.summary()),
                    "Nothing to do here: Chute aborts the uploads it opens itself when a delivery fails or is discarded. Uploads left by other tools must be aborted with the server's own tools.",
                ));
            }
            Error::NotApplicable(ErrorInfo::new(
                Code::RequestFailed,
                format!("The open uploads of \"{}\" could not be listed: {}.", d.settings.name, crate::report::error_chain(&e)),
                "Test the connection: listing uploads needs the s3:ListBucketMultipartUploads permission (or the server's equivalent).",
            ))
        })?;
        uploads.sort_by_key(|u| u.initiated_at.unwrap_or(i64::MAX));
        Ok(uploads)
    }

    /// Abort open uploads under the destination's prefix. Blocking.
    pub fn abort_uploads(&self, destination_id: &str, which: &AbortWhich) -> Result<AbortReport> {
        let d = self.get(destination_id)?;
        let now = now_ms();
        let chosen: Vec<OpenUpload> = self
            .open_uploads(destination_id)?
            .into_iter()
            .filter(|u| match which {
                AbortWhich::One { key, upload_id } => &u.key == key && &u.upload_id == upload_id,
                AbortWhich::OlderThanHours(h) => u.initiated_at.is_some_and(|t| now - t >= (*h as i64) * 3_600_000),
            })
            .collect();
        if chosen.is_empty() {
            if let AbortWhich::One { key, .. } = which {
                return Err(Error::NotApplicable(ErrorInfo::new(
                    Code::NotFound,
                    format!("No upload of `{key}` with that id is open under \"{}\".", d.settings.name),
                    "List the open uploads again: it may have completed or been aborted already.",
                )));
            }
        }
        let auth = self.auth_for(&d.credentials, Some(&d.id)).map_err(|d| Error::Diagnosed(Box::new(d)))?;
        Ok(self.runtime.block_on(async {
            let client = s3::client(&d.settings, &auth, &self.client_options(&d, s3::ClientOptions::delivery())).await;
            let mut report = AbortReport::default();
            for u in chosen {
                let r = client.abort_multipart_upload().bucket(&d.settings.bucket).key(&u.key).upload_id(&u.upload_id).send().await;
                match r {
                    Ok(_) => report.aborted.push(u),
                    // Gone already (completed or aborted meanwhile) is as good as aborted.
                    Err(e) if e.raw_response().is_some_and(|x| x.status().as_u16() == 404) => report.aborted.push(u),
                    Err(e) => {
                        let info = ErrorInfo::new(
                            Code::RequestFailed,
                            format!("`{}` could not be aborted: {}.", u.key, crate::report::error_chain(&e)),
                            "Try again; aborting needs the s3:AbortMultipartUpload permission (or the server's equivalent).",
                        );
                        report.failed.push((u, info));
                    }
                }
            }
            report
        }))
    }
}
