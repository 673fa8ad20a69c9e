//! Delivery: plan, re-plan and re-key, which keys exist, deliver with the
//! history journal and each object checked as it lands (the batch's
//! receipt), resume or discard an interrupted batch.

use std::path::PathBuf;

use super::{new_id, Chute, Error, Result, DB_FILE};
use crate::destination::{self, Compression, Context, Destination, Problem, Settings};
use crate::{deliver, history, s3, verify};

impl Chute {
    /// Work out what delivering `paths` to a destination would do. Nothing is sent.
    pub fn plan_delivery(&self, destination_id: &str, paths: &[PathBuf]) -> Result<deliver::Plan> {
        let d = self.get(destination_id)?;
        let opts = deliver::PlanOptions { follow_symlinks: false, ignore: d.settings.ignore.clone() };
        Ok(deliver::plan(&d.settings, paths, &opts, time::OffsetDateTime::now_utc()))
    }

    /// A new plan for some files of an earlier one, under the same keys,
    /// with sizes and times read afresh.
    pub fn replan(&self, plan: &deliver::Plan, indexes: &[usize]) -> deliver::Plan {
        deliver::plan::again(plan, indexes)
    }

    /// Files of an earlier plan under new keys, from another prefix and/or
    /// key template chosen for this delivery only (the destination keeps its
    /// settings); see `deliver::plan::rekey` for `keep_others`. Refused with the field's problems when the
    /// prefix or template is not valid.
    pub fn rekey_plan(
        &self,
        destination_id: &str,
        plan: &deliver::Plan,
        indexes: &[usize],
        keep_others: bool,
        prefix: &str,
        key_template: &str,
    ) -> Result<deliver::Plan> {
        let d = self.get(destination_id)?;
        let settings = Settings { prefix: prefix.to_string(), key_template: key_template.to_string(), ..d.settings };
        let problems: Vec<Problem> = destination::validate(&settings, &Context::default())
            .into_iter()
            .filter(|p| p.is_error() && matches!(p.field.as_str(), "prefix" | "key_template"))
            .collect();
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        Ok(deliver::plan::rekey(&settings, plan, indexes, keep_others, time::OffsetDateTime::now_utc()))
    }

    /// Which of a plan's keys already hold an object (many found by a
    /// listing, the rest by a HeadObject each, at most
    /// `deliver::existing::CHECK_LIMIT` of those). Blocking.
    pub fn existing_objects(&self, destination_id: &str, plan: &deliver::Plan) -> Result<deliver::existing::ExistingCheck> {
        let d = self.get(destination_id)?;
        let auth = self.auth_for(&d.credentials, Some(&d.id)).map_err(|d| Error::Diagnosed(Box::new(d)))?;
        Ok(self.runtime.block_on(async {
            let client = s3::client(&d.settings, &auth, &self.client_options(&d, s3::ClientOptions::delivery())).await;
            let sse_c = d.settings.encryption == destination::Encryption::SseC;
            deliver::existing::check(&client, &d.settings.bucket, plan, sse_c).await
        }))
    }

    /// Deliver a plan to its destination, recording the batch in the
    /// history as it goes. Blocking: call it from a worker thread.
    pub fn deliver(
        &self,
        destination_id: &str,
        plan: &deliver::Plan,
        opts: &deliver::TransferOptions,
        control: &deliver::Control,
        origin: history::Origin,
        on_event: &mut (dyn FnMut(deliver::DeliveryEvent) + Send),
    ) -> Result<deliver::BatchSummary> {
        let mut d = self.get(destination_id)?;
        if let Some(policy) = opts.overwrite {
            d.settings.overwrite = policy;
        }
        if !d.settings.active {
            return Err(Error::Delivery(format!("\"{}\" is paused; resume it to deliver", d.settings.name)));
        }
        if !plan.collisions.is_empty() {
            return Err(Error::Delivery(format!(
                "{} keys would be written by more than one file (first: `{}`)",
                plan.collisions.len(),
                plan.collisions[0].key
            )));
        }
        let auth = self.delivery_auth(&d)?;
        // Compressed on the way: the staged copies are sent, the files given are recorded.
        let staged = self.stage(&mut d, plan)?;
        let (recorded, sent) = staged.as_ref().map_or((plan, plan), |s| (&s.recorded, &s.sent));
        let throttle = self.throttle_for(&d, opts)?;
        let batch_id = new_id();
        history::begin_batch(self.store().conn_mut(), &batch_id, &d, recorded, origin)?;
        if let Some(group) = &opts.group {
            history::set_group(self.store().conn(), &batch_id, group)?;
        }
        let journal = history::HistoryJournal::start(&self.data_dir.join(DB_FILE), &batch_id)?;
        let capabilities = self.capabilities_for_delivery(&d, &auth);
        let conditional = capabilities.as_ref().is_some_and(|c| c.conditional_put());
        let opts = deliver::TransferOptions { capabilities: capabilities.map(std::sync::Arc::new), throttle, ..opts.clone() };
        let receipt = Receipting { batch_id: &batch_id, index_map: None };
        let (mut summary, checks) = transfer_journaled(
            &self.runtime,
            &d,
            (&auth, &self.client_options(&d, s3::ClientOptions::delivery())),
            sent,
            opts,
            journal,
            receipt,
            control,
            on_event,
        );
        summary.receipt = self.delivery_receipt(&d, &batch_id, checks, false)?;
        if d.settings.manifest {
            let delivered = delivered_for_manifest(self.store().conn(), &batch_id, sent)?;
            summary.manifest = Some(self.runtime.block_on(async {
                let client = s3::client(&d.settings, &auth, &self.client_options(&d, s3::ClientOptions::delivery())).await;
                let anonymous = matches!(auth, s3::Auth::Anonymous);
                deliver::manifest::write(&client, &d.settings, anonymous, &batch_id, &delivered, &summary, sent.problems.len(), conditional)
                    .await
            }));
        }
        history::finish_batch(self.store().conn(), &batch_id, &summary)?;
        // Retention is applied as batches end; a failure here loses nothing.
        if let Err(e) = history::apply_retention(self.store().conn()) {
            eprintln!("chute: could not apply the history retention: {e}");
        }
        summary.batch_id = Some(batch_id);
        Ok(summary)
    }

    /// What resuming an interrupted batch would send: its destination and a
    /// plan of the files not delivered yet (as a preview shows them).
    pub fn resume_plan(&self, batch_id: &str) -> Result<(String, deliver::Plan)> {
        let row = self.require_batch(batch_id)?;
        if row.state != history::BatchState::Interrupted {
            return Err(Error::Delivery(format!("batch {batch_id} is {}, not interrupted", row.state)));
        }
        let u = history::unfinished(self.store().conn(), batch_id)?;
        Ok((u.destination_id, u.plan))
    }

    /// Continue an interrupted batch: only files not delivered yet, each
    /// re-checked against its recorded size and mtime, multipart uploads
    /// continued from the parts the server confirms. Blocking.
    pub fn resume_batch(
        &self,
        batch_id: &str,
        control: &deliver::Control,
        on_event: &mut (dyn FnMut(deliver::DeliveryEvent) + Send),
    ) -> Result<deliver::BatchSummary> {
        let row = self.require_batch(batch_id)?;
        if row.state != history::BatchState::Interrupted {
            return Err(Error::Delivery(format!("batch {batch_id} is {}, not interrupted", row.state)));
        }
        let u = history::unfinished(self.store().conn(), batch_id)?;
        let d = self.get(&u.destination_id)?;
        let auth = self.delivery_auth(&d)?;
        let mut d = d;
        let staged = self.stage(&mut d, &u.plan)?;
        if staged.as_ref().is_some_and(|s| s.sent.files.len() != u.plan.files.len()) {
            return Err(Error::Delivery(
                "some of its files changed or cannot be read, so they cannot be compressed as before; deliver them anew".into(),
            ));
        }
        let throttle = self.throttle_for(&d, &deliver::TransferOptions::default())?;
        if !history::reopen_batch(self.store().conn(), batch_id)? {
            return Err(Error::Delivery(format!("batch {batch_id} is being resumed elsewhere")));
        }
        let plan = staged.as_ref().map_or(&u.plan, |s| &s.sent);
        let journal = history::HistoryJournal::start_mapped(&self.data_dir.join(DB_FILE), batch_id, Some(u.index_map.clone()))?;
        let capabilities = self.capabilities_for_delivery(&d, &auth);
        let opts = deliver::TransferOptions {
            throttle,
            resume: u.resume,
            strays: u.strays.into(),
            resuming: true,
            capabilities: capabilities.map(std::sync::Arc::new),
            ..Default::default()
        };
        let receipt = Receipting { batch_id, index_map: Some(u.index_map.clone()) };
        let (mut summary, checks) = transfer_journaled(
            &self.runtime,
            &d,
            (&auth, &self.client_options(&d, s3::ClientOptions::delivery())),
            plan,
            opts,
            journal,
            receipt,
            control,
            on_event,
        );
        summary.receipt = self.delivery_receipt(&d, batch_id, checks, true)?;
        history::finish_batch_from_rows(self.store().conn(), batch_id, history::BatchState::Finished)?;
        // The batch's outcome counts its earlier files too (and any refused).
        if let Some(outcome) = history::batch(self.store().conn(), batch_id)?.and_then(|b| b.outcome) {
            summary.outcome = outcome;
        }
        summary.batch_id = Some(batch_id.to_string());
        Ok(summary)
    }

    /// Give up an interrupted batch: abort its open multipart uploads (so no
    /// parts stay billed) and mark its unfinished files cancelled. Blocking.
    pub fn discard_batch(&self, batch_id: &str) -> Result<usize> {
        let row = self.require_batch(batch_id)?;
        if row.state != history::BatchState::Interrupted {
            return Err(Error::Delivery(format!("batch {batch_id} is {}, not interrupted", row.state)));
        }
        let d = self.get(&row.destination_id)?;
        let uploads = history::open_uploads(self.store().conn(), batch_id)?;
        let mut aborted = 0;
        if !uploads.is_empty() {
            let auth = self.auth_for(&d.credentials, Some(&d.id)).map_err(|d| Error::Diagnosed(Box::new(d)))?;
            aborted = self.runtime.block_on(async {
                let client = s3::client(&d.settings, &auth, &self.client_options(&d, s3::ClientOptions::delivery())).await;
                let mut n = 0;
                for (_, key, upload_id) in &uploads {
                    let r = client.abort_multipart_upload().bucket(&d.settings.bucket).key(key).upload_id(upload_id).send().await;
                    // An upload already gone (completed or aborted) is as good as aborted:
                    // a 404, or (servers that answer otherwise for a finished upload) the
                    // object is there because it completed before the crash.
                    let gone = match &r {
                        Ok(_) => true,
                        Err(e) if e.raw_response().is_some_and(|x| x.status().as_u16() == 404) => true,
                        Err(_) => client.head_object().bucket(&d.settings.bucket).key(key).send().await.is_ok(),
                    };
                    if gone {
                        n += 1;
                    }
                }
                n
            });
            if aborted < uploads.len() {
                return Err(Error::Delivery(format!(
                    "{} of {} open uploads could not be aborted; try again",
                    uploads.len() - aborted,
                    uploads.len()
                )));
            }
        }
        history::mark_cancelled(self.store().conn(), batch_id)?;
        history::finish_batch_from_rows(self.store().conn(), batch_id, history::BatchState::Discarded)?;
        Ok(aborted)
    }
}

impl Chute {
    /// For a destination that compresses: gzip copies of the plan's files,
    /// staged in the data folder (gone when the returned value drops), and
    /// the settings to send them with (`Content-Encoding: gzip` where the
    /// object keeps its name). `None` when nothing is compressed.
    fn stage(&self, d: &mut Destination, plan: &deliver::Plan) -> Result<Option<deliver::compress::Staged>> {
        match d.settings.compression {
            Compression::Off => return Ok(None),
            Compression::GzipEncoding => d.settings.headers.content_encoding = "gzip".into(),
            Compression::Gzip => {}
        }
        deliver::compress::stage(plan, &self.data_dir.join("staging"))
            .map(Some)
            .map_err(|e| Error::Delivery(format!("no room to compress the files in {}: {e}", self.data_dir.display())))
    }
}

/// The batch a transfer's objects are checked for (its receipt), and the
/// index in the batch of each file of the plan (a resumed batch's plan
/// holds only its unfinished files).
struct Receipting<'a> {
    batch_id: &'a str,
    index_map: Option<Vec<usize>>,
}

/// The objects a batch delivered, from its rows, with their sizes as sent.
fn delivered_for_manifest(
    conn: &rusqlite::Connection,
    batch_id: &str,
    sent: &deliver::Plan,
) -> Result<Vec<deliver::manifest::ManifestEntry>> {
    let mut delivered = Vec::new();
    history::each_file(conn, batch_id, |row| {
        if row.status == history::FileState::Delivered {
            let size = sent.files.get(row.idx as usize).map_or(row.bytes_sent as u64, |f| f.size);
            delivered.push(deliver::manifest::ManifestEntry { key: row.key, size, md5: row.md5 });
        }
    })?;
    Ok(delivered)
}

/// Run a transfer with its history journal, each delivered object checked
/// at the destination as it lands, and return once everything the engine
/// reported is committed (the writer thread ends by itself when the last
/// journal handle drops), with the checks made.
#[allow(clippy::too_many_arguments)]
fn transfer_journaled(
    runtime: &tokio::runtime::Runtime,
    d: &Destination,
    (auth, client_opts): (&s3::Auth, &s3::ClientOptions),
    plan: &deliver::Plan,
    opts: deliver::TransferOptions,
    (journal, writer): (history::HistoryJournal, std::thread::JoinHandle<()>),
    receipt: Receipting,
    control: &deliver::Control,
    on_event: &mut (dyn FnMut(deliver::DeliveryEvent) + Send),
) -> (deliver::BatchSummary, verify::Tally) {
    let journal = std::sync::Arc::new(journal);
    let anonymous = matches!(auth, s3::Auth::Anonymous);
    let opts = deliver::TransferOptions { journal: Some(deliver::JournalRef(journal.clone())), anonymous, ..opts };
    let (summary, checks) = runtime.block_on(async {
        let client = s3::client(&d.settings, auth, client_opts).await;
        // Each object checked as it lands, unless the destination relies on
        // the server's answers to its uploads alone.
        let verifier = d
            .settings
            .check_after_delivery
            .then(|| std::sync::Arc::new(verify::AtDelivery::new(client.clone(), &d.settings, &opts, receipt.batch_id, receipt.index_map)));
        let opts = deliver::TransferOptions {
            verifier: verifier.clone().map(|v| deliver::VerifierRef(v as std::sync::Arc<dyn deliver::Verifier>)),
            ..opts
        };
        let summary = deliver::deliver(client, &d.settings, plan, &opts, control, on_event).await;
        (summary, verifier.map(|v| v.take_checks()).unwrap_or_default())
    });
    journal.flush();
    drop(writer);
    (summary, checks)
}

/// What to deliver: a plan (from a drop, a dialog, the command line, a
/// retry or a re-delivery), or an interrupted batch to resume. Every front
/// end runs every kind through [`Chute::start`] and gets the same handle
/// and the same events.
#[derive(Debug, Clone)]
pub enum Job {
    Plan { destination_id: String, plan: std::sync::Arc<deliver::Plan>, origin: history::Origin, options: deliver::TransferOptions },
    Resume { batch_id: String },
}

/// A delivery running on its own thread: pause, cancel or cancel a file
/// through its control while it runs; `wait` for the summary.
pub struct Delivery {
    control: deliver::Control,
    thread: std::thread::JoinHandle<Result<deliver::BatchSummary>>,
}

impl Delivery {
    pub fn control(&self) -> &deliver::Control {
        &self.control
    }

    /// Block until the delivery ends.
    pub fn wait(self) -> Result<deliver::BatchSummary> {
        self.thread.join().unwrap_or_else(|_| Err(Error::Delivery("the delivery stopped unexpectedly".into())))
    }
}

impl Chute {
    /// Run a job to its end on this thread, with `control` for pause and
    /// cancel and `on_event` told of progress and of each file.
    pub fn run(
        &self,
        job: &Job,
        control: &deliver::Control,
        on_event: &mut (dyn FnMut(deliver::DeliveryEvent) + Send),
    ) -> Result<deliver::BatchSummary> {
        match job {
            Job::Plan { destination_id, plan, origin, options } => self.deliver(destination_id, plan, options, control, *origin, on_event),
            Job::Resume { batch_id } => self.resume_batch(batch_id, control, on_event),
        }
    }

    /// Start a job on a thread of its own; the handle pauses, cancels and
    /// waits for it. `on_event` runs on that thread.
    pub fn start(self: &std::sync::Arc<Self>, job: Job, mut on_event: impl FnMut(deliver::DeliveryEvent) + Send + 'static) -> Delivery {
        let control = deliver::Control::default();
        let (chute, ctl) = (self.clone(), control.clone());
        let thread = std::thread::Builder::new()
            .name("chute-delivery".into())
            .spawn(move || chute.run(&job, &ctl, &mut on_event))
            .expect("a thread for the delivery");
        Delivery { control, thread }
    }
}
