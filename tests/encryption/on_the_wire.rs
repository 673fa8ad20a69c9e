//! What no local server does, on the wire: a refused KMS key. moto takes
//! any key id and Garage ignores SSE-KMS, so the scripted answerer (the
//! one MOCK, tests/support/scripted.rs) answers a PutObject that asks for
//! SSE-KMS with the refusal AWS sends for a key it cannot find, and
//! records the headers of every request Chute made. The connection test
//! and a delivery name it alike, and the requests carry exactly the
//! SSE-KMS headers where S3 wants them (on the PUT, not on reads).

use std::sync::Mutex;

use chute_core::diagnose::Level;
use chute_core::provider::ProviderKind;
use chute_core::{Chute, Code, CredentialInput, Encryption, SecretStore, Sensitive, Settings};

use super::support::keychain::process_keyring;
use super::support::scripted::{Request, Scripted};
use super::support::{content, world::KEY_ID, world::SECRET};
use super::test;

/// (method, target, the request's x-amz-server-side-encryption* headers).
type Seen = (String, String, Vec<(String, String)>);
static SEEN: Mutex<Vec<Seen>> = Mutex::new(Vec::new());

fn answer(req: &Request) -> (u16, &'static str) {
    let sse: Vec<(String, String)> = req.headers.iter().filter(|(k, _)| k.starts_with("x-amz-server-side-encryption")).cloned().collect();
    SEEN.lock().unwrap().push((req.method.clone(), req.target.clone(), sse.clone()));
    let object = req.target.split('?').next().unwrap_or_default().trim_matches('/').contains('/');
    match req.method.as_str() {
        "PUT" if sse.iter().any(|(k, v)| k == "x-amz-server-side-encryption" && v == "aws:kms") => (
            400,
            "<Error><Code>KMS.NotFoundException</Code><Message>Invalid keyId 'alias/missing'</Message><RequestId>SCRIPTED</RequestId></Error>",
        ),
        "HEAD" if object => (404, ""),
        "DELETE" => (204, ""),
        _ => (200, ""),
    }
}

#[test]
fn a_refused_kms_key_is_named_alike_by_the_test_and_a_delivery() {
    process_keyring();
    let server = Scripted::start(answer);
    let data = tempfile::tempdir().unwrap();
    let chute = Chute::open_with(data.path(), SecretStore::platform()).unwrap();
    let settings = Settings {
        name: "KMS".into(),
        provider: ProviderKind::Custom,
        bucket: "reports".into(),
        endpoint: server.endpoint(),
        path_style: true,
        prefix: "incoming/".into(),
        encryption: Encryption::SseKms,
        kms_key_id: "alias/missing".into(),
        overwrite: chute_core::Overwrite::Skip,
        ..Settings::default()
    };
    let keys =
        CredentialInput::Keys { access_key_id: KEY_ID.into(), secret_access_key: Sensitive::new(SECRET.into()), session_token: None };
    let id = chute.create(settings, keys).unwrap().destination.destination.id;

    let report = test(&chute, &id);
    let tested = report.findings.iter().find(|f| f.level == Level::Error).expect("the test fails");
    assert_eq!(tested.code, Code::KmsKeyNotFound, "{tested:#?}");
    assert!(tested.what_happened.contains("alias/missing"), "{}", tested.what_happened);
    assert_eq!(tested.edit.as_ref().map(|e| e.field.as_str()), Some("encryption"));

    let src = tempfile::tempdir().unwrap();
    let file = content::write(src.path(), "a.csv", b"a,b\n1,2\n");
    SEEN.lock().unwrap().clear();
    let summary = super::deliver(&chute, &id, &[&file]);
    let failed = summary.not_landed[0].error.as_ref().expect("the file fails");
    assert_eq!((failed.code, &failed.fix), (tested.code, &tested.fix), "one vocabulary");
    assert_eq!(summary.not_landed[0].attempts, 1, "a refused key is not retried");

    let seen = SEEN.lock().unwrap();
    let puts: Vec<&Seen> = seen.iter().filter(|(m, _, _)| m == "PUT").collect();
    assert!(!puts.is_empty());
    for (_, target, sse) in &puts {
        let mut sse = sse.clone();
        sse.sort();
        assert_eq!(
            sse,
            vec![
                ("x-amz-server-side-encryption".to_string(), "aws:kms".to_string()),
                ("x-amz-server-side-encryption-aws-kms-key-id".to_string(), "alias/missing".to_string()),
            ],
            "{target}"
        );
    }
    let heads: Vec<&Seen> = seen.iter().filter(|(m, _, _)| m == "HEAD").collect();
    assert!(!heads.is_empty(), "the look for an existing object");
    assert!(heads.iter().all(|(_, _, sse)| sse.is_empty()), "S3 refuses SSE-KMS headers on reads: {heads:?}");
}
