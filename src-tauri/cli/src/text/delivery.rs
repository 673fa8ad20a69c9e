//! A delivery for people: the preview before anything is sent, the
//! progress line while it runs, a file that failed as it happens, and the
//! summary at the end.

use std::time::Duration;

use chute_core::PlanProblem;
use chute_core::{BatchSummary, FileResult, FileStatus, Plan, Progress};
use chute_core::{Overwrite, Settings};

use super::format::{bytes, duration_ms, duration_words, files, overwrite_word, printable, rate, table};
use super::verify::receipt_line;

/// URLs (or links) the summary lists before counting the rest.
pub const SUMMARY_URLS: usize = 20;

fn overwrite_help(o: Overwrite) -> &'static str {
    match o {
        Overwrite::Never => "existing objects are left untouched and their files reported as failed",
        Overwrite::Skip => "files whose key already exists are skipped",
        Overwrite::Overwrite => "existing objects are replaced",
    }
}

/// What the preview shows besides the plan.
pub struct PreviewOf<'a> {
    pub settings: &'a Settings,
    /// Where the keys go: the destination's URL with no key.
    pub base_url: &'a str,
    /// The policy for this run.
    pub policy: Overwrite,
    /// Files that go multipart.
    pub multipart: usize,
    /// How many keys to list.
    pub limit: usize,
}

/// The preview: where, how much, the keys (all or the first N), what is
/// left out and why, the problems and collisions.
pub fn preview(plan: &Plan, p: &PreviewOf) -> String {
    let mut t = format!("Delivering to \"{}\": {}\n", p.settings.name, p.base_url);
    t += &format!(
        "  {}, {}{}\n",
        files(plan.files.len()),
        bytes(plan.total_bytes),
        if p.multipart > 0 { format!(" ({} in parts)", p.multipart) } else { String::new() }
    );
    t += &format!("  If a key exists: {} ({})\n", overwrite_word(p.policy), overwrite_help(p.policy));
    if !plan.files.is_empty() {
        let rows: Vec<Vec<String>> =
            plan.files.iter().take(p.limit).map(|f| vec![format!("  {}", f.key), bytes(f.size), f.relpath.clone()]).collect();
        t += "\n";
        t += &table(&["  KEY", "SIZE", "FROM"], &rows);
        if plan.files.len() > p.limit {
            t += &format!("  … and {} more (--list all shows every key)\n", plan.files.len() - p.limit);
        }
    }
    if !plan.excluded.is_empty() {
        t += &format!("\nLeft out ({}):\n", plan.excluded.len());
        for e in &plan.excluded {
            t += &format!("  {} — {}\n", printable(&e.path.to_string_lossy()), e.reason);
        }
    }
    if !plan.problems.is_empty() {
        t += &format!("\nCannot be delivered ({}):\n", plan.problems.len());
        t += &problem_lines(&plan.problems);
    }
    if !plan.collisions.is_empty() {
        t += &format!("\nCollisions ({}): several files would be written to one key\n", plan.collisions.len());
        for c in &plan.collisions {
            t += &format!("  {}\n", c.key);
            for src in &c.sources {
                t += &format!("    ← {}\n", printable(&src.to_string_lossy()));
            }
        }
    }
    t + "\n"
}

/// `✗ PATH: message [code]` and its fix (the path once, where the message does not already name it).
fn problem_lines(problems: &[PlanProblem]) -> String {
    let mut t = String::new();
    for p in problems {
        let path = p.path.to_string_lossy();
        let what = if p.message.contains(path.as_ref()) { p.message.clone() } else { format!("{path}: {}", p.message) };
        t += &format!("  ✗ {} [{}]\n    fix: {}\n", printable(&what), p.code, p.fix);
    }
    t
}

/// `Deliver 3 files (1.50 GiB) to NAME?`
pub fn confirm_question(plan: &Plan, name: &str) -> String {
    format!("Deliver {} ({}) to {name}?", files(plan.files.len()), bytes(plan.total_bytes))
}

/// ` 42%  1.00 MiB of 2.38 MiB  3/7 files  1.98 MiB/s (limited to 2.00 MiB/s)  ETA 1.2 s`,
/// then `  (the server asked to slow down: 4 requests at once)` when it did.
pub fn progress_line(b: &Progress) -> String {
    let pct = (b.bytes_sent.saturating_mul(100))
        .checked_div(b.bytes_total)
        .or_else(|| ((b.files_done * 100).checked_div(b.files_total)).map(|p| p as u64))
        .unwrap_or(100);
    let mut s = format!(
        "{pct:>3}%  {} of {}  {}/{} files  {}",
        bytes(b.bytes_sent),
        bytes(b.bytes_total),
        b.files_done,
        b.files_total,
        rate(b.rate)
    );
    if let Some(limit) = b.rate_limit {
        s += &format!(" (limited to {})", rate(limit));
    }
    if let Some(eta) = b.eta_secs.filter(|_| b.files_done < b.files_total) {
        s += &format!("  ETA {}", duration_ms(eta * 1000));
    }
    if let Some(n) = b.slowed_to {
        s += &format!("  (the server asked to slow down: {n} {} at once)", if n == 1 { "request" } else { "requests" });
    }
    if b.paused {
        s += "  (paused)";
    }
    s
}

/// A file that failed (and a link that could not be made), as it happens.
pub fn file_line(r: &FileResult, presign_error: Option<&str>) -> String {
    let mut text = String::new();
    if let (FileStatus::Failed, Some(e)) = (r.status, &r.error) {
        text = format!("✗ {}: {}\n", r.key, e.message);
    }
    if let Some(e) = presign_error {
        text += &format!("! {}: no presigned link: {e}\n", r.key);
    }
    text
}

/// What the summary needs besides the engine's own.
pub struct EndOf<'a> {
    pub destination: &'a str,
    pub summary: &'a BatchSummary,
    /// Files the plan refused before sending.
    pub not_planned: &'a [PlanProblem],
    /// Presigned links by plan index, and how long they last (when asked).
    pub links: &'a [Option<String>],
    pub presign: Option<Duration>,
    /// The first [`SUMMARY_URLS`] delivered objects' URLs, and how many there are.
    pub urls: (&'a [String], usize),
    /// Bytes per second over the whole run.
    pub rate: u64,
    pub interrupted: bool,
}

/// `Done: 3 delivered, 0 failed; 1.2 MiB sent to "NAME" in 1.1 s (1.1 MiB/s).`,
/// then what failed and why, the links or URLs, and the batch it is in the history as.
pub fn summary(e: &EndOf) -> String {
    let s = e.summary;
    let mut counts = vec![format!("{} delivered", s.delivered)];
    if s.skipped > 0 {
        counts.push(format!("{} skipped (already there)", s.skipped));
    }
    counts.push(format!("{} failed", s.failed));
    if s.cancelled > 0 {
        counts.push(format!("{} cancelled", s.cancelled));
    }
    let head = if e.interrupted { "Cancelled with Ctrl-C" } else { "Done" };
    let mut t = format!(
        "{head}: {}; {} sent to \"{}\" in {} ({}).\n",
        counts.join(", "),
        bytes(s.bytes_sent),
        e.destination,
        duration_ms(s.duration_ms),
        rate(e.rate)
    );
    if let Some(r) = &s.receipt {
        t += &format!("{}\n", receipt_line(r));
        if let Some(n) = &r.note {
            t += &n.lines().map(|l| format!("  {}\n", printable(l))).collect::<String>();
        }
    } else if s.delivered > 0 {
        // The destination relies on the server's answer to each upload.
        let verify = s.batch_id.as_deref().map_or(String::new(), |b| format!("; `chute verify {b}` checks them"));
        t += &format!("Objects not checked after delivery (the server's answer to each upload was the check){verify}.\n");
    }
    if let Some(m) = &s.manifest {
        if let Some(k) = &m.manifest_key {
            t += &format!("Manifest: {}\n", printable(k));
        }
        if let Some(k) = &m.marker_key {
            t += &format!("Marker:   {} (written last: every file landed)\n", printable(k));
        }
        if let Some(note) = &m.note {
            t += &format!("{note}\n");
        }
    }
    let failed: Vec<&FileResult> = s.not_landed.iter().filter(|f| f.status == FileStatus::Failed).collect();
    if !failed.is_empty() {
        t += &format!("\nFailed ({}):\n", failed.len());
        for f in failed {
            match &f.error {
                Some(e) => t += &format!("  ✗ {}\n    {} [{}]\n    fix: {}\n", f.key, e.message, e.code, e.fix),
                None => t += &format!("  ✗ {}\n", f.key),
            }
        }
    }
    if !e.not_planned.is_empty() {
        t += &format!("\nNot sent, refused while planning ({}):\n", e.not_planned.len());
        t += &problem_lines(e.not_planned);
    }
    if e.interrupted && s.cancelled > 0 {
        t += &format!(
            "\n{} not delivered: unfinished multipart uploads were aborted, so no parts are left on the server.\n",
            files(s.cancelled)
        );
    }
    match e.presign {
        Some(expires) => {
            let signed: Vec<&str> = e.links.iter().filter_map(|l| l.as_deref()).collect();
            if !signed.is_empty() {
                t += &format!("\nDownload links (valid for {}):\n", duration_words(expires.as_secs()));
                t += &first_rows(&signed, signed.len());
            }
        }
        None if e.urls.1 > 0 => {
            t += "\nURLs:\n";
            t += &first_rows(e.urls.0, e.urls.1);
        }
        None => {}
    }
    if let Some(id) = &s.batch_id {
        t += &format!("\nBatch {id} is {}; `chute history show {id}` lists each file.\n", s.outcome);
    }
    t
}

/// The first rows of `total`, then how many more there are.
fn first_rows(rows: &[impl AsRef<str>], total: usize) -> String {
    let mut t: String = rows.iter().take(SUMMARY_URLS).map(|r| format!("  {}\n", r.as_ref())).collect();
    if total > SUMMARY_URLS {
        t += &format!("  … and {} more (--json lists them all)\n", total - SUMMARY_URLS);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_line_shows_the_limit_in_force() {
        let p =
            Progress { bytes_sent: 1 << 20, bytes_total: 4 << 20, files_done: 0, files_total: 2, rate: 2_000_000, ..Progress::default() };
        assert!(!progress_line(&p).contains("limited"), "{}", progress_line(&p));
        let limited = Progress { rate_limit: Some(2 << 20), ..p };
        assert!(progress_line(&limited).contains("1.91 MiB/s (limited to 2.00 MiB/s)"), "{}", progress_line(&limited));
    }

    #[test]
    fn the_progress_line_says_when_the_server_slowed_the_run() {
        let p = Progress { files_total: 2, ..Progress::default() };
        assert!(!progress_line(&p).contains("slow down"), "{}", progress_line(&p));
        let slowed = Progress { slowed_to: Some(4), ..p };
        assert!(progress_line(&slowed).ends_with("(the server asked to slow down: 4 requests at once)"), "{}", progress_line(&slowed));
        let one = Progress { slowed_to: Some(1), ..p };
        assert!(progress_line(&one).contains("1 request at once"), "{}", progress_line(&one));
    }
}
