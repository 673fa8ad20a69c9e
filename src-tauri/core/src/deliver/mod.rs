//! Delivery: plan (paths -> keys, previewed) then transfer.

pub mod existing;
mod multipart;
pub mod plan;
pub mod transfer;

use crate::destination::Settings;

pub use plan::{plan, Plan, PlanOptions, PlannedFile};
pub use transfer::{
    deliver, BatchSummary, Control, DeliveryEvent, FileResult, FileStatus, Journal, JournalRef, ResumeUpload, TransferOptions,
};

/// The object's URL as the destination addresses it (not signed).
pub fn object_url(s: &Settings, key: &str) -> String {
    let mut base = crate::s3::request_base(s);
    let encoded: String = key
        .split('/')
        .map(|seg| url::form_urlencoded::byte_serialize(seg.as_bytes()).collect::<String>().replace('+', "%20"))
        .collect::<Vec<_>>()
        .join("/");
    let path = format!("{}/{}", base.path().trim_end_matches('/'), encoded);
    base.set_path(&path);
    base.to_string()
}

/// A presigned GET link valid for `expires`.
pub async fn presign_get(client: &aws_sdk_s3::Client, bucket: &str, key: &str, expires: std::time::Duration) -> Result<String, String> {
    let cfg = aws_sdk_s3::presigning::PresigningConfig::expires_in(expires).map_err(|e| e.to_string())?;
    client.get_object().bucket(bucket).key(key).presigned(cfg).await.map(|r| r.uri().to_string()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::ProviderKind;

    #[test]
    fn object_urls_encode_each_segment() {
        let s = Settings {
            provider: ProviderKind::Minio,
            bucket: "reports".into(),
            endpoint: "http://127.0.0.1:9000".into(),
            path_style: true,
            ..Settings::default()
        };
        assert_eq!(object_url(&s, "a b/c#d+e.csv"), "http://127.0.0.1:9000/reports/a%20b/c%23d%2Be.csv");
    }
}
