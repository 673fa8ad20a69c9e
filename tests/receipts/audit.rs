//! A local folder audited against the objects under a prefix, whoever
//! uploaded them: Chute's single and multipart uploads and another tool's
//! multipart upload (other part size) verified by content; an object of
//! another size or other bytes, a file with no object and an object with
//! no file each reported with its diagnosis; Chute's manifests and the
//! names a delivery ignores left out.

use chute_core::{Basis, Code, Verification};

use super::support::content::{content, write};
use super::support::servers::{boto3, S3sFs, S3S_KEY, S3S_SECRET};
use super::{setup_at, MIB};

#[test]
fn a_folder_audit_pairs_files_with_objects_and_names_every_difference() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let (chute, id) = setup_at(&fs.endpoint(), data.path(), |s| s.manifest = true);
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("exports");
    let mut sent = Vec::new();
    for (name, bytes) in [
        ("same.txt", b"same on both sides".to_vec()),
        ("big.bin", content(7, 20 * MIB)),
        ("differs-size.txt", b"as delivered".to_vec()),
        ("differs-content.txt", b"as delivered".to_vec()),
    ] {
        sent.push(write(&local, name, &bytes));
    }
    write(&local, "only-here.txt", b"never uploaded");
    write(&local, ".DS_Store", b"ignored by deliveries, so by audits");
    let plan = chute.plan_delivery(&id, &sent).unwrap();
    let summary = chute.deliver(&id, &plan, &Default::default(), &Default::default(), chute_core::Origin::Cli, &mut |_| {}).unwrap();
    assert_eq!(summary.delivered, 4, "{:?}", summary.not_landed);
    assert!(summary.manifest.as_ref().and_then(|m| m.marker_key.as_ref()).is_some(), "a manifest and its marker under the prefix");

    // Another tool: a multipart upload in 5 MiB parts, and an object with no file.
    let tool = write(&local, "tool.bin", &content(8, 12 * MIB + 5));
    boto3(
        &fs.endpoint(),
        S3S_KEY,
        S3S_SECRET,
        "us-east-1",
        &format!(
            "from boto3.s3.transfer import TransferConfig\n\
             s3.upload_file({:?}, 'reports', 'incoming/tool.bin', Config=TransferConfig(multipart_threshold=5*1024*1024, multipart_chunksize=5*1024*1024))\n\
             print(json.dumps(s3.head_object(Bucket='reports', Key='incoming/tool.bin')['ETag']))",
            tool.display().to_string()
        ),
    );
    fs.put("reports", "incoming/only-there.txt", b"uploaded from elsewhere");
    fs.put("reports", "incoming/differs-size.txt", b"replaced with more bytes");
    fs.put("reports", "incoming/differs-content.txt", b"AS DELIVERED");

    let audit = chute.audit_folder(&id, None, &local, &mut |_| {}).unwrap();
    let r = |k: &str| audit.results.iter().find(|o| o.key == format!("incoming/{k}")).unwrap_or_else(|| panic!("{k}: {audit:#?}")).clone();
    assert_eq!((r("same.txt").state, r("same.txt").basis), (Verification::Verified, Some(Basis::Etag)));
    assert_eq!((r("big.bin").state, r("big.bin").basis), (Verification::Verified, Some(Basis::MultipartEtag)), "Chute's part size");
    assert_eq!(
        (r("tool.bin").state, r("tool.bin").basis),
        (Verification::Verified, Some(Basis::MultipartEtag)),
        "another tool's part size"
    );
    let size = r("differs-size.txt");
    assert_eq!((size.state, size.error.as_ref().unwrap().code), (Verification::Mismatch, Code::ReceiptMismatch));
    assert_eq!(
        size.error.unwrap().message,
        "The object at `incoming/differs-size.txt` is 24 bytes, the local file `differs-size.txt` 12 bytes."
    );
    let bytes = r("differs-content.txt");
    assert_eq!(bytes.state, Verification::Mismatch);
    assert!(bytes.error.unwrap().message.contains("has the right size but other content"));
    let here = r("only-here.txt");
    assert_eq!((here.state, here.error.unwrap().code), (Verification::Missing, Code::ObjectMissing));
    let there = r("only-there.txt");
    assert_eq!((there.state, there.relpath.as_deref()), (Verification::MissingLocally, Some("only-there.txt")));
    assert_eq!(there.error.unwrap().code, Code::MissingLocally);

    assert_eq!((audit.local_files, audit.objects, audit.objects_left_out), (6, 8, 2), "two manifest objects left out; .DS_Store too");
    assert_eq!((audit.verified, audit.mismatched, audit.missing, audit.missing_locally, audit.unchecked), (3, 2, 1, 1, 0));
    assert!(!audit.all_verified());
    assert_eq!(audit.results.len(), 7);
    assert!(audit.results.windows(2).all(|w| w[0].key < w[1].key), "by key");
}

#[test]
fn an_audit_refuses_a_prefix_or_folder_that_cannot_be() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let (chute, id) = setup_at(&fs.endpoint(), data.path(), |_| {});
    let dir = tempfile::tempdir().unwrap();
    let err = chute.audit_folder(&id, Some("/incoming/"), dir.path(), &mut |_| {}).unwrap_err();
    let reply = err.reply();
    assert_eq!(reply.problems.first().map(|p| (p.field.as_str(), p.code)), Some(("prefix", Code::PrefixLeadingSlash)));
    let err = chute.audit_folder(&id, None, &dir.path().join("nope"), &mut |_| {}).unwrap_err();
    assert_eq!(err.reply().info.code, Code::NotFound);
    // An empty folder against an empty prefix: nothing differs.
    let audit = chute.audit_folder(&id, Some("nothing-here/"), dir.path(), &mut |_| {}).unwrap();
    assert!(audit.all_verified() && audit.results.is_empty(), "{audit:?}");
}
