//! `chute destination test` and `chute destination probes`: the connection
//! test on a saved destination, on unsaved settings, or on a saved one with
//! changes, and `--apply-fix`.

use std::io::IsTerminal;
use std::process::ExitCode;

use serde::Serialize;

use chute_core::{Chute, Code, CredentialInput, Destination, Error, ProbeTarget, Problem, Settings};
use chute_core::{ProbeEvent, ProbeOptions, ProbeOutcome, ProbeReport, StepStatus};

use super::credentials::{credential_input, proxy_password_input};
use super::encryption::key_for_test;
use crate::args::{apply_identity, TestArgs};
use crate::output::{Failure, Out, EXIT_FAILED, EXIT_INVALID};
use crate::text::connection_test::{self as text, FixHint};

/// A fix that was applied by `test --apply-fix`.
#[derive(Debug, Serialize)]
struct Applied {
    field: String,
    value: String,
    previous: String,
    label: String,
}

/// A fix `--apply-fix` could not apply, and why.
#[derive(Debug, Serialize)]
struct NotApplied {
    field: String,
    value: String,
    reason: String,
}

/// `test --apply-fix --json`.
#[derive(Serialize)]
struct FixRun<'a> {
    before: &'a ProbeReport,
    applied: &'a [Applied],
    #[serde(skip_serializing_if = "<[NotApplied]>::is_empty")]
    not_applied: &'a [NotApplied],
    after: Option<&'a ProbeReport>,
}

fn exit_for(r: &ProbeReport) -> ExitCode {
    if r.outcome == ProbeOutcome::Failed {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    }
}

pub fn test_cmd(chute: &Chute, a: &TestArgs, out: &Out) -> Result<ExitCode, Failure> {
    let opts = ProbeOptions { read_back: a.read_back, ..ProbeOptions::default() };
    let Some(target) = &a.target else {
        return test_draft(chute, a, &opts, out);
    };
    let d = chute.find(target)?;
    if a.has_settings() {
        if a.apply_fix {
            return Err(Failure::cli(
                EXIT_INVALID,
                Code::ApplyFixWithChanges,
                "--apply-fix changes the saved destination, and cannot be combined with settings to test unsaved.",
                format!(
                    "Save the changes first (`chute destination edit \"{}\" …`), or drop them and run the test with --apply-fix.",
                    d.settings.name
                ),
            ));
        }
        return test_edited(chute, a, &d, &opts, out);
    }
    let hint = if a.apply_fix { FixHint::None } else { FixHint::ApplyFix };
    let before = probe(chute, ProbeTarget::Saved { id: d.id.clone() }, &opts, out, &heading(&quoted(&d.settings.name), &d.settings), hint)?;
    if !a.apply_fix {
        if out.json {
            out.json(&before);
        }
        return Ok(exit_for(&before));
    }
    apply_fixes(chute, &d, before, &opts, out)
}

/// `test NAME --apply-fix`, after the first test: apply every one-click fix, save, test again.
fn apply_fixes(chute: &Chute, d: &Destination, before: ProbeReport, opts: &ProbeOptions, out: &Out) -> Result<ExitCode, Failure> {
    let mut settings = d.settings.clone();
    let mut applied: Vec<Applied> = Vec::new();
    let mut not_applied: Vec<NotApplied> = Vec::new();
    for fix in before.findings.iter().filter_map(|f| f.apply.as_ref()) {
        if applied.iter().any(|x| x.field == fix.field) {
            continue;
        }
        match fix.apply_to(&mut settings) {
            Ok(previous) => {
                applied.push(Applied { field: fix.field.clone(), value: fix.value.clone(), previous, label: fix.label.clone() })
            }
            Err(reason) => not_applied.push(NotApplied {
                field: fix.field.clone(),
                value: fix.value.clone(),
                reason: format!("{reason}; use `chute destination edit`"),
            }),
        }
    }
    let emit = |text: &str| progress_out(out, text);
    for n in &not_applied {
        emit(&format!("\nNot applied: {} = {} ({})\n", n.field, n.value, n.reason));
    }
    if applied.is_empty() {
        if before.findings.iter().all(|f| f.apply.is_none()) {
            emit("\nNothing to apply: the test found no one-click fix.\n");
        }
        if out.json {
            out.json(&FixRun { before: &before, applied: &applied, not_applied: &not_applied, after: None });
        }
        return Ok(exit_for(&before));
    }
    let saved = chute.update(&d.id, settings, CredentialInput::Keep)?;
    let mut text = format!("\nApplied to \"{}\":\n", saved.destination.destination.settings.name);
    for x in &applied {
        text += &format!("  {}: {} → {} ({})\n", x.field, shown(&x.previous), shown(&x.value), x.label);
    }
    emit(&(text + "\n"));
    out.warnings(&saved.warnings);
    let s = &saved.destination.destination.settings;
    let after = probe(chute, ProbeTarget::Saved { id: d.id.clone() }, opts, out, &heading(&quoted(&s.name), s), FixHint::ApplyFix)?;
    if out.json {
        out.json(&FixRun { before: &before, applied: &applied, not_applied: &not_applied, after: Some(&after) });
    }
    Ok(exit_for(&after))
}

fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

fn shown(v: &str) -> &str {
    if v.is_empty() {
        "(empty)"
    } else {
        v
    }
}

/// `test NAME --region …`: the saved destination with changes, unsaved.
fn test_edited(chute: &Chute, a: &TestArgs, d: &Destination, opts: &ProbeOptions, out: &Out) -> Result<ExitCode, Failure> {
    let mut settings = d.settings.clone();
    apply_identity(&mut settings, &a.name, a.provider, &a.bucket);
    a.options.apply(&mut settings);
    let creds = credential_input(&a.credentials)?.unwrap_or(CredentialInput::Keep);
    let warnings = check_draft(chute, &settings, &creds, Some(&d.id))?;
    let heading = heading(&format!("{} with unsaved changes", quoted(&d.settings.name)), &settings);
    let proxy_password = proxy_password_input(&a.credentials)?;
    let sse_c_key = key_for_test(&a.credentials)?;
    let target = ProbeTarget::Draft { settings, credentials: creds, editing_id: Some(d.id.clone()), proxy_password, sse_c_key };
    let report = probe(chute, target, opts, out, &heading, FixHint::Flag)?;
    draft_warnings(out, &warnings, &report);
    if out.json {
        out.json(&report);
    }
    Ok(exit_for(&report))
}

/// `test --provider … --bucket …`: settings that are not saved.
fn test_draft(chute: &Chute, a: &TestArgs, opts: &ProbeOptions, out: &Out) -> Result<ExitCode, Failure> {
    let (Some(provider), Some(bucket)) = (a.provider, &a.bucket) else {
        return Err(Failure::cli(
            EXIT_INVALID,
            Code::Usage,
            "Nothing to test: give a saved destination's name, or --provider and --bucket.",
            "Run `chute destination test NAME`, or describe unsaved settings as for `add`: `chute destination test --provider minio --bucket B --endpoint URL --access-key-id ID --secret-stdin`.",
        ));
    };
    let mut settings = Settings {
        name: a.name.clone().unwrap_or_default(),
        provider,
        bucket: bucket.clone(),
        path_style: provider.preset().path_style,
        ..Settings::default()
    };
    a.options.apply(&mut settings);
    let creds = credential_input(&a.credentials)?.ok_or_else(|| {
        Failure::cli(
            EXIT_INVALID,
            Code::CredentialsMissing,
            "No credentials were given for the settings to test.",
            "Add --access-key-id ID (with --secret-stdin or at the prompt), --profile NAME, or --no-credentials.",
        )
        .with_field("credentials")
    })?;
    let warnings = check_draft(chute, &settings, &creds, None)?;
    let heading = heading("unsaved settings", &settings);
    let proxy_password = proxy_password_input(&a.credentials)?;
    let sse_c_key = key_for_test(&a.credentials)?;
    let target = ProbeTarget::Draft { settings, credentials: creds, editing_id: None, proxy_password, sse_c_key };
    let report = probe(chute, target, opts, out, &heading, FixHint::Flag)?;
    draft_warnings(out, &warnings, &report);
    if out.json {
        out.json(&report);
    }
    Ok(exit_for(&report))
}

/// Unsaved settings are validated as `add` would, except for the name:
/// nothing is saved, so it may be empty or taken. Errors stop the test
/// (exit 2); the warnings are returned.
fn check_draft(chute: &Chute, settings: &Settings, creds: &CredentialInput, editing: Option<&str>) -> Result<Vec<Problem>, Failure> {
    let mut problems = chute.validate(&settings.clone().normalized(), creds, editing)?;
    problems.retain(|p| p.field != "name");
    if problems.iter().any(Problem::is_error) {
        return Err(Error::Invalid(problems).into());
    }
    Ok(problems)
}

/// The settings' warnings the test did not already report, for people (stderr).
fn draft_warnings(out: &Out, warnings: &[Problem], report: &ProbeReport) {
    let rest: Vec<Problem> = warnings.iter().filter(|w| !report.findings.iter().any(|f| f.code == w.code)).cloned().collect();
    out.warnings(&rest);
}

/// `Testing "NAME": URL` (`what` is already quoted or described).
fn heading(what: &str, s: &Settings) -> String {
    let url = chute_core::request_base(&s.clone().normalized());
    format!("Testing {what}: {url}\n")
}

/// Human progress: stdout normally; stderr with --json, and only on a terminal.
fn progress_enabled(out: &Out) -> bool {
    !out.json || std::io::stderr().is_terminal()
}

fn progress_out(out: &Out, text: &str) {
    if !progress_enabled(out) {
        return;
    }
    if out.json {
        out.stderr(text);
    } else {
        out.stdout(text);
    }
}

/// Run one connection test, streaming each step as it finishes (for
/// people), then its findings and outcome.
fn probe(chute: &Chute, target: ProbeTarget, opts: &ProbeOptions, out: &Out, heading: &str, hint: FixHint) -> Result<ProbeReport, Failure> {
    progress_out(out, heading);
    let live = progress_enabled(out) && if out.json { std::io::stderr().is_terminal() } else { std::io::stdout().is_terminal() };
    let mut on_event = |e: ProbeEvent| {
        let ProbeEvent::Step(step) = e else { return };
        let line = text::step_line(&step);
        if step.status == StepStatus::Running {
            // On a terminal, show the running step until it finishes.
            if live {
                progress_out(out, &line);
            }
        } else if live {
            progress_out(out, &format!("\r\x1b[2K{line}\n"));
        } else {
            progress_out(out, &(line + "\n"));
        }
    };
    let report = chute.test_connection(target, opts, &mut on_event)?;
    progress_out(out, &text::report_tail(&report, hint));
    Ok(report)
}
