//! The least an IAM user or role needs for Chute.

use crate::destination::Settings;

/// The least an IAM user or role needs for Chute on this bucket and prefix:
/// PutObject for delivery (plus multipart clean-up), Get/Delete for the
/// connection test's probe object.
pub fn minimal_policy(s: &Settings) -> String {
    let bucket = s.bucket.trim();
    let prefix = s.prefix.trim_start_matches('/');
    let resource = format!("arn:aws:s3:::{bucket}/{prefix}*");
    let v = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ChuteDelivery",
                "Effect": "Allow",
                "Action": ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                "Resource": [resource]
            },
            {
                "Sid": "ChuteConnectionTest",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:DeleteObject"],
                "Resource": [resource]
            }
        ]
    });
    serde_json::to_string_pretty(&v).expect("static JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_is_scoped_to_the_prefix() {
        let s = Settings { bucket: "acme".into(), prefix: "incoming/".into(), ..Settings::default() };
        let p: serde_json::Value = serde_json::from_str(&minimal_policy(&s)).unwrap();
        assert_eq!(p["Statement"][0]["Resource"][0], "arn:aws:s3:::acme/incoming/*");
        assert!(p["Statement"][0]["Action"].as_array().unwrap().iter().any(|a| a == "s3:PutObject"));
        let text = minimal_policy(&s);
        assert!(text.find("\"Version\"").unwrap() < text.find("\"Statement\"").unwrap(), "IAM's usual order");
        assert!(text.find("\"Effect\"").unwrap() < text.find("\"Action\"").unwrap());
    }
}
