//! The credentials as they will be after saving: an access key pair, a
//! known AWS profile, or none at all.

use super::problems::{CredentialCheck, Problems};
use crate::report::Code;

pub(super) fn validate_credentials(p: &mut Problems, c: &CredentialCheck) {
    match c {
        CredentialCheck::Keys { access_key_id, secret_present } => {
            let id = access_key_id.trim();
            if id.is_empty() {
                p.error("access_key_id", Code::AccessKeyIdEmpty, "The access key id is empty.", "Paste the access key id from your provider's console.");
            } else if id != *access_key_id || id.chars().any(char::is_whitespace) {
                p.error_fix("access_key_id", Code::AccessKeyIdSpaces, "The access key id contains spaces.", "Remove the spaces (often pasted by accident).", id.split_whitespace().collect());
            } else if id.len() < 8 {
                p.warn("access_key_id", Code::AccessKeyIdShort, "This access key id looks too short.", "Check that you copied all of it.");
            }
            if !secret_present {
                p.error("secret_access_key", Code::SecretEmpty, "The secret access key is empty.", "Paste the secret access key; it goes straight to the system keychain.");
            }
        }
        CredentialCheck::Profile { profile, known_profiles } => {
            if profile.trim().is_empty() {
                p.error("profile", Code::ProfileEmpty, "No AWS profile is chosen.", "Choose a profile from ~/.aws/config.");
            } else if let Some(known) = known_profiles {
                if !known.iter().any(|k| k == profile.trim()) {
                    p.error(
                        "profile",
                        Code::ProfileUnknown,
                        format!("There is no AWS profile `{profile}` in ~/.aws/config or ~/.aws/credentials."),
                        format!("Choose one of: {}, or create it with `aws configure --profile {profile}`.", if known.is_empty() { "(none found)".to_string() } else { known.join(", ") }),
                    );
                }
            }
        }
        CredentialCheck::None => p.warn(
            "credentials",
            Code::NoCredentials,
            "Without credentials, uploads only work if the bucket policy allows anonymous (public) writes, which lets anyone on the internet write to it.",
            "Prefer an access key limited to s3:PutObject on this bucket and prefix.",
        ),
    }
}
