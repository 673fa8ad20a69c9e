//! Links to delivered objects: the plain URL, and presigned GET links
//! signed by a client kept per destination (one keychain read, then local);
//! none for SSE-C objects, which no link can open.

use std::collections::HashMap;
use std::sync::Mutex;

use super::{Chute, Error, Result};
use crate::report::{Code, ErrorInfo};
use crate::s3;

/// Clients by destination id, each with the `updated_at` it was built for.
#[derive(Default)]
pub(super) struct Clients(Mutex<HashMap<String, (i64, aws_sdk_s3::Client)>>);

impl Clients {
    fn get(&self, id: &str, updated_at: i64) -> Option<aws_sdk_s3::Client> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(id).filter(|(at, _)| *at == updated_at).map(|(_, c)| c.clone())
    }

    fn put(&self, id: &str, updated_at: i64, client: aws_sdk_s3::Client) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(id.to_string(), (updated_at, client));
    }

    /// Forget a destination's client (it was changed or deleted).
    pub(super) fn forget(&self, id: &str) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
    }
}

impl Chute {
    /// The object's URL (not signed).
    pub fn object_url(&self, destination_id: &str, key: &str) -> Result<String> {
        Ok(s3::object_url(&self.get(destination_id)?.settings, key))
    }

    /// A presigned GET link to `key`, valid for `expires`. Blocking.
    pub fn presign(&self, destination_id: &str, key: &str, expires: std::time::Duration) -> Result<String> {
        let d = self.get(destination_id)?;
        if d.settings.encryption == crate::destination::Encryption::SseC {
            return Err(Error::NotApplicable(presign_refused_for_sse_c(key)));
        }
        let client = match self.clients.get(&d.id, d.updated_at) {
            Some(c) => c,
            None => {
                let auth = self.auth_for(&d.credentials, Some(&d.id)).map_err(|d| Error::Diagnosed(Box::new(d)))?;
                let c = self.runtime.block_on(s3::client(&d.settings, &auth, &self.client_options(&d, s3::ClientOptions::delivery())));
                self.clients.put(&d.id, d.updated_at, c.clone());
                c
            }
        };
        self.runtime.block_on(async {
            s3::presign_get(&client, &d.settings.bucket, key, expires).await.map_err(|e| {
                Error::NotApplicable(ErrorInfo::new(
                    Code::PresignFailed,
                    format!("The link to `{key}` could not be signed: {e}."),
                    "Check the destination's credentials (Test connection), then make the link again.",
                ))
            })
        })
    }
}

/// Why an SSE-C object gets no link: a link carries no headers, and the
/// server wants the customer key in headers on every read, so a browser
/// would only ever get an error.
pub fn presign_refused_for_sse_c(key: &str) -> ErrorInfo {
    ErrorInfo::new(
        Code::PresignSseC,
        format!("`{key}` is encrypted with your own key (SSE-C): a link cannot carry the key, so it would only ever show an error."),
        "Read it with the key: `aws s3 cp s3://BUCKET/KEY . --sse-c AES256 --sse-c-key fileb://key.bin` (the key's 32 bytes), \
         or another S3 tool with SSE-C; for shareable links, deliver to a destination that encrypts with SSE-S3 or SSE-KMS.",
    )
}
