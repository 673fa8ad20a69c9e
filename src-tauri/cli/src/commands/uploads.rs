//! `chute destination uploads | abort-uploads`: multipart uploads left open
//! under a destination's prefix (their parts are billed until aborted).

use std::process::ExitCode;

use serde_json::json;

use chute_core::{AbortWhich, Chute};

use crate::output::{Failure, Out, EXIT_FAILED};
use crate::text::format::{bytes, count, plural, printable, table, timestamp};

pub fn list(chute: &Chute, target: &str, out: &Out) -> Result<ExitCode, Failure> {
    let d = chute.find(target)?;
    let uploads = chute.open_uploads(&d.id)?;
    out.result(&uploads, || {
        if uploads.is_empty() {
            return format!("No multipart upload is open under \"{}\".\n", d.settings.name);
        }
        let rows: Vec<Vec<String>> = uploads
            .iter()
            .map(|u| {
                vec![
                    u.initiated_at.map(timestamp).unwrap_or_else(|| "?".into()),
                    printable(&u.key),
                    u.parts.map(count).unwrap_or_else(|| "?".into()),
                    u.bytes.map(bytes).unwrap_or_else(|| "?".into()),
                    u.upload_id.clone(),
                ]
            })
            .collect();
        let total: u64 = uploads.iter().filter_map(|u| u.bytes).sum();
        let mut t = table(&["STARTED", "KEY", "PARTS", "SIZE", "UPLOAD ID"], &rows);
        t += &format!(
            "\n{} open, {} in parts (where the server says). Abort them with `chute destination abort-uploads \"{}\" --older-than HOURS`.\n",
            plural(uploads.len(), "upload", "uploads"),
            bytes(total),
            d.settings.name
        );
        t
    });
    Ok(ExitCode::SUCCESS)
}

pub fn abort(
    chute: &Chute,
    target: &str,
    one: Option<(&str, &str)>,
    older_than: Option<u64>,
    yes: bool,
    out: &Out,
) -> Result<ExitCode, Failure> {
    let d = chute.find(target)?;
    let (which, what) = match (one, older_than) {
        (Some((key, id)), _) => (AbortWhich::One { key: key.into(), upload_id: id.into() }, format!("the upload of `{}`", printable(key))),
        (None, Some(h)) => (AbortWhich::OlderThanHours(h), format!("every upload older than {}", plural(h, "hour", "hours"))),
        (None, None) => unreachable!("clap requires one"),
    };
    out.confirm(yes, &format!("Abort {what} open under \"{}\"? Their parts are deleted.", d.settings.name))?;
    let report = chute.abort_uploads(&d.id, &which)?;
    let failed: Vec<_> = report.failed.iter().map(|(u, e)| json!({ "upload": u, "error": e })).collect();
    out.result(&json!({ "aborted": report.aborted, "failed": failed }), || {
        let mut t = format!(
            "Aborted {} ({} in parts).\n",
            plural(report.aborted.len(), "upload", "uploads"),
            bytes(report.aborted.iter().filter_map(|u| u.bytes).sum())
        );
        for (u, e) in &report.failed {
            t += &format!("  ✗ {}: {}\n    fix: {}\n", printable(&u.key), e.message, e.fix);
        }
        t
    });
    Ok(if report.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(EXIT_FAILED) })
}
