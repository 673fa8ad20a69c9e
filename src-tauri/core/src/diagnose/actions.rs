//! What a diagnosis offers: a one-click fix (one setting set to one value),
//! and where a person fixes a problem by hand when no one-click fix is safe.

use serde::{Deserialize, Serialize};

use super::FixAction;
use crate::destination::Settings;
use crate::report::Code;

impl FixAction {
    /// Set the one setting this fix names in `s`; the setting's previous
    /// value, or why this fix cannot be applied by itself.
    pub fn apply_to(&self, s: &mut Settings) -> Result<String, String> {
        apply(s, &self.field, &self.value)
    }
}

/// Set `field` to `value` in `s` (the settings a one-click fix may change).
pub fn apply(s: &mut Settings, field: &str, value: &str) -> Result<String, String> {
    let text = |setting: &mut String| std::mem::replace(setting, value.to_string());
    Ok(match field {
        "region" => text(&mut s.region),
        "endpoint" => text(&mut s.endpoint),
        "prefix" => text(&mut s.prefix),
        "account_id" => text(&mut s.account_id),
        "path_style" => {
            let v: bool = value.parse().map_err(|_| format!("`{value}` is not true or false"))?;
            std::mem::replace(&mut s.path_style, v).to_string()
        }
        other => return Err(format!("Chute does not change `{other}` by itself")),
    })
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
        ProxyUnreachable | ProxyAuthRequired | ProxyRefused | ProxyUpstreamFailed => ("proxy", "Edit the proxy"),
        KmsKeyNotFound | KmsAccessDenied | EncryptionRefused | EncryptionNotConfirmed | SseCNeedsHttps => {
            ("encryption", "Edit the encryption")
        }
        SseCKeyMismatch | SseCKeyMissing | SseCKeyInvalid => ("sse_c_key", "Enter the SSE-C key"),
        _ => return None,
    };
    Some(EditAction { field: field.into(), label: label.into() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::{Diagnosis, Level};

    #[test]
    fn a_one_click_fix_sets_one_setting_and_says_what_it_was() {
        let mut s = Settings { region: "us-east-1".into(), ..Settings::default() };
        let fix = FixAction { field: "region".into(), value: "eu-west-1".into(), label: "x".into() };
        assert_eq!(fix.apply_to(&mut s).as_deref(), Ok("us-east-1"));
        assert_eq!(s.region, "eu-west-1");
        assert_eq!(apply(&mut s, "path_style", "true").as_deref(), Ok("false"));
        assert!(s.path_style);
        assert!(apply(&mut s, "path_style", "yes").unwrap_err().contains("not true or false"));
        assert!(apply(&mut s, "bucket", "other").unwrap_err().contains("`bucket`"), "a bucket is never changed by itself");
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
}
