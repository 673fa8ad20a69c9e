//! Objects checked at the destination, for people: a summary line with
//! the counts, what could only be checked by size and why, then each
//! object that is not verified with its cause and fix (every object, in a
//! table, with `--all`). A batch's receipt in a line, for `history show`
//! and the end of a delivery.

use chute_core::{Audit, Basis, BatchCheck, ObjectCheck, Receipt, ReceiptKind, Verification};

use super::format::{count, plural, printable, table, timestamp};

/// A state in the words of these outputs; `missing` is "missing remotely" in an audit.
fn state_words(s: Verification, audit: bool) -> &'static str {
    match s {
        Verification::Verified => "verified",
        Verification::SizeOnly => "size only",
        Verification::Mismatch => "differs",
        Verification::Changed => "changed since delivery",
        Verification::Missing if audit => "missing remotely",
        Verification::Missing => "missing",
        Verification::MissingLocally => "missing locally",
        Verification::Unchecked => "not checked",
    }
}

fn basis_words(b: Option<Basis>) -> &'static str {
    match b {
        Some(Basis::Etag) => "ETag (MD5)",
        Some(Basis::MultipartEtag) => "multipart ETag",
        Some(Basis::Crc32c) => "CRC32C",
        Some(Basis::Size) => "size",
        Some(Basis::Recorded) => "as delivered",
        None => "",
    }
}

/// `10 verified, 1 changed since delivery, 1 missing`: every state met, in one order.
fn counts(results: &[ObjectCheck], audit: bool) -> String {
    let mut parts = Vec::new();
    for s in Verification::ALL {
        let n = results.iter().filter(|r| r.state == *s).count();
        if n > 0 || *s == Verification::Verified {
            parts.push(format!("{} {}", count(n), state_words(*s, audit)));
        }
    }
    parts.join(", ")
}

/// Why some objects could only be compared by size, each reason once.
fn size_only_notes(results: &[ObjectCheck]) -> String {
    let mut notes: Vec<(&str, usize)> = Vec::new();
    for n in results.iter().filter(|r| r.state == Verification::SizeOnly).filter_map(|r| r.note.as_deref()) {
        match notes.iter_mut().find(|(x, _)| *x == n) {
            Some((_, k)) => *k += 1,
            None => notes.push((n, 1)),
        }
    }
    notes.iter().map(|(n, k)| format!("  Only the size of {} could be compared: {n}\n", plural(*k, "object", "objects"))).collect()
}

/// Each object that is not verified, with its cause and fix; or with `all`, a table of every one.
fn details(results: &[ObjectCheck], all: bool, audit: bool) -> String {
    let mut t = String::new();
    if all && !results.is_empty() {
        let rows: Vec<Vec<String>> = results
            .iter()
            .map(|r| vec![format!("  {}", printable(&r.key)), state_words(r.state, audit).to_string(), basis_words(r.basis).to_string()])
            .collect();
        t += "\n";
        t += &table(&["  KEY", "STATE", "BY"], &rows);
    }
    for r in results.iter().filter(|r| r.state.is_difference() || r.state == Verification::Unchecked) {
        t += &format!("\n  ✗ {} ({})\n", printable(&r.key), state_words(r.state, audit));
        if let Some(e) = &r.error {
            t += &format!("    {} [{}]\n    fix: {}\n", printable(&e.message), e.code, printable(&e.fix));
        }
    }
    t
}

pub fn batch_text(destination: &str, c: &BatchCheck, all: bool) -> String {
    let mut t = format!(
        "Batch {} to \"{destination}\": {} checked again: {}.\n",
        c.batch_id,
        plural(c.objects.len(), "object", "objects"),
        counts(&c.objects, false)
    );
    t += &size_only_notes(&c.objects);
    if c.receipt.all_verified() {
        t += "Every object is as it was delivered.\n";
    }
    t + &details(&c.objects, all, false)
}

pub fn audit_text(destination: &str, a: &Audit, all: bool) -> String {
    let mut t = format!(
        "Audited {} against \"{destination}\" (s3://{}/{}): {}, {}: {}.\n",
        printable(&a.folder),
        a.bucket,
        printable(&a.prefix),
        plural(a.local_files, "file", "files"),
        plural(a.objects, "object", "objects"),
        counts(&a.results, true)
    );
    if a.objects_left_out > 0 {
        t += &format!("  {} not compared: folder markers and Chute's manifests.\n", plural(a.objects_left_out, "object", "objects"));
    }
    t += &size_only_notes(&a.results);
    if a.all_verified() {
        t += "Every file has its object, and every object its file.\n";
    }
    t + &details(&a.results, all, true)
}

/// A batch's receipt in a line: `Checked at delivery (2026-…): 12 verified.`
pub fn receipt_line(r: &Receipt) -> String {
    let when = match r.kind {
        ReceiptKind::Delivery => "at delivery",
        ReceiptKind::Recheck => "again",
    };
    let mut parts = vec![format!("{} verified", count(r.verified))];
    if r.size_only > 0 {
        parts.push(format!("{} by size only", count(r.size_only)));
    }
    if r.differing > 0 {
        parts.push(format!("{} differing", count(r.differing)));
    }
    if r.unchecked > 0 {
        parts.push(format!("{} not checked", count(r.unchecked)));
    }
    format!("Checked {when} ({}): {} of {}.", timestamp(r.checked_at), parts.join(", "), plural(r.checked, "object", "objects"))
}

/// The receipt's problems, each with its cause and fix (for `history show`).
pub fn receipt_problems(r: &Receipt) -> String {
    let mut t = String::new();
    for p in &r.problems {
        t += &format!(
            "    ✗ {} ({}): {} [{}]\n      fix: {}\n",
            printable(&p.key),
            state_words(p.state, false),
            printable(&p.message),
            p.code,
            printable(&p.fix)
        );
    }
    if let Some(n) = &r.note {
        for line in n.lines() {
            t += &format!("    note: {}\n", printable(line));
        }
    }
    t
}
