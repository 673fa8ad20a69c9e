//! History query benchmark (a benchmark, not a test): fills a fresh database
//! with 100,000 synthetic file rows in 1,000 batches over 4 destinations,
//! then times the first page (50 rows) of each filter and of searches,
//! and the exact counts the History view asks for.
//!
//!     cargo run --release -p chute-core --example history_bench
//!
//! Target: under 50 ms each.

use std::time::Instant;

use chute_core::deliver::{Plan, PlannedFile};
use chute_core::history::{self, Filter, Origin};
use chute_core::provider::ProviderKind;
use chute_core::{Chute, CredentialInput, SecretStore, Settings};

const BATCHES: usize = 1_000;
const FILES_PER_BATCH: usize = 100;
const DAY_MS: i64 = 86_400_000;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let chute = Chute::open_with(dir.path(), SecretStore::platform()).expect("open");
    let mut ids = Vec::new();
    for i in 0..4 {
        let s = Settings {
            name: format!("Destination {i}"),
            provider: ProviderKind::Minio,
            bucket: format!("bucket-{i}"),
            endpoint: "http://127.0.0.1:9000".into(),
            prefix: "incoming/".into(),
            ..Settings::default()
        };
        ids.push(chute.create(s, CredentialInput::None).expect("create").destination.destination.id);
    }
    drop(chute);

    let db = dir.path().join(chute_core::DB_FILE);
    let mut conn = rusqlite::Connection::open(&db).expect("db");
    let t = Instant::now();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as i64;
    for b in 0..BATCHES {
        let d = {
            let c = Chute::open_with(dir.path(), SecretStore::platform()).expect("open");
            c.get(&ids[b % ids.len()]).expect("destination")
        };
        let files: Vec<PlannedFile> = (0..FILES_PER_BATCH)
            .map(|f| PlannedFile {
                from: chute_core::deliver::SourcePath::Own(format!("/data/run-{b:04}/report_{b:04}_{f:03}.csv").into()),
                relpath: format!("run-{b:04}/report_{b:04}_{f:03}.csv"),
                key: format!("incoming/run-{b:04}/report_{b:04}_{f:03}.csv"),
                size: 16_384,
                mtime_ms: now,
                content_type: "text/csv".into(),
            })
            .collect();
        let plan = Plan {
            total_bytes: 16_384 * files.len() as u64,
            files,
            excluded: vec![],
            problems: vec![],
            collisions: vec![],
            created_at: now,
            from_batch: None,
            sources: vec![],
        };
        let batch_id = format!("batch-{b:05}");
        history::begin_batch(&mut conn, &batch_id, &d, &plan, Origin::Cli).expect("batch");
        // Spread over 90 days; every 20th file failed.
        let started = now - (b as i64 % 90) * DAY_MS;
        conn.execute(
            "UPDATE batch_files SET status = CASE WHEN idx % 20 = 7 THEN 'failed' ELSE 'delivered' END,
               error_code = CASE WHEN idx % 20 = 7 THEN 'access_denied' END, finished_at = ?2 WHERE batch_id = ?1",
            rusqlite::params![batch_id, started],
        )
        .expect("files");
        conn.execute(
            "UPDATE batches SET state = 'finished', outcome = 'partial', started_at = ?2, finished_at = ?2, delivered = 95, failed = 5 WHERE id = ?1",
            rusqlite::params![batch_id, started],
        )
        .expect("batch");
    }
    println!("filled {} file rows in {} batches in {:.1} s", BATCHES * FILES_PER_BATCH, BATCHES, t.elapsed().as_secs_f64());
    drop(conn);

    let chute = Chute::open_with(dir.path(), SecretStore::platform()).expect("open");
    let page = |f: Filter| Filter { limit: 50, ..f };
    let time = |name: &str, run: &dyn Fn() -> usize| {
        let mut samples: Vec<f64> = (0..7)
            .map(|_| {
                let t = Instant::now();
                let n = run();
                assert!(n > 0, "{name} found nothing");
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let median = samples[samples.len() / 2];
        println!("{name:<44} {median:>8.2} ms  {}", if median < 50.0 { "ok" } else { "OVER 50 ms" });
    };
    println!("{:<44} {:>11}", "first page (50 rows), median of 7", "");
    time("batches: all", &|| chute.history_batches(&page(Filter::default())).unwrap().len());
    time("batches: one destination", &|| {
        chute.history_batches(&page(Filter { destination_id: Some(ids[1].clone()), ..Filter::default() })).unwrap().len()
    });
    time("batches: outcome partial", &|| {
        chute.history_batches(&page(Filter { status: Some("partial".into()), ..Filter::default() })).unwrap().len()
    });
    time("batches: last 7 days", &|| {
        chute.history_batches(&page(Filter { from: Some(now - 7 * DAY_MS), to: Some(now), ..Filter::default() })).unwrap().len()
    });
    time("batches: search a file name", &|| {
        chute.history_batches(&page(Filter { search: Some("report_0999_042".into()), ..Filter::default() })).unwrap().len()
    });
    time("files: all", &|| chute.history_files(None, &page(Filter::default())).unwrap().len());
    time("files: failed", &|| {
        chute.history_files(None, &page(Filter { status: Some("failed".into()), ..Filter::default() })).unwrap().len()
    });
    time("files: one destination, failed", &|| {
        chute
            .history_files(None, &page(Filter { destination_id: Some(ids[2].clone()), status: Some("failed".into()), ..Filter::default() }))
            .unwrap()
            .len()
    });
    time("files: search a key fragment", &|| {
        chute.history_files(None, &page(Filter { search: Some("0500_01".into()), ..Filter::default() })).unwrap().len()
    });
    time("files: of one batch", &|| chute.history_files(Some("batch-00500"), &page(Filter::default())).unwrap().len());
    // The exact counts the History view asks for with every filter change.
    let selected = Some("batch-00500");
    time("counts: batches, all, selection", &|| chute.history_batch_counts(&Filter::default(), selected).unwrap().matching as usize);
    time("counts: batches, outcome partial", &|| {
        chute.history_batch_counts(&Filter { status: Some("partial".into()), ..Filter::default() }, selected).unwrap().matching as usize
    });
    time("counts: batches, search a file name", &|| {
        chute.history_batch_counts(&Filter { search: Some("report_0999_042".into()), ..Filter::default() }, selected).unwrap().matching
            as usize
    });
    time("counts: files of one batch, first failed", &|| {
        chute.history_file_counts("batch-00500", &Filter::default()).unwrap().first_failed.map_or(0, |_| 1)
    });
    time("counts: files of one batch, search", &|| {
        chute.history_file_counts("batch-00500", &Filter { search: Some("_04".into()), ..Filter::default() }).unwrap().matching as usize
    });

    // Housekeeping on the same 100,000 rows (once each; they change the data).
    let out = tempfile::tempdir().expect("tempdir");
    let t = Instant::now();
    let rows = chute
        .export_history_csv_file(&Filter::default(), chute_core::history::CsvRows::Files, None, &out.path().join("all.csv"))
        .expect("export");
    let size = std::fs::metadata(out.path().join("all.csv")).map(|m| m.len()).unwrap_or(0);
    println!(
        "{:<44} {:>8.0} ms  ({rows} rows, {:.1} MB)",
        "export every file as CSV",
        t.elapsed().as_secs_f64() * 1000.0,
        size as f64 / 1e6
    );
    let t = Instant::now();
    let d = chute.delete_history(&["batch-00500".to_string()]).expect("delete");
    assert_eq!(d.deleted, 1);
    println!("{:<44} {:>8.2} ms", "delete one batch (100 files)", t.elapsed().as_secs_f64() * 1000.0);
    let t = Instant::now();
    let removed = chute.set_history_keep_days(Some(30)).expect("retention");
    println!("{:<44} {:>8.0} ms  ({removed} batches older than 30 days)", "retention: keep 30 days", t.elapsed().as_secs_f64() * 1000.0);
}
