//! Server-side encryption in words: a server's refusal of the encryption
//! asked for (a KMS key it cannot find or may not use, an encryption it
//! does not do, SSE-C over plain http://, an SSE-C key that does not fit),
//! an SSE-C key the keychain cannot give, and a server that took the
//! encryption headers without saying it encrypted. The same words whether
//! the connection test's probe object or a delivery met them.

use super::{Diagnosis, Evidence, Level};
use crate::destination::{Encryption, Settings};
use crate::report::{Code, ErrorInfo, UserError};
use crate::s3::{Answer, Failure};
use crate::secret::SecretError;

const LOST_KEY: &str = "Objects written with SSE-C can only be read with the key they were written with: keep a copy of it outside Chute.";

/// What `s` asks for, in words (`SSE-KMS with key alias/reports`), as
/// details, `destination show` and every diagnosis say it.
pub fn in_words(s: &Settings) -> String {
    asked(s)
}

fn asked(s: &Settings) -> String {
    match s.encryption {
        Encryption::SseKms if !s.kms_key_id.trim().is_empty() => format!("SSE-KMS with key `{}`", s.kms_key_id.trim()),
        Encryption::SseKms => "SSE-KMS with the AWS-managed key".to_string(),
        other => other.label().to_string(),
    }
}

/// The advice for an encryption refusal met while doing `doing` (the
/// catalogue's words for the encryption failures; any other failure given
/// here reads as a refused encryption).
pub fn refused(failure: &Failure, answer: &Answer, s: &Settings, doing: &str, ev: Evidence) -> Diagnosis {
    let summary = answer.summary();
    let said = answer.message.as_deref().map(|m| format!(": {m}")).unwrap_or_default();
    let label = s.preset().label;
    match failure {
        Failure::KmsKeyNotFound => Diagnosis::new(Code::KmsKeyNotFound, Level::Error, "The KMS key cannot be used")
            .happened(format!("{doing} asked for {} and was refused ({summary}{said}).", asked(s)))
            .cause("The key does not exist, is disabled or pending deletion, is in another region than the bucket, or the id has a typo.")
            .fix("Check the key in the KMS console (enabled, in the bucket's region) and enter its ARN or alias, or leave the key empty for the AWS-managed key.")
            .evidence(ev),
        Failure::KmsAccessDenied => Diagnosis::new(Code::KmsAccessDenied, Level::Error, "These credentials may not use the KMS key")
            .happened(format!("{doing} asked for {} and was refused ({summary}{said}).", asked(s)))
            .cause("Writing with SSE-KMS needs kms:GenerateDataKey on the key (and reading or multipart uploads kms:Decrypt); the key policy or the IAM policy does not grant them.")
            .fix("Allow kms:GenerateDataKey and kms:Decrypt on this key for these credentials (in the key policy or the user's policy), or choose SSE-S3.")
            .evidence(ev),
        Failure::SseCNeedsHttps => Diagnosis::new(Code::SseCNeedsHttps, Level::Error, "SSE-C needs https://")
            .happened(format!("{doing} was refused because the SSE-C key was sent over plain http:// ({summary}{said})."))
            .cause("The server will not take an encryption key that crossed the network in clear.")
            .fix("Use the server's https:// endpoint, or choose another encryption.")
            .evidence(ev),
        Failure::SseCKeyMismatch => Diagnosis::new(Code::SseCKeyMismatch, Level::Error, "The SSE-C key does not open this object")
            .happened(format!("{doing} was refused: the object and the SSE-C key sent do not go together ({summary}{said})."))
            .cause(match s.encryption {
                Encryption::SseC => "The object was written with another SSE-C key (the destination's key was replaced), or without SSE-C (by another tool, or before this destination encrypted).",
                _ => "The object was written with an SSE-C key, and this destination sends none.",
            })
            .fix(format!("Enter the key the objects were written with (Edit → Encryption), or write under another key or prefix. {LOST_KEY}"))
            .evidence(ev),
        _ => {
            let fix = match (s.encryption, s.provider) {
                (Encryption::SseC, crate::provider::ProviderKind::Aws) => "Allow SSE-C on the bucket (its default encryption's BlockedEncryptionTypes set to NONE), or choose SSE-S3 or SSE-KMS.".to_string(),
                (Encryption::SseS3 | Encryption::SseKms, crate::provider::ProviderKind::Minio) => "Configure a KMS on the MinIO server (MinIO KES), or choose no encryption (the bucket's default).".to_string(),
                _ => "Choose an encryption this server supports (or none: the bucket's default), and test the connection again.".to_string(),
            };
            Diagnosis::new(Code::EncryptionRefused, Level::Error, format!("The server refuses {}", asked(s)))
                .happened(format!("{doing} asked for {} and was refused ({summary}{said}).", asked(s)))
                .cause(format!("This {label} server does not do that encryption, or is not set up for it (no KMS configured, SSE-C blocked on the bucket)."))
                .fix(fix)
                .evidence(ev)
        }
    }
}

/// The destination's SSE-C key could not be read from the keychain: a
/// delivery does not start and the connection test stops, since nothing
/// may be written unencrypted and nothing encrypted can be read without it.
pub fn customer_key_unreadable(name: &str, e: &SecretError) -> Diagnosis {
    let info = e.info();
    let (message, fix) = match e {
        SecretError::Missing | SecretError::Corrupt => (
            format!("No usable SSE-C key is kept in the keychain for \"{name}\"."),
            format!(
                "Enter the SSE-C key the objects were written with (Edit → Encryption), or generate a new one for new objects. {LOST_KEY}"
            ),
        ),
        _ => (format!("The SSE-C key of \"{name}\" could not be read: {}", info.message), info.fix),
    };
    Diagnosis::new(if matches!(e, SecretError::Missing | SecretError::Corrupt) { Code::SseCKeyMissing } else { info.code }, Level::Error, "The SSE-C key could not be read")
        .happened(message)
        .cause("Without its customer key Chute sends nothing: an object would otherwise be written unencrypted, and encrypted objects cannot be read.")
        .fix(fix)
        .evidence(Evidence { step: Some("credentials".into()), ..Default::default() })
}

/// The SSE-C key typed in a form being tested is not a key.
pub fn customer_key_typed_wrong(e: &ErrorInfo) -> Diagnosis {
    Diagnosis::new(e.code, Level::Error, "The SSE-C key is not valid")
        .happened(e.message.clone())
        .cause("An SSE-C key is 32 bytes (AES-256), written as base64 or 64 hex digits.")
        .fix(e.fix.clone())
        .evidence(Evidence { step: Some("credentials".into()), ..Default::default() })
}

/// The server took the probe object with encryption headers but did not
/// say it encrypted it (servers that ignore the headers store it plain).
pub fn not_confirmed(s: &Settings, ev: Evidence) -> Diagnosis {
    Diagnosis::new(Code::EncryptionNotConfirmed, Level::Warning, format!("The server did not confirm {}", asked(s)))
        .happened(format!("The probe object was written with {}, and the server's answer does not say it was encrypted.", asked(s)))
        .cause("Some S3-compatible servers accept encryption headers and ignore them, storing the object as it came (or encrypt every object their own way without saying so).")
        .fix("Check with the server's documentation that it encrypts as asked; if it ignores the headers, choose no encryption and rely on the server's own encryption at rest.")
        .evidence(ev)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_has_its_code_and_a_fix() {
        let s = Settings { encryption: Encryption::SseKms, kms_key_id: "alias/reports".into(), ..Settings::default() };
        let a = Answer { status: Some(400), code: Some("X".into()), message: Some("m".into()), ..Answer::default() };
        for (f, code) in [
            (Failure::KmsKeyNotFound, Code::KmsKeyNotFound),
            (Failure::KmsAccessDenied, Code::KmsAccessDenied),
            (Failure::EncryptionRefused, Code::EncryptionRefused),
            (Failure::SseCNeedsHttps, Code::SseCNeedsHttps),
            (Failure::SseCKeyMismatch, Code::SseCKeyMismatch),
        ] {
            let d = refused(&f, &a, &s, "Uploading `a`", Evidence::default());
            assert_eq!(d.code, code);
            assert!(!d.fix.is_empty() && !d.likely_cause.is_empty());
            assert!(d.edit.is_some(), "{code}: the setting to fix is offered");
        }
        let kms = refused(&Failure::KmsKeyNotFound, &a, &s, "x", Evidence::default());
        assert!(kms.what_happened.contains("alias/reports"), "{}", kms.what_happened);
    }

    #[test]
    fn a_missing_key_says_what_losing_it_means() {
        let d = customer_key_unreadable("Vault", &SecretError::Missing);
        assert_eq!(d.code, Code::SseCKeyMissing);
        assert!(d.fix.contains("keep a copy"), "{}", d.fix);
        assert_eq!(customer_key_unreadable("Vault", &SecretError::Locked("x".into())).code, Code::KeychainLocked);
    }
}
