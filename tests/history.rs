//! The delivery history through the real facade: a real SQLite file, a real
//! s3s-fs server, credentials from an AWS profile file (no keychain needed).

mod common;

use std::path::Path;
use std::sync::OnceLock;

use chute_core::deliver::{Control, FileStatus, TransferOptions};
use chute_core::history::{Filter, Origin};
use chute_core::provider::ProviderKind;
use chute_core::{Chute, CredentialInput, SecretStore, Settings};
use common::servers::{S3sFs, S3S_KEY, S3S_SECRET};

const MIB: u64 = 1024 * 1024;

/// AWS profile `s3s` with the s3s-fs keys, for the whole test binary.
fn profile_files() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("config"), "[profile s3s]\nregion = us-east-1\n").unwrap();
        std::fs::write(d.path().join("credentials"), format!("[s3s]\naws_access_key_id = {S3S_KEY}\naws_secret_access_key = {S3S_SECRET}\n")).unwrap();
        std::env::set_var("AWS_CONFIG_FILE", d.path().join("config"));
        std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", d.path().join("credentials"));
        d
    })
}

fn setup(fs: &S3sFs, data: &Path) -> (Chute, String) {
    profile_files();
    let chute = Chute::open_with(data, SecretStore::platform()).unwrap();
    let s = Settings {
        name: "Local".into(),
        provider: ProviderKind::Minio,
        bucket: "reports".into(),
        endpoint: fs.endpoint(),
        path_style: true,
        prefix: "incoming/".into(),
        ..Settings::default()
    };
    let id = chute.create(s, CredentialInput::Profile { profile: "s3s".into() }).unwrap().destination.destination.id;
    (chute, id)
}

#[test]
fn a_batch_is_recorded_file_by_file_and_part_by_part() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let (chute, id) = setup(&fs, data.path());
    let src = tempfile::tempdir().unwrap();
    std::fs::write(src.path().join("alpha report.csv"), b"a,b\n1,2\n").unwrap();
    std::fs::write(src.path().join("gone.txt"), b"soon gone").unwrap();
    std::fs::write(src.path().join("big.bin"), vec![7u8; (13 * MIB) as usize]).unwrap();
    let plan = chute.plan_delivery(&id, &[src.path().to_path_buf()]).unwrap();
    assert_eq!(plan.files.len(), 3);
    std::fs::remove_file(src.path().join("gone.txt")).unwrap();

    let opts = TransferOptions { multipart_threshold: 6 * MIB, min_part_size: 5 * MIB, ..TransferOptions::default() };
    let summary = chute.deliver(&id, &plan, &opts, &Control::default(), Origin::Cli, &mut |_| {}).unwrap();
    assert_eq!((summary.delivered, summary.failed), (2, 1));
    let batch_id = summary.batch_id.clone().expect("recorded");

    let batches = chute.history_batches(&Filter { limit: 10, ..Filter::default() }).unwrap();
    assert_eq!(batches.len(), 1);
    let b = &batches[0];
    assert_eq!((b.id.as_str(), b.state.as_str(), b.outcome.as_deref(), b.origin.as_str()), (batch_id.as_str(), "finished", Some("partial"), "cli"));
    assert_eq!((b.files_total, b.delivered, b.failed), (3, 2, 1));
    assert_eq!(b.destination_name, "Local");

    let files = chute.history_files(Some(&batch_id), &Filter { limit: 100, ..Filter::default() }).unwrap();
    assert_eq!(files.len(), 3);
    let gone = files.iter().find(|f| f.relpath == "gone.txt").unwrap();
    assert_eq!((gone.status.as_str(), gone.error_code.as_deref()), ("failed", Some("source_missing")));
    assert!(gone.error_fix.as_deref().unwrap_or("").contains("Drop the file again"));
    let big = files.iter().find(|f| f.relpath == "big.bin").unwrap();
    assert_eq!(big.status, "delivered");
    assert!(big.multipart && big.upload_id.is_some(), "the multipart upload id is kept");
    let parts: i64 = rusqlite::Connection::open(data.path().join(chute_core::DB_FILE))
        .unwrap()
        .query_row("SELECT COUNT(*) FROM batch_parts p JOIN batch_files f ON f.id = p.file_id WHERE f.id = ?1", [big.id], |r| r.get(0))
        .unwrap();
    assert_eq!(parts, 3, "13 MiB in 5 MiB parts: every completed part recorded");
    assert_eq!(big.md5.as_deref(), summary.files.iter().find(|f| f.key.ends_with("big.bin")).unwrap().md5.as_deref());

    // Filters and search.
    let failed = chute.history_files(None, &Filter { status: Some("failed".into()), limit: 10, ..Filter::default() }).unwrap();
    assert_eq!(failed.len(), 1);
    let found = chute.history_files(None, &Filter { search: Some("alpha rep".into()), limit: 10, ..Filter::default() }).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].key, "incoming/alpha report.csv");
    let none = chute.history_batches(&Filter { search: Some("100%_sure".into()), limit: 10, ..Filter::default() }).unwrap();
    assert!(none.is_empty(), "LIKE wildcards in the search are taken literally");
    let partial = chute.history_batches(&Filter { status: Some("partial".into()), destination_id: Some(id.clone()), limit: 10, ..Filter::default() }).unwrap();
    assert_eq!(partial.len(), 1);
    assert!(summary.files.iter().all(|f| f.status != FileStatus::Cancelled));
}

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
    assert_eq!(chute.history_batch("alive").unwrap().unwrap().state, "running");
    let _ = alive.kill();
    let _ = alive.wait();
}
