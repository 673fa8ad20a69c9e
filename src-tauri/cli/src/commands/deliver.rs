//! `chute deliver` (and `chute destination deliver`): plan, preview, refuse
//! what cannot be delivered as a whole, confirm, then run the delivery.
//! `history retry` sends its plan the same way.
//!
//! With `--json`, stdout carries JSON lines: `{"event":"plan"}` once, then
//! the runner's `progress`, `file` and `summary` lines (or `{"error"}` when
//! the delivery cannot start).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use chute_core::Origin;
use chute_core::Overwrite;
use chute_core::{Chute, Code, Destination, Job};
use chute_core::{Plan, Throttle, TransferOptions};

use crate::args::DeliverArgs;
use crate::delivery_runner::{self, DeliveryRun};
use crate::output::{Failure, Out, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_INVALID};
use crate::text::delivery::{self as text, PreviewOf};

/// Progress events from the engine: at most four a second.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// How a plan is previewed, confirmed and sent: what `deliver` and
/// `history retry` share.
pub struct Sending {
    pub dry_run: bool,
    /// Never ask.
    pub yes: bool,
    /// Always ask, and refuse without a terminal.
    pub confirm: bool,
    /// For this run only; the destination's policy otherwise.
    pub overwrite: Option<Overwrite>,
    pub presign: Option<Duration>,
    /// How many keys the preview lists.
    pub list: usize,
    pub options: TransferOptions,
    pub origin: Origin,
}

pub fn deliver_cmd(chute: &Chute, a: &DeliverArgs, out: &Out) -> Result<ExitCode, Failure> {
    if a.also.is_empty() {
        return deliver_to(chute, a, &a.target, None, out);
    }
    // Fan-out: every destination on its own; one refusing holds back none.
    let group = chute_core::new_id();
    let mut worst = ExitCode::SUCCESS;
    for target in std::iter::once(&a.target).chain(&a.also) {
        let code = deliver_to(chute, a, target, Some(&group), out).unwrap_or_else(|f| {
            out.error(&f.reply);
            ExitCode::from(f.exit)
        });
        if code == ExitCode::from(EXIT_INTERRUPTED) {
            return Ok(code); // Ctrl-C stops the fan-out, not just one of its deliveries
        }
        if code != ExitCode::SUCCESS {
            worst = code;
        }
    }
    Ok(worst)
}

fn deliver_to(chute: &Chute, a: &DeliverArgs, target: &str, group: Option<&String>, out: &Out) -> Result<ExitCode, Failure> {
    let d = chute.find(target)?;
    // Links to SSE-C objects cannot work: say so before anything is sent.
    if a.presign.is_some() && d.settings.encryption == chute_core::Encryption::SseC {
        let info = chute_core::presign_refused_for_sse_c(&format!("{}…", d.settings.prefix));
        return Err(Failure::from_info(EXIT_INVALID, info).with_field("presign"));
    }
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
    let bandwidth_limit = a.bandwidth_limit.as_deref().map(run_limit).transpose()?;
    let throttle = bandwidth_limit.map(Throttle::run_limit);
    let mut options = TransferOptions { overwrite: a.overwrite, group: group.cloned(), throttle, ..TransferOptions::default() };
    if let Some(n) = a.concurrency {
        options.concurrency = n as usize;
        options.adaptive = false;
    }
    if let Some(t) = a.multipart_threshold {
        options.multipart_threshold = t;
    }
    if let Some(p) = a.part_size {
        options.min_part_size = p;
    }
    let sending = Sending {
        dry_run: a.dry_run,
        yes: a.yes,
        confirm: a.confirm,
        overwrite: a.overwrite,
        presign: a.presign,
        list: a.list.limit(),
        options,
        origin: Origin::Cli,
    };
    send_plan(chute, &d, plan, sending, out)
}

/// `--bandwidth-limit` for one run: a rate, in the core's words when it is not one.
fn run_limit(text: &str) -> Result<std::num::NonZeroU64, Failure> {
    let invalid =
        |message: String, fix: String| Failure::cli(EXIT_INVALID, Code::BandwidthLimitInvalid, message, fix).with_field("bandwidth_limit");
    match chute_core::parse_bandwidth_limit(text).map(|r| r.and_then(std::num::NonZeroU64::new)) {
        Ok(Some(rate)) => Ok(rate),
        Ok(None) => Err(invalid(
            format!("--bandwidth-limit {text} gives no rate for this run."),
            "Give one, such as --bandwidth-limit 2MB/s (it replaces the destination's own limit; the overall limit still applies), or leave the flag out.".into(),
        )),
        Err(e) => Err(invalid(e.message, e.fix)),
    }
}

/// Preview, refuse or confirm, and deliver a plan (new, or a retry from the history).
pub fn send_plan(chute: &Chute, d: &Destination, plan: Plan, s: Sending, out: &Out) -> Result<ExitCode, Failure> {
    let policy = s.overwrite.unwrap_or(d.settings.overwrite);
    let options = TransferOptions { progress_interval: PROGRESS_EVERY, overwrite: s.overwrite, ..s.options.clone() };
    let multipart = plan.files.iter().filter(|f| f.size >= options.multipart_threshold).count();

    // The preview: nothing has been sent yet.
    if out.json {
        out.json(&plan_event(d, &plan, policy, multipart, s.dry_run));
    } else {
        let base_url = chute.object_url(&d.id, "")?;
        out.stdout(&text::preview(&plan, &PreviewOf { settings: &d.settings, base_url: &base_url, policy, multipart, limit: s.list }));
    }
    if let Some(refusal) = plan.refusal() {
        return Err(Failure::from_info(EXIT_INVALID, refusal));
    }
    if s.dry_run {
        if !out.json {
            out.stdout("Nothing was sent (dry run).\n");
        }
        return Ok(ExitCode::SUCCESS);
    }
    confirm(&s, d, &plan, out)?;
    let plan = Arc::new(plan);
    let job = Job::Plan { destination_id: d.id.clone(), plan: plan.clone(), origin: s.origin, options };
    delivery_runner::run(chute, DeliveryRun { job, plan, destination: d, presign: s.presign }, out)
}

fn confirm(s: &Sending, d: &Destination, plan: &Plan, out: &Out) -> Result<(), Failure> {
    let tty = std::io::stdin().is_terminal();
    if s.yes || !(s.confirm || d.settings.confirm_delivery && tty) {
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
    if out.ask(&text::confirm_question(plan, name)) {
        return Ok(());
    }
    Err(Failure::cli(
        EXIT_FAILED,
        Code::Cancelled,
        format!("Nothing was delivered to \"{name}\"."),
        "Answer `y` to deliver, or pass --yes.",
    ))
}

/// The `plan` line: borrowed from the plan and written straight out, so a
/// 100,000-file plan is not first copied into a JSON tree.
#[derive(serde::Serialize)]
struct PlanEvent<'a> {
    event: &'static str,
    destination: serde_json::Value,
    dry_run: bool,
    files_total: usize,
    total_bytes: u64,
    multipart_files: usize,
    overwrite: Overwrite,
    confirm_delivery: bool,
    deliverable: bool,
    created_at: i64,
    files: &'a [chute_core::PlannedFile],
    excluded: &'a [chute_core::Excluded],
    problems: &'a [chute_core::PlanProblem],
    collisions: &'a [chute_core::Collision],
}

fn plan_event<'a>(d: &Destination, plan: &'a Plan, policy: Overwrite, multipart: usize, dry_run: bool) -> PlanEvent<'a> {
    let s = &d.settings;
    PlanEvent {
        event: "plan",
        destination: json!({ "id": d.id, "name": s.name, "bucket": s.bucket, "prefix": s.prefix, "key_template": s.key_template, "compression": s.compression, "manifest": s.manifest }),
        dry_run,
        files_total: plan.files.len(),
        total_bytes: plan.total_bytes,
        multipart_files: multipart,
        overwrite: policy,
        confirm_delivery: s.confirm_delivery,
        deliverable: plan.is_deliverable(),
        created_at: plan.created_at,
        files: &plan.files,
        excluded: &plan.excluded,
        problems: &plan.problems,
        collisions: &plan.collisions,
    }
}
