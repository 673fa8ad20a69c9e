//! The receipt taken as a delivery ends: every object checked at the
//! server, a multipart one by the multipart ETag its local bytes give for
//! the recorded part size, a compressed one against the bytes sent; and an
//! object another writer changed between its upload and its check fails
//! its file with the diagnosis, so the batch is not delivered and the file
//! can be retried.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chute_core::history::{FileState, Filter, Outcome, Which};
use chute_core::{Code, Compression, ReceiptKind, Verification};

use super::support::content::{content, write};
use super::support::faults::{FaultProxy, Plan as FaultPlan};
use super::support::servers::{put_with_boto3, S3sFs, S3S_KEY, S3S_SECRET};
use super::{deliver, setup, setup_at, MIB};

#[test]
fn every_object_is_checked_as_it_lands_and_the_receipt_kept() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let (chute, id) = setup(&fs, data.path());
    let src = tempfile::tempdir().unwrap();
    for i in 0..5 {
        write(src.path(), &format!("small/f{i}.csv"), &content(i, 100 + i as usize * 1000));
    }
    write(src.path(), "empty.txt", b"");
    // 20 MiB: three parts of 8 MiB, each checked by the server with CRC32C (MinIO's way).
    write(src.path(), "big.bin", &content(99, 20 * MIB));
    let summary = deliver(&chute, &id, src.path());
    assert_eq!((summary.delivered, summary.failed), (7, 0), "{:?}", summary.not_landed);
    assert_eq!(summary.outcome, Outcome::Delivered);

    let receipt = summary.receipt.clone().expect("a receipt with the summary");
    assert_eq!(receipt.kind, ReceiptKind::Delivery);
    assert_eq!(
        (receipt.checked, receipt.verified, receipt.size_only, receipt.differing, receipt.unchecked),
        (7, 7, 0, 0, 0),
        "{receipt:?}"
    );
    assert!(receipt.problems.is_empty() && receipt.all_verified());
    let batch = summary.batch_id.unwrap();
    assert_eq!(chute.batch_receipt(&batch).unwrap(), Some(receipt), "kept in the history as it was given");

    let rows = chute.history_files(Some(&batch), &Filter { limit: 100, ..Filter::default() }).unwrap();
    assert!(rows.iter().all(|r| r.verified == Some(Verification::Verified)), "{rows:#?}");
    // The multipart object's ETag is md5-of-part-md5s-3 and no MD5 was worked
    // out while sending (its parts carried CRC32Cs): it was verified by the
    // ETag its local bytes give for the recorded part size.
    let big = rows.iter().find(|r| r.key == "incoming/big.bin").unwrap();
    assert!(big.multipart && big.md5.is_none(), "{big:?}");
    assert!(big.etag.as_deref().is_some_and(|e| e.trim_matches('"').ends_with("-3")), "{big:?}");
}

#[test]
fn a_compressed_delivery_is_checked_against_what_was_sent() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let (chute, id) = setup_at(&fs.endpoint(), data.path(), |s| s.compression = Compression::Gzip);
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "log.csv", "when,what\n".repeat(50_000).as_bytes());
    write(src.path(), "b.csv", b"a,b\n1,2\n");
    let summary = deliver(&chute, &id, src.path());
    assert_eq!((summary.delivered, summary.failed), (2, 0), "{:?}", summary.not_landed);
    let receipt = summary.receipt.unwrap();
    assert_eq!((receipt.checked, receipt.verified, receipt.differing), (2, 2, 0), "{receipt:?}");
    // The object is the compressed copy, far smaller than the file given.
    let objects = fs.objects("reports");
    let gz = &objects["incoming/log.csv.gz"];
    assert!(gz.len() < 50_000 && gz.starts_with(&[0x1f, 0x8b]), "{} bytes", gz.len());
}

/// A key, and the bytes another writer puts there.
type Rewrite = (&'static str, fn() -> Vec<u8>);

/// A proxy in front of s3s-fs that, the first time the object at each of
/// `keys` is asked about (the receipt's HEAD), has another client write
/// other bytes there first.
fn another_writer(fs: &S3sFs, keys: &'static [Rewrite]) -> FaultProxy {
    let endpoint = fs.endpoint();
    let done: Arc<Vec<AtomicBool>> = Arc::new(keys.iter().map(|_| AtomicBool::new(false)).collect());
    let plan = FaultPlan::none();
    let before = Arc::new(move |seen: &super::support::faults::Seen| {
        if seen.method != "HEAD" {
            return;
        }
        for (i, (key, bytes)) in keys.iter().enumerate() {
            if seen.key == *key && !done[i].swap(true, Ordering::SeqCst) {
                put_with_boto3(&endpoint, S3S_KEY, S3S_SECRET, "reports", key, &bytes());
            }
        }
    });
    FaultProxy::start_with(&format!("127.0.0.1:{}", fs.port), plan, Some(before))
}

#[test]
fn an_object_changed_between_its_upload_and_its_check_fails_its_file() {
    let fs = S3sFs::start();
    // Same size, other bytes; and other bytes of another size.
    let proxy = another_writer(
        &fs,
        &[("incoming/victim.txt", || b"THE OTHER WRITER".to_vec()), ("incoming/grown.txt", || b"longer than it was".to_vec())],
    );
    let data = tempfile::tempdir().unwrap();
    let (chute, id) = setup_at(&proxy.endpoint(), data.path(), |_| {});
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "victim.txt", b"the file as sent");
    write(src.path(), "grown.txt", b"short");
    write(src.path(), "fine.txt", b"untouched");
    let summary = deliver(&chute, &id, src.path());
    assert_eq!((summary.delivered, summary.failed), (1, 2), "{:?}", summary.not_landed);
    assert_eq!(summary.outcome, Outcome::Partial, "a difference is never a silent success");

    let by_key = |k: &str| summary.not_landed.iter().find(|f| f.key == k).unwrap().clone();
    let victim = by_key("incoming/victim.txt").error.expect("the victim failed with a diagnosis");
    assert_eq!(victim.code, Code::ReceiptMismatch);
    assert!(victim.message.contains("ETag (its MD5)") && victim.message.contains("incoming/victim.txt"), "{}", victim.message);
    assert!(victim.fix.contains("Retry"), "{}", victim.fix);
    let grown = by_key("incoming/grown.txt").error.unwrap();
    assert_eq!(grown.code, Code::ReceiptMismatch);
    assert_eq!(grown.message, "The object at `incoming/grown.txt` is 18 bytes, the local file 5 bytes.");

    let receipt = summary.receipt.unwrap();
    assert_eq!((receipt.checked, receipt.verified, receipt.differing), (3, 1, 2), "{receipt:?}");
    let mut problems: Vec<(&str, Verification, Code)> = receipt.problems.iter().map(|p| (p.key.as_str(), p.state, p.code)).collect();
    problems.sort_by_key(|p| p.0);
    assert_eq!(
        problems,
        [
            ("incoming/grown.txt", Verification::Mismatch, Code::ReceiptMismatch),
            ("incoming/victim.txt", Verification::Mismatch, Code::ReceiptMismatch)
        ]
    );

    // The history shows both as failed, with the diagnosis, and offers them to a retry.
    let batch = summary.batch_id.unwrap();
    let b = chute.history_batch(&batch).unwrap().unwrap();
    assert_eq!((b.delivered, b.failed, b.outcome), (1, 2, Some(Outcome::Partial)));
    let rows = chute.history_files(Some(&batch), &Filter { limit: 10, ..Filter::default() }).unwrap();
    let victim_row = rows.iter().find(|r| r.key == "incoming/victim.txt").unwrap();
    assert_eq!(victim_row.status, FileState::Failed);
    assert_eq!(victim_row.error_code.as_deref(), Some("receipt_mismatch"));
    assert_eq!(victim_row.verified, Some(Verification::Mismatch));
    let (_, retry) = chute.history_plan(&batch, Which::Failed).unwrap();
    let mut keys: Vec<&str> = retry.files.iter().map(|f| f.key.as_str()).collect();
    keys.sort();
    assert_eq!(keys, ["incoming/grown.txt", "incoming/victim.txt"]);
}

/// A destination set to rely on the server's answers to its uploads
/// (`check_after_delivery` off): nothing is asked after an upload (no HEAD
/// or GET reaches the server), no receipt is kept, the objects are whole,
/// and the batch can still be checked later. The same files to a destination
/// that checks (the default) cost one HEAD per object.
#[test]
fn a_destination_relying_on_the_upload_answers_asks_nothing_after_each_upload() {
    let fs = S3sFs::start();
    let plan = FaultPlan::none();
    let proxy = FaultProxy::start(&format!("127.0.0.1:{}", fs.port), plan);
    let src = tempfile::tempdir().unwrap();
    for i in 0..20 {
        write(src.path(), &format!("small/f{i:02}.csv"), &content(i, 100 + i as usize * 500));
    }
    write(src.path(), "big.bin", &content(99, 20 * MIB));
    let asked = |log: &[super::support::faults::Seen]| log.iter().filter(|s| s.method == "HEAD" || s.method == "GET").count();

    let data = tempfile::tempdir().unwrap();
    let (chute, id) = setup_at(&proxy.endpoint(), data.path(), |s| s.check_after_delivery = false);
    let before = proxy.log().len();
    let summary = deliver(&chute, &id, src.path());
    assert_eq!((summary.delivered, summary.failed), (21, 0), "{:?}", summary.not_landed);
    assert_eq!(summary.outcome, Outcome::Delivered);
    assert_eq!(asked(&proxy.log()[before..]), 0, "nothing asked after the uploads: {:#?}", &proxy.log()[before..]);
    assert!(summary.receipt.is_none(), "no receipt: {:?}", summary.receipt);
    let batch = summary.batch_id.clone().unwrap();
    assert_eq!(chute.batch_receipt(&batch).unwrap(), None);
    let objects = fs.objects("reports");
    assert_eq!(objects["incoming/big.bin"], content(99, 20 * MIB));
    for i in 0..20 {
        assert_eq!(objects[&format!("incoming/small/f{i:02}.csv")], content(i, 100 + i as usize * 500), "f{i:02}");
    }
    // Checked later, on demand: every object verified.
    let later = chute.verify_batch(&batch, &mut |_| {}).unwrap().receipt;
    assert_eq!((later.checked, later.verified, later.differing), (21, 21, 0), "{later:?}");

    // The default: each object checked once it lands.
    let data = tempfile::tempdir().unwrap();
    let (chute, id) = setup_at(&proxy.endpoint(), data.path(), |s| s.prefix = "checked/".into());
    let before = proxy.log().len();
    let summary = deliver(&chute, &id, src.path());
    assert_eq!((summary.delivered, summary.failed), (21, 0), "{:?}", summary.not_landed);
    assert!(asked(&proxy.log()[before..]) >= 21, "one HEAD per object at least: {}", asked(&proxy.log()[before..]));
    assert_eq!(summary.receipt.map(|r| (r.checked, r.verified)), Some((21, 21)));
}
