//! Deliveries through a fault-injecting proxy (tests/support/faults.rs) to a
//! real s3s-fs server on loopback: 500s, 503 SlowDown, connections reset
//! mid-body, stalls past the read timeout, answers cut short, and flipped
//! bytes. Every file must land byte-identical, no multipart upload may stay
//! open, and the history must record what happened (every HTTP request the
//! proxy saw for a file is counted in that file's row). And a proxy that
//! stands for a server of limited capacity, far away: the engine sends fewer
//! requests at once when it is told to slow down, and more while that pays.

mod support;

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use chute_core::deliver::{self, Control, DeliveryEvent, Plan, TransferOptions};
use chute_core::destination::Destination;
use chute_core::history::{self, FileState, HistoryJournal, Origin};
use chute_core::provider::ProviderKind;
use chute_core::s3::{self, Auth, ClientOptions};
use chute_core::{Chute, CredentialInput, SecretStore, Settings};
use support::auth::{moto_auth, s3s_auth};
use support::content::{content, write, MIB};
use support::faults::{Capacity, Fault, FaultProxy, Plan as FaultPlan, TRANSIENT};
use support::servers::{Moto, S3sFs};

fn upstream(endpoint: &str) -> String {
    endpoint.trim_start_matches("http://").to_string()
}

struct Run {
    plan: Plan,
    summary: deliver::BatchSummary,
    /// What the progress events said of requests at once the server slowed to.
    slowed_to: Vec<usize>,
    batch_id: String,
    data: tempfile::TempDir,
}

/// A destination through `proxy`, saved in a fresh database (no secret
/// needed: the engine gets the keys directly).
fn destination(proxy: &FaultProxy, provider: ProviderKind, data: &Path) -> Destination {
    let chute = Chute::open_with(data, SecretStore::platform()).unwrap();
    let s = Settings {
        name: "Through faults".into(),
        provider,
        bucket: "reports".into(),
        endpoint: proxy.endpoint(),
        path_style: true,
        prefix: "in/".into(),
        ..Settings::default()
    };
    let id = chute.create(s, CredentialInput::None).unwrap().destination.destination.id;
    chute.get(&id).unwrap()
}

/// Deliver `src` through the proxy, recording the history as the app does,
/// with a read timeout short enough for stalls to cost seconds, not minutes.
fn deliver_through(proxy: &FaultProxy, provider: ProviderKind, src: &Path, opts: TransferOptions) -> Run {
    deliver_as(proxy, provider, s3s_auth(), src, opts)
}

fn deliver_as(proxy: &FaultProxy, provider: ProviderKind, auth: Auth, src: &Path, opts: TransferOptions) -> Run {
    let data = tempfile::tempdir().unwrap();
    let d = destination(proxy, provider, data.path());
    let plan = deliver::plan(&d.settings, &[src.to_path_buf()], &deliver::PlanOptions::default(), time::OffsetDateTime::now_utc());
    assert!(plan.problems.is_empty() && plan.collisions.is_empty(), "{:?}", plan.problems);
    let db = data.path().join(chute_core::DB_FILE);
    let batch_id = chute_core::new_id();
    let mut conn = rusqlite::Connection::open(&db).unwrap();
    history::begin_batch(&mut conn, &batch_id, &d, &plan, Origin::Cli).unwrap();
    let (journal, writer) = HistoryJournal::start(&db, &batch_id).unwrap();
    let opts = TransferOptions { journal: Some(deliver::JournalRef(std::sync::Arc::new(journal))), ..opts };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let mut slowed_to = Vec::new();
    let summary = rt.block_on(async {
        let copts = ClientOptions { read_timeout: Duration::from_secs(2), ..ClientOptions::delivery() };
        let client = s3::client(&d.settings, &auth, &copts).await;
        let mut on_event = |e: DeliveryEvent| {
            if let DeliveryEvent::Progress(p) = e {
                slowed_to.extend(p.slowed_to);
            }
        };
        deliver::deliver(client, &d.settings, &plan, &opts, &Control::default(), &mut on_event).await
    });
    drop(opts);
    writer.join().unwrap();
    history::finish_batch(&conn, &batch_id, &summary).unwrap();
    Run { plan, summary, slowed_to, batch_id, data }
}

/// Every planned file is in the bucket with exactly its source's bytes.
fn verify_objects(fs: &S3sFs, plan: &Plan) -> u64 {
    let mut bytes = 0;
    for f in &plan.files {
        let stored = std::fs::read(fs.root.path().join("reports").join(&f.key)).unwrap_or_else(|e| panic!("{} is missing: {e}", f.key));
        let source = std::fs::read(f.source()).unwrap();
        assert!(stored == source, "{} differs from its source ({} vs {} bytes)", f.key, stored.len(), source.len());
        bytes += stored.len() as u64;
    }
    bytes
}

/// The history's file rows and their parts.
fn history_rows(run: &Run) -> (Vec<chute_core::history::FileRow>, HashMap<i64, Vec<i64>>) {
    let chute = Chute::open_with(run.data.path(), SecretStore::platform()).unwrap();
    let rows = chute.history_files(Some(&run.batch_id), &chute_core::history::Filter { limit: 1000, ..Default::default() }).unwrap();
    let conn = rusqlite::Connection::open(run.data.path().join(chute_core::DB_FILE)).unwrap();
    let mut parts: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut st = conn.prepare("SELECT file_id, number FROM batch_parts ORDER BY file_id, number").unwrap();
    for r in st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))).unwrap() {
        let (f, n) = r.unwrap();
        parts.entry(f).or_default().push(n);
    }
    (rows, parts)
}

/// Multipart from 8 MiB in parts of 5 MiB, `concurrency` requests at a time.
fn small_parts(concurrency: usize) -> TransferOptions {
    TransferOptions { concurrency, multipart_threshold: 8 * MIB as u64, min_part_size: 5 * MIB as u64, ..TransferOptions::default() }
}

fn source_tree(dir: &Path) {
    // 150 small files of assorted sizes (0 bytes included) and two multipart files.
    for i in 0..150 {
        let len = [0, 1, 100, 4096, 65_536, 300_000][i % 6] + i;
        write(dir, &format!("small/f{i:02}.bin"), &content(i as u64, len));
    }
    write(dir, "big/a.bin", &content(100, 21 * MIB + 3));
    write(dir, "big/b.bin", &content(101, 16 * MIB));
}

#[test]
fn transient_faults_on_a_share_of_requests_lose_nothing_and_are_all_recorded() {
    let fs = S3sFs::start();
    let proxy = FaultProxy::start(
        &format!("127.0.0.1:{}", fs.port),
        FaultPlan {
            seed: 0x5eed_0001,
            percent: 25,
            faults: TRANSIENT.to_vec(),
            methods: vec![],
            max_consecutive: 3,
            stall: Duration::from_secs(4),
            only: None,
        },
    );
    let src = tempfile::tempdir().unwrap();
    source_tree(src.path());
    // Requests at once held at 8: these SlowDowns are drawn at random, not
    // from load, and adapting to them would only slow the run (adapting is
    // the subject of the capacity tests below).
    let opts = TransferOptions { adaptive: false, ..small_parts(8) };
    let run = deliver_through(&proxy, ProviderKind::Minio, src.path(), opts);

    let s = &run.summary;
    let failures: Vec<String> =
        s.not_landed.iter().filter_map(|f| f.error.as_ref().map(|e| format!("{}: [{}] {}", f.key, e.code, e.message))).collect();
    assert_eq!((s.delivered, s.failed, s.cancelled), (run.plan.files.len(), 0, 0), "{failures:#?}");
    let bytes = verify_objects(&fs, &run.plan);
    assert_eq!(fs.upload_files(), Vec::<String>::new(), "no multipart upload is left open");
    assert_eq!(fs.object_paths("reports").len(), run.plan.files.len(), "nothing extra in the bucket");

    // The history: every file delivered, every request the proxy saw for it
    // counted, multipart parts recorded once each.
    let (rows, parts) = history_rows(&run);
    assert_eq!(rows.len(), run.plan.files.len());
    let mut faulted_files = 0;
    for r in &rows {
        assert_eq!(r.status, FileState::Delivered, "{r:?}");
        let (seen, faulted) = proxy.for_key(&r.key);
        assert_eq!(r.requests as usize, seen, "{}: the history counts {} requests, the proxy saw {seen}", r.key, r.requests);
        if faulted > 0 {
            faulted_files += 1;
        }
        if r.multipart {
            let numbers = parts.get(&r.id).cloned().unwrap_or_default();
            let want = (r.size as u64).div_ceil(5 * MIB as u64) as i64;
            assert_eq!(numbers, (1..=want).collect::<Vec<_>>(), "{}: each part recorded once", r.key);
        }
    }
    let log = proxy.log();
    let faults = log.iter().filter(|x| x.fault.is_some()).count();
    assert!(faults * 100 >= log.len() * 10, "at least 10% of requests faulted ({faults} of {})", log.len());
    let tally = proxy.tally();
    for kind in TRANSIENT {
        assert!(tally.get(&kind).copied().unwrap_or(0) > 0, "no {kind:?} was injected: {tally:?}");
    }
    eprintln!(
        "faults: {faults} of {} requests faulted ({tally:?}); {} files ({faulted_files} hit by a fault) delivered, {bytes} bytes verified",
        log.len(),
        rows.len()
    );
}

#[test]
fn an_answer_lost_after_the_server_stored_the_object_is_not_a_conflict() {
    // Only cut-short answers, on uploads and completions: the server did
    // the work, the client retries, and "never overwrite" then finds an
    // object at the key. It is this delivery's own, so the file is delivered,
    // not reported as "already exists".
    let fs = S3sFs::start();
    let proxy = FaultProxy::start(
        &format!("127.0.0.1:{}", fs.port),
        // (Not the answers to CreateMultipartUpload: s3s-fs has no
        // ListMultipartUploads to find an upload opened by a lost answer;
        // that case runs against moto below.)
        FaultPlan {
            seed: 0x10_57,
            percent: 40,
            faults: vec![Fault::Truncate],
            methods: vec!["PUT", "POST"],
            max_consecutive: 2,
            stall: Duration::ZERO,
            only: Some(|_, t| !t.ends_with("?uploads")),
        },
    );
    let src = tempfile::tempdir().unwrap();
    for i in 0..30 {
        write(src.path(), &format!("f{i:02}.txt"), &content(i, 1000 + i as usize));
    }
    for i in 0..4 {
        write(src.path(), &format!("big{i}.bin"), &content(70 + i, 9 * MIB + i as usize));
    }
    let run = deliver_through(&proxy, ProviderKind::Minio, src.path(), small_parts(4));
    let failures: Vec<String> = run
        .summary
        .not_landed
        .iter()
        .filter_map(|f| {
            f.error
                .as_ref()
                .map(|e| format!("{}: [{}] {} ({} requests, proxy saw {:?})", f.key, e.code, e.message, f.requests, proxy.for_key(&f.key)))
        })
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    verify_objects(&fs, &run.plan);
    let log = proxy.log();
    let trace: Vec<String> = log
        .iter()
        .filter(|x| x.key.ends_with("big.bin") || x.target.contains("uploads"))
        .map(|x| format!("{} {} {:?}", x.method, x.target, x.fault))
        .collect();
    assert_eq!(fs.upload_files(), Vec::<String>::new(), "{trace:#?}");
    let cut_puts = log.iter().filter(|x| x.fault == Some(Fault::Truncate) && x.method == "PUT" && !x.target.contains("uploadId")).count();
    let cut_completes =
        log.iter().filter(|x| x.fault == Some(Fault::Truncate) && x.method == "POST" && x.target.contains("uploadId")).count();
    assert!(cut_puts > 0 && cut_completes > 0, "the cases happened: {cut_puts} PUT and {cut_completes} completion answers cut");
    let (rows, _) = history_rows(&run);
    for r in &rows {
        assert_eq!(r.requests as usize, proxy.for_key(&r.key).0, "{}", r.key);
    }
    eprintln!("lost answers: {cut_puts} PUT and {cut_completes} completions; {} files delivered", rows.len());
}

#[test]
fn an_upload_opened_by_a_lost_answer_is_aborted() {
    // CreateMultipartUpload answers cut short: the server opened an upload
    // the client never heard of, then the retry opened another. Chute finds
    // the stray (ListMultipartUploads, on moto) and aborts it.
    let moto = Moto::start();
    let proxy = FaultProxy::start(
        &upstream(&moto.endpoint()),
        FaultPlan {
            seed: 0xabc,
            percent: 100,
            faults: vec![Fault::Truncate],
            methods: vec!["POST"],
            max_consecutive: 1,
            stall: Duration::ZERO,
            only: Some(|_, t| t.ends_with("?uploads")),
        },
    );
    let src = tempfile::tempdir().unwrap();
    let bytes = content(3, 11 * MIB);
    write(src.path(), "big.bin", &bytes);
    let admin = moto_auth(&moto, "admin");
    let opts = TransferOptions { multipart_threshold: 8 * MIB as u64, min_part_size: 5 * MIB as u64, ..TransferOptions::default() };
    let run = deliver_as(&proxy, ProviderKind::Minio, admin, src.path(), opts);
    assert_eq!((run.summary.delivered, run.summary.failed), (1, 0), "{:?}", run.summary.not_landed);
    let creates = proxy.log().iter().filter(|x| x.target.ends_with("?uploads")).count();
    assert_eq!(creates, 2, "one create answer lost, one retried");
    assert_eq!(moto.multipart_uploads("reports"), 0, "the upload opened by the lost answer was aborted");
    use md5::Digest;
    let want: String = md5::Md5::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(moto.object_md5("reports", "in/big.bin"), want, "the object is the file");
}

/// Deliver through byte flips on upload bodies; returns (files, flips, run).
fn flips(provider: ProviderKind) -> (usize, usize, Run, S3sFs, tempfile::TempDir) {
    let fs = S3sFs::start();
    let proxy = FaultProxy::start(
        &format!("127.0.0.1:{}", fs.port),
        FaultPlan {
            seed: f11p_u64(),
            percent: 30,
            faults: vec![Fault::FlipByte],
            methods: vec!["PUT"],
            max_consecutive: 2,
            stall: Duration::ZERO,
            only: None,
        },
    );
    let src = tempfile::tempdir().unwrap();
    for i in 0..30 {
        write(src.path(), &format!("f{i:02}.bin"), &content(200 + i, 2000 + 7 * i as usize));
    }
    write(src.path(), "big.bin", &content(9, 16 * MIB + 5));
    let run = deliver_through(&proxy, provider, src.path(), small_parts(4));
    let flipped = proxy.log().iter().filter(|x| x.fault == Some(Fault::FlipByte)).count();
    (run.plan.files.len(), flipped, run, fs, src)
}

const fn f11p_u64() -> u64 {
    0xf11b
}

#[test]
fn flipped_bytes_never_land() {
    // What verifies what, as measured here (s3s-fs 0.14):
    // - PutObject: Content-MD5 is sent (a server that checks it answers
    //   BadDigest); Chute also checks the MD5 ETag and removes a mismatching
    //   object, then sends the file again.
    // - UploadPart with Content-MD5 (Custom, B2, R2, Tigris presets): s3s-fs
    //   stores the part without checking; Chute's ETag check catches it and
    //   sends the part again.
    // - UploadPart with x-amz-checksum-crc32c (AWS and MinIO presets): AWS
    //   and MinIO verify and echo it; s3s-fs ignores it and echoes nothing, so
    //   Chute works out the part's MD5 and holds it against the ETag.
    for provider in [ProviderKind::Custom, ProviderKind::Minio] {
        let (files, flipped, run, fs, _src) = flips(provider);
        let failures: Vec<String> = run
            .summary
            .not_landed
            .iter()
            .filter_map(|f| f.error.as_ref().map(|e| format!("{}: [{}] {}", f.key, e.code, e.message)))
            .collect();
        assert!(failures.is_empty(), "{provider:?}: {failures:#?}");
        assert_eq!(run.summary.delivered, files);
        assert!(flipped >= 5, "{provider:?}: only {flipped} bodies were flipped");
        let bytes = verify_objects(&fs, &run.plan);
        assert_eq!(fs.upload_files(), Vec::<String>::new());
        eprintln!("{provider:?}: {flipped} upload bodies flipped; {files} files delivered, {bytes} bytes verified");
    }
}

/// The run's first part with a CRC32C goes alone: the others wait for its
/// answer, which says whether the server echoes the checksum (and so whether
/// they need MD5s summed too). Part 1 is held 400 ms on its way; no other
/// part may arrive before it has been forwarded and answered.
#[test]
fn the_first_crc32c_part_is_answered_before_the_others_are_sent() {
    use std::sync::{Arc, Mutex};
    use std::time::Instant;
    let fs = S3sFs::start();
    let arrivals: Arc<Mutex<Vec<(u32, Instant)>>> = Arc::default();
    let seen = arrivals.clone();
    let hold = Duration::from_millis(400);
    let proxy = FaultProxy::start_with(
        &format!("127.0.0.1:{}", fs.port),
        FaultPlan::none(),
        Some(Arc::new(move |request: &support::faults::Seen| {
            let part = request.target.split(['?', '&']).find_map(|p| p.strip_prefix("partNumber=")).and_then(|n| n.parse::<u32>().ok());
            if let Some(n) = part {
                seen.lock().unwrap().push((n, Instant::now()));
                if n == 1 {
                    std::thread::sleep(hold);
                }
            }
        })),
    );
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "big.bin", &content(4, 20 * MIB + 3));
    let run = deliver_through(&proxy, ProviderKind::Minio, src.path(), small_parts(4));
    assert_eq!(run.summary.delivered, 1, "{:#?}", run.summary.not_landed);
    verify_objects(&fs, &run.plan);
    let arrivals = arrivals.lock().unwrap().clone();
    let first = arrivals.iter().find(|(n, _)| *n == 1).expect("part 1 was sent").1;
    let others: Vec<(u32, Duration)> =
        arrivals.iter().filter(|(n, _)| *n > 1).map(|(n, at)| (*n, at.saturating_duration_since(first))).collect();
    assert_eq!(others.len(), 4, "parts 2 to 5: {arrivals:?}");
    assert!(others.iter().all(|(_, after)| *after >= hold), "a part went before part 1 was answered: {others:?}");
}

/// `count` files of 1 KiB.
fn small_files(dir: &Path, count: usize) {
    for i in 0..count {
        write(dir, &format!("f{i:03}.bin"), &content(i as u64, 1024));
    }
}

/// The requests the proxy refused as too many: in all, and in percent of
/// the later half of its requests (once the client had time to adapt).
fn refused(proxy: &FaultProxy) -> (usize, usize) {
    let log = proxy.log();
    let later = &log[log.len() / 2..];
    let refused = |seen: &[support::faults::Seen]| seen.iter().filter(|s| s.fault == Some(Fault::SlowDown)).count();
    (refused(&log), refused(later) * 100 / later.len().max(1))
}

#[test]
fn a_server_that_says_slow_down_gets_fewer_requests_at_once_and_loses_nothing() {
    let fs = S3sFs::start();
    // Room for four requests at once, each taking 20 ms.
    let capacity = Capacity { at_once: Some(4), delay: Duration::from_millis(20) };
    let src = tempfile::tempdir().unwrap();
    small_files(src.path(), 200);

    let proxy = FaultProxy::with_capacity(&upstream(&fs.endpoint()), capacity);
    let run = deliver_through(&proxy, ProviderKind::Minio, src.path(), TransferOptions::default());
    let s = &run.summary;
    assert_eq!((s.delivered, s.failed), (200, 0), "{:#?}", s.not_landed);
    verify_objects(&fs, &run.plan);
    let (in_all, later) = refused(&proxy);
    assert!(run.slowed_to.iter().any(|&n| n <= 4), "progress said the run slowed to the server's four: {:?}", run.slowed_to);

    // Files held at 16 requests at once: refused all along.
    let fixed_proxy = FaultProxy::with_capacity(&upstream(&fs.endpoint()), capacity);
    let fixed_src = tempfile::tempdir().unwrap();
    small_files(&fixed_src.path().join("fixed"), 100);
    deliver_through(&fixed_proxy, ProviderKind::Minio, fixed_src.path(), TransferOptions { adaptive: false, ..TransferOptions::default() });
    let (_, fixed_later) = refused(&fixed_proxy);

    println!("refused as too many: adapting {in_all} requests, {later}% of the later half; at a fixed 16, {fixed_later}%");
    assert!(in_all > 0, "16 requests at once at the start reached the cap");
    assert!(later <= 2, "adapting, {later}% of the later half refused");
    assert!(fixed_later > later, "refused in the later half: adapting {later}%, held at 16 {fixed_later}%");
}

#[test]
fn requests_at_once_grow_while_a_far_server_answers_more_with_more() {
    let fs = S3sFs::start();
    // No cap; 50 ms per request, so throughput follows the requests at once.
    let proxy = FaultProxy::with_capacity(&upstream(&fs.endpoint()), Capacity { at_once: None, delay: Duration::from_millis(50) });
    let src = tempfile::tempdir().unwrap();
    small_files(src.path(), 300);
    let run = deliver_through(&proxy, ProviderKind::Minio, src.path(), TransferOptions { concurrency: 2, ..TransferOptions::default() });
    let s = &run.summary;
    assert_eq!((s.delivered, s.failed), (300, 0), "{:#?}", s.not_landed);
    verify_objects(&fs, &run.plan);
    println!("most requests at once: {} (started at 2), in {} ms", proxy.most_at_once(), s.duration_ms);
    assert!(proxy.most_at_once() >= 5, "grew from 2 to {}", proxy.most_at_once());
}
