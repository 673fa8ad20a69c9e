//! The connection test for people: one line per step as it finishes, then
//! each finding with its cause, fix and evidence, and the outcome.

use chute_core::{Diagnosis, Evidence, Level};
use chute_core::{ProbeOutcome as Outcome, ProbeReport, StepResult, StepStatus};

/// Width of the step-label column: the longest label, "Delete probe object".
const STEP_LABEL: usize = 20;

fn step_symbol(s: StepStatus) -> &'static str {
    match s {
        StepStatus::Running => "…",
        StepStatus::Passed => "✓",
        StepStatus::Warning => "!",
        StepStatus::Failed => "✗",
        StepStatus::Skipped => "–",
    }
}

/// `  ✓ Resolve host            1 ms  127.0.0.1` (no newline).
pub fn step_line(s: &StepResult) -> String {
    let time = match s.status {
        StepStatus::Skipped => "skipped".to_string(),
        StepStatus::Running => String::new(),
        _ => format!("{} ms", s.duration_ms),
    };
    let line = format!("  {} {:<STEP_LABEL$} {time:>8}  {}", step_symbol(s.status), s.label, s.detail);
    line.trim_end().to_string()
}

fn level_word(l: Level) -> &'static str {
    match l {
        Level::Error => "Error",
        Level::Warning => "Warning",
        Level::Info => "Note",
    }
}

pub fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Passed => "passed",
        Outcome::Warnings => "passed with warnings",
        Outcome::Failed => "failed",
    }
}

fn evidence(e: &Evidence) -> Vec<(&'static str, String)> {
    let mut rows: Vec<(&'static str, String)> = Vec::new();
    let mut push = |k: &'static str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            rows.push((k, v));
        }
    };
    push("Step", e.step.clone());
    push("HTTP status", e.http_status.map(|s| s.to_string()));
    push("S3 code", e.s3_code.clone());
    push("Message", e.message.clone());
    push("Request id", e.request_id.clone());
    push("Bucket region", e.bucket_region.clone());
    push("Endpoint", Some(e.endpoint.clone()));
    push("Addressing", Some(e.addressing.clone()));
    push("Proxy", e.proxy.clone());
    push("Detail", e.detail.clone());
    rows
}

/// How to get a finding's one-click fix: `--apply-fix` on a saved
/// destination, the matching flag on unsaved settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixHint {
    /// `(run again with --apply-fix)`
    ApplyFix,
    /// `(test again with --region eu-west-1)`
    Flag,
    /// Being applied now: no hint.
    None,
}

/// One finding as a block of lines.
pub fn finding(d: &Diagnosis, hint: FixHint) -> String {
    let mut s = format!("{}: {} [{}]\n", level_word(d.level), d.title, d.code);
    for (label, text) in [("What happened:", &d.what_happened), ("Likely cause:", &d.likely_cause), ("Fix:", &d.fix)] {
        if !text.is_empty() {
            s += &format!("  {label:<15}{text}\n");
        }
    }
    let ev = evidence(&d.evidence);
    if !ev.is_empty() {
        s += "  Evidence:\n";
        let w = ev.iter().map(|(k, _)| k.len()).max().unwrap_or(0) + 1;
        for (k, v) in ev {
            s += &format!("    {:<w$} {v}\n", format!("{k}:"));
        }
    }
    if let Some(p) = &d.policy {
        s += "  Policy (the least these credentials need):\n";
        for l in p.lines() {
            s += &format!("    {l}\n");
        }
    }
    if let Some(a) = &d.apply {
        let how = match hint {
            FixHint::ApplyFix => " (run again with --apply-fix)".to_string(),
            FixHint::Flag => format!(" (test again with {})", fix_flag(&a.field, &a.value)),
            FixHint::None => String::new(),
        };
        s += &format!("  One-click fix: {}{how}\n", a.label);
    }
    s
}

/// The `add`/`test` flag that sets `field` to `value`.
pub fn fix_flag(field: &str, value: &str) -> String {
    let flag = field.replace('_', "-");
    if field == "path_style" {
        format!("--{flag}={value}")
    } else {
        format!("--{flag} {value}")
    }
}

/// The findings, then `Passed in 85 ms.` (with the clock skew when it matters).
pub fn report_tail(r: &ProbeReport, hint: FixHint) -> String {
    let mut s = String::new();
    for d in &r.findings {
        s += "\n";
        s += &finding(d, hint);
    }
    s += "\n";
    let mut word = outcome_word(r.outcome).to_string();
    if let Some(first) = word.get(0..1) {
        word = first.to_uppercase() + &word[1..];
    }
    s += &format!("{word} in {} ms.\n", r.duration_ms);
    s
}

/// The most severe finding of a report, for one-line summaries.
pub fn main_finding(r: &ProbeReport) -> Option<&Diagnosis> {
    [Level::Error, Level::Warning, Level::Info].iter().find_map(|l| r.findings.iter().find(|f| f.level == *l))
}
