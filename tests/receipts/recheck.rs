//! A batch re-checked later, against what was recorded when its objects
//! were delivered: unchanged ones verified, one rewritten (same size, other
//! bytes) or resized found changed, one deleted found missing; the result
//! kept as the batch's receipt, the delivery itself left as it was.

use std::sync::Mutex;

use chute_core::history::{Filter, Outcome};
use chute_core::{Basis, Code, ReceiptKind, Verification, VerifyProgress};

use super::support::content::write;
use super::support::servers::S3sFs;
use super::{deliver, setup};

#[test]
fn a_recheck_finds_objects_changed_or_deleted_since_their_delivery() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let (chute, id) = setup(&fs, data.path());
    let src = tempfile::tempdir().unwrap();
    for name in ["same.txt", "rewritten.txt", "resized.txt", "deleted.txt"] {
        write(src.path(), name, format!("the content of {name}").as_bytes());
    }
    let summary = deliver(&chute, &id, src.path());
    assert_eq!(summary.delivered, 4);
    let batch = summary.batch_id.unwrap();

    // Another tool changes the bucket afterwards.
    fs.put("reports", "incoming/rewritten.txt", b"THE CONTENT OF REWRITTEN.TXT");
    fs.put("reports", "incoming/resized.txt", b"short");
    fs.delete("reports", "incoming/deleted.txt");

    let seen: Mutex<Vec<VerifyProgress>> = Mutex::default();
    let check = chute.verify_batch(&batch, &mut |p| seen.lock().unwrap().push(p)).unwrap();
    assert_eq!(seen.lock().unwrap().last(), Some(&VerifyProgress { checked: 4, total: 4 }), "progress ends at the total");
    let state = |k: &str| check.objects.iter().find(|o| o.key == format!("incoming/{k}")).unwrap().clone();
    assert_eq!((state("same.txt").state, state("same.txt").basis), (Verification::Verified, Some(Basis::Recorded)));
    for changed in ["rewritten.txt", "resized.txt"] {
        let o = state(changed);
        assert_eq!(o.state, Verification::Changed, "{o:?}");
        assert_eq!(o.error.as_ref().unwrap().code, Code::ObjectChanged);
    }
    assert!(state("rewritten.txt").error.unwrap().message.contains("as before, but its ETag was"), "same size, other content");
    let deleted = state("deleted.txt");
    assert_eq!((deleted.state, deleted.error.unwrap().code), (Verification::Missing, Code::ObjectMissing));

    let r = &check.receipt;
    assert_eq!((r.kind, r.checked, r.verified, r.differing, r.unchecked), (ReceiptKind::Recheck, 4, 1, 3, 0));
    assert!(!r.all_verified());
    assert_eq!(chute.batch_receipt(&batch).unwrap().as_ref(), Some(r), "the re-check is now the batch's receipt");
    let rows = chute.history_files(Some(&batch), &Filter { limit: 10, ..Filter::default() }).unwrap();
    let verified = |k: &str| rows.iter().find(|f| f.key == format!("incoming/{k}")).unwrap().verified;
    assert_eq!(verified("deleted.txt"), Some(Verification::Missing));
    assert_eq!(verified("same.txt"), Some(Verification::Verified));
    // The delivery happened as recorded: its outcome is not rewritten.
    assert_eq!(chute.history_batch(&batch).unwrap().unwrap().outcome, Some(Outcome::Delivered));

    // Put back as delivered, every object is verified again.
    for name in ["rewritten.txt", "resized.txt", "deleted.txt"] {
        fs.put("reports", &format!("incoming/{name}"), format!("the content of {name}").as_bytes());
    }
    let again = chute.verify_batch(&batch, &mut |_| {}).unwrap();
    assert_eq!((again.receipt.verified, again.receipt.differing), (4, 0), "{:?}", again.receipt.problems);
}

#[test]
fn a_batch_with_no_object_or_no_id_cannot_be_verified_and_says_why() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let (chute, id) = setup(&fs, data.path());
    let err = chute.verify_batch("00000000-0000-0000-0000-000000000000", &mut |_| {}).unwrap_err();
    assert_eq!(err.reply().info.code, Code::BatchNotFound);

    let src = tempfile::tempdir().unwrap();
    write(src.path(), "gone.txt", b"soon gone");
    let plan = chute.plan_delivery(&id, &[src.path().to_path_buf()]).unwrap();
    std::fs::remove_file(src.path().join("gone.txt")).unwrap();
    let summary = chute.deliver(&id, &plan, &Default::default(), &Default::default(), chute_core::Origin::Drop, &mut |_| {}).unwrap();
    assert_eq!((summary.delivered, summary.failed), (0, 1));
    assert!(summary.receipt.is_none(), "nothing delivered, nothing checked");
    let err = chute.verify_batch(summary.batch_id.as_deref().unwrap(), &mut |_| {}).unwrap_err();
    let info = err.reply().info;
    assert_eq!(info.code, Code::NothingToVerify);
    assert!(!info.message.is_empty() && !info.fix.is_empty());
}
