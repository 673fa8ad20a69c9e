//! Diagnoses: what the connection test found, in words a person can act
//! on. Each has a stable code, a title, what happened, the likely cause, the
//! fix, the evidence it was based on and, where safe, a one-click fix.

use serde::{Deserialize, Serialize};

use crate::destination::Settings;
use crate::report::Code;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
}

/// The raw facts behind a diagnosis, shown as "details" and copyable.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Evidence {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s3_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket_region: Option<String>,
    pub endpoint: String,
    pub addressing: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A change to the destination that fixes the problem, applied by the UI
/// or the CLI (`test --apply-fix`), then re-tested.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FixAction {
    pub field: String,
    pub value: String,
    pub label: String,
}

/// Where a person fixes the problem by hand when no one-click fix is safe:
/// the setting to edit, opened for them. `credentials` means replacing the
/// access key.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct EditAction {
    pub field: String,
    pub label: String,
}

/// The setting to open for a diagnosis, by its code.
pub fn edit_action(code: Code) -> Option<EditAction> {
    use Code::*;
    let (field, label) = match code {
        UnknownAccessKey | WrongSecret | ExpiredToken | WriteDenied => ("credentials", "Replace the key"),
        AnonymousDenied => ("credentials", "Add an access key"),
        ProfileCredentialsFailed => ("profile", "Edit the profile"),
        BucketNotFound => ("bucket", "Edit the bucket"),
        WrongRegion => ("region", "Edit the region"),
        HostNotFound
        | ConnectionRefused
        | ConnectTimeout
        | NetworkUnreachable
        | ConnectionReset
        | TlsBadName
        | TlsUntrustedCertificate
        | TlsHandshakeFailed
        | HttpsToHttpPort
        | HttpToTlsPort
        | NotHttp
        | ServerSilent
        | NotS3Server => ("endpoint", "Edit the endpoint"),
        _ => return None,
    };
    Some(EditAction { field: field.into(), label: label.into() })
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Diagnosis {
    pub code: Code,
    pub level: Level,
    pub title: String,
    pub what_happened: String,
    pub likely_cause: String,
    pub fix: String,
    pub evidence: Evidence,
    /// A minimal IAM policy for this bucket and prefix, where permissions are the problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apply: Option<FixAction>,
    /// The setting to edit by hand (offered beside or instead of `apply`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit: Option<EditAction>,
}

impl Diagnosis {
    pub fn new(code: Code, level: Level, title: impl Into<String>) -> Diagnosis {
        Diagnosis {
            code,
            level,
            title: title.into(),
            what_happened: String::new(),
            likely_cause: String::new(),
            fix: String::new(),
            evidence: Evidence::default(),
            policy: None,
            apply: None,
            edit: edit_action(code),
        }
    }
    pub fn happened(mut self, s: impl Into<String>) -> Self {
        self.what_happened = s.into();
        self
    }
    pub fn cause(mut self, s: impl Into<String>) -> Self {
        self.likely_cause = s.into();
        self
    }
    pub fn fix(mut self, s: impl Into<String>) -> Self {
        self.fix = s.into();
        self
    }
    pub fn evidence(mut self, e: Evidence) -> Self {
        self.evidence = e;
        self
    }
    pub fn level(mut self, l: Level) -> Self {
        self.level = l;
        self
    }
    pub fn apply(mut self, field: &str, value: impl Into<String>, label: impl Into<String>) -> Self {
        self.apply = Some(FixAction { field: field.into(), value: value.into(), label: label.into() });
        self
    }
    pub fn policy(mut self, p: String) -> Self {
        self.policy = Some(p);
        self
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

/// S3 error codes that mean "these credentials are not known here".
pub fn is_unknown_key(code: &str, message: &str) -> bool {
    matches!(code, "InvalidAccessKeyId" | "NotSignedUp" | "InvalidClientTokenId" | "UnrecognizedClientException")
        || (code == "AccessDenied" && message.to_ascii_lowercase().contains("no such key"))
        || (code == "InvalidArgument" && message.to_ascii_lowercase().contains("access key"))
}

pub fn is_checksum_rejection(code: &str, message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    code == "InvalidDigest"
        || code == "XAmzContentChecksumMismatch"
        || (code == "NotImplemented" && (m.contains("checksum") || m.contains("header")))
        || m.contains("x-amz-checksum")
        || m.contains("x-amz-sdk-checksum")
        || (code == "InvalidArgument" && m.contains("checksum"))
        || (code == "InvalidRequest" && m.contains("checksum"))
}

/// The region named in an `AuthorizationHeaderMalformed` message, e.g.
/// "the region 'us-east-1' is wrong; expecting 'eu-west-1'".
pub fn expected_region_from_message(message: &str) -> Option<String> {
    let idx = message.find("expecting")?;
    let rest = &message[idx..];
    let start = rest.find('\'')? + 1;
    let end = rest[start..].find('\'')? + start;
    let r = &rest[start..end];
    (!r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')).then(|| r.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_expected_region() {
        assert_eq!(
            expected_region_from_message("The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'")
                .as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(expected_region_from_message("nothing here"), None);
    }

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
    fn a_failure_fixed_by_hand_opens_its_setting() {
        let d = Diagnosis::new(Code::WrongSecret, Level::Error, "x");
        assert_eq!(d.edit, Some(EditAction { field: "credentials".into(), label: "Replace the key".into() }));
        assert_eq!(edit_action(Code::BucketNotFound).unwrap().field, "bucket");
        assert_eq!(edit_action(Code::ConnectionRefused).unwrap().field, "endpoint");
        assert_eq!(edit_action(Code::ClockSkew), None, "nothing in the destination fixes a clock");
        let json = serde_json::to_value(Diagnosis::new(Code::ClockSkew, Level::Error, "x")).unwrap();
        assert!(json.get("edit").is_none(), "absent, not null: {json}");
    }

    #[test]
    fn classifies_codes() {
        assert!(is_unknown_key("InvalidAccessKeyId", ""));
        assert!(is_unknown_key("AccessDenied", "No such key: GK123"));
        assert!(!is_unknown_key("AccessDenied", "Access Denied"));
        assert!(is_checksum_rejection("NotImplemented", "Unsupported header 'x-amz-checksum-crc32' received"));
        assert!(is_checksum_rejection("InvalidDigest", ""));
    }
}
