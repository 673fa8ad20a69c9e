//! Where a person fixes a problem by hand when no one-click fix is safe.

use serde::{Deserialize, Serialize};

use crate::report::Code;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::{Diagnosis, Level};

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
