//! The least an IAM user or role needs for Chute, and how to grant write
//! access in the terms of each kind of server (an IAM policy is AWS's and
//! MinIO's word; R2, B2, Tigris and self-hosted servers grant it per key).

use crate::destination::Settings;
use crate::provider::ProviderKind;

/// How to let these credentials write under the destination's prefix, said
/// the way its kind of server grants it, and the IAM policy to attach where
/// the server takes one.
pub fn write_permission(s: &Settings) -> (String, Option<String>) {
    let bucket = s.bucket.trim();
    let under = format!("{bucket}/{}*", s.prefix.trim_start_matches('/'));
    match s.provider {
        ProviderKind::Aws => (
            format!("Attach an IAM policy to these credentials' user or role that allows s3:PutObject on `arn:aws:s3:::{under}`: the policy below is the least Chute needs. Then try again."),
            Some(minimal_policy(s)),
        ),
        ProviderKind::Minio => (
            format!("Attach a policy that allows s3:PutObject on `{under}` to this key's user (e.g. `mc admin policy create ALIAS chute policy.json` with the policy below, then `mc admin policy attach ALIAS chute --user USER`). Then try again."),
            Some(minimal_policy(s)),
        ),
        ProviderKind::R2 => (
            format!("Edit this R2 API token in the Cloudflare dashboard (R2 → Manage API tokens) and give it Object Read & Write on the bucket `{bucket}`. Then try again."),
            None,
        ),
        ProviderKind::B2 => (
            format!("B2 application keys cannot gain rights: create a new application key with Read and Write access to the bucket `{bucket}` and enter it in this destination."),
            None,
        ),
        ProviderKind::Tigris => (
            format!("Give this access key the Editor role on the bucket `{bucket}` in the Tigris console (Access Keys). Then try again."),
            None,
        ),
        ProviderKind::Custom => (
            format!("Give this key write permission on the bucket `{bucket}` in the server's own admin tool (on Garage: `garage bucket allow --write {bucket} --key KEY`; on Ceph or SeaweedFS: the user's or bucket's policy). Then try again."),
            None,
        ),
    }
}

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

    #[test]
    fn write_access_is_asked_for_in_each_server_s_own_terms() {
        let s = |provider| Settings { provider, bucket: "acme".into(), prefix: "in/".into(), ..Settings::default() };
        let (aws, policy) = write_permission(&s(ProviderKind::Aws));
        assert!(aws.contains("IAM policy") && aws.contains("arn:aws:s3:::acme/in/*") && policy.is_some(), "{aws}");
        let (minio, policy) = write_permission(&s(ProviderKind::Minio));
        assert!(minio.contains("mc admin policy attach") && policy.is_some(), "{minio}");
        for (kind, words) in [
            (ProviderKind::R2, "R2 API token"),
            (ProviderKind::B2, "application key"),
            (ProviderKind::Tigris, "Editor role"),
            (ProviderKind::Custom, "garage bucket allow --write acme"),
        ] {
            let (fix, policy) = write_permission(&s(kind));
            assert!(fix.contains(words) && !fix.contains("IAM") && policy.is_none(), "{kind:?}: {fix}");
        }
    }
}
