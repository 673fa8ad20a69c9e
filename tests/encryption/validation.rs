//! Validation of server-side encryption per provider: a table of settings
//! and the problem each one gets (or none), with its severity and field.

use chute_core::destination::{validate, Context, SseKeyCheck};
use chute_core::provider::ProviderKind;
use chute_core::{Code, Encryption, Settings, Severity};

fn on(provider: ProviderKind, endpoint: &str, encryption: Encryption, kms: &str) -> Settings {
    Settings {
        name: "x".into(),
        provider,
        bucket: "reports-bucket".into(),
        account_id: "0123456789abcdef0123456789abcdef".into(),
        endpoint: endpoint.into(),
        encryption,
        kms_key_id: kms.into(),
        ..Settings::default()
    }
}

/// What, the settings, the SSE-C key, and the problem expected (code, severity, field) or none.
type Row = (&'static str, Settings, SseKeyCheck, Option<(Code, Severity, &'static str)>);

#[test]
fn each_provider_is_told_what_it_supports() {
    use Encryption::{SseC, SseKms, SseS3};
    use ProviderKind::*;
    let arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let rows: Vec<Row> = vec![
        ("AWS SSE-S3", on(Aws, "", SseS3, ""), SseKeyCheck::Unknown, None),
        ("AWS SSE-KMS, AWS-managed key", on(Aws, "", SseKms, ""), SseKeyCheck::Unknown, None),
        ("AWS SSE-KMS, an ARN", on(Aws, "", SseKms, arn), SseKeyCheck::Unknown, None),
        ("AWS SSE-KMS, an alias", on(Aws, "", SseKms, "alias/reports-key"), SseKeyCheck::Unknown, None),
        ("AWS SSE-KMS, a key id", on(Aws, "", SseKms, "1234abcd-12ab-34cd-56ef-1234567890ab"), SseKeyCheck::Unknown, None),
        ("AWS SSE-KMS, a multi-Region key", on(Aws, "", SseKms, "mrk-1234abcd12ab34cd56ef1234567890ab"), SseKeyCheck::Unknown, None),
        (
            "AWS SSE-KMS, not a key",
            on(Aws, "", SseKms, "my key"),
            SseKeyCheck::Unknown,
            Some((Code::KmsKeyIdFormat, Severity::Error, "kms_key_id")),
        ),
        (
            "AWS SSE-KMS, a bare alias name",
            on(Aws, "", SseKms, "reports"),
            SseKeyCheck::Unknown,
            Some((Code::KmsKeyIdFormat, Severity::Error, "kms_key_id")),
        ),
        (
            "AWS SSE-KMS, a key of another region",
            on(Aws, "", SseKms, &arn.replace("us-east-1", "eu-west-1")),
            SseKeyCheck::Unknown,
            Some((Code::KmsKeyRegion, Severity::Error, "kms_key_id")),
        ),
        (
            "AWS SSE-C, blocked on new buckets",
            on(Aws, "", SseC, ""),
            SseKeyCheck::Present,
            Some((Code::EncryptionConditional, Severity::Warning, "encryption")),
        ),
        ("AWS SSE-C, no key", on(Aws, "", SseC, ""), SseKeyCheck::Missing, Some((Code::SseCKeyMissing, Severity::Error, "sse_c_key"))),
        ("R2 SSE-KMS", on(R2, "", SseKms, ""), SseKeyCheck::Unknown, Some((Code::EncryptionUnsupported, Severity::Error, "encryption"))),
        (
            "R2 SSE-S3 adds nothing",
            on(R2, "", SseS3, ""),
            SseKeyCheck::Unknown,
            Some((Code::EncryptionConditional, Severity::Warning, "encryption")),
        ),
        ("R2 SSE-C", on(R2, "", SseC, ""), SseKeyCheck::Present, None),
        ("B2 SSE-S3 (SSE-B2)", on(B2, "", SseS3, ""), SseKeyCheck::Unknown, None),
        ("B2 SSE-KMS", on(B2, "", SseKms, ""), SseKeyCheck::Unknown, Some((Code::EncryptionUnsupported, Severity::Error, "encryption"))),
        ("B2 SSE-C", on(B2, "", SseC, ""), SseKeyCheck::Present, None),
        (
            "MinIO SSE-S3 needs a KMS",
            on(Minio, "https://minio.example.com", SseS3, ""),
            SseKeyCheck::Unknown,
            Some((Code::EncryptionConditional, Severity::Warning, "encryption")),
        ),
        (
            "MinIO SSE-C over http on this machine",
            on(Minio, "http://127.0.0.1:9000", SseC, ""),
            SseKeyCheck::Present,
            Some((Code::SseCOverHttp, Severity::Error, "encryption")),
        ),
        (
            "S3-compatible SSE-S3: the test checks it",
            on(Custom, "https://s3.example.com", SseS3, ""),
            SseKeyCheck::Unknown,
            Some((Code::EncryptionUnverified, Severity::Warning, "encryption")),
        ),
        (
            "S3-compatible SSE-C over http off this machine",
            on(Custom, "http://nas.lan:3900", SseC, ""),
            SseKeyCheck::Present,
            Some((Code::SseCOverHttp, Severity::Error, "encryption")),
        ),
        (
            "S3-compatible SSE-C over http to this machine",
            on(Custom, "http://127.0.0.1:3900", SseC, ""),
            SseKeyCheck::Present,
            Some((Code::EncryptionUnverified, Severity::Warning, "encryption")),
        ),
        (
            "a typed key that is not one",
            on(Custom, "https://s3.example.com", SseC, ""),
            SseKeyCheck::Invalid { message: "m".into(), fix: "f".into() },
            Some((Code::SseCKeyInvalid, Severity::Error, "sse_c_key")),
        ),
        ("none", on(Custom, "http://nas.lan:3900", Encryption::None, ""), SseKeyCheck::Missing, None),
    ];
    let encryption_fields = ["encryption", "kms_key_id", "sse_c_key"];
    for (what, s, key, want) in rows {
        let problems = validate(&s, &Context { sse_c_key: key, ..Context::default() });
        let ours: Vec<_> = problems.iter().filter(|p| encryption_fields.contains(&p.field.as_str())).collect();
        match want {
            None => assert!(ours.iter().all(|p| !p.is_error()) && ours.is_empty(), "{what}: {ours:#?}"),
            Some((code, severity, field)) => {
                let p = ours.iter().find(|p| p.code == code).unwrap_or_else(|| panic!("{what}: no {code} in {ours:#?}"));
                assert_eq!((p.severity, p.field.as_str()), (severity, field), "{what}");
                assert!(!p.message.is_empty() && !p.fix.is_empty(), "{what}: cause and fix");
            }
        }
    }
}

#[test]
fn old_rows_load_without_encryption() {
    let old = r#"{"name":"Old","provider":"aws","bucket":"reports"}"#;
    let s: Settings = serde_json::from_str(old).unwrap();
    assert_eq!((s.encryption, s.kms_key_id.as_str()), (Encryption::None, ""));
    let json = serde_json::to_value(Settings { encryption: Encryption::SseKms, ..s }).unwrap();
    assert_eq!(json["encryption"], "sse_kms");
}
