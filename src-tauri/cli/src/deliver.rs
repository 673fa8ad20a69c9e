//! `chute deliver` (and `chute destination deliver`): plan, preview,
//! confirm, deliver with live progress, summary. Ctrl-C cancels cleanly;
//! a second Ctrl-C quits at once.
//!
//! With `--json`, stdout carries JSON lines: `{"event":"plan"}` once,
//! `{"event":"progress"}` a few times a second, `{"event":"file"}` per
//! finished file, then `{"event":"summary"}` (or `{"error"}` when the
//! delivery cannot start).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use chute_core::deliver::{BatchSummary, Control, DeliveryEvent, FileResult, FileStatus, Plan, TransferOptions};
use chute_core::destination::Overwrite;
use chute_core::history::Origin;
use chute_core::s3::{self, ClientOptions};
use chute_core::Code;
use chute_core::{Chute, Destination, Error};

use crate::args::{overwrite_word, DeliverArgs, ListRows};
use crate::{render, Failure, Out, EXIT_FAILED, EXIT_INVALID};

/// Exit code after Ctrl-C, as shells report a SIGINT death.
const EXIT_INTERRUPTED: u8 = 130;
/// Progress events (JSON lines and the live line): at most four a second.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);
/// Without a terminal, a plain progress line this often.
const PLAIN_PROGRESS_EVERY: Duration = Duration::from_secs(5);
/// URLs (or links) the human summary lists before counting the rest.
const SUMMARY_URLS: usize = 20;

pub(crate) fn deliver_cmd(chute: &Chute, a: &DeliverArgs, out: &Out) -> Result<ExitCode, Failure> {
    let d = chute.find(&a.target)?;
    if !d.settings.active {
        return Err(Failure::cli(
            EXIT_INVALID,
            Code::DestinationPaused,
            format!("\"{}\" is paused, so nothing is delivered to it.", d.settings.name),
            format!("Resume it with `chute destination edit \"{}\" --active`, then deliver again.", d.settings.name),
        ));
    }
    let paths: Vec<PathBuf> = a.paths.iter().map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone())).collect();
    let plan = chute.plan_delivery(&d.id, &paths)?;
    run_plan(chute, d, plan, a, Origin::Cli, out)
}

/// Preview, confirm and deliver a plan (new, or a retry from the history),
/// printing as `deliver` does. `a.target` and `a.paths` are not read.
pub(crate) fn run_plan(chute: &Chute, d: Destination, plan: Plan, a: &DeliverArgs, origin: Origin, out: &Out) -> Result<ExitCode, Failure> {
    let policy = a.overwrite.unwrap_or(d.settings.overwrite);
    let mut settings = d.settings.clone();
    settings.overwrite = policy;
    let opts = transfer_options(a);

    // The preview: nothing has been sent yet.
    if out.json {
        out.json(&plan_event(&d, &plan, policy, &opts, a.dry_run));
    } else {
        out.stdout(&preview(&d, &plan, policy, &opts, a.list));
    }
    if !plan.collisions.is_empty() {
        return Err(collision_failure(&plan));
    }
    if plan.files.is_empty() {
        let (message, fix) = if plan.problems.is_empty() {
            (
                "There is nothing to deliver: no file was found in the paths given (or every one is excluded).".to_string(),
                "Give files or folders that hold files; excluded names are listed in the preview.".to_string(),
            )
        } else {
            (
                format!("There is nothing to deliver: {} could not be read.", plural(plan.problems.len(), "path", "paths")),
                plan.problems[0].fix.clone(),
            )
        };
        return Err(Failure::cli(EXIT_INVALID, Code::NothingToDeliver, message, fix));
    }
    if a.dry_run {
        if !out.json {
            out.stdout("Nothing was sent (dry run).\n");
        }
        return Ok(ExitCode::SUCCESS);
    }
    confirm(a, &d, &plan, out)?;

    // Deliver, with Ctrl-C wired to the batch's cancel.
    let control = Control::default();
    let live = std::io::stderr().is_terminal();
    let presses = cancel_on_ctrl_c(&control, live);
    let mut presign = match a.presign {
        Some(expires) => Some(presigner(chute, &d, expires)?),
        None => None,
    };
    let mut progress = Progress::new(out, live);
    let mut links: Vec<Option<String>> = vec![None; plan.files.len()];
    let (tx, rx) = std::sync::mpsc::channel::<DeliveryEvent>();
    let result = std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            let mut on_event = move |e: DeliveryEvent| {
                let _ = tx.send(e);
            };
            chute.deliver(&d.id, &plan, &opts, &control, origin, &mut on_event)
        });
        for e in rx {
            match e {
                DeliveryEvent::Progress(p) => progress.batch(p),
                DeliveryEvent::File(r) => {
                    let link = match (&mut presign, r.status) {
                        (Some(sign), FileStatus::Delivered) => Some(sign(&r.key)),
                        _ => None,
                    };
                    let presigned = link.as_ref().and_then(|l| l.as_ref().ok()).cloned();
                    if out.json {
                        let mut v = serde_json::to_value(&*r).unwrap_or_default();
                        if let Some(m) = v.as_object_mut() {
                            m.insert("source".into(), json!(plan.files.get(r.index).map(|f| &f.source)));
                            m.insert("url".into(), json!(chute_core::s3::object_url(&settings, &r.key)));
                            if let Some(l) = &link {
                                match l {
                                    Ok(p) => m.insert("presigned_url".into(), json!(p)),
                                    Err(e) => m.insert("presign_error".into(), json!(e)),
                                };
                            }
                        }
                        let mut line = serde_json::Map::new();
                        line.insert("event".into(), json!("file"));
                        if let serde_json::Value::Object(m) = v {
                            line.extend(m);
                        }
                        out.json(&line);
                    } else {
                        progress.file(&r, link.as_ref().and_then(|l| l.as_ref().err()));
                    }
                    if let Some(slot) = links.get_mut(r.index) {
                        *slot = presigned;
                    }
                }
            }
        }
        worker.join().unwrap_or_else(|_| Err(Error::Delivery("the delivery stopped unexpectedly".into())))
    });
    progress.finish();
    let summary = result?;
    let interrupted = presses.load(Ordering::SeqCst) > 0;
    let urls: Vec<String> =
        summary.files.iter().filter(|f| f.status == FileStatus::Delivered).map(|f| chute_core::s3::object_url(&settings, &f.key)).collect();
    if out.json {
        let mut v = serde_json::to_value(&summary).unwrap_or_default();
        if let Some(m) = v.as_object_mut() {
            m.insert("urls".into(), json!(urls));
            if let Some(expires) = a.presign {
                let presigned: Vec<_> = summary
                    .files
                    .iter()
                    .filter_map(|f| links.get(f.index).cloned().flatten().map(|u| json!({ "key": f.key, "url": u })))
                    .collect();
                m.insert("presigned".into(), json!(presigned));
                m.insert("presign_expires_secs".into(), json!(expires.as_secs()));
            }
            m.insert("rate".into(), json!(rate_of(summary.bytes_sent, summary.duration_ms)));
            m.insert("not_planned".into(), json!(plan.problems.len()));
            m.insert("interrupted".into(), json!(interrupted));
        }
        let mut line = serde_json::Map::new();
        line.insert("event".into(), json!("summary"));
        if let serde_json::Value::Object(m) = v {
            line.extend(m);
        }
        out.json(&line);
    } else {
        out.stdout(&summary_text(&d, &plan, &summary, &links, a.presign, &urls, interrupted));
    }
    Ok(if interrupted {
        ExitCode::from(EXIT_INTERRUPTED)
    } else if summary.failed > 0 || summary.cancelled > 0 || !plan.problems.is_empty() {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}

/// Wire Ctrl-C to `control`: the first press cancels the batch cleanly
/// (unfinished uploads are aborted), a second quits at once. Returns the
/// count of presses.
pub(crate) fn cancel_on_ctrl_c(control: &Control, live: bool) -> Arc<AtomicUsize> {
    let presses = Arc::new(AtomicUsize::new(0));
    let (control, counter) = (control.clone(), presses.clone());
    // Only fails if a handler is already set, which nothing else does.
    let _ = ctrlc::set_handler(move || {
        if counter.fetch_add(1, Ordering::SeqCst) == 0 {
            control.cancel();
            let clear = if live { "\r\x1b[2K" } else { "" };
            eprintln!("{clear}Cancelling: unfinished uploads are being aborted… (press Ctrl-C again to quit at once)");
        } else {
            eprint!("\nStopped at once; multipart uploads in progress may be left on the server.\n");
            std::process::exit(EXIT_INTERRUPTED as i32);
        }
    });
    presses
}

fn transfer_options(a: &DeliverArgs) -> TransferOptions {
    let mut opts = TransferOptions { progress_interval: PROGRESS_EVERY, overwrite: a.overwrite, ..TransferOptions::default() };
    if let Some(n) = a.concurrency {
        opts.concurrency = n as usize;
    }
    if let Some(t) = a.multipart_threshold {
        opts.multipart_threshold = t;
    }
    if let Some(p) = a.part_size {
        opts.min_part_size = p;
    }
    opts
}

/// One signer for the whole batch: the credentials are read once (a keychain
/// item once, not once per file).
fn presigner(chute: &Chute, d: &Destination, expires: Duration) -> Result<impl FnMut(&str) -> Result<String, String>, Failure> {
    let auth = chute.auth_for(&d.credentials, Some(&d.id)).map_err(|diag| {
        Failure::cli(EXIT_FAILED, diag.code, format!("Presigned links cannot be made: {}", diag.what_happened), diag.fix)
    })?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| {
        Failure::cli(EXIT_FAILED, Code::PresignFailed, format!("Presigned links cannot be made: {e}."), "Try again without --presign.")
    })?;
    let settings = d.settings.clone();
    let client = runtime.block_on(s3::client(&settings, &auth, &ClientOptions::delivery()));
    Ok(move |key: &str| runtime.block_on(chute_core::s3::presign_get(&client, &settings.bucket, key, expires)))
}

fn confirm(a: &DeliverArgs, d: &Destination, plan: &Plan, out: &Out) -> Result<(), Failure> {
    let tty = std::io::stdin().is_terminal();
    if a.yes || !(a.confirm || d.settings.confirm_delivery && tty) {
        return Ok(());
    }
    let name = &d.settings.name;
    if !tty {
        return Err(Failure::cli(
            EXIT_INVALID,
            Code::ConfirmationRequired,
            format!("--confirm asks before delivering to \"{name}\", and there is no terminal to ask on."),
            "Run it on a terminal, or drop --confirm (add --yes to never ask).",
        ));
    }
    out.stderr(&format!("Deliver {} ({}) to {name}? [y/N] ", render::files(plan.files.len()), render::bytes(plan.total_bytes)));
    let mut answer = String::new();
    let _ = std::io::stdin().read_line(&mut answer);
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        return Ok(());
    }
    Err(Failure::cli(
        EXIT_FAILED,
        Code::Cancelled,
        format!("Nothing was delivered to \"{name}\"."),
        "Answer `y` to deliver, or pass --yes.",
    ))
}

fn collision_failure(plan: &Plan) -> Failure {
    let n = plan.collisions.len();
    let first = &plan.collisions[0];
    let mut message = format!(
        "{} would be written by more than one file, so nothing was sent. First: `{}` ← {}",
        plural(n, "key", "keys"),
        first.key,
        first.sources.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    );
    if n > 1 {
        message += &format!(" (and {} more)", n - 1);
    }
    message += ".";
    Failure::cli(
        EXIT_INVALID,
        Code::KeyCollision,
        message,
        "Change the destination's key template so every file gets its own key (e.g. {prefix}{relpath} keeps folders apart, {id} makes each key unique): `chute destination edit NAME --key-template '{prefix}{relpath}'`.",
    )
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn multipart_files(plan: &Plan, opts: &TransferOptions) -> usize {
    plan.files.iter().filter(|f| f.size >= opts.multipart_threshold).count()
}

fn plan_event(d: &Destination, plan: &Plan, policy: Overwrite, opts: &TransferOptions, dry_run: bool) -> serde_json::Value {
    let s = &d.settings;
    json!({
        "event": "plan",
        "destination": { "id": d.id, "name": s.name, "bucket": s.bucket, "prefix": s.prefix, "key_template": s.key_template },
        "dry_run": dry_run,
        "files_total": plan.files.len(),
        "total_bytes": plan.total_bytes,
        "multipart_files": multipart_files(plan, opts),
        "overwrite": policy,
        "confirm_delivery": s.confirm_delivery,
        "deliverable": plan.is_deliverable(),
        "created_at": plan.created_at,
        "files": plan.files,
        "excluded": plan.excluded,
        "problems": plan.problems,
        "collisions": plan.collisions,
    })
}

fn overwrite_help(o: Overwrite) -> &'static str {
    match o {
        Overwrite::Never => "existing objects are left untouched and their files reported as failed",
        Overwrite::Skip => "files whose key already exists are skipped",
        Overwrite::Overwrite => "existing objects are replaced",
    }
}

/// The human preview: where, how much, the keys (all or the first N), what
/// is left out and why, the problems and collisions.
fn preview(d: &Destination, plan: &Plan, policy: Overwrite, opts: &TransferOptions, list: ListRows) -> String {
    let s = &d.settings;
    let mut t = format!("Delivering to \"{}\": {}\n", s.name, chute_core::s3::object_url(s, ""));
    let mp = multipart_files(plan, opts);
    t += &format!(
        "  {}, {}{}\n",
        render::files(plan.files.len()),
        render::bytes(plan.total_bytes),
        if mp > 0 { format!(" ({mp} in parts)") } else { String::new() }
    );
    t += &format!("  If a key exists: {} ({})\n", overwrite_word(policy), overwrite_help(policy));
    if !plan.files.is_empty() {
        let limit = list.limit();
        let rows: Vec<Vec<String>> =
            plan.files.iter().take(limit).map(|f| vec![format!("  {}", f.key), render::bytes(f.size), f.relpath.clone()]).collect();
        t += "\n";
        t += &render::table(&["  KEY", "SIZE", "FROM"], &rows);
        if plan.files.len() > limit {
            t += &format!("  … and {} more (--list all shows every key)\n", plan.files.len() - limit);
        }
    }
    if !plan.excluded.is_empty() {
        t += &format!("\nLeft out ({}):\n", plan.excluded.len());
        for e in &plan.excluded {
            t += &format!("  {} — {}\n", e.path.display(), e.reason);
        }
    }
    if !plan.problems.is_empty() {
        t += &format!("\nCannot be delivered ({}):\n", plan.problems.len());
        for p in &plan.problems {
            t += &format!("  ✗ {} [{}]\n    fix: {}\n", p.message, p.code, p.fix);
        }
    }
    if !plan.collisions.is_empty() {
        t += &format!("\nCollisions ({}): several files would be written to one key\n", plan.collisions.len());
        for c in &plan.collisions {
            t += &format!("  {}\n", c.key);
            for src in &c.sources {
                t += &format!("    ← {}\n", src.display());
            }
        }
    }
    t + "\n"
}

/// Progress for people (a live line on a terminal, a plain line every few
/// seconds otherwise, both on stderr) or as JSON lines on stdout.
pub(crate) struct Progress<'a> {
    out: &'a Out,
    live: bool,
    started: Instant,
    last_plain: Instant,
    shown: bool,
}

impl<'a> Progress<'a> {
    pub(crate) fn new(out: &'a Out, live: bool) -> Progress<'a> {
        Progress { out, live, started: Instant::now(), last_plain: Instant::now(), shown: false }
    }

    fn line(b: &chute_core::deliver::Progress) -> String {
        let pct = (b.bytes_sent.saturating_mul(100))
            .checked_div(b.bytes_total)
            .or_else(|| ((b.files_done * 100).checked_div(b.files_total)).map(|p| p as u64))
            .unwrap_or(100);
        let mut s = format!(
            "{pct:>3}%  {} of {}  {}/{} files  {}",
            render::bytes(b.bytes_sent),
            render::bytes(b.bytes_total),
            b.files_done,
            b.files_total,
            render::rate(b.rate)
        );
        if let Some(eta) = b.eta_secs.filter(|_| b.files_done < b.files_total) {
            s += &format!("  ETA {}", render::duration_ms(eta * 1000));
        }
        if b.paused {
            s += "  (paused)";
        }
        s
    }

    /// A batch progress event from the engine (`history resume` shares this).
    pub(crate) fn progress(&mut self, e: &DeliveryEvent) {
        if let DeliveryEvent::Progress(p) = e {
            self.batch(*p);
        }
    }

    fn batch(&mut self, b: chute_core::deliver::Progress) {
        if self.out.json {
            let mut v = serde_json::to_value(b).unwrap_or_default();
            if let Some(m) = v.as_object_mut() {
                let mut line = serde_json::Map::new();
                line.insert("event".into(), json!("progress"));
                line.extend(std::mem::take(m));
                self.out.json(&line);
            }
            if self.live {
                self.out.stderr(&format!("\r\x1b[2K{}", Self::line(&b)));
                self.shown = true;
            }
        } else if self.live {
            self.out.stderr(&format!("\r\x1b[2K{}", Self::line(&b)));
            self.shown = true;
        } else if self.last_plain.elapsed() >= PLAIN_PROGRESS_EVERY && b.files_done < b.files_total {
            self.last_plain = Instant::now();
            self.out.stderr(&format!(
                "progress: {} (after {})\n",
                Self::line(&b).trim_start(),
                render::duration_ms(self.started.elapsed().as_millis() as u64)
            ));
        }
    }

    /// A failed file is shown as it happens (above the live line), for people.
    pub(crate) fn file(&mut self, r: &FileResult, presign_error: Option<&String>) {
        let mut text = String::new();
        if let (FileStatus::Failed, Some(e)) = (r.status, &r.error) {
            text = format!("✗ {}: {}\n", r.key, e.message);
        }
        if let Some(e) = presign_error {
            text += &format!("! {}: no presigned link: {e}\n", r.key);
        }
        if text.is_empty() {
            return;
        }
        if self.shown {
            self.out.stderr(&format!("\r\x1b[2K{text}"));
        } else {
            self.out.stderr(&text);
        }
    }

    pub(crate) fn finish(&mut self) {
        if self.shown {
            self.out.stderr("\r\x1b[2K");
            self.shown = false;
        }
    }
}

fn rate_of(bytes: u64, ms: u64) -> u64 {
    (bytes as f64 / (ms.max(1) as f64 / 1000.0)) as u64
}

fn summary_text(
    d: &Destination,
    plan: &Plan,
    s: &BatchSummary,
    links: &[Option<String>],
    presign: Option<Duration>,
    urls: &[String],
    interrupted: bool,
) -> String {
    let mut counts = vec![format!("{} delivered", s.delivered)];
    if s.skipped > 0 {
        counts.push(format!("{} skipped (already there)", s.skipped));
    }
    counts.push(format!("{} failed", s.failed));
    if s.cancelled > 0 {
        counts.push(format!("{} cancelled", s.cancelled));
    }
    let head = if interrupted { "Cancelled with Ctrl-C" } else { "Done" };
    let mut t = format!(
        "{head}: {}; {} sent to \"{}\" in {} ({}).\n",
        counts.join(", "),
        render::bytes(s.bytes_sent),
        d.settings.name,
        render::duration_ms(s.duration_ms),
        render::rate(rate_of(s.bytes_sent, s.duration_ms))
    );
    let failed: Vec<&FileResult> = s.files.iter().filter(|f| f.status == FileStatus::Failed).collect();
    if !failed.is_empty() {
        t += &format!("\nFailed ({}):\n", failed.len());
        for f in failed {
            match &f.error {
                Some(e) => {
                    t += &format!("  ✗ {}\n    {} [{}]\n    fix: {}\n", f.key, e.message, e.code, e.fix);
                }
                None => t += &format!("  ✗ {}\n", f.key),
            }
        }
    }
    if !plan.problems.is_empty() {
        t += &format!("\nNot sent, found unreadable while planning ({}):\n", plan.problems.len());
        for p in &plan.problems {
            t += &format!("  ✗ {} [{}]\n    fix: {}\n", p.message, p.code, p.fix);
        }
    }
    if interrupted && s.cancelled > 0 {
        t += &format!(
            "\n{} not delivered: unfinished multipart uploads were aborted, so no parts are left on the server.\n",
            render::files(s.cancelled)
        );
    }
    match presign {
        Some(expires) => {
            let signed: Vec<(&str, &str)> =
                s.files.iter().filter_map(|f| links.get(f.index).and_then(|l| l.as_deref()).map(|l| (f.key.as_str(), l))).collect();
            if !signed.is_empty() {
                t += &format!("\nDownload links (valid for {}):\n", render::duration_words(expires.as_secs()));
                for (_, l) in signed.iter().take(SUMMARY_URLS) {
                    t += &format!("  {l}\n");
                }
                if signed.len() > SUMMARY_URLS {
                    t += &format!("  … and {} more (--json lists them all)\n", signed.len() - SUMMARY_URLS);
                }
            }
        }
        None if !urls.is_empty() => {
            t += "\nURLs:\n";
            for u in urls.iter().take(SUMMARY_URLS) {
                t += &format!("  {u}\n");
            }
            if urls.len() > SUMMARY_URLS {
                t += &format!("  … and {} more (--json lists them all)\n", urls.len() - SUMMARY_URLS);
            }
        }
        None => {}
    }
    t
}
