//! Presigned GET links.

/// A presigned GET link to `key`, valid for `expires`.
pub async fn presign_get(client: &aws_sdk_s3::Client, bucket: &str, key: &str, expires: std::time::Duration) -> Result<String, String> {
    let cfg = aws_sdk_s3::presigning::PresigningConfig::expires_in(expires).map_err(|e| e.to_string())?;
    client.get_object().bucket(bucket).key(key).presigned(cfg).await.map(|r| r.uri().to_string()).map_err(|e| e.to_string())
}
