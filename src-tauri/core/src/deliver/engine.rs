//! The transfer: every planned file to its key, streamed from disk, in
//! parallel under the batch's request limit (adapted as it runs), with
//! pause, cancel and progress at most every `progress_interval`; each
//! object delivered is checked by the run's verifier, if it has one, with
//! the others delivered in the same moments (check_window.rs), before its
//! result is reported. One failing file never stops the batch.
//! Under a bandwidth limit, fewer requests go at once, each with time for
//! its body.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::Semaphore;

use super::adaptive::Adaptive;
use super::check_window::CheckWindows;
use super::failure::Failures;
use super::file::one_file;
use super::limit::{body_timeouts, requests_under};
use super::multipart::part_size;
use super::paced::Pacing;
use super::shared::{Requests, Shared};
use super::{
    BatchSummary, Control, DeliveredFile, DeliveryEvent, FileError, FileResult, FileStatus, Plan, PlannedFile, Progress, TransferOptions,
};
use crate::destination::Settings;
use crate::report::Outcome;
use crate::s3;

/// Deliver every file of `plan`. Returns when all have delivered, failed,
/// been skipped or been cancelled.
pub async fn deliver(
    client: aws_sdk_s3::Client,
    settings: &Settings,
    plan: &Plan,
    opts: &TransferOptions,
    control: &Control,
    on_event: &mut (dyn FnMut(DeliveryEvent) + Send),
) -> BatchSummary {
    let started = Instant::now();
    let (concurrency, body_timeouts) = under_limit(settings, plan, opts);
    let requests = Arc::new(Semaphore::new(concurrency));
    // Under a bandwidth limit the number of requests is the limit's to set.
    let adaptive = (opts.adaptive && body_timeouts.is_none()).then(|| Arc::new(Adaptive::new(requests.clone(), concurrency, started)));
    let shared = Arc::new(Shared {
        client,
        settings: Settings { overwrite: opts.overwrite.unwrap_or(settings.overwrite), ..settings.clone() },
        opts: opts.clone(),
        requests,
        adaptive,
        control: control.clone(),
        bytes_sent: Arc::new(AtomicU64::new(0)),
        files_sent: AtomicU64::new(0),
        conditional_put: opts.capabilities.as_ref().is_some_and(|c| c.conditional_put()),
        part_checksums: opts.capabilities.as_ref().map_or(settings.preset().part_checksums, |c| c.part_checksums(settings)),
        crc32c_verified: opts.capabilities.as_ref().and_then(|c| c.checksum(crate::s3::capabilities::Algorithm::Crc32c))
            == Some(crate::s3::capabilities::ChecksumSupport::Verified),
        crc32c_echoed: Default::default(),
        crc32c_answered: Default::default(),
        counters: Requests::per_file(plan.files.len()),
        failures: Failures::new(settings, opts.anonymous),
        pacing: Pacing { throttle: opts.throttle.clone(), timeouts: body_timeouts, in_flight: Default::default() },
        urls: s3::ObjectUrls::new(settings),
    });
    let total_bytes = plan.total_bytes;
    let total_files = plan.files.len();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(FileResult, PlannedFile)>();
    // Delivered files gathered for their check, and the checks' answers.
    let mut windows = CheckWindows::default();
    let (checked_tx, mut checked_rx) = tokio::sync::mpsc::unbounded_channel::<(Vec<DeliveredFile>, Vec<Option<FileError>>)>();
    let mut all_sent = total_files == 0;
    // Files are started as request slots free up, each task with its own copy
    // of its planned file: 100,000 queued files cost one small task each at a
    // time, and the plan is never copied whole.
    let mut sender = (total_files > 0).then_some(tx);
    let file_slots = Arc::new(Semaphore::new(concurrency));
    let mut tasks = tokio::task::JoinSet::new();
    let mut next = 0;
    // Each file's result goes to the journal and the front end as it ends;
    // the summary keeps the counts and only the files that did not land,
    // so a batch's memory does not grow with the files it delivers.
    let mut reported = Reported::default();
    let mut last = Instant::now() - opts.progress_interval;
    let mut tick = tokio::time::interval(opts.progress_interval);
    let batch_event = |shared: &Shared, files_done: usize| {
        // Under a limit, a slow part's bytes count as they go (never past the total).
        let sent = (shared.bytes_sent.load(Ordering::Relaxed) + shared.pacing.in_flight.load(Ordering::Relaxed)).min(total_bytes);
        let secs = started.elapsed().as_secs_f64().max(0.001);
        let rate = (sent as f64 / secs) as u64;
        DeliveryEvent::Progress(Progress {
            bytes_sent: sent,
            bytes_total: total_bytes,
            files_done,
            files_total: total_files,
            rate,
            eta_secs: (rate > 0).then(|| total_bytes.saturating_sub(sent) / rate),
            paused: *shared.control.pause.borrow(),
            rate_limit: shared.opts.throttle.as_ref().and_then(|t| t.rate()),
            slowed_to: shared.adaptive.as_ref().and_then(|a| a.slowed_to()),
        })
    };
    while !(all_sent && windows.idle()) {
        tokio::select! {
            permit = file_slots.clone().acquire_owned(), if next < total_files && windows.has_room() => {
                let permit = permit.expect("semaphore open");
                let (shared, file, tx, index) = (shared.clone(), plan.files[next].clone(), sender.clone(), next);
                tasks.spawn(async move {
                    let mut r = one_file(&shared, index, &file).await;
                    // Refused as too many requests: again, under the lowered limit.
                    let mut times = 0;
                    while let Some(pause) = shared.adaptive.as_ref().and_then(|a| a.again_after(&r, times)) {
                        tokio::time::sleep(pause).await;
                        times += 1;
                        r = one_file(&shared, index, &file).await;
                    }
                    shared.files_sent.fetch_add(1, Ordering::Relaxed);
                    if let Some(tx) = tx {
                        let _ = tx.send((r, file));
                    }
                    drop(permit);
                });
                next += 1;
                if next == total_files {
                    // The last sender goes with the last task: then the results end.
                    sender = None;
                }
                while tasks.try_join_next().is_some() {}
            }
            r = rx.recv(), if !all_sent => match r {
                // The receipt: the object as the server now has it, against what was sent.
                Some((r, file)) if r.status == FileStatus::Delivered && opts.verifier.is_some() => {
                    windows.push(DeliveredFile { file, result: r });
                }
                Some((r, _)) => reported.report(r, &shared, on_event),
                None => all_sent = true,
            },
            Some((files, errors)) = checked_rx.recv() => {
                windows.checked();
                for (mut d, error) in files.into_iter().zip(errors) {
                    if let Some(e) = error {
                        d.result.status = FileStatus::Failed;
                        d.result.error = Some(Box::new(e));
                    }
                    reported.report(d.result, &shared, on_event);
                }
            }
            _ = tick.tick() => {
                if let Some(adaptive) = &shared.adaptive {
                    let bytes = shared.bytes_sent.load(Ordering::Relaxed);
                    let grown = adaptive.tick(bytes, shared.files_sent.load(Ordering::Relaxed), Instant::now());
                    // As many more files may be under way as requests.
                    file_slots.add_permits(grown);
                }
                if last.elapsed() >= opts.progress_interval {
                    on_event(batch_event(&shared, reported.files()));
                    last = Instant::now();
                }
            }
        }
        while let (Some(v), Some(files)) = (&opts.verifier, windows.take_due(all_sent)) {
            let (checks, checked_tx) = (v.0.clone().verify(&files, shared.requests.clone()), checked_tx.clone());
            tasks.spawn(async move {
                let _ = checked_tx.send((files, checks.await));
            });
        }
    }
    while tasks.join_next().await.is_some() {}
    on_event(batch_event(&shared, reported.files()));
    let Reported { delivered, skipped, failed, cancelled, mut not_landed } = reported;
    not_landed.sort_unstable_by_key(|f| f.index);
    BatchSummary {
        batch_id: None,
        outcome: Outcome::of(delivered as u64, skipped as u64, failed as u64, cancelled as u64, plan.problems.len() as u64),
        delivered,
        skipped,
        failed,
        cancelled,
        bytes_sent: shared.bytes_sent.load(Ordering::Relaxed),
        duration_ms: started.elapsed().as_millis() as u64,
        not_landed,
        manifest: None,
        receipt: None,
    }
}

/// The files reported so far, counted, and those that did not land.
#[derive(Default)]
struct Reported {
    delivered: usize,
    skipped: usize,
    failed: usize,
    cancelled: usize,
    not_landed: Vec<FileResult>,
}

impl Reported {
    /// `r` to the journal and the front end, and counted.
    fn report(&mut self, mut r: FileResult, shared: &Shared, on_event: &mut (dyn FnMut(DeliveryEvent) + Send)) {
        if matches!(r.status, FileStatus::Delivered | FileStatus::Skipped) {
            r.url = Some(shared.urls.of(&r.key));
        }
        if let Some(j) = &shared.opts.journal {
            j.0.file_finished(&r);
        }
        self.count(&r);
        on_event(DeliveryEvent::File(Box::new(r)));
    }

    fn count(&mut self, r: &FileResult) {
        match r.status {
            FileStatus::Delivered => self.delivered += 1,
            FileStatus::Skipped => self.skipped += 1,
            FileStatus::Failed => self.failed += 1,
            FileStatus::Cancelled => self.cancelled += 1,
        }
        if matches!(r.status, FileStatus::Failed | FileStatus::Cancelled) {
            self.not_landed.push(r.clone());
        }
    }

    fn files(&self) -> usize {
        self.delivered + self.skipped + self.failed + self.cancelled
    }
}

/// Requests at once, and the timeouts of a request with a body: the run's
/// own, unless a bandwidth limit is in force as it starts (see
/// `limit::requests_under` and `limit::body_timeouts`).
fn under_limit(settings: &Settings, plan: &Plan, opts: &TransferOptions) -> (usize, Option<aws_smithy_types::timeout::TimeoutConfig>) {
    let concurrency = opts.concurrency.max(1);
    let Some(rate) = opts.throttle.as_ref().and_then(|t| t.rate()) else { return (concurrency, None) };
    let preset = settings.preset();
    let largest_body = plan
        .files
        .iter()
        .enumerate()
        .map(|(index, f)| {
            if f.size >= opts.multipart_threshold || opts.resume.contains_key(&index) {
                let resumed = opts.resume.get(&index).map_or(0, |r| r.part_size);
                part_size(f.size, preset.min_part_size, opts.min_part_size, preset.max_parts).max(resumed)
            } else {
                f.size
            }
        })
        .max()
        .unwrap_or(0);
    let requests = requests_under(rate, largest_body, concurrency);
    (requests, Some(body_timeouts(&s3::ClientOptions::delivery(), rate, requests, largest_body)))
}
