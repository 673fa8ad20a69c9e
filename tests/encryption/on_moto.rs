//! SSE-S3 and SSE-KMS on moto: a single PUT and a 3-part upload land
//! encrypted as asked (HEAD by another client says AES256, or aws:kms with
//! the key's ARN), the connection test sees the server confirm it, and
//! the receipt never calls a KMS object's ETag a mismatch.

use chute_core::{Chute, Code, CredentialInput, Encryption, SecretStore, Sensitive, Settings, Verification};

use super::support::content;
use super::support::keychain::process_keyring;
use super::support::servers::Moto;
use super::{deliver, put_detail, test, MIB};

fn settings(moto: &Moto, name: &str, encryption: Encryption, kms_key_id: &str) -> Settings {
    Settings {
        name: name.into(),
        provider: chute_core::ProviderKind::Custom,
        bucket: "reports".into(),
        endpoint: moto.endpoint(),
        path_style: true,
        prefix: format!("{name}/"),
        encryption,
        kms_key_id: kms_key_id.into(),
        ..Settings::default()
    }
}

fn admin(moto: &Moto) -> CredentialInput {
    let k = moto.user("admin");
    CredentialInput::Keys {
        access_key_id: k.access_key_id.clone(),
        secret_access_key: Sensitive::new(k.secret_access_key.clone()),
        session_token: None,
    }
}

/// HeadObject by boto3: (ServerSideEncryption, SSEKMSKeyId).
fn head(moto: &Moto, key: &str) -> (Option<String>, Option<String>) {
    let v = moto.admin_python(&format!(
        "h = s3.head_object(Bucket='reports', Key='{key}')\nprint(json.dumps([h.get('ServerSideEncryption'), h.get('SSEKMSKeyId')]))"
    ));
    (v[0].as_str().map(str::to_string), v[1].as_str().map(str::to_string))
}

/// A KMS key made in moto's KMS: its ARN.
fn kms_key(moto: &Moto) -> String {
    let k = moto.user("admin");
    let v = moto.admin_python(&format!(
        "kms = boto3.client('kms', endpoint_url='{}', aws_access_key_id='{}', aws_secret_access_key='{}', region_name='us-east-1')\n\
         print(json.dumps(kms.create_key(Description='chute test')['KeyMetadata']['Arn']))",
        moto.endpoint(),
        k.access_key_id,
        k.secret_access_key
    ));
    v.as_str().unwrap().to_string()
}

#[test]
fn sse_s3_and_sse_kms_land_encrypted_as_asked() {
    process_keyring();
    let moto = Moto::start();
    let data = tempfile::tempdir().unwrap();
    let chute = Chute::open_with(data.path(), SecretStore::platform()).unwrap();
    let src = tempfile::tempdir().unwrap();
    let small = content::write(src.path(), "small.csv", &content::content(1, 4096));
    let big = content::write(src.path(), "big.bin", &content::content(2, 11 * MIB));
    let arn = kms_key(&moto);

    for (name, encryption, kms, want_sse, want_key) in
        [("s3", Encryption::SseS3, "", "AES256", None), ("kms", Encryption::SseKms, arn.as_str(), "aws:kms", Some(arn.as_str()))]
    {
        let saved = chute.create(settings(&moto, name, encryption, kms), admin(&moto)).expect("saved");
        let id = saved.destination.destination.id.clone();
        assert!(saved.destination.encryption_words.contains(if name == "s3" { "SSE-S3" } else { "SSE-KMS with key `arn:aws:kms" }));

        let report = test(&chute, &id);
        assert!(report.findings.iter().all(|f| f.code != Code::EncryptionNotConfirmed), "{name}: {:#?}", report.findings);
        assert!(put_detail(&report).contains(if name == "s3" { "SSE-S3" } else { "SSE-KMS (key arn:aws:kms" }), "{}", put_detail(&report));

        let summary = deliver(&chute, &id, &[&small, &big]);
        assert_eq!(summary.delivered, 2, "{name}: {:#?}", summary.not_landed);
        for f in ["small.csv", "big.bin"] {
            let (sse, key) = head(&moto, &format!("{name}/{f}"));
            assert_eq!(sse.as_deref(), Some(want_sse), "{name}/{f}");
            if let Some(want) = want_key {
                assert_eq!(key.as_deref(), Some(want), "{name}/{f}: the KMS key asked for");
            }
        }
        let receipt = summary.receipt.expect("a receipt");
        assert_eq!(receipt.differing, 0, "{name}: no ETag called a mismatch: {receipt:#?}");
        assert_eq!(receipt.verified + receipt.size_only, 2, "{name}: {receipt:#?}");
        if encryption == Encryption::SseKms {
            // moto's ETags happen to be MD5s, but S3's are not under SSE-KMS: never relied on.
            let checks = chute.verify_batch(summary.batch_id.as_deref().unwrap(), &mut |_| {}).expect("verify");
            assert!(checks.objects.iter().all(|o| o.state != Verification::Mismatch), "{checks:#?}");
        }
    }
}
