//! The delivery history through the real facade: a real SQLite file, a real
//! s3s-fs server, credentials from an AWS profile file (no keychain needed).
//! Batches recorded, filtered, retried, kept or deleted and exported here;
//! batches interrupted (a process that died, a crash mid-upload) resumed
//! or discarded in `interrupted`.

#[path = "../support/mod.rs"]
mod support;

mod interrupted;

use std::path::Path;

use chute_core::deliver::{Control, FileStatus, TransferOptions};
use chute_core::history::{CsvRows, FileState, Filter, Origin, Outcome, Which};
use chute_core::Code;
use chute_core::{Chute, CredentialInput, SecretStore};
use support::servers::S3sFs;

const MIB: u64 = 1024 * 1024;

use support::facade::setup;

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
    let mut reported = Vec::new();
    let mut on = |e: chute_core::DeliveryEvent| {
        if let chute_core::DeliveryEvent::File(f) = e {
            reported.push(*f);
        }
    };
    let summary = chute.deliver(&id, &plan, &opts, &Control::default(), Origin::Cli, &mut on).unwrap();
    assert_eq!((summary.delivered, summary.failed), (2, 1));
    let batch_id = summary.batch_id.clone().expect("recorded");
    assert_eq!(summary.not_landed.iter().map(|f| f.key.as_str()).collect::<Vec<_>>(), ["incoming/gone.txt"]);

    let batches = chute.history_batches(&Filter { limit: 10, ..Filter::default() }).unwrap();
    assert_eq!(batches.len(), 1);
    let b = &batches[0];
    assert_eq!(
        (b.id.as_str(), b.state.as_str(), b.outcome.map(|o| o.as_str()), b.origin.as_str()),
        (batch_id.as_str(), "finished", Some("partial"), "cli")
    );
    assert_eq!((b.files_total, b.delivered, b.failed), (3, 2, 1));
    assert_eq!(b.destination_name, "Local");

    let files = chute.history_files(Some(&batch_id), &Filter { limit: 100, ..Filter::default() }).unwrap();
    assert_eq!(files.len(), 3);
    let gone = files.iter().find(|f| f.relpath == "gone.txt").unwrap();
    assert_eq!((gone.status.as_str(), gone.error_code.as_deref()), ("failed", Some("source_missing")));
    assert!(gone.error_fix.as_deref().unwrap_or("").contains("Drop the file again"));
    let big = files.iter().find(|f| f.relpath == "big.bin").unwrap();
    assert_eq!(big.status, FileState::Delivered);
    assert!(big.multipart && big.upload_id.is_some(), "the multipart upload id is kept");
    let parts: i64 = rusqlite::Connection::open(data.path().join(chute_core::DB_FILE))
        .unwrap()
        .query_row("SELECT COUNT(*) FROM batch_parts p JOIN batch_files f ON f.id = p.file_id WHERE f.id = ?1", [big.id], |r| r.get(0))
        .unwrap();
    assert_eq!(parts, 3, "13 MiB in 5 MiB parts: every completed part recorded");
    assert_eq!(big.md5.as_deref(), reported.iter().find(|f| f.key.ends_with("big.bin")).unwrap().md5.as_deref());

    // The batch's results as the delivery reported them, read back from its rows.
    let mut read_back = Vec::new();
    chute.each_batch_result(&batch_id, |f| read_back.push(f)).unwrap();
    reported.sort_by_key(|f| f.index);
    let fates = |rs: &[chute_core::FileResult]| {
        rs.iter().map(|f| (f.index, f.key.clone(), f.status, f.md5.clone(), f.error.as_ref().map(|e| e.code))).collect::<Vec<_>>()
    };
    assert_eq!(fates(&read_back), fates(&reported));
    assert!(read_back.iter().filter(|f| f.status == FileStatus::Delivered).all(|f| f.url.is_some()), "{read_back:#?}");

    // Filters and search.
    let failed = chute.history_files(None, &Filter { status: Some("failed".into()), limit: 10, ..Filter::default() }).unwrap();
    assert_eq!(failed.len(), 1);
    let found = chute.history_files(None, &Filter { search: Some("alpha rep".into()), limit: 10, ..Filter::default() }).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].key, "incoming/alpha report.csv");
    let none = chute.history_batches(&Filter { search: Some("100%_sure".into()), limit: 10, ..Filter::default() }).unwrap();
    assert!(none.is_empty(), "LIKE wildcards in the search are taken literally");
    let partial = chute
        .history_batches(&Filter { status: Some("partial".into()), destination_id: Some(id.clone()), limit: 10, ..Filter::default() })
        .unwrap();
    assert_eq!(partial.len(), 1);
    assert!(reported.iter().all(|f| f.status != FileStatus::Cancelled));
}

#[test]
fn a_retry_keeps_the_original_keys_and_a_paused_destination_refuses() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let (chute, id) = setup(&fs, data.path());
    let src = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(src.path().join("sub")).unwrap();
    std::fs::write(src.path().join("sub/a.txt"), b"a").unwrap();
    std::fs::write(src.path().join("b.txt"), b"b").unwrap();
    let plan = chute.plan_delivery(&id, &[src.path().to_path_buf()]).unwrap();
    let a = plan.files.iter().position(|f| f.relpath == "sub/a.txt").unwrap();
    std::fs::write(src.path().join("sub/a.txt"), b"a, rewritten").unwrap();
    let retry = chute.replan(&plan, &[a]);
    assert_eq!(retry.files.len(), 1);
    assert_eq!(retry.files[0].key, "incoming/sub/a.txt", "not re-keyed by its bare name");
    assert_eq!(retry.files[0].size, 12, "sizes are read afresh");
    let summary = chute.deliver(&id, &retry, &TransferOptions::default(), &Control::default(), Origin::Retry, &mut |_| {}).unwrap();
    assert_eq!(summary.delivered, 1);
    assert_eq!(std::fs::read(fs.root.path().join("reports/incoming/sub/a.txt")).unwrap(), b"a, rewritten");

    chute.set_active(&id, false).unwrap();
    let err = chute.deliver(&id, &plan, &TransferOptions::default(), &Control::default(), Origin::Drop, &mut |_| {}).unwrap_err();
    assert!(chute_core::UserError::info(&err).message.contains("paused"), "{err}");
}

fn code(e: &chute_core::Error) -> &'static str {
    chute_core::UserError::info(e).code.as_str()
}

#[test]
fn failed_files_are_retried_from_the_history_under_their_keys() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let (chute, id) = setup(&fs, data.path());
    let src = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(src.path().join("day 1")).unwrap();
    std::fs::write(src.path().join("day 1/kept.csv"), b"kept").unwrap();
    std::fs::write(src.path().join("day 1/moved.csv"), b"moved away").unwrap();
    let plan = chute.plan_delivery(&id, &[src.path().to_path_buf()]).unwrap();
    std::fs::rename(src.path().join("day 1/moved.csv"), src.path().join("elsewhere")).unwrap();
    let first = chute.deliver(&id, &plan, &TransferOptions::default(), &Control::default(), Origin::Drop, &mut |_| {}).unwrap();
    assert_eq!((first.delivered, first.failed), (1, 1));
    let first_id = first.batch_id.unwrap();

    // The file is still missing: the retry plan says so, and sends nothing.
    let (dest, still) = chute.history_plan(&first_id, Which::Failed).unwrap();
    assert_eq!(dest, id);
    assert!(still.files.is_empty());
    assert_eq!(still.problems.len(), 1);
    assert!(still.problems[0].message.contains("moved.csv"), "{:?}", still.problems);

    // Put back, it is retried under the key it had (with its folder), and only it.
    std::fs::rename(src.path().join("elsewhere"), src.path().join("day 1/moved.csv")).unwrap();
    let (_, retry) = chute.history_plan(&first_id, Which::Failed).unwrap();
    assert_eq!(retry.files.iter().map(|f| f.key.as_str()).collect::<Vec<_>>(), ["incoming/day 1/moved.csv"]);
    assert_eq!(retry.from_batch.as_deref(), Some(first_id.as_str()));
    let second = chute.deliver(&id, &retry, &TransferOptions::default(), &Control::default(), Origin::Retry, &mut |_| {}).unwrap();
    assert_eq!((second.delivered, second.failed), (1, 0));
    assert_eq!(std::fs::read(fs.root.path().join("reports/incoming/day 1/moved.csv")).unwrap(), b"moved away");
    let row = chute.history_batch(second.batch_id.as_deref().unwrap()).unwrap().unwrap();
    assert_eq!((row.origin.as_str(), row.parent_id.as_deref()), ("retry", Some(first_id.as_str())));

    // The retry delivered everything: nothing left to retry there.
    let err = chute.history_plan(second.batch_id.as_deref().unwrap(), Which::Failed).unwrap_err();
    assert_eq!(code(&err), "nothing_to_retry");

    // Re-delivering the whole first batch: both files, same keys; the
    // destination's "never overwrite" refuses, leaving the objects untouched.
    std::fs::write(src.path().join("day 1/kept.csv"), b"changed since").unwrap();
    let (_, again) = chute.history_plan(&first_id, Which::All).unwrap();
    assert_eq!(again.files.len(), 2);
    let third = chute.deliver(&id, &again, &TransferOptions::default(), &Control::default(), Origin::Redeliver, &mut |_| {}).unwrap();
    assert_eq!((third.delivered, third.failed), (0, 2), "\"never\" refuses existing objects");
    assert!(third.not_landed.iter().all(|f| f.error.as_ref().is_some_and(|e| e.code == Code::AlreadyExists)));
    assert_eq!(std::fs::read(fs.root.path().join("reports/incoming/day 1/kept.csv")).unwrap(), b"kept", "never clobbered");
    let third_row = chute.history_batch(third.batch_id.as_deref().unwrap()).unwrap().unwrap();
    assert_eq!((third_row.origin.as_str(), third_row.existing), ("redeliver", 2));
    // A retry would meet the same objects: refused with the way forward;
    // those files are offered on their own, under their keys, to re-key or overwrite.
    let third_id = third.batch_id.clone().unwrap();
    assert_eq!(code(&chute.history_plan(&third_id, Which::Failed).unwrap_err()), "only_existing_left");
    let (_, taken) = chute.history_plan(&third_id, Which::Existing).unwrap();
    assert_eq!(taken.files.iter().map(|f| f.key.as_str()).collect::<Vec<_>>(), ["incoming/day 1/kept.csv", "incoming/day 1/moved.csv"]);
    assert_eq!(code(&chute.history_plan(&first_id, Which::Existing).unwrap_err()), "nothing_to_retry");

    // Unknown ids, interrupted batches and deleted destinations are refused with a reason.
    assert_eq!(code(&chute.history_plan("no-such-batch", Which::Failed).unwrap_err()), "batch_not_found");
    let db = rusqlite::Connection::open(data.path().join(chute_core::DB_FILE)).unwrap();
    db.execute("UPDATE batches SET state = 'interrupted' WHERE id = ?1", [&first_id]).unwrap();
    assert_eq!(code(&chute.history_plan(&first_id, Which::All).unwrap_err()), "batch_interrupted");
    db.execute("UPDATE batches SET state = 'finished' WHERE id = ?1", [&first_id]).unwrap();
    chute.delete(&id).unwrap();
    assert_eq!(code(&chute.history_plan(&first_id, Which::All).unwrap_err()), "destination_deleted");
}

#[test]
fn retention_and_deleting_entries_keep_what_still_has_work() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let (chute, id) = setup(&fs, data.path());
    let src = tempfile::tempdir().unwrap();
    std::fs::write(src.path().join("a.txt"), b"a").unwrap();
    let mut ids = Vec::new();
    for _ in 0..4 {
        let plan = chute.plan_delivery(&id, &[src.path().join("a.txt")]).unwrap();
        let opts = TransferOptions { ..TransferOptions::default() };
        let mut d = chute.get(&id).unwrap();
        d.settings.overwrite = chute_core::destination::Overwrite::Overwrite;
        chute.update(&id, d.settings, CredentialInput::Keep).unwrap();
        ids.push(chute.deliver(&id, &plan, &opts, &Control::default(), Origin::Cli, &mut |_| {}).unwrap().batch_id.unwrap());
    }
    let db = rusqlite::Connection::open(data.path().join(chute_core::DB_FILE)).unwrap();
    let day = 86_400_000i64;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    // ids[0]: 40 days old; ids[1]: 40 days old but interrupted; ids[2]: 10 days; ids[3]: now.
    db.execute("UPDATE batches SET started_at = ?1 WHERE id IN (?2, ?3)", rusqlite::params![now - 40 * day, ids[0], ids[1]]).unwrap();
    db.execute("UPDATE batches SET state = 'interrupted' WHERE id = ?1", [&ids[1]]).unwrap();
    db.execute("UPDATE batches SET started_at = ?1 WHERE id = ?2", rusqlite::params![now - 10 * day, ids[2]]).unwrap();

    assert_eq!(chute.history_keep_days().unwrap(), None, "everything is kept by default");
    assert_eq!(code(&chute.set_history_keep_days(Some(0)).unwrap_err()), "bad_retention");
    assert_eq!(chute.set_history_keep_days(Some(30)).unwrap(), 1, "only the old finished batch goes");
    assert_eq!(chute.history_keep_days().unwrap(), Some(30));
    let left: Vec<String> = chute.history_batches(&Filter { limit: 10, ..Filter::default() }).unwrap().into_iter().map(|b| b.id).collect();
    assert_eq!(left.len(), 3);
    assert!(!left.contains(&ids[0]) && left.contains(&ids[1]), "an interrupted batch stays, whatever its age");
    let orphans: i64 =
        db.query_row("SELECT COUNT(*) FROM batch_files WHERE batch_id NOT IN (SELECT id FROM batches)", [], |r| r.get(0)).unwrap();
    assert_eq!(orphans, 0, "its files went with it");

    // The setting survives reopening, and is applied as batches end.
    drop(chute);
    let chute = Chute::open_with(data.path(), SecretStore::platform()).unwrap();
    assert_eq!(chute.history_keep_days().unwrap(), Some(30));
    db.execute("UPDATE batches SET started_at = ?1 WHERE id = ?2", rusqlite::params![now - 31 * day, ids[2]]).unwrap();
    let plan = chute.plan_delivery(&id, &[src.path().join("a.txt")]).unwrap();
    chute.deliver(&id, &plan, &TransferOptions::default(), &Control::default(), Origin::Cli, &mut |_| {}).unwrap();
    assert!(chute.history_batch(&ids[2]).unwrap().is_none(), "pruned when the next batch ended");

    // Deleting: finished batches go; interrupted and unknown ones are kept, with the reason.
    let r = chute.delete_history(&[ids[3].clone(), ids[1].clone(), "nope".into()]).unwrap();
    assert_eq!(r.deleted, 1);
    let kept: Vec<(&str, &str)> = r.kept.iter().map(|k| (k.id.as_str(), k.reason.as_str())).collect();
    assert_eq!(kept, [(ids[1].as_str(), "interrupted"), ("nope", "not_found")]);
    assert!(chute.history_batch(&ids[3]).unwrap().is_none());
    assert_eq!(fs.object_paths("reports"), ["incoming/a.txt"], "deleting history never touches the bucket");

    chute.set_history_keep_days(None).unwrap();
    assert_eq!(chute.history_keep_days().unwrap(), None);
}

#[test]
fn the_csv_export_quotes_what_needs_quoting_and_never_leaves_half_a_file() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let (chute, id) = setup(&fs, data.path());
    let src = tempfile::tempdir().unwrap();
    std::fs::write(src.path().join("q1, \"final\".csv"), b"x").unwrap();
    std::fs::write(src.path().join("=cmd.txt"), b"y").unwrap();
    let plan = chute.plan_delivery(&id, &[src.path().to_path_buf()]).unwrap();
    let s = chute.deliver(&id, &plan, &TransferOptions::default(), &Control::default(), Origin::Dialog, &mut |_| {}).unwrap();
    assert_eq!(s.delivered, 2);

    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("files.csv");
    let n = chute.export_history_csv_file(&Filter::default(), CsvRows::Files, None, &path).unwrap();
    assert_eq!(n, 2);
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("batch_id,batch_started_at,destination,key,"));
    assert!(text.contains(",\"incoming/q1, \"\"final\"\".csv\","), "comma and quotes quoted: {text}");
    assert!(text.contains(",'=cmd.txt,"), "a leading = is neutralised for spreadsheets: {text}");

    let n = chute.export_history_csv_file(&Filter::default(), CsvRows::Batches, None, &path).unwrap();
    assert_eq!(n, 1);
    let batches = std::fs::read_to_string(&path).unwrap();
    assert!(batches.contains(",dialog,finished,delivered,2,2,0,0,0,"), "{batches}");

    // A folder that cannot be written: an error, and no file at all.
    let ro = out.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    let mut perms = std::fs::metadata(&ro).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o555);
    std::fs::set_permissions(&ro, perms).unwrap();
    if std::fs::write(ro.join("probe"), b"").is_err() {
        // (root writes anywhere; the check only runs where permissions bite)
        assert!(chute.export_history_csv_file(&Filter::default(), CsvRows::Files, None, &ro.join("x.csv")).is_err());
        assert_eq!(std::fs::read_dir(&ro).unwrap().count(), 0);
    }
    // Replacing an export is all or nothing: the old one is intact until the new one is complete.
    std::fs::write(&path, b"old").unwrap();
    chute.export_history_csv_file(&Filter::default(), CsvRows::Files, None, &path).unwrap();
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 2, "no temporary file left beside it");
}

#[test]
fn what_a_batch_was_given_left_out_and_refused_is_recorded() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let (chute, id) = setup(&fs, data.path());
    let src = tempfile::tempdir().unwrap();
    let folder = src.path().join("photos");
    std::fs::create_dir_all(folder.join(".git")).unwrap();
    std::fs::write(folder.join(".git/HEAD"), b"ref").unwrap();
    std::fs::write(folder.join(".DS_Store"), b"finder").unwrap();
    std::fs::write(folder.join("a.jpg"), b"a").unwrap();
    std::fs::write(folder.join("b.jpg"), b"b").unwrap();
    std::fs::write(folder.join("bell\u{7}.jpg"), b"no key can carry this name").unwrap();
    std::os::unix::fs::symlink("a.jpg", folder.join("link.jpg")).unwrap();
    let single = src.path().join("notes.txt");
    std::fs::write(&single, b"notes").unwrap();
    let missing = src.path().join("gone.csv");
    let given = [folder.clone(), single.clone(), missing.clone()];
    let plan = chute.plan_delivery(&id, &given).unwrap();
    assert_eq!(plan.files.len(), 3, "{:?}", plan.files);
    let s = chute.deliver(&id, &plan, &TransferOptions::default(), &Control::default(), Origin::Drop, &mut |_| {}).unwrap();
    assert_eq!((s.delivered, s.failed), (3, 0));
    let batch_id = s.batch_id.unwrap();

    // Refused files count: 3 delivered of 5, so the batch is partly delivered.
    let b = chute.history_batch(&batch_id).unwrap().unwrap();
    assert_eq!((b.files_total, b.delivered, b.failed, b.refused, b.excluded), (5, 3, 0, 2, 3), "{b:?}");
    assert_eq!(b.outcome, Some(Outcome::Partial), "a refused file was not delivered");
    assert!(b.inputs_recorded);

    let inputs = chute.history_inputs(&batch_id, 100).unwrap();
    let sources: Vec<(String, &str, i64)> = inputs.sources.iter().map(|s| (s.path.clone(), s.kind.as_str(), s.files)).collect();
    let lossy = |p: &Path| p.to_string_lossy().into_owned();
    assert_eq!(sources, [(lossy(&folder), "folder", 2), (lossy(&single), "file", 1), (lossy(&missing), "missing", 0)]);
    let excluded: Vec<(String, &str)> = inputs.excluded.iter().map(|e| (e.path.clone(), e.reason.as_str())).collect();
    assert_eq!(inputs.excluded_total, 3);
    assert!(excluded.contains(&(lossy(&folder.join(".git")), "ignored by `.git/`")), "{excluded:?}");
    assert!(excluded.contains(&(lossy(&folder.join(".DS_Store")), "ignored by `.DS_Store`")), "{excluded:?}");
    assert!(excluded.iter().any(|(p, r)| *p == lossy(&folder.join("link.jpg")) && r.starts_with("symbolic link")), "{excluded:?}");
    assert_eq!(inputs.refused_total, 2);
    let refused: Vec<(&str, &str, Option<&str>)> =
        inputs.refused.iter().map(|f| (f.source.as_str(), f.relpath.as_str(), f.error_code.as_deref())).collect();
    let bell = lossy(&folder.join("bell\u{7}.jpg"));
    let gone = lossy(&missing);
    assert_eq!(refused, [(bell.as_str(), "bell\u{7}.jpg", Some("key_control_chars")), (gone.as_str(), "gone.csv", Some("not_found"))]);
    assert!(inputs
        .refused
        .iter()
        .all(|f| f.status == FileState::Refused && f.key.is_empty() && !f.error_fix.as_deref().unwrap_or("").is_empty()));
    assert!(inputs.refused[0].error_message.as_deref().unwrap().contains("control character"), "{:?}", inputs.refused[0]);

    // Among the batch's files (after the planned ones), searchable, filterable, counted exactly.
    let all = chute.history_files(Some(&batch_id), &Filter { limit: 100, ..Filter::default() }).unwrap();
    assert_eq!(all.iter().map(|f| f.status.as_str()).collect::<Vec<_>>(), ["delivered", "delivered", "delivered", "refused", "refused"]);
    let only = Filter { status: Some("refused".into()), ..Filter::default() };
    assert_eq!(
        chute.history_file_counts(&batch_id, &only).unwrap(),
        chute_core::history::FileCounts { matching: 2, total: 5, first_failed: None }
    );
    let gone_search = Filter { search: Some("gone".into()), ..Filter::default() };
    assert_eq!(chute.history_file_counts(&batch_id, &gone_search).unwrap().matching, 1);
    assert_eq!(chute.history_batches(&Filter { search: Some("gone.csv".into()), limit: 10, ..Filter::default() }).unwrap().len(), 1);

    // Nothing to retry: the files not delivered were refused, and sending them as they are would fail again.
    assert_eq!(code(&chute.history_plan(&batch_id, Which::Failed).unwrap_err()), "only_refused_left");
    let (_, again) = chute.history_plan(&batch_id, Which::All).unwrap();
    assert_eq!(again.files.len(), 3, "re-delivery sends the files that had keys");
    assert_eq!(again.sources, given, "and records the same sources");

    // The CSV export keeps them: counts and sources per batch, refused files with their reason.
    let out = tempfile::tempdir().unwrap();
    let csv = out.path().join("batches.csv");
    chute.export_history_csv_file(&Filter::default(), CsvRows::Batches, None, &csv).unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("batch_id,") && text.lines().next().unwrap().ends_with(",refused,excluded,sources"), "{text}");
    assert!(text.contains(&format!(",2,3,\"{}\n{}\n{}\"\r\n", lossy(&folder), lossy(&single), lossy(&missing))), "{text}");
    chute.export_history_csv_file(&Filter::default(), CsvRows::Files, Some(&batch_id), &csv).unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.contains(",gone.csv,") && text.contains(",refused,0,0,0,false,,,not_found,"), "{text}");
}

/// A delivery that replaces objects already there (for a file sent twice).
fn overwriting() -> TransferOptions {
    TransferOptions { overwrite: Some(chute_core::destination::Overwrite::Overwrite), ..TransferOptions::default() }
}

#[test]
fn exact_counts_follow_the_filters_and_the_first_failed_file_is_found() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let (chute, id) = setup(&fs, data.path());
    let src = tempfile::tempdir().unwrap();
    for i in 0..1200 {
        std::fs::write(src.path().join(format!("f{i:04}.txt")), format!("{i}")).unwrap();
    }
    let plan = chute.plan_delivery(&id, &[src.path().to_path_buf()]).unwrap();
    // Two files vanish after the preview: the 701st and the 1,101st fail.
    std::fs::remove_file(src.path().join("f0700.txt")).unwrap();
    std::fs::remove_file(src.path().join("f1100.txt")).unwrap();
    let big = chute.deliver(&id, &plan, &TransferOptions::default(), &Control::default(), Origin::Drop, &mut |_| {}).unwrap();
    assert_eq!((big.delivered, big.failed), (1198, 2));
    let big = big.batch_id.unwrap();
    let small = chute.plan_delivery(&id, &[src.path().join("f0001.txt")]).unwrap();
    let small = chute.deliver(&id, &small, &overwriting(), &Control::default(), Origin::Cli, &mut |_| {}).unwrap().batch_id.unwrap();

    let counts = |f: Filter, selected: Option<&str>| chute.history_batch_counts(&f, selected).unwrap();
    let all = counts(Filter::default(), Some(&big));
    assert_eq!((all.matching, all.total, all.selected_matches), (2, 2, Some(true)));
    let partial = counts(Filter { status: Some("partial".into()), ..Filter::default() }, Some(&small));
    assert_eq!((partial.matching, partial.total, partial.selected_matches), (1, 2, Some(false)), "the selection is hidden by the filter");
    let search = counts(Filter { search: Some("f0001".into()), ..Filter::default() }, None);
    assert_eq!((search.matching, search.selected_matches), (2, None));

    // Files: exact beyond the 1,000-row page, and the first failed file's row in each filtered list.
    let files = chute.history_file_counts(&big, &Filter::default()).unwrap();
    assert_eq!((files.matching, files.total, files.first_failed), (1200, 1200, Some(700)));
    let row = chute.history_files(Some(&big), &Filter { offset: 700, limit: 1, ..Filter::default() }).unwrap();
    assert_eq!((row[0].relpath.as_str(), row[0].status.as_str()), ("f0700.txt", "failed"));
    let from_f1 = chute.history_file_counts(&big, &Filter { search: Some("f1".into()), ..Filter::default() }).unwrap();
    assert_eq!((from_f1.matching, from_f1.first_failed), (200, Some(100)), "f1000..f1199: f1100 is the 101st");
    let failed = chute.history_file_counts(&big, &Filter { status: Some("failed".into()), ..Filter::default() }).unwrap();
    assert_eq!((failed.matching, failed.first_failed), (2, Some(0)));
    assert_eq!(chute.history_file_counts(&small, &Filter::default()).unwrap().first_failed, None);
}

/// The schema before sources and left-out paths were recorded (5), made
/// from today's by removing exactly what migrations 6 to 11 add.
fn downgrade_to_schema_5(db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch(
        "DROP TABLE receipt_problems; DROP TABLE receipts; ALTER TABLE batch_files DROP COLUMN verified;
         DROP TABLE capabilities;
         DROP INDEX batches_group; ALTER TABLE batches DROP COLUMN group_id;
         DROP TABLE watch_files; DROP TABLE watches;
         DROP TABLE batch_sources; DROP TABLE batch_excluded;
         ALTER TABLE batches DROP COLUMN refused; ALTER TABLE batches DROP COLUMN excluded; ALTER TABLE batches DROP COLUMN inputs_recorded;
         PRAGMA user_version = 5;",
    )
    .unwrap();
}

#[test]
fn a_database_of_the_previous_schema_migrates_and_keeps_its_history() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let (chute, id) = setup(&fs, data.path());
    let src = tempfile::tempdir().unwrap();
    std::fs::write(src.path().join("a.txt"), b"a").unwrap();
    std::fs::write(src.path().join("b.txt"), b"b").unwrap();
    let plan = chute.plan_delivery(&id, &[src.path().to_path_buf()]).unwrap();
    std::fs::remove_file(src.path().join("b.txt")).unwrap();
    let old =
        chute.deliver(&id, &plan, &TransferOptions::default(), &Control::default(), Origin::Drop, &mut |_| {}).unwrap().batch_id.unwrap();
    drop(chute);
    let db = data.path().join(chute_core::DB_FILE);
    downgrade_to_schema_5(&db);
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let tables: i64 = conn.query_row("SELECT COUNT(*) FROM sqlite_master WHERE name = 'batch_sources'", [], |r| r.get(0)).unwrap();
        assert_eq!(tables, 0, "a schema-5 database has no sources table");
        assert!(conn.prepare("SELECT refused FROM batches").is_err(), "nor a refused count");
    }

    // Opened by this Chute: migrated to the current schema, the old batch intact.
    let chute = Chute::open_with(data.path(), SecretStore::platform()).unwrap();
    let version: i64 = rusqlite::Connection::open(&db).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, chute_core::store::SCHEMA_VERSION);
    assert_eq!(version, 11);
    let b = chute.history_batch(&old).unwrap().unwrap();
    assert_eq!((b.outcome, b.files_total, b.delivered, b.failed), (Some(Outcome::Partial), 2, 1, 1));
    assert_eq!((b.refused, b.excluded, b.inputs_recorded), (0, 0, false), "nothing is made up for an old batch");
    let inputs = chute.history_inputs(&old, 10).unwrap();
    assert!(inputs.sources.is_empty() && inputs.excluded.is_empty() && inputs.refused.is_empty());
    assert_eq!(chute.history_files(Some(&old), &Filter { limit: 10, ..Filter::default() }).unwrap().len(), 2);
    // Its failed file can still be retried, and the retry records what it was given.
    std::fs::write(src.path().join("b.txt"), b"b").unwrap();
    let (_, retry) = chute.history_plan(&old, Which::Failed).unwrap();
    assert!(retry.sources.is_empty(), "the old batch has no recorded sources to repeat");
    let s = chute.deliver(&id, &retry, &TransferOptions::default(), &Control::default(), Origin::Retry, &mut |_| {}).unwrap();
    assert_eq!(s.delivered, 1);
    assert!(chute.history_batch(s.batch_id.as_deref().unwrap()).unwrap().unwrap().inputs_recorded);

    // New batches record their sources.
    let plan = chute.plan_delivery(&id, &[src.path().join("a.txt")]).unwrap();
    let new = chute.deliver(&id, &plan, &overwriting(), &Control::default(), Origin::Drop, &mut |_| {}).unwrap().batch_id.unwrap();
    assert_eq!(chute.history_inputs(&new, 10).unwrap().sources.len(), 1);
    drop(chute);

    // A database one schema newer is still refused, untouched.
    let newer = format!("PRAGMA user_version = {};", chute_core::store::SCHEMA_VERSION + 1);
    rusqlite::Connection::open(&db).unwrap().execute_batch(&newer).unwrap();
    let before = std::fs::read(&db).unwrap();
    let err = Chute::open_with(data.path(), SecretStore::platform()).err().expect("a newer database is refused");
    assert_eq!(code(&err), "database_too_new");
    assert!(std::fs::read(&db).unwrap() == before, "the newer database was left as it was");
}
