//! Human-readable output. The words come from the core; this only lays them out.

use chute_core::diagnose::{Diagnosis, Evidence, Level};
use chute_core::import::{Candidate, ImportedAuth};
use chute_core::probe::{Outcome, ProbeReport, StepResult, StepStatus};
use chute_core::store::StoredProbe;
use chute_core::{CredentialSource, DestinationView, ErrorReply, Problem};

pub fn credentials(c: &CredentialSource) -> String {
    match c {
        CredentialSource::Keychain { key_id_hint } => format!("keychain ({key_id_hint})"),
        CredentialSource::Profile { profile } => format!("AWS profile ({profile})"),
        CredentialSource::None => "none (anonymous)".to_string(),
    }
}

fn auth(a: &ImportedAuth) -> String {
    match a {
        ImportedAuth::Keys { key_id_hint } => format!("keys ({key_id_hint})"),
        ImportedAuth::Profile { profile } => format!("AWS profile ({profile})"),
        ImportedAuth::None => "none".to_string(),
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn status(active: bool) -> &'static str {
    if active {
        "active"
    } else {
        "paused"
    }
}

/// `warning [field] message — fix`
pub fn problem_line(p: &Problem) -> String {
    let kind = if p.is_error() { "error" } else { "warning" };
    format!("{kind} [{}] {} — {}", p.field, p.message, p.fix)
}

pub fn problems(ps: &[Problem]) -> String {
    ps.iter().map(|p| problem_line(p) + "\n").collect()
}

/// `error: …`, `  fix: …`, then one line per problem.
pub fn error(e: &ErrorReply) -> String {
    let mut s = format!("error: {}\n", e.info.message);
    if !e.info.fix.is_empty() {
        s += &format!("  fix: {}\n", e.info.fix);
    }
    for p in &e.problems {
        let tag = if p.is_error() { "" } else { "warning " };
        s += &format!("  - {tag}[{}] {} — {}\n", p.field, p.message, p.fix);
    }
    s
}

/// A plain text table: columns padded to their widest cell.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let width = |s: &str| s.chars().count();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(width(c));
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s += c;
            } else {
                s += c;
                s += &" ".repeat(widths[i] - width(c) + 2);
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    for r in rows {
        out += &line(r.iter().map(String::as_str).collect());
    }
    out
}

pub fn list(views: &[DestinationView]) -> String {
    if views.is_empty() {
        return "No destinations yet. Add one with `chute destination add` or `chute destination import`.\n".into();
    }
    let rows: Vec<Vec<String>> = views
        .iter()
        .map(|v| {
            let s = &v.destination.settings;
            vec![
                s.name.clone(),
                v.provider_label.to_string(),
                s.bucket.clone(),
                s.prefix.clone(),
                credentials(&v.destination.credentials),
                status(s.active).to_string(),
                if v.warnings.is_empty() { String::new() } else { v.warnings.len().to_string() },
            ]
        })
        .collect();
    table(&["NAME", "PROVIDER", "BUCKET", "PREFIX", "CREDENTIALS", "STATUS", "WARNINGS"], &rows)
}

pub fn show(v: &DestinationView, last: Option<&ProbeReport>) -> String {
    let d = &v.destination;
    let s = &d.settings;
    let mut lines: Vec<(&str, String)> = vec![
        ("Name", s.name.clone()),
        ("ID", d.id.clone()),
        ("Provider", format!("{} ({})", v.provider_label, s.provider.id())),
        ("Bucket", s.bucket.clone()),
        ("Region", v.effective_region.clone()),
    ];
    let endpoint = if !s.endpoint.is_empty() {
        s.endpoint.clone()
    } else if !v.effective_endpoint.is_empty() {
        format!("{} (from the provider)", v.effective_endpoint)
    } else {
        "(the AWS regional endpoint)".to_string()
    };
    lines.push(("Endpoint", endpoint));
    if !s.account_id.is_empty() {
        lines.push(("Account ID", s.account_id.clone()));
    }
    lines.push(("Path style", yes_no(s.path_style).to_string()));
    lines.push(("Prefix", if s.prefix.is_empty() { "(none)".into() } else { s.prefix.clone() }));
    lines.push(("Key template", s.key_template.clone()));
    lines.push(("Storage class", if s.storage_class.is_empty() { "(default)".into() } else { s.storage_class.clone() }));
    lines.push(("ACL", if s.acl.is_empty() { "(default)".into() } else { s.acl.clone() }));
    let h = &s.headers;
    for (label, value) in [
        ("Cache-Control", &h.cache_control),
        ("Content-Disposition", &h.content_disposition),
        ("Content-Encoding", &h.content_encoding),
        ("Content-Language", &h.content_language),
        ("Expires", &h.expires),
        ("Content-Type", &h.content_type),
    ] {
        if !value.is_empty() {
            lines.push((label, value.clone()));
        }
    }
    let kv = |m: &std::collections::BTreeMap<String, String>| {
        if m.is_empty() {
            "(none)".to_string()
        } else {
            m.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")
        }
    };
    lines.push(("Metadata", kv(&s.metadata)));
    lines.push(("Tags", kv(&s.tags)));
    lines.push(("Overwrite", crate::args::overwrite_word(s.overwrite).to_string()));
    lines.push(("Ignore", if s.ignore.is_empty() { "(nothing)".into() } else { s.ignore.join(", ") }));
    lines.push(("Confirm delivery", yes_no(s.confirm_delivery).to_string()));
    lines.push(("Credentials", credentials(&d.credentials)));
    lines.push(("Status", status(s.active).to_string()));
    lines.push(("Created", timestamp(d.created_at)));
    lines.push(("Updated", timestamp(d.updated_at)));
    lines.push(("Last test", last.map(last_probe).unwrap_or_else(|| "never".into())));
    let w = lines.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0) + 1;
    let mut out: String = lines.iter().map(|(k, v)| format!("{:<w$} {v}\n", format!("{k}:"))).collect();
    out += &problems(&v.warnings);
    out
}

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

fn outcome_word(o: Outcome) -> &'static str {
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

pub fn probes(name: &str, ps: &[StoredProbe]) -> String {
    if ps.is_empty() {
        return format!("\"{name}\" has not been tested yet. Test it with `chute destination test \"{name}\"`.\n");
    }
    let rows: Vec<Vec<String>> = ps
        .iter()
        .map(|p| {
            let r = &p.report;
            let finding = match main_finding(r) {
                Some(f) if r.findings.len() > 1 => format!("{}: {} (+{} more)", f.code, f.title, r.findings.len() - 1),
                Some(f) => format!("{}: {}", f.code, f.title),
                None => String::new(),
            };
            vec![timestamp(r.started_at), outcome_word(r.outcome).to_string(), format!("{} ms", r.duration_ms), finding]
        })
        .collect();
    table(&["TIME", "OUTCOME", "DURATION", "FINDING"], &rows)
}

/// `passed, 2025-11-21 22:59:59 UTC (85 ms)` for `show`.
pub fn last_probe(r: &ProbeReport) -> String {
    let mut s = format!("{}, {} ({} ms)", outcome_word(r.outcome), timestamp(r.started_at), r.duration_ms);
    if let Some(f) = main_finding(r) {
        s += &format!(": {}", f.title);
    }
    s
}

pub fn candidates(cs: &[Candidate]) -> String {
    if cs.is_empty() {
        return "Nothing to import: no S3 profiles or remotes were found.\n".into();
    }
    let rows: Vec<Vec<String>> = cs
        .iter()
        .map(|c| {
            let where_ = if !c.account_id.is_empty() { format!("account {}", c.account_id) } else { c.endpoint.clone() };
            vec![
                c.source.clone(),
                c.provider.preset().label.to_string(),
                c.region.clone(),
                where_,
                yes_no(c.path_style).to_string(),
                auth(&c.auth),
            ]
        })
        .collect();
    let mut out = table(&["SOURCE", "PROVIDER", "REGION", "ENDPOINT", "PATH STYLE", "AUTH"], &rows);
    for c in cs {
        for n in &c.notes {
            out += &format!("note [{}] {n}\n", c.source);
        }
    }
    out += "Import one with: chute destination import --from <aws|rclone> --source NAME --name N --bucket B\n";
    out
}

/// `0 B`, `1023 B`, `16.0 KiB`, `1.50 GiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if v >= 100.0 {
        format!("{v:.0} {}", UNITS[u])
    } else if v >= 10.0 {
        format!("{v:.1} {}", UNITS[u])
    } else {
        format!("{v:.2} {}", UNITS[u])
    }
}

pub fn rate(bytes_per_sec: u64) -> String {
    format!("{}/s", bytes(bytes_per_sec))
}

/// `850 ms`, `12.3 s`, `4m05s`, `1h02m`.
pub fn duration_ms(ms: u64) -> String {
    if ms < 1000 {
        return format!("{ms} ms");
    }
    if ms < 60_000 {
        return format!("{:.1} s", ms as f64 / 1000.0);
    }
    let s = ms / 1000;
    if s < 3600 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{}h{:02}m", s / 3600, s % 3600 / 60)
    }
}

/// `15m`, `1h`, `7d`, `1h30m` (as `--presign` takes it).
pub fn duration_words(secs: u64) -> String {
    let mut left = secs;
    let mut s = String::new();
    for (unit, n) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
        if left >= n {
            s += &format!("{}{unit}", left / n);
            left %= n;
        }
    }
    s
}

/// A count with its thousands grouped, exact: `3,000`, `1,234,567`.
pub fn count(n: impl std::fmt::Display) -> String {
    let digits = n.to_string();
    let (sign, digits) = digits.split_at(usize::from(digits.starts_with('-')));
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// `n file` / `n files`.
pub fn files(n: usize) -> String {
    if n == 1 {
        "1 file".into()
    } else {
        format!("{n} files")
    }
}

/// Unix milliseconds as `YYYY-MM-DD HH:MM:SS UTC`.
pub fn timestamp(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(timestamp(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(timestamp(951_782_400_000), "2000-02-29 00:00:00 UTC");
        assert_eq!(timestamp(1_763_765_999_000), "2025-11-21 22:59:59 UTC");
    }

    #[test]
    fn sizes_and_durations() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(16 * 1024), "16.0 KiB");
        assert_eq!(bytes(1536 * 1024 * 1024), "1.50 GiB");
        assert_eq!(bytes(300 * 1024 * 1024), "300 MiB");
        assert_eq!(duration_ms(850), "850 ms");
        assert_eq!(duration_ms(12_340), "12.3 s");
        assert_eq!(duration_ms(245_000), "4m05s");
        assert_eq!(duration_words(5400), "1h30m");
        assert_eq!(duration_words(7 * 86_400), "7d");
    }

    #[test]
    fn counts_are_grouped_and_exact() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(3000), "3,000");
        assert_eq!(count(1_234_567u64), "1,234,567");
        assert_eq!(count(-12_345i64), "-12,345");
    }

    #[test]
    fn tables_align() {
        let t = table(&["A", "B"], &[vec!["xxx".into(), "y".into()], vec!["…".into(), "z".into()]]);
        assert_eq!(t, "A    B\nxxx  y\n…    z\n");
    }
}
