//! Bandwidth limits through the real facade against a real s3s-fs server:
//! a delivery of 24 MiB (multipart parts, streamed files and files read
//! into memory) keeps to the overall limit within ±15% measured over the
//! whole delivery (small files too); with a destination's limit and the overall one both
//! set the lower wins, whichever it is, and a run's own limit replaces
//! the destination's; the limit in force is in every progress event; a
//! change of the overall limit reaches a delivery that is running; a slow
//! file's bytes show in the progress as they go; and nonsense is refused
//! with its cause and fix.

mod support;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chute_core::deliver::{Control, DeliveryEvent, Throttle, TransferOptions};
use chute_core::history::Origin;
use chute_core::{BatchSummary, Chute, Code, Error, Job, UserError};
use support::content::{content, write};
use support::facade::{setup, setup_at};
use support::servers::S3sFs;

const MIB: u64 = 1024 * 1024;

/// A folder of `sizes` (bytes), each file's content its own.
fn folder(sizes: &[u64]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (i, size) in sizes.iter().enumerate() {
        write(dir.path(), &format!("f{i:02}.bin"), &content(i as u64 + 7, *size as usize));
    }
    dir
}

/// Deliver `src` to `id`: the summary, the seconds it took, and the limit
/// each progress event carried.
fn timed(chute: &Chute, id: &str, src: &Path, opts: &TransferOptions) -> (BatchSummary, f64, Vec<Option<u64>>) {
    let plan = chute.plan_delivery(id, &[src.to_path_buf()]).unwrap();
    let mut limits = Vec::new();
    let started = Instant::now();
    let summary = chute
        .deliver(id, &plan, opts, &Control::default(), Origin::Drop, &mut |e| {
            if let DeliveryEvent::Progress(p) = e {
                limits.push(p.rate_limit);
            }
        })
        .unwrap();
    let secs = started.elapsed().as_secs_f64();
    assert_eq!((summary.delivered, summary.failed), (plan.files.len(), 0), "{summary:#?}");
    assert_eq!(summary.receipt.as_ref().map(|r| r.verified), Some(plan.files.len()), "every object checked at the destination");
    (summary, secs, limits)
}

/// Bytes per second over the whole delivery, and how far that is from `limit` (a fraction).
fn measured(summary: &BatchSummary, secs: f64, limit: u64) -> (f64, f64) {
    let rate = summary.bytes_sent as f64 / secs;
    (rate, (rate - limit as f64) / limit as f64)
}

#[test]
fn a_24_mib_delivery_keeps_to_the_overall_limit_within_15_percent() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let (chute, id) = setup(&fs, data.path());
    // One multipart file (two 8 MiB parts), streamed files and files read into memory.
    let src = folder(&[16 * MIB, MIB, MIB, MIB, MIB, MIB, MIB, MIB, MIB / 4, MIB / 4, MIB / 4, MIB / 4]);

    // Without a limit the same files go much faster here, so the limit is what is measured.
    let (free, free_secs, free_limits) =
        timed(&chute, &id, src.path(), &TransferOptions { overwrite: Some(chute_core::Overwrite::Overwrite), ..Default::default() });
    assert_eq!(free.bytes_sent, 24 * MIB);
    assert!(free_limits.iter().all(Option::is_none), "no limit in force: {free_limits:?}");
    let limit = 8 * MIB;
    assert!(
        free.bytes_sent as f64 / free_secs > 1.5 * limit as f64,
        "this machine sends {:.1} MiB/s unlimited: too slow to measure a limit of 8 MiB/s",
        free.bytes_sent as f64 / free_secs / MIB as f64
    );

    assert_eq!(chute.set_bandwidth_limit("8 MB/s").unwrap(), Some(limit));
    let overwrite = TransferOptions { overwrite: Some(chute_core::Overwrite::Overwrite), ..Default::default() };
    let (summary, secs, limits) = timed(&chute, &id, src.path(), &overwrite);
    let (rate, off) = measured(&summary, secs, limit);
    eprintln!(
        "limit 8 MiB/s: 24 MiB in {secs:.2} s = {:.2} MiB/s ({:+.1}% of the limit); unlimited: {:.2} s",
        rate / MIB as f64,
        off * 100.0,
        free_secs
    );
    assert!(off.abs() <= 0.15, "measured {:.2} MiB/s against a limit of 8 MiB/s ({:+.1}%)", rate / MIB as f64, off * 100.0);
    assert!(!limits.is_empty() && limits.iter().all(|l| *l == Some(limit)), "every progress event carries the limit: {limits:?}");
}

#[test]
fn the_lower_of_the_destinations_limit_and_the_overall_one_wins() {
    let fs = S3sFs::start();
    let src = folder(&[6 * MIB, 3 * MIB, 2 * MIB, MIB / 2, MIB / 2]);
    let opts = TransferOptions { overwrite: Some(chute_core::Overwrite::Overwrite), ..Default::default() };
    // (the destination's limit, the overall one, this run's own, what must hold)
    for (own, overall, run, expect) in [
        ("4 MB/s", "16 MB/s", None, 4 * MIB),
        ("16 MB/s", "4 MB/s", None, 4 * MIB),
        ("", "4M", None, 4 * MIB),
        ("16 MB/s", "", std::num::NonZeroU64::new(4 * MIB).map(Throttle::run_limit), 4 * MIB),
    ] {
        let data = tempfile::tempdir().unwrap();
        let (chute, id) = setup_at(&fs.endpoint(), data.path(), |s| s.bandwidth_limit = own.into());
        chute.set_bandwidth_limit(overall).unwrap();
        let (summary, secs, limits) = timed(&chute, &id, src.path(), &TransferOptions { throttle: run.clone(), ..opts.clone() });
        let (rate, off) = measured(&summary, secs, expect);
        eprintln!(
            "own {own:?}, overall {overall:?}, run {:?}: {:.2} MiB/s ({:+.1}%)",
            run.as_ref().and_then(|t| t.rate()),
            rate / MIB as f64,
            off * 100.0
        );
        assert!(off.abs() <= 0.15, "own {own:?}, overall {overall:?}: {:.2} MiB/s, not 4 MiB/s", rate / MIB as f64);
        assert!(limits.iter().all(|l| *l == Some(expect)), "{limits:?}");
    }
}

#[test]
fn small_files_read_into_memory_are_paced_too() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let (chute, id) = setup_at(&fs.endpoint(), data.path(), |s| s.bandwidth_limit = "4 MB/s".into());
    let src = folder(&[MIB / 2; 16]);
    let (summary, secs, _) = timed(&chute, &id, src.path(), &TransferOptions::default());
    let (rate, off) = measured(&summary, secs, 4 * MIB);
    eprintln!("16 files of 512 KiB at 4 MiB/s: {:.2} MiB/s ({:+.1}%)", rate / MIB as f64, off * 100.0);
    // None escapes the limit; each small file also costs requests without
    // a body (the look before writing, the receipt's HEAD), so the whole
    // delivery may average somewhat below it.
    assert!((-0.4..=0.15).contains(&off), "{:.2} MiB/s against a limit of 4 MiB/s", rate / MIB as f64);
}

#[test]
fn a_new_overall_limit_reaches_a_delivery_that_is_running() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let (chute, id) = setup(&fs, data.path());
    let chute = Arc::new(chute);
    let src = folder(&[4 * MIB, 4 * MIB, 4 * MIB, 4 * MIB]);
    chute.set_bandwidth_limit("2 MB/s").unwrap();
    let plan = Arc::new(chute.plan_delivery(&id, &[src.path().to_path_buf()]).unwrap());
    let limits: Arc<Mutex<Vec<Option<u64>>>> = Arc::default();
    let seen = limits.clone();
    let started = Instant::now();
    let job = Job::Plan { destination_id: id.clone(), plan, origin: Origin::Drop, options: TransferOptions::default() };
    let delivery = chute.start(job, move |e| {
        if let DeliveryEvent::Progress(p) = e {
            seen.lock().unwrap().push(p.rate_limit);
        }
    });
    // 16 MiB at 2 MiB/s would take 8 s; raised to 16 MiB/s after one, about 2.
    std::thread::sleep(Duration::from_secs(1));
    chute.set_bandwidth_limit("16 MB/s").unwrap();
    let summary = delivery.wait().unwrap();
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(summary.delivered, 4);
    assert!(secs < 4.5, "the raised limit was not followed: {secs:.2} s");
    let limits = limits.lock().unwrap();
    assert_eq!(limits.first(), Some(&Some(2 * MIB)), "{limits:?}");
    assert_eq!(limits.last(), Some(&Some(16 * MIB)), "{limits:?}");
}

#[test]
fn a_slow_file_shows_its_bytes_as_they_go() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let (chute, id) = setup(&fs, data.path());
    // One 3 MiB file in one request at 2 MiB/s: about 1.5 s with nothing finished.
    let src = folder(&[3 * MIB]);
    chute.set_bandwidth_limit("2 MB/s").unwrap();
    let plan = chute.plan_delivery(&id, &[src.path().to_path_buf()]).unwrap();
    let mut sent = Vec::new();
    let summary = chute
        .deliver(&id, &plan, &TransferOptions::default(), &Control::default(), Origin::Drop, &mut |e| {
            if let DeliveryEvent::Progress(p) = e {
                assert!(p.bytes_sent <= p.bytes_total, "{p:?}");
                if p.files_done == 0 {
                    sent.push(p.bytes_sent);
                }
            }
        })
        .unwrap();
    assert_eq!(summary.delivered, 1);
    let between = sent.iter().filter(|&&b| b > 0 && b < 3 * MIB).count();
    assert!(between >= 3, "progress stood still while the file went: {sent:?}");
    assert!(sent.windows(2).all(|w| w[0] <= w[1]), "progress went back: {sent:?}");
}

#[test]
fn nonsense_limits_are_refused_with_their_cause_and_fix() {
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let (chute, id) = setup(&fs, data.path());
    for (typed, says) in [
        ("0", "never send"),
        ("-2 MB/s", "negative"),
        ("fast", "not a bandwidth limit"),
        ("500", "no unit"),
        ("1 KB/s", "below the lowest limit"),
    ] {
        // A destination's limit: a field problem, the destination unchanged.
        let mut d = chute.get(&id).unwrap();
        d.settings.bandwidth_limit = typed.into();
        let err = chute.update(&id, d.settings.clone(), chute_core::CredentialInput::Keep).unwrap_err();
        let Error::Invalid(problems) = &err else { panic!("{typed}: {err:?}") };
        let p = problems.iter().find(|p| p.field == "bandwidth_limit").unwrap_or_else(|| panic!("{typed}: {problems:?}"));
        assert_eq!(p.code, Code::BandwidthLimitInvalid);
        assert!(p.message.contains(says) && !p.fix.is_empty(), "{typed}: {p:?}");
        assert_eq!(chute.get(&id).unwrap().settings.bandwidth_limit, "", "{typed}: not saved");
        // The overall limit: refused in the same words, the setting unchanged.
        let info = chute.set_bandwidth_limit(typed).unwrap_err().info();
        assert_eq!((info.code, info.field.as_deref()), (Code::BandwidthLimitInvalid, Some("bandwidth_limit")));
        assert!(info.message.contains(says), "{typed}: {info:?}");
        assert_eq!(chute.bandwidth_limit().unwrap(), None);
    }
    let mut d = chute.get(&id).unwrap();
    d.settings.bandwidth_limit = "2MB/s".into();
    chute.update(&id, d.settings, chute_core::CredentialInput::Keep).unwrap();
    assert_eq!(chute.get(&id).unwrap().settings.bandwidth_limit(), Some(2 * MIB));
}
