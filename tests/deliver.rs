//! Delivery against real S3-protocol servers on loopback: s3s-fs (objects
//! are files on disk, so bytes are compared directly) and moto (multipart
//! uploads can be listed, so nothing may be left behind).

mod support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chute_core::deliver::{self, Control, DeliveryEvent, FileResult, FileStatus, Plan, PlanOptions, TransferOptions};
use chute_core::destination::Overwrite;
use chute_core::provider::ProviderKind;
use chute_core::s3::{self, Auth, ClientOptions};
use chute_core::Code;
use chute_core::Settings;
use support::auth::{moto_auth, s3s_auth};
use support::content::{content, write};
use support::faults::{FaultProxy, Plan as FaultPlan};
use support::servers::{Moto, S3sFs};

const MIB: u64 = 1024 * 1024;

fn s3s_settings(fs: &S3sFs, prefix: &str, template: &str) -> Settings {
    Settings {
        name: "t".into(),
        provider: ProviderKind::Minio,
        bucket: "reports".into(),
        endpoint: fs.endpoint(),
        path_style: true,
        prefix: prefix.into(),
        key_template: template.into(),
        ..Settings::default()
    }
    .normalized()
}

/// Small parts so "large" test files stay small.
fn small_parts() -> TransferOptions {
    TransferOptions { multipart_threshold: 6 * MIB, min_part_size: 5 * MIB, ..TransferOptions::default() }
}

fn now() -> time::OffsetDateTime {
    time::macros::datetime!(2026-06-07 14:05:09 UTC)
}

fn run(
    s: &Settings,
    auth: Auth,
    plan: &Plan,
    opts: &TransferOptions,
    control: &Control,
    mut on: impl FnMut(&DeliveryEvent) + Send,
) -> deliver::BatchSummary {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let client = s3::client(s, &auth, &ClientOptions::delivery()).await;
        deliver::deliver(client, s, plan, opts, control, &mut |e| on(&e)).await
    })
}

/// `run`, with every file's result as its event reported it, in plan order
/// (the summary keeps only the files that did not land).
fn run_with_results(
    s: &Settings,
    auth: Auth,
    plan: &Plan,
    opts: &TransferOptions,
    mut on: impl FnMut(&DeliveryEvent) + Send,
) -> (deliver::BatchSummary, Vec<FileResult>) {
    let mut results = Vec::new();
    let summary = run(s, auth, plan, opts, &Control::default(), |e| {
        if let DeliveryEvent::File(r) = e {
            results.push((**r).clone());
        }
        on(e);
    });
    results.sort_by_key(|r| r.index);
    (summary, results)
}

#[test]
fn a_tree_of_awkward_names_lands_under_exactly_the_expected_keys() {
    let fs = S3sFs::start();
    let src = tempfile::tempdir().unwrap();
    let drop = src.path().join("drop");
    // relpath inside the dropped folder -> size
    let files: Vec<(&str, u64)> = vec![
        ("report 2026.csv", 1200),
        ("spaces in/a folder/file name.txt", 10),
        ("hash#plus+percent%question?.bin", 77),
        ("emoji 📦/🚀 launch.json", 33),
        ("deep/1/2/3/4/5/6/7/8/9/10/leaf.dat", 5),
        ("empty.txt", 0),
        ("big/multipart.bin", 13 * MIB + 123),
        ("über/straße.txt", 9),
    ];
    for (i, (rel, len)) in files.iter().enumerate() {
        write(&drop, rel, &content(i as u64, *len as usize));
    }
    // NFD on disk (as macOS writes it): the key must come out NFC.
    let nfd = "cafe\u{301}.txt";
    write(&drop, nfd, b"nfd");
    // Things the plan leaves out.
    write(&drop, ".DS_Store", b"x");
    write(&drop, ".git/config", b"x");
    std::os::unix::fs::symlink(drop.join("empty.txt"), drop.join("link.txt")).unwrap();

    let s = s3s_settings(&fs, "incoming/", "{prefix}{relpath}");
    let plan = deliver::plan(&s, std::slice::from_ref(&drop), &PlanOptions::default(), now());
    assert!(plan.problems.is_empty(), "{:#?}", plan.problems);
    assert!(plan.collisions.is_empty());
    let excluded: Vec<String> = plan.excluded.iter().map(|e| e.path.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(excluded, [".DS_Store", ".git", "link.txt"], "{:#?}", plan.excluded);

    let mut expected: BTreeMap<String, Vec<u8>> =
        files.iter().enumerate().map(|(i, (rel, len))| (format!("incoming/{rel}"), content(i as u64, *len as usize))).collect();
    expected.insert("incoming/caf\u{e9}.txt".into(), b"nfd".to_vec());
    let planned: Vec<&str> = plan.files.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(planned.len(), expected.len());
    for k in expected.keys() {
        assert!(planned.contains(&k.as_str()), "{k} not planned: {planned:#?}");
    }
    let csv = plan.files.iter().find(|f| f.key.ends_with(".csv")).unwrap();
    assert_eq!(csv.content_type, "text/csv");

    let events = Arc::new(Mutex::new(Vec::new()));
    let ev = events.clone();
    let (summary, results) = run_with_results(&s, s3s_auth(), &plan, &small_parts(), move |e| ev.lock().unwrap().push(e.clone()));
    assert_eq!((summary.delivered, summary.failed), (expected.len(), 0), "{:#?}", summary.not_landed);
    assert_eq!(summary.bytes_sent, expected.values().map(|v| v.len() as u64).sum::<u64>());
    assert!(results.iter().any(|f| f.multipart), "the big file went multipart");

    // The bucket holds exactly these keys, with exactly these bytes.
    let mut stored = fs.object_paths("reports");
    stored.sort();
    let mut want: Vec<String> = expected.keys().cloned().collect();
    want.sort();
    assert_eq!(stored, want);
    for (key, bytes) in &expected {
        let on_disk = std::fs::read(fs.root.path().join("reports").join(key)).unwrap();
        assert!(on_disk == *bytes, "{key}: content differs");
    }
    // Progress reached 100%.
    let events = events.lock().unwrap();
    let last_batch = events.iter().rev().find_map(|e| match e {
        DeliveryEvent::Progress(p) => Some((p.bytes_sent, p.bytes_total, p.files_done, p.files_total)),
        _ => None,
    });
    assert_eq!(last_batch, Some((plan.total_bytes, plan.total_bytes, expected.len(), expected.len())));
}

/// The engine starts files as slots free up: every file's result is
/// reported once, whatever order they landed in; the summary keeps only
/// the files that did not land, in plan order; and a plan with nothing in
/// it ends at once.
#[test]
fn every_file_is_reported_once_failures_in_plan_order_and_an_empty_plan_ends() {
    let fs = S3sFs::start();
    let src = tempfile::tempdir().unwrap();
    let many = src.path().join("many");
    // The first files are the biggest, so later ones land first.
    for i in 0..40u64 {
        write(&many, &format!("f{i:02}.bin"), &content(i, ((40 - i) * 20_011) as usize));
    }
    let s = s3s_settings(&fs, "order/", "{prefix}{relpath}");
    let plan = deliver::plan(&s, std::slice::from_ref(&many), &PlanOptions::default(), now());
    let landed = Arc::new(Mutex::new(Vec::new()));
    let seen = landed.clone();
    let summary = run(&s, s3s_auth(), &plan, &TransferOptions::default(), &Control::default(), move |e| {
        if let DeliveryEvent::File(r) = e {
            seen.lock().unwrap().push(r.index);
        }
    });
    assert_eq!(summary.delivered, 40, "{:#?}", summary.not_landed);
    assert!(summary.not_landed.is_empty(), "a summary keeps no delivered file: {:#?}", summary.not_landed);
    let mut landed = landed.lock().unwrap().clone();
    landed.sort_unstable();
    assert_eq!(landed, (0..40).collect::<Vec<_>>(), "each file reported once");

    // Files that did not land are in the summary, in plan order, however they ended.
    let gone: Vec<_> = plan.files.iter().step_by(3).map(|f| f.source().into_owned()).collect();
    gone.iter().for_each(|p| std::fs::remove_file(p).unwrap());
    let overwriting = TransferOptions { overwrite: Some(Overwrite::Overwrite), ..TransferOptions::default() };
    let again = run(&s, s3s_auth(), &plan, &overwriting, &Control::default(), |_| {});
    let missing: Vec<usize> = again.not_landed.iter().map(|f| f.index).collect();
    assert_eq!(missing, (0..40).step_by(3).collect::<Vec<_>>(), "{:#?}", again.not_landed);
    assert!(again.not_landed.iter().all(|f| f.error.as_ref().is_some_and(|e| e.code == Code::SourceMissing)));

    let empty = src.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let plan = deliver::plan(&s, std::slice::from_ref(&empty), &PlanOptions::default(), now());
    assert!(plan.files.is_empty());
    let (done, ended) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(run(&s, s3s_auth(), &plan, &TransferOptions::default(), &Control::default(), |_| {}));
    });
    let summary = ended.recv_timeout(std::time::Duration::from_secs(60)).expect("an empty plan must end, not wait for files");
    assert_eq!((summary.delivered, summary.not_landed.len()), (0, 0));
}

#[test]
fn seed_conventions_as_templates() {
    let fs = S3sFs::start();
    let src = tempfile::tempdir().unwrap();
    let f = write(src.path(), "mapping_results_INV-1234.csv", b"a,b\n");
    for (template, want) in [
        ("{prefix}{name}", "exports/mapping_results_INV-1234.csv"),
        ("{prefix}{stem}_{date}.{ext}", "exports/mapping_results_INV-1234_2026-06-07.csv"),
    ] {
        let s = s3s_settings(&fs, "exports/", template);
        let plan = deliver::plan(&s, std::slice::from_ref(&f), &PlanOptions::default(), now());
        assert_eq!(plan.files[0].key, want);
    }
    let s = s3s_settings(&fs, "test/", "{prefix}{yyyy}/{MM}/{dd}/{HH}/{yyyy}-{MM}-{dd}-{HH}-{mm}-{ss}-{id}.{ext}");
    let plan = deliver::plan(&s, std::slice::from_ref(&f), &PlanOptions::default(), now());
    let k = &plan.files[0].key;
    assert!(k.starts_with("test/2026/06/07/14/2026-06-07-14-05-09-") && k.ends_with(".csv"), "{k}");
    let summary = run(&s, s3s_auth(), &plan, &TransferOptions::default(), &Control::default(), |_| {});
    assert_eq!(summary.delivered, 1);
    assert!(fs.root.path().join("reports").join(k).is_file());
}

#[test]
fn collisions_are_flagged_before_anything_is_sent() {
    let fs = S3sFs::start();
    let src = tempfile::tempdir().unwrap();
    let a = write(src.path(), "a/report.csv", b"1");
    let b = write(src.path(), "b/report.csv", b"2");
    let s = s3s_settings(&fs, "in/", "{prefix}{name}");
    let plan = deliver::plan(&s, &[a, b], &PlanOptions::default(), now());
    assert_eq!(plan.collisions.len(), 1);
    assert_eq!(plan.collisions[0].key, "in/report.csv");
    assert!(!plan.is_deliverable());
}

#[test]
fn never_overwrite_leaves_the_existing_object_untouched() {
    let fs = S3sFs::start();
    let src = tempfile::tempdir().unwrap();
    let small = write(src.path(), "same.txt", b"new bytes");
    let big = write(src.path(), "same-big.bin", &content(9, (7 * MIB) as usize));
    // One PUT, too big for the socket's buffers: the server refuses it on
    // its headers and closes while the body is still being sent.
    let mid = write(src.path(), "same-mid.bin", &content(8, (5 * MIB) as usize));
    let mut s = s3s_settings(&fs, "in/", "{prefix}{name}");
    // Objects already there.
    let existing = fs.root.path().join("reports/in");
    std::fs::create_dir_all(&existing).unwrap();
    std::fs::write(existing.join("same.txt"), b"original").unwrap();
    std::fs::write(existing.join("same-big.bin"), b"original big").unwrap();
    std::fs::write(existing.join("same-mid.bin"), b"original mid").unwrap();

    assert_eq!(s.overwrite, Overwrite::Never, "the default");
    let plan = deliver::plan(&s, &[small.clone(), big.clone(), mid.clone()], &PlanOptions::default(), now());
    let summary = run(&s, s3s_auth(), &plan, &small_parts(), &Control::default(), |_| {});
    assert_eq!(summary.failed, 3, "{:#?}", summary.not_landed);
    for f in &summary.not_landed {
        assert_eq!(f.error.as_ref().unwrap().code, Code::AlreadyExists);
    }
    assert_eq!(std::fs::read(existing.join("same.txt")).unwrap(), b"original");
    assert_eq!(std::fs::read(existing.join("same-big.bin")).unwrap(), b"original big");
    assert_eq!(std::fs::read(existing.join("same-mid.bin")).unwrap(), b"original mid");

    s.overwrite = Overwrite::Skip;
    let summary = run(&s, s3s_auth(), &plan, &small_parts(), &Control::default(), |_| {});
    assert_eq!(summary.skipped, 3);
    assert_eq!(std::fs::read(existing.join("same.txt")).unwrap(), b"original");

    s.overwrite = Overwrite::Overwrite;
    let summary = run(&s, s3s_auth(), &plan, &small_parts(), &Control::default(), |_| {});
    assert_eq!(summary.delivered, 3);
    assert_eq!(std::fs::read(existing.join("same.txt")).unwrap(), b"new bytes");
}

/// The preview's question: which keys hold an object already?
fn existing(s: &Settings, auth: Auth, plan: &Plan) -> deliver::existing::ExistingCheck {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let client = s3::client(s, &auth, &ClientOptions::delivery()).await;
        deliver::existing::check(&client, &s.bucket, plan, false).await
    })
}

#[test]
fn existing_objects_are_found_before_anything_is_sent() {
    let fs = S3sFs::start();
    let src = tempfile::tempdir().unwrap();
    let paths: Vec<_> = ["a.txt", "b.txt", "c.txt"].iter().map(|n| write(src.path(), n, n.as_bytes())).collect();
    let s = s3s_settings(&fs, "in/", "{prefix}{name}");
    let taken = fs.root.path().join("reports/in");
    std::fs::create_dir_all(&taken).unwrap();
    std::fs::write(taken.join("a.txt"), b"there").unwrap();
    std::fs::write(taken.join("c.txt"), b"there").unwrap();
    let plan = deliver::plan(&s, &paths, &PlanOptions::default(), now());
    let check = existing(&s, s3s_auth(), &plan);
    assert_eq!(check.checked, 3);
    assert_eq!(check.not_checked, None);
    let found: Vec<(usize, &str)> = check.existing.iter().map(|e| (e.index, e.key.as_str())).collect();
    assert_eq!(found, [(0, "in/a.txt"), (2, "in/c.txt")]);
    assert_eq!(std::fs::read(taken.join("a.txt")).unwrap(), b"there", "asking changes nothing");
    assert!(!taken.join("b.txt").exists());

    // Keys that may read objects but not list them (moto's IAM): their
    // listing is refused, and each of the 30 keys is asked about instead.
    let moto = Moto::start();
    let m = moto_settings(&moto, "incoming/");
    let many: Vec<_> = (0..30).map(|i| write(src.path(), &format!("n{i:02}.txt"), b"n")).collect();
    moto.put("reports", "incoming/n03.txt", b"there");
    let plan = deliver::plan(&m, &many, &PlanOptions::default(), now());
    let check = existing(&m, moto_auth(&moto, "no-list"), &plan);
    assert_eq!((check.checked, check.not_checked.as_deref()), (30, None));
    let found: Vec<(usize, &str)> = check.existing.iter().map(|e| (e.index, e.key.as_str())).collect();
    assert_eq!(found, [(3, "incoming/n03.txt")]);

    // Credentials that may write but not read cannot ask: said, not guessed.
    let plan = deliver::plan(&m, &paths, &PlanOptions::default(), now());
    let check = existing(&m, moto_auth(&moto, "object-only"), &plan);
    assert!(check.existing.is_empty());
    assert!(
        check.not_checked.as_deref().is_some_and(|w| w.contains("may not read") && w.contains("allowing s3:GetObject and s3:ListBucket")),
        "{check:?}"
    );
}

/// Many keys are looked for in one listing of their range (60 keys: one
/// request, no HEAD), an object in the range that is not planned left out;
/// where other objects crowd the range past the pages a listing may take,
/// the keys it did not reach are asked about one by one, with the same answer.
#[test]
fn many_keys_are_looked_for_in_a_listing_and_those_it_cannot_reach_are_asked_about() {
    let fs = S3sFs::start();
    let proxy = FaultProxy::start(&format!("127.0.0.1:{}", fs.port), FaultPlan::none());
    let src = tempfile::tempdir().unwrap();
    let paths: Vec<_> = (0..60).map(|i| write(src.path(), &format!("f{i:02}.txt"), b"new")).collect();
    let s = Settings { endpoint: proxy.endpoint(), ..s3s_settings(&fs, "in/", "{prefix}{name}") };
    let taken = fs.root.path().join("reports/in");
    std::fs::create_dir_all(&taken).unwrap();
    for name in ["f07.txt", "f42.txt", "f07.txt.bak"] {
        std::fs::write(taken.join(name), b"there").unwrap();
    }
    let plan = deliver::plan(&s, &paths, &PlanOptions::default(), now());
    let asked = |from: usize| {
        let log = proxy.log();
        let heads = log[from..].iter().filter(|r| r.method == "HEAD").count();
        (heads, log[from..].len() - heads)
    };
    let found = |check: &deliver::existing::ExistingCheck| -> Vec<(usize, String)> {
        check.existing.iter().map(|e| (e.index, e.key.clone())).collect()
    };
    let expected = [(7, "in/f07.txt".to_string()), (42, "in/f42.txt".to_string())];

    let mark = proxy.log().len();
    let check = existing(&s, s3s_auth(), &plan);
    assert_eq!((check.checked, check.not_checked.as_deref()), (60, None));
    assert_eq!(found(&check), expected);
    assert_eq!(asked(mark), (0, 1), "one listing, no HEAD");

    // 3,100 other objects between the first two keys: the listing's three
    // pages reach only the first key; the other 59 are asked about.
    for n in 0..3100 {
        std::fs::write(taken.join(format!("f00.txt.{n:04}")), b"other").unwrap();
    }
    let mark = proxy.log().len();
    let check = existing(&s, s3s_auth(), &plan);
    assert_eq!((check.checked, check.not_checked.as_deref()), (60, None));
    assert_eq!(found(&check), expected);
    assert_eq!(asked(mark), (59, 3), "three pages, then a HEAD for each key they did not reach");
}

#[test]
fn files_get_new_keys_for_one_delivery() {
    let src = tempfile::tempdir().unwrap();
    let drop = src.path().join("drop");
    for rel in ["a.txt", "sub/b.txt", "c.txt"] {
        write(&drop, rel, rel.as_bytes());
    }
    let s = Settings { prefix: "in/".into(), key_template: "{prefix}{relpath}".into(), ..Settings::default() };
    let plan = deliver::plan(&s, std::slice::from_ref(&drop), &PlanOptions::default(), now());
    let keys = |p: &Plan| p.files.iter().map(|f| f.key.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&plan), ["in/a.txt", "in/c.txt", "in/sub/b.txt"]);

    // Two of them under another prefix; the third keeps its key.
    let again = Settings { prefix: "in/again/".into(), ..s.clone() };
    let mixed = deliver::plan::rekey(&again, &plan, &[0, 2], true, now());
    assert_eq!(keys(&mixed), ["in/again/a.txt", "in/c.txt", "in/again/sub/b.txt"]);
    assert!(mixed.collisions.is_empty());
    assert_eq!(mixed.total_bytes, plan.total_bytes);
    // Only the re-keyed files.
    let only = deliver::plan::rekey(&again, &plan, &[2], false, now());
    assert_eq!(keys(&only), ["in/again/sub/b.txt"]);
    // A template that gives two files one key is caught as a collision.
    let flat = Settings { key_template: "{prefix}same.txt".into(), ..s.clone() };
    let clash = deliver::plan::rekey(&flat, &plan, &[0, 1], true, now());
    assert_eq!(clash.collisions.len(), 1, "{:?}", keys(&clash));
    // A file gone since the first plan is a problem, not a silent drop.
    std::fs::remove_file(drop.join("c.txt")).unwrap();
    let gone = deliver::plan::rekey(&again, &plan, &[1], false, now());
    assert!(gone.files.is_empty());
    assert_eq!(gone.problems[0].code, Code::NotFound);
}

#[test]
fn a_vanished_or_changed_file_fails_alone() {
    let fs = S3sFs::start();
    let src = tempfile::tempdir().unwrap();
    let keep = write(src.path(), "keep.txt", b"keep");
    let gone = write(src.path(), "gone.txt", b"gone");
    let grown = write(src.path(), "grown.txt", b"grown");
    let s = s3s_settings(&fs, "in/", "{prefix}{name}");
    let plan = deliver::plan(&s, &[keep, gone.clone(), grown.clone()], &PlanOptions::default(), now());
    std::fs::remove_file(&gone).unwrap();
    std::fs::write(&grown, b"grown and then some").unwrap();
    let (_, results) = run_with_results(&s, s3s_auth(), &plan, &TransferOptions::default(), |_| {});
    let by_key = |k: &str| results.iter().find(|f| f.key == k).unwrap();
    assert_eq!(by_key("in/keep.txt").status, FileStatus::Delivered);
    assert_eq!(by_key("in/gone.txt").error.as_ref().unwrap().code, Code::SourceMissing);
    assert_eq!(by_key("in/grown.txt").error.as_ref().unwrap().code, Code::SourceChanged);
    assert_eq!(fs.object_paths("reports"), vec!["in/keep.txt".to_string()]);
}

fn moto_settings(moto: &Moto, prefix: &str) -> Settings {
    Settings {
        name: "m".into(),
        provider: ProviderKind::Aws,
        bucket: "reports".into(),
        endpoint: moto.endpoint(),
        path_style: true,
        prefix: prefix.into(),
        key_template: "{prefix}{name}".into(),
        ..Settings::default()
    }
    .normalized()
}

#[test]
fn a_file_growing_during_a_multipart_upload_fails_and_leaves_no_upload() {
    let moto = Moto::start();
    let src = tempfile::tempdir().unwrap();
    // 60 MiB, one 5 MiB part at a time: the file grows while parts are uploading.
    let path = write(src.path(), "growing.bin", &content(3, (60 * MIB) as usize));
    let s = moto_settings(&moto, "incoming/");
    let plan = deliver::plan(&s, std::slice::from_ref(&path), &PlanOptions::default(), now());
    let mut grown = false;
    let opts = TransferOptions { concurrency: 1, adaptive: false, ..small_parts() };
    let summary = run(&s, moto_auth(&moto, "admin"), &plan, &opts, &Control::default(), move |e| {
        if let DeliveryEvent::Progress(p) = e {
            if p.bytes_sent > 0 && !grown {
                use std::io::Write;
                std::fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(b"appended while uploading").unwrap();
                grown = true;
            }
        }
    });
    assert_eq!(summary.failed, 1, "{:#?}", summary.not_landed);
    assert_eq!(summary.not_landed[0].error.as_ref().unwrap().code, Code::SourceChanged);
    assert!(moto.keys("reports", "incoming/").is_empty(), "no torn object");
    assert_eq!(moto.multipart_uploads("reports"), 0, "the upload was aborted");
}

#[test]
fn cancel_aborts_multipart_uploads() {
    let moto = Moto::start();
    let src = tempfile::tempdir().unwrap();
    let a = write(src.path(), "a.bin", &content(1, (40 * MIB) as usize));
    let b = write(src.path(), "b.bin", &content(2, (40 * MIB) as usize));
    let s = moto_settings(&moto, "incoming/");
    let plan = deliver::plan(&s, &[a, b], &PlanOptions::default(), now());
    let control = Control::default();
    let c = control.clone();
    let opts = TransferOptions { concurrency: 2, ..small_parts() };
    let summary = run(&s, moto_auth(&moto, "admin"), &plan, &opts, &control, move |e| {
        if let DeliveryEvent::Progress(p) = e {
            if p.bytes_sent > 0 {
                c.cancel();
            }
        }
    });
    assert!(summary.cancelled >= 1, "{:#?}", summary.not_landed);
    assert_eq!(summary.delivered + summary.cancelled, 2);
    assert_eq!(moto.multipart_uploads("reports"), 0, "no parts left billed");
}

#[test]
fn metadata_headers_and_tags_are_applied() {
    let moto = Moto::start();
    let src = tempfile::tempdir().unwrap();
    let f = write(src.path(), "data.json", b"{}");
    // A multipart upload must carry the same attributes as a single PUT.
    let big = write(src.path(), "big.bin", &content(21, (7 * MIB) as usize));
    let mut s = moto_settings(&moto, "incoming/");
    s.headers.cache_control = "max-age=60".into();
    s.headers.content_disposition = "attachment".into();
    s.headers.expires = "Wed, 21 Oct 2037 07:28:00 GMT".into();
    s.metadata.insert("team".into(), "data".into());
    s.tags.insert("env".into(), "prod".into());
    s.storage_class = "STANDARD_IA".into();
    let plan = deliver::plan(&s, &[f, big], &PlanOptions::default(), now());
    let (summary, results) = run_with_results(&s, moto_auth(&moto, "admin"), &plan, &small_parts(), |_| {});
    assert_eq!(summary.delivered, 2, "{:#?}", summary.not_landed);
    assert!(results.iter().any(|f| f.multipart), "one went multipart");
    for key in ["incoming/data.json", "incoming/big.bin"] {
        let head = moto.head("reports", key);
        assert_eq!(head["CacheControl"], "max-age=60", "{key}");
        assert_eq!(head["ContentDisposition"], "attachment", "{key}");
        assert!(head["Expires"].as_str().unwrap_or_default().contains("2037"), "{key}: {head}");
        assert_eq!(head["Metadata"]["team"], "data", "{key}");
        assert_eq!(head["StorageClass"], "STANDARD_IA", "{key}");
        assert_eq!(head["Tags"]["env"], "prod", "{key}");
    }
    assert_eq!(moto.head("reports", "incoming/data.json")["ContentType"], "application/json");
}

#[test]
fn cancel_cuts_short_a_put_that_is_in_flight() {
    // A server that accepts and reads forever but never answers: the PUT
    // stays in flight until cancelled (the read timeout is 60 s).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            std::thread::spawn(move || {
                use std::io::Read;
                let mut c = conn;
                let mut buf = [0u8; 65536];
                while matches!(c.read(&mut buf), Ok(n) if n > 0) {}
            });
        }
    });
    let src = tempfile::tempdir().unwrap();
    let f = write(src.path(), "stuck.bin", &content(5, (2 * MIB) as usize));
    let s = Settings {
        name: "silent".into(),
        provider: ProviderKind::Minio,
        bucket: "reports".into(),
        endpoint: format!("http://127.0.0.1:{port}"),
        path_style: true,
        overwrite: Overwrite::Overwrite,
        ..Settings::default()
    }
    .normalized();
    let plan = deliver::plan(&s, &[f], &PlanOptions::default(), now());
    let control = Control::default();
    let c = control.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(500));
        c.cancel();
    });
    let started = std::time::Instant::now();
    let summary = run(&s, s3s_auth(), &plan, &TransferOptions::default(), &control, |_| {});
    assert_eq!(summary.cancelled, 1, "{:#?}", summary.not_landed);
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "returned {:?} after the cancel", started.elapsed());
}
