//! Destinations for people: the list, one destination, its stored
//! connection tests, and what can be imported.

use chute_core::ProbeReport;
use chute_core::StoredProbe;
use chute_core::{Compression, CredentialSource, DestinationView, Overwrite, OverwriteGuard};
use chute_core::{ImportCandidate as Candidate, ImportedAuth};

use super::connection_test::{main_finding, outcome_word};
use super::format::{overwrite_word, rate, table, timestamp, yes_no};
use super::problems::problems;

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

fn status(active: bool) -> &'static str {
    if active {
        "active"
    } else {
        "paused"
    }
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
    let guard = match (s.overwrite, v.overwrite_guard) {
        (Overwrite::Never, OverwriteGuard::Atomic) => " (atomic: the server refuses the write)",
        (Overwrite::Never, OverwriteGuard::CheckFirst) => " (not atomic here: Chute looks before each write)",
        (Overwrite::Never, OverwriteGuard::Unknown) => " (not measured yet: the next test or delivery measures it)",
        _ => "",
    };
    lines.push(("Overwrite", format!("{}{guard}", overwrite_word(s.overwrite))));
    lines.push(("Ignore", if s.ignore.is_empty() { "(nothing)".into() } else { s.ignore.join(", ") }));
    lines.push(("Confirm delivery", yes_no(s.confirm_delivery).to_string()));
    lines.push((
        "Compression",
        match s.compression {
            Compression::Off => "off",
            Compression::Gzip => "gzip, as .gz objects",
            Compression::GzipEncoding => "gzip, same names, Content-Encoding: gzip",
        }
        .to_string(),
    ));
    lines.push((
        "Bandwidth limit",
        match s.bandwidth_limit() {
            Some(r) => format!("{} (with the overall limit, the lower wins)", rate(r)),
            None => "none of its own (the overall limit applies: `chute settings bandwidth-limit`)".into(),
        },
    ));
    lines.push(("Encryption", v.encryption_words.clone()));
    lines.push(("Manifest", if s.manifest { "after each batch, then _SUCCESS if all landed" } else { "no" }.to_string()));
    lines.push((
        "Checked after delivery",
        if s.check_after_delivery { "each object, once it lands" } else { "no: the server's answer to each upload only" }.to_string(),
    ));
    lines.push(("Credentials", credentials(&d.credentials)));
    lines.push(("Status", status(s.active).to_string()));
    lines.push(("Created", timestamp(d.created_at)));
    lines.push(("Updated", timestamp(d.updated_at)));
    lines.push(("Last test", last.map(last_probe).unwrap_or_else(|| "never".into())));
    lines.push((
        "Server seen",
        match &v.capabilities {
            Some(c) => format!("{} (measured {})", c.summary(), timestamp(c.measured_at)),
            None => "not measured on this endpoint yet: run `chute destination test` to see what it does".into(),
        },
    ));
    let w = lines.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0) + 1;
    let mut out: String = lines.iter().map(|(k, v)| format!("{:<w$} {v}\n", format!("{k}:"))).collect();
    out += &problems(&v.warnings);
    out
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
