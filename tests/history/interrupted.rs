//! Interrupted batches: a process that died mid-delivery, a crash after
//! some parts (nothing aborted, nothing flushed beyond what the journal
//! committed); resumed to an identical object, sending only what the server
//! lacks, or discarded leaving no parts.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chute_core::deliver::{Control, DeliveryEvent, FileResult, Journal, JournalRef, TransferOptions};
use chute_core::history::{self, BatchState, Filter, HistoryJournal, Origin, Outcome};
use chute_core::{Chute, CredentialInput, SecretStore};

use super::support::auth::s3s_auth;
use super::support::servers::S3sFs;
use super::{setup, MIB};

#[test]
fn a_batch_whose_process_died_is_shown_as_interrupted() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let (chute, id) = setup(&fs, data.path());
    let src = tempfile::tempdir().unwrap();
    std::fs::write(src.path().join("a.txt"), b"a").unwrap();
    let plan = chute.plan_delivery(&id, &[src.path().to_path_buf()]).unwrap();
    chute.deliver(&id, &plan, &TransferOptions::default(), &Control::default(), Origin::Drop, &mut |_| {}).unwrap();
    drop(chute);
    // A process that has exited leaves a batch "running", as a crash would.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead_pid = child.id();
    child.wait().unwrap();
    let db = rusqlite::Connection::open(data.path().join(chute_core::DB_FILE)).unwrap();
    db.execute("UPDATE batches SET state = 'running', owner_pid = ?1", [dead_pid]).unwrap();
    // And one owned by a process that is alive stays running.
    let mut alive = std::process::Command::new("sleep").arg("30").spawn().unwrap();
    db.execute(
        "INSERT INTO batches (id, destination_id, destination_name, settings, origin, started_at, state, owner_pid, files_total, bytes_total)
         VALUES ('alive', ?1, 'Local', '{}', 'cli', 0, 'running', ?2, 0, 0)",
        rusqlite::params![id, alive.id()],
    )
    .unwrap();
    drop(db);
    let chute = Chute::open_with(data.path(), SecretStore::platform()).unwrap();
    let interrupted = chute.history_batches(&Filter { status: Some("interrupted".into()), limit: 10, ..Filter::default() }).unwrap();
    assert_eq!(interrupted.len(), 1);
    assert_eq!(chute.history_batch("alive").unwrap().unwrap().state, BatchState::Running);
    let _ = alive.kill();
    let _ = alive.wait();
}

/// Passes everything to the history journal and fires after `after` parts.
struct Tripwire {
    inner: Arc<HistoryJournal>,
    parts: AtomicUsize,
    after: usize,
    fire: Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
}

impl Journal for Tripwire {
    fn file_started(&self, i: usize) {
        self.inner.file_started(i)
    }
    fn upload_created(&self, i: usize, id: &str, ps: u64) {
        self.inner.upload_created(i, id, ps)
    }
    fn part_done(&self, i: usize, n: i32, etag: &str, checksum: &str, size: u64) {
        self.inner.part_done(i, n, etag, checksum, size);
        if self.parts.fetch_add(1, Ordering::SeqCst) + 1 == self.after {
            if let Some(tx) = self.fire.lock().unwrap().take() {
                let _ = tx.send(());
            }
        }
    }
    fn file_finished(&self, r: &FileResult) {
        self.inner.file_finished(r)
    }
}

fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

/// Start delivering `src` and stop dead after three parts, as a crash would:
/// nothing aborted, nothing flushed beyond what the journal committed.
/// (On s3s-fs: moto 5.2 answers CompleteMultipartUpload with a
/// `CompleteMultipartUploadResponse` root, which strict clients such as the
/// AWS SDK for Rust reject, so no multipart upload completes against it.)
fn crash_midway(data: &Path, fs: &S3sFs, src: &Path) -> (String, String) {
    let (chute, id) = setup(fs, data);
    let mut d = chute.get(&id).unwrap();
    d.settings.key_template = "{prefix}{name}".into();
    chute.update(&id, d.settings.clone(), CredentialInput::Keep).unwrap();
    let plan = chute.plan_delivery(&id, &[src.to_path_buf()]).unwrap();
    let d = chute.get(&id).unwrap();
    let batch_id = chute_core::new_id();
    drop(chute);
    let mut conn = rusqlite::Connection::open(data.join(chute_core::DB_FILE)).unwrap();
    history::begin_batch(&mut conn, &batch_id, &d, &plan, Origin::Cli).unwrap();
    let (journal, _writer) = HistoryJournal::start(&data.join(chute_core::DB_FILE), &batch_id).unwrap();
    let journal = Arc::new(journal);
    let (tx, rx) = tokio::sync::oneshot::channel();
    let trip = Tripwire { inner: journal.clone(), parts: AtomicUsize::new(0), after: 3, fire: Mutex::new(Some(tx)) };
    let opts = TransferOptions {
        concurrency: 2,
        adaptive: false,
        multipart_threshold: 6 * MIB,
        min_part_size: 5 * MIB,
        journal: Some(JournalRef(Arc::new(trip))),
        ..TransferOptions::default()
    };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let client = chute_core::s3::client(&d.settings, &s3s_auth(), &chute_core::s3::ClientOptions::delivery()).await;
        let control = Control::default();
        let mut ignore = |_: DeliveryEvent| {};
        tokio::select! {
            _ = chute_core::deliver::deliver(client, &d.settings, &plan, &opts, &control, &mut ignore) => panic!("the delivery finished before the crash"),
            _ = rx => {}
        }
    });
    drop(rt);
    journal.flush();
    conn.execute("UPDATE batches SET owner_pid = ?1", [dead_pid()]).unwrap();
    (id, batch_id)
}

/// Files s3s-fs keeps for an open upload (`.upload_id-<id>.part-N`,
/// `.upload-<id>.json`): parts on the server, or none once it is closed.
/// (Its ListParts answers an empty list for a closed upload, so it cannot tell.)
fn upload_files(fs: &S3sFs, upload_id: &str) -> usize {
    fs.upload_files().iter().filter(|n| n.contains(upload_id)).count()
}

fn recorded_upload(data: &Path) -> (String, i64) {
    let db = rusqlite::Connection::open(data.join(chute_core::DB_FILE)).unwrap();
    let id: String = db.query_row("SELECT upload_id FROM batch_files WHERE upload_id IS NOT NULL", [], |r| r.get(0)).unwrap();
    let parts: i64 = db.query_row("SELECT COUNT(*) FROM batch_parts", [], |r| r.get(0)).unwrap();
    (id, parts)
}

fn big_source(dir: &Path) -> Vec<u8> {
    let bytes: Vec<u8> = (0..(28 * MIB) as usize).map(|i| (i * 31 % 251) as u8).collect();
    std::fs::write(dir.join("big.bin"), &bytes).unwrap();
    std::fs::write(dir.join("small.txt"), b"small").unwrap();
    bytes
}

#[test]
fn an_interrupted_multipart_delivery_resumes_to_an_identical_object() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let bytes = big_source(src.path());
    let (_, batch_id) = crash_midway(data.path(), &fs, src.path());
    let (upload_id, recorded) = recorded_upload(data.path());
    assert!(recorded >= 3, "completed parts were persisted as they completed ({recorded})");
    // Open: the server still has the upload's record. (Its part files were
    // seen to lag behind the answers on a loaded machine, so they are not counted.)
    assert!(fs.root.path().join(format!(".upload-{upload_id}.json")).exists(), "the crash left the upload open");

    let chute = Chute::open_with(data.path(), SecretStore::platform()).unwrap();
    assert_eq!(chute.history_batch(&batch_id).unwrap().unwrap().state, BatchState::Interrupted);
    let summary = chute.resume_batch(&batch_id, &Control::default(), &mut |_| {}).unwrap();
    assert_eq!(summary.failed, 0, "{:#?}", summary.not_landed);
    let b = chute.history_batch(&batch_id).unwrap().unwrap();
    assert_eq!((b.state, b.outcome, b.delivered), (BatchState::Finished, Some(Outcome::Delivered), 2));
    // Its receipt covers both objects: the one resumed (its multipart ETag
    // worked out for the recorded part size), and the one delivered before
    // the crash (never checked then), against what was recorded.
    let receipt = summary.receipt.expect("a resumed batch has its receipt");
    assert_eq!((receipt.checked, receipt.verified, receipt.differing), (2, 2, 0), "{receipt:?}");
    let stored = std::fs::read(fs.root.path().join("reports/incoming/big.bin")).unwrap();
    assert!(stored == bytes, "byte-identical after resume");
    assert_eq!(upload_files(&fs, &upload_id), 0, "the upload was completed, not left open");
}

#[test]
fn a_discarded_batch_leaves_no_parts_behind() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    big_source(src.path());
    let (_, batch_id) = crash_midway(data.path(), &fs, src.path());
    let (upload_id, _) = recorded_upload(data.path());
    assert!(upload_files(&fs, &upload_id) > 0);
    let chute = Chute::open_with(data.path(), SecretStore::platform()).unwrap();
    assert_eq!(chute.discard_batch(&batch_id).unwrap(), 1);
    assert_eq!(upload_files(&fs, &upload_id), 0, "aborted: no parts left");
    assert_eq!(chute.history_batch(&batch_id).unwrap().unwrap().state, BatchState::Discarded);
    assert!(!fs.root.path().join("reports/incoming/big.bin").exists());
}

/// Counts the parts the engine uploads.
#[derive(Default)]
struct PartCounter(AtomicUsize);

impl Journal for PartCounter {
    fn part_done(&self, _: usize, _: i32, _: &str, _: &str, _: u64) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn resuming_sends_only_the_parts_the_server_lacks() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    big_source(src.path());
    let (id, batch_id) = crash_midway(data.path(), &fs, src.path());
    let conn = rusqlite::Connection::open(data.path().join(chute_core::DB_FILE)).unwrap();
    let u = history::unfinished(&conn, &batch_id).unwrap();
    let big = u.plan.files.iter().position(|f| f.key.ends_with("big.bin")).unwrap();
    let r = &u.resume[&big];
    let kept = r.parts.len();
    let total = u.plan.files[big].size.div_ceil(r.part_size) as usize;
    assert!(kept >= 3 && kept < total, "{kept} of {total} parts recorded before the crash");

    let chute = Chute::open_with(data.path(), SecretStore::platform()).unwrap();
    let d = chute.get(&id).unwrap();
    let counter = Arc::new(PartCounter::default());
    let opts = TransferOptions { journal: Some(JournalRef(counter.clone())), resume: u.resume.clone(), ..TransferOptions::default() };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let summary = rt.block_on(async {
        let client = chute_core::s3::client(&d.settings, &s3s_auth(), &chute_core::s3::ClientOptions::delivery()).await;
        chute_core::deliver::deliver(client, &d.settings, &u.plan, &opts, &Control::default(), &mut |_| {}).await
    });
    assert_eq!(summary.failed, 0, "{:#?}", summary.not_landed);
    assert_eq!(counter.0.load(Ordering::SeqCst), total - kept, "only the missing parts were sent");
}

#[test]
fn a_crash_after_completion_is_recognised_on_resume() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let bytes = big_source(src.path());
    let (_, batch_id) = crash_midway(data.path(), &fs, src.path());
    // The upload completed on the server before the process died (the
    // history never heard): put the full object there and close the upload.
    let (upload_id, _) = recorded_upload(data.path());
    std::fs::write(fs.root.path().join("reports/incoming/big.bin"), &bytes).unwrap();
    for e in std::fs::read_dir(fs.root.path()).unwrap().flatten() {
        if e.file_name().to_string_lossy().contains(&upload_id) {
            std::fs::remove_file(e.path()).unwrap();
        }
    }
    let chute = Chute::open_with(data.path(), SecretStore::platform()).unwrap();
    let summary = chute.resume_batch(&batch_id, &Control::default(), &mut |_| {}).unwrap();
    assert_eq!(summary.failed, 0, "{:#?}", summary.not_landed);
    assert_eq!(chute.history_batch(&batch_id).unwrap().unwrap().outcome, Some(Outcome::Delivered));
}
