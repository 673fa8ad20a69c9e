//! The one delivery runner: `deliver`, `history retry` and `history resume`
//! each build a `Job` and run it here, so all three print progress, files
//! and the summary the same way and end with the same exit codes. Ctrl-C
//! cancels the batch cleanly; a second Ctrl-C quits at once.
//!
//! With `--json`, stdout carries JSON lines: `{"event":"progress"}` a few
//! times a second, `{"event":"file"}` per finished file (the engine's result
//! with the file's `source`, its `url` and, when asked, its presigned link),
//! then `{"event":"summary"}` (with every file of the batch and each
//! delivered object's URL, read from the history as it is written). For
//! people: a live progress line on a terminal, a plain line every few
//! seconds otherwise (both on stderr), a failed file as it happens, and the
//! summary on stdout.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use chute_core::{Chute, Destination, Error, FileState, Filter, Job, UserError};
use chute_core::{Control, DeliveryEvent, FileResult, FileStatus, Plan, Progress};

use crate::output::{Failure, Out, EXIT_FAILED, EXIT_INTERRUPTED};
use crate::text::delivery::{self as text, EndOf};
use crate::text::format::duration_ms;

/// Progress lines and events: at most about four a second.
const PROGRESS_EVERY: Duration = Duration::from_millis(200);
/// Without a terminal, a plain progress line this often.
const PLAIN_PROGRESS_EVERY: Duration = Duration::from_secs(5);

/// A job and what its output needs besides the engine's events.
pub struct DeliveryRun<'a> {
    pub job: Job,
    /// What the job sends (for a resume, `Chute::resume_plan`): each file's
    /// source by index, and the files refused before sending.
    pub plan: Arc<Plan>,
    pub destination: &'a Destination,
    /// A presigned link per delivered file, valid this long.
    pub presign: Option<Duration>,
}

/// Run a job to its end, printing as it goes; the exit code says how it went.
pub fn run(chute: &Chute, r: DeliveryRun, out: &Out) -> Result<ExitCode, Failure> {
    let DeliveryRun { job, plan, destination, presign } = r;
    let control = Control::default();
    let live = std::io::stderr().is_terminal();
    let presses = cancel_on_ctrl_c(&control, live);
    let mut progress = ProgressShown::new(out, live);
    // A link per planned file, only when links are asked for.
    let mut links: Vec<Option<String>> = vec![None; if presign.is_some() { plan.files.len() } else { 0 }];
    let (tx, rx) = std::sync::mpsc::channel::<DeliveryEvent>();
    let result = std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            let mut on_event = move |e: DeliveryEvent| {
                let _ = tx.send(e);
            };
            chute.run(&job, &control, &mut on_event)
        });
        // Events are handled here, off the delivery's thread: presigning
        // blocks on the core's runtime, which that thread is inside of.
        for e in rx {
            match e {
                DeliveryEvent::Progress(p) => progress.progress(p),
                DeliveryEvent::File(f) => {
                    let link = match presign {
                        Some(expires) if f.status == FileStatus::Delivered => {
                            Some(chute.presign(&destination.id, &f.key, expires).map_err(|e| presign_error(&e)))
                        }
                        _ => None,
                    };
                    if out.json {
                        out.json(&file_line(&f, &plan, link.as_ref()));
                    } else {
                        progress.file(&f, link.as_ref().and_then(|l| l.as_ref().err()).map(String::as_str));
                    }
                    if let (Some(slot), Some(Ok(l))) = (links.get_mut(f.index), link) {
                        *slot = Some(l);
                    }
                }
            }
        }
        worker.join().unwrap_or_else(|_| Err(Error::Delivery("the delivery stopped unexpectedly".into())))
    });
    progress.finish();
    let summary = result?;
    let interrupted = presses.load(Ordering::SeqCst) > 0;
    let rate = rate_of(summary.bytes_sent, summary.duration_ms);
    // Each file's result is in the history, not the summary: the files and
    // URLs are read from there, a row at a time.
    let batch_id = summary.batch_id.as_deref();
    if out.json {
        let presigned: Option<Vec<Value>> = presign.map(|_| {
            let keyed = links.iter().enumerate().filter_map(|(i, l)| Some((&plan.files.get(i)?.key, l.as_ref()?)));
            keyed.map(|(key, url)| json!({ "key": key, "url": url })).collect()
        });
        // The batch as the history now has it (a resume's counts cover its earlier files too).
        let batch = match batch_id {
            Some(id) => chute.history_batch(id)?,
            None => None,
        };
        out.json_streamed(&SummaryLine {
            event: "summary",
            summary: &summary,
            files: BatchFiles { chute, batch_id, urls: false },
            urls: BatchFiles { chute, batch_id, urls: true },
            presigned,
            presign_expires_secs: presign.map(|e| e.as_secs()),
            rate,
            not_planned: plan.problems.len(),
            interrupted,
            batch: json!(batch),
        });
    } else {
        // The first URLs the summary lists, and how many objects were
        // delivered: one page of the batch's rows and its count.
        let (first_urls, url_count) = match batch_id {
            Some(id) => {
                let delivered = Filter { status: Some(FileState::Delivered.to_string()), limit: text::SUMMARY_URLS, ..Filter::default() };
                let first: Vec<String> = chute.history_files(Some(id), &delivered)?.into_iter().filter_map(|f| f.url).collect();
                let count = if first.is_empty() { 0 } else { chute.history_batch(id)?.map_or(0, |b| b.delivered.max(0) as usize) };
                (first, count)
            }
            None => (Vec::new(), 0),
        };
        out.stdout(&text::summary(&EndOf {
            destination: &destination.settings.name,
            summary: &summary,
            not_planned: &plan.problems,
            links: &links,
            presign,
            urls: (&first_urls, url_count),
            rate,
            interrupted,
        }));
    }
    Ok(if interrupted {
        ExitCode::from(EXIT_INTERRUPTED)
    } else if summary.failed > 0 || summary.cancelled > 0 || !plan.problems.is_empty() {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}

/// The `summary` line: the summary's own fields and the run's, with every
/// file of the batch (`files`) and the URL of each object delivered
/// (`urls`) streamed from the history as the line is written (a
/// 100,000-file batch is never held, as results or as JSON).
#[derive(serde::Serialize)]
struct SummaryLine<'a> {
    event: &'static str,
    #[serde(flatten)]
    summary: &'a chute_core::BatchSummary,
    files: BatchFiles<'a>,
    urls: BatchFiles<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    presigned: Option<Vec<Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    presign_expires_secs: Option<u64>,
    rate: u64,
    not_planned: usize,
    interrupted: bool,
    batch: Value,
}

/// A batch's files as a JSON array, read from the history while it is
/// written: each file's result, or (`urls`) each delivered object's URL.
struct BatchFiles<'a> {
    chute: &'a Chute,
    batch_id: Option<&'a str>,
    urls: bool,
}

impl serde::Serialize for BatchFiles<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeSeq};
        let mut seq = s.serialize_seq(None)?;
        let mut failed = None;
        if let Some(id) = self.batch_id {
            let mut each = |f: FileResult| {
                let written = match (self.urls, f.status, &f.url) {
                    (false, ..) => seq.serialize_element(&f),
                    (true, FileStatus::Delivered, Some(url)) => seq.serialize_element(url),
                    (true, ..) => Ok(()),
                };
                if let Err(e) = written {
                    failed.get_or_insert(e);
                }
            };
            self.chute.each_batch_result(id, &mut each).map_err(|e| S::Error::custom(e.info().message))?;
        }
        match failed {
            Some(e) => Err(e),
            None => seq.end(),
        }
    }
}

/// `{"event": name, …value's fields}`.
fn event(name: &str, value: &impl serde::Serialize) -> Map<String, Value> {
    let mut line = Map::new();
    line.insert("event".into(), json!(name));
    if let Ok(Value::Object(m)) = serde_json::to_value(value) {
        line.extend(m);
    }
    line
}

/// `{"event":"file", …the result, "source", "url", and "presigned_url" or "presign_error"}`.
/// `url` is null for a file with no object (failed or cancelled).
fn file_line(f: &FileResult, plan: &Plan, link: Option<&Result<String, String>>) -> Map<String, Value> {
    let mut line = event("file", f);
    line.insert("source".into(), json!(plan.files.get(f.index).map(|p| p.source())));
    line.insert("url".into(), json!(f.url));
    match link {
        Some(Ok(l)) => line.insert("presigned_url".into(), json!(l)),
        Some(Err(e)) => line.insert("presign_error".into(), json!(e)),
        None => None,
    };
    line
}

/// Why a link could not be made, in a line.
fn presign_error(e: &Error) -> String {
    e.info().message
}

fn rate_of(bytes: u64, ms: u64) -> u64 {
    (bytes as f64 / (ms.max(1) as f64 / 1000.0)) as u64
}

/// The delivery Ctrl-C acts on now: its control, its count of presses, and
/// whether a live line is drawn. One handler for the process (a fan-out
/// runs several deliveries in turn), each run putting itself here.
type Running = (Control, Arc<AtomicUsize>, bool);
static RUNNING: std::sync::Mutex<Option<Running>> = std::sync::Mutex::new(None);

/// Wire Ctrl-C to `control`: the first press cancels the batch cleanly
/// (unfinished uploads are aborted), a second quits at once. Returns the
/// count of presses.
fn cancel_on_ctrl_c(control: &Control, live: bool) -> Arc<AtomicUsize> {
    static HANDLER: std::sync::Once = std::sync::Once::new();
    let presses = Arc::new(AtomicUsize::new(0));
    *RUNNING.lock().unwrap_or_else(|p| p.into_inner()) = Some((control.clone(), presses.clone(), live));
    HANDLER.call_once(|| {
        // Only fails if a handler is already set, which nothing else does.
        let _ = ctrlc::set_handler(|| {
            let Some((control, counter, live)) = RUNNING.lock().unwrap_or_else(|p| p.into_inner()).clone() else { return };
            if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                control.cancel();
                let clear = if live { "\r\x1b[2K" } else { "" };
                eprintln!("{clear}Cancelling: unfinished uploads are being aborted… (press Ctrl-C again to quit at once)");
            } else {
                eprint!("\nStopped at once; multipart uploads in progress may be left on the server.\n");
                std::process::exit(EXIT_INTERRUPTED as i32);
            }
        });
    });
    presses
}

/// Progress as it is shown: JSON lines on stdout, a live line on a
/// terminal, a plain line every few seconds otherwise (both on stderr).
struct ProgressShown<'a> {
    out: &'a Out,
    live: bool,
    started: Instant,
    last_event: Option<Instant>,
    last_plain: Instant,
    shown: bool,
}

impl<'a> ProgressShown<'a> {
    fn new(out: &'a Out, live: bool) -> ProgressShown<'a> {
        ProgressShown { out, live, started: Instant::now(), last_event: None, last_plain: Instant::now(), shown: false }
    }

    fn progress(&mut self, p: Progress) {
        // The engine's interval differs by job; the last event always shows.
        let done = p.files_done >= p.files_total;
        if !done && self.last_event.is_some_and(|t| t.elapsed() < PROGRESS_EVERY) {
            return;
        }
        self.last_event = Some(Instant::now());
        if self.out.json {
            self.out.json(&DeliveryEvent::Progress(p));
        }
        if self.live {
            self.out.stderr(&format!("\r\x1b[2K{}", text::progress_line(&p)));
            self.shown = true;
        } else if !self.out.json && self.last_plain.elapsed() >= PLAIN_PROGRESS_EVERY && !done {
            self.last_plain = Instant::now();
            self.out.stderr(&format!(
                "progress: {} (after {})\n",
                text::progress_line(&p).trim_start(),
                duration_ms(self.started.elapsed().as_millis() as u64)
            ));
        }
    }

    /// A failed file (or a link not made) for people, above the live line.
    fn file(&mut self, r: &FileResult, presign_error: Option<&str>) {
        let t = text::file_line(r, presign_error);
        if t.is_empty() {
            return;
        }
        if self.shown {
            self.out.stderr(&format!("\r\x1b[2K{t}"));
        } else {
            self.out.stderr(&t);
        }
    }

    fn finish(&mut self) {
        if self.shown {
            self.out.stderr("\r\x1b[2K");
            self.shown = false;
        }
    }
}
