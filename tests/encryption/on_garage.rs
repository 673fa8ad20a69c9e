//! SSE-C on Garage, which implements it: a generated key kept in the
//! keychain as its own item; a single PUT and a 3-part upload that another
//! client cannot read without the key and reads, byte for byte, with it;
//! receipts that check sizes, never calling the opaque ETags a mismatch;
//! the connection test seeing the server confirm it; a replaced key
//! diagnosed where it meets the old objects; no presigned link; the key
//! copied with a duplicate and removed with the destination.

use chute_core::{Chute, Code, CredentialInput, CustomerKey, Encryption, SecretStore, Sensitive, Settings};

use super::support::content;
use super::support::garage::{Garage, GARAGE_ADMIN_KEY, GARAGE_ADMIN_SECRET, GARAGE_REGION};
use super::support::keychain::process_keyring;
use super::support::servers::boto3;
use super::{deliver, put_detail, test, MIB};

/// GetObject by boto3 with `key` (base64) or without one: the bytes'
/// MD5, or the error code the server answered.
fn get(g: &Garage, object: &str, key: Option<&str>) -> String {
    let sse = match key {
        Some(k) => format!(", SSECustomerAlgorithm='AES256', SSECustomerKey=base64.b64decode('{k}')"),
        None => String::new(),
    };
    let v = boto3(
        &g.endpoint(),
        GARAGE_ADMIN_KEY,
        GARAGE_ADMIN_SECRET,
        GARAGE_REGION,
        &format!(
            "import base64\ntry:\n    b = s3.get_object(Bucket='reports', Key='{object}'{sse})['Body'].read()\n    print(json.dumps(hashlib.md5(b).hexdigest()))\n\
             except Exception as e:\n    print(json.dumps('refused: ' + str(e)))"
        ),
    );
    v.as_str().unwrap().to_string()
}

fn md5_hex(bytes: &[u8]) -> String {
    use md5::{Digest, Md5};
    Md5::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn sse_c_objects_open_only_with_their_key() {
    let keyring = process_keyring();
    let g = Garage::start();
    let data = tempfile::tempdir().unwrap();
    let chute = Chute::open_with(data.path(), SecretStore::platform()).unwrap();
    let src = tempfile::tempdir().unwrap();
    let (small_bytes, big_bytes) = (content::content(3, 4096), content::content(4, 11 * MIB));
    let small = content::write(src.path(), "small.csv", &small_bytes);
    let big = content::write(src.path(), "big.bin", &big_bytes);

    let settings = Settings {
        name: "Vault".into(),
        provider: chute_core::ProviderKind::Custom,
        bucket: "reports".into(),
        endpoint: g.endpoint(),
        region: GARAGE_REGION.into(),
        path_style: true,
        prefix: "vault/".into(),
        encryption: Encryption::SseC,
        ..Settings::default()
    };
    let keys = || CredentialInput::Keys {
        access_key_id: GARAGE_ADMIN_KEY.into(),
        secret_access_key: Sensitive::new(GARAGE_ADMIN_SECRET.into()),
        session_token: None,
    };
    // Without a key, validation says so before anything is saved.
    let draft = chute.validate_draft(&settings, &keys().draft(), None).unwrap();
    assert!(draft.iter().any(|p| p.code == Code::SseCKeyMissing && p.is_error()), "{draft:#?}");

    let id = chute.create(settings.clone(), keys()).unwrap().destination.destination.id;
    // Saved without its key (as a script might): nothing is sent unencrypted.
    let refused = deliver_err(&chute, &id, &small);
    assert_eq!(refused, Code::SseCKeyMissing);

    let key = CustomerKey::generate().unwrap();
    chute.set_sse_customer_key(&id, Some(&key)).unwrap();
    let b64 = key.base64().expose().clone();
    assert_eq!(keyring.lookup("chute", &format!("destination:{id}:sse-c")).as_deref(), Some(b64.as_str()), "its own keychain item");
    assert!(!chute.view(&chute.get(&id).unwrap()).map(|v| serde_json::to_string(&v).unwrap()).unwrap().contains(&b64), "never in a view");

    let report = test(&chute, &id);
    assert!(put_detail(&report).contains("SSE-C"), "{:#?}", report.steps);
    assert!(report.findings.iter().all(|f| f.code != Code::EncryptionNotConfirmed), "{:#?}", report.findings);

    let summary = deliver(&chute, &id, &[&small, &big]);
    assert_eq!(summary.delivered, 2, "{:#?}", summary.not_landed);
    let mut multipart = false;
    chute.each_batch_result(summary.batch_id.as_deref().unwrap(), |f| multipart |= f.multipart).unwrap();
    assert!(multipart, "the big file went in parts");
    let receipt = summary.receipt.expect("a receipt");
    assert_eq!((receipt.differing, receipt.unchecked), (0, 0), "{receipt:#?}");
    assert_eq!(receipt.verified + receipt.size_only, 2, "{receipt:#?}");
    assert!(receipt.note.as_deref().is_some_and(|n| n.contains("SSE-KMS or SSE-C")) || receipt.verified == 2, "{receipt:#?}");

    for (object, bytes) in [("vault/small.csv", &small_bytes), ("vault/big.bin", &big_bytes)] {
        assert!(get(&g, object, None).starts_with("refused"), "{object} unreadable without the key");
        assert_eq!(get(&g, object, Some(&b64)), md5_hex(bytes), "{object} read back with the key");
    }
    assert!(get(&g, "vault/small.csv", Some(CustomerKey::generate().unwrap().base64().expose())).starts_with("refused"));

    // The preview's look for existing objects finds them (it asks with the key).
    let plan = chute.plan_delivery(&id, std::slice::from_ref(&small)).unwrap();
    assert_eq!(chute.existing_objects(&id, &plan).unwrap().existing.len(), 1);

    // No link: it would only ever show an error.
    let link = chute.presign(&id, "vault/small.csv", std::time::Duration::from_secs(60)).unwrap_err();
    assert_eq!(link.reply().info.code, Code::PresignSseC);

    // The key replaced: the old objects meet a key that does not open them,
    // in a delivery's look before writing and in a later check of the batch.
    chute.set_sse_customer_key(&id, Some(&CustomerKey::generate().unwrap())).unwrap();
    assert_eq!(deliver_err(&chute, &id, &small), Code::SseCKeyMismatch);
    let batch = summary.batch_id.clone().expect("a batch");
    let check = chute.verify_batch(&batch, &mut |_| {}).unwrap();
    for o in &check.objects {
        assert_eq!(o.error.as_ref().map(|e| e.code), Some(Code::SseCKeyMismatch), "{o:#?}");
    }
    chute.set_sse_customer_key(&id, Some(&key)).unwrap();

    // A duplicate reads what the original wrote: it gets the same key.
    let copy = chute.duplicate(&id).unwrap().destination.destination.id;
    assert_eq!(keyring.lookup("chute", &format!("destination:{copy}:sse-c")).as_deref(), Some(b64.as_str()));
    for d in [&id, &copy] {
        chute.delete(d).unwrap();
        assert_eq!(keyring.lookup("chute", &format!("destination:{d}:sse-c")), None, "removed with the destination");
    }
    assert!(!keyring.holds_secret("chute", &b64));
}

/// The one file's error code, whether the batch could not start or the file failed.
fn deliver_err(chute: &Chute, id: &str, file: &std::path::Path) -> Code {
    let plan = chute.plan_delivery(id, &[file.to_path_buf()]).unwrap();
    let job = chute_core::Job::Plan {
        destination_id: id.into(),
        plan: std::sync::Arc::new(plan),
        origin: chute_core::history::Origin::Cli,
        options: Default::default(),
    };
    match chute.run(&job, &Default::default(), &mut |_| {}) {
        Err(e) => e.reply().info.code,
        Ok(s) => s.not_landed.first().and_then(|f| f.error.as_ref()).unwrap_or_else(|| panic!("the file did not fail: {s:#?}")).code,
    }
}
