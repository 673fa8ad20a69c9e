//! `chute destination …`: add, list, show, edit, remove, duplicate,
//! import and probes (the connection test is in `connection_test`,
//! delivering in `deliver`).

use std::io::IsTerminal;
use std::process::ExitCode;

use serde::Serialize;

use chute_core::ProbeReport;
use chute_core::{import_candidates, ImportError, ImportKind};
use chute_core::{Chute, Code, CredentialInput, CredentialSource, Problem, Saved, Settings};

use super::connection_test::test_cmd;
use super::credentials::{credential_input, proxy_password_input};
use super::deliver::deliver_cmd;
use super::encryption::{check_before_save, keep_after_save, sse_c_key_input};
use crate::args::{apply_identity, AddArgs, DestinationCommand, EditArgs, ImportArgs};
use crate::output::{Failure, Out, EXIT_FAILED, EXIT_INVALID};
use crate::text::destination as text;
use crate::text::problems;

pub fn destination_cmd(chute: &Chute, cmd: &DestinationCommand, out: &Out) -> Result<ExitCode, Failure> {
    match cmd {
        DestinationCommand::Add(a) => add(chute, a, out),
        DestinationCommand::List => {
            let views = chute.list_views()?;
            out.result(&views, || text::list(&views));
            Ok(ExitCode::SUCCESS)
        }
        DestinationCommand::Show { target } => {
            let d = chute.find(target)?;
            let view = chute.view(&d)?;
            let last = chute.probes(&d.id, 1)?.into_iter().next().map(|p| p.report);
            out.result(&ShowView { view: &view, last_probe: last.as_ref() }, || text::show(&view, last.as_ref()));
            Ok(ExitCode::SUCCESS)
        }
        DestinationCommand::Edit(a) => edit(chute, a, out),
        DestinationCommand::Remove { target, yes } => remove(chute, target, *yes, out),
        DestinationCommand::Duplicate { target } => {
            let d = chute.find(target)?;
            let saved = chute.duplicate(&d.id)?;
            saved_result(out, &saved, &format!("Duplicated \"{}\" as", d.settings.name));
            Ok(ExitCode::SUCCESS)
        }
        DestinationCommand::Import(a) => import_cmd(chute, a, out),
        DestinationCommand::Test(a) => test_cmd(chute, a, out),
        DestinationCommand::Deliver(a) => deliver_cmd(chute, a, out),
        DestinationCommand::Uploads { target } => super::uploads::list(chute, target, out),
        DestinationCommand::AbortUploads { target, key, upload_id, older_than, yes } => {
            super::uploads::abort(chute, target, key.as_deref().zip(upload_id.as_deref()), *older_than, *yes, out)
        }
        DestinationCommand::Probes { target, limit } => {
            let d = chute.find(target)?;
            let probes = chute.probes(&d.id, *limit as usize)?;
            out.result(&probes, || text::probes(&d.settings.name, &probes));
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `show --json`: the destination plus its newest connection test (or null).
#[derive(Serialize)]
struct ShowView<'a> {
    #[serde(flatten)]
    view: &'a chute_core::DestinationView,
    last_probe: Option<&'a ProbeReport>,
}

fn saved_result(out: &Out, saved: &Saved, verb: &str) {
    let d = &saved.destination.destination;
    out.result(saved, || format!("{verb} \"{}\" (id {}).\n", d.settings.name, d.id));
    out.warnings(&saved.warnings);
}

/// Validate only: print every problem; exit 2 if any is an error.
fn dry_run(chute: &Chute, settings: Settings, creds: &CredentialInput, editing: Option<&str>, out: &Out) -> Result<ExitCode, Failure> {
    let problems = chute.validate(&settings.normalized(), creds, editing)?;
    out.result(&problems, || {
        if problems.is_empty() {
            "No problems found. Nothing was saved (dry run).\n".to_string()
        } else {
            problems::problems(&problems) + "Nothing was saved (dry run).\n"
        }
    });
    Ok(if problems.iter().any(Problem::is_error) { ExitCode::from(EXIT_INVALID) } else { ExitCode::SUCCESS })
}

fn add(chute: &Chute, a: &AddArgs, out: &Out) -> Result<ExitCode, Failure> {
    let mut settings = Settings {
        name: a.name.clone(),
        provider: a.provider,
        bucket: a.bucket.clone(),
        path_style: a.provider.preset().path_style,
        active: !a.paused,
        ..Settings::default()
    };
    a.options.apply(&mut settings);
    let creds = credential_input(&a.credentials)?.ok_or_else(|| {
        Failure::cli(
            EXIT_INVALID,
            Code::CredentialsMissing,
            "No credentials were given for the new destination.",
            "Add --access-key-id ID (with --secret-stdin or at the prompt), --profile NAME, or --no-credentials.",
        )
        .with_field("credentials")
    })?;
    if a.dry_run {
        return dry_run(chute, settings, &creds, None, out);
    }
    let proxy_password = proxy_password_input(&a.credentials)?;
    let sse_key = sse_c_key_input(&a.credentials)?;
    check_before_save(chute, &settings, sse_key.as_ref(), None)?;
    let saved = chute.create(settings, creds)?;
    if proxy_password.is_some() {
        chute.set_proxy_password(&saved.destination.destination.id, proxy_password)?;
    }
    keep_after_save(chute, &saved.destination.destination.id, sse_key, out)?;
    saved_result(out, &saved, "Added");
    Ok(ExitCode::SUCCESS)
}

fn edit(chute: &Chute, a: &EditArgs, out: &Out) -> Result<ExitCode, Failure> {
    let existing = chute.find(&a.target)?;
    let mut settings = existing.settings.clone();
    apply_identity(&mut settings, &a.name, a.provider, &a.bucket);
    if a.clear_meta {
        settings.metadata.clear();
    }
    if a.clear_tags {
        settings.tags.clear();
    }
    if a.clear_ignore {
        settings.ignore.clear();
    }
    a.options.apply(&mut settings);
    if a.active {
        settings.active = true;
    }
    if a.paused {
        settings.active = false;
    }
    let creds = credential_input(&a.credentials)?.unwrap_or(CredentialInput::Keep);
    if a.dry_run {
        return dry_run(chute, settings, &creds, Some(&existing.id), out);
    }
    let proxy_password = proxy_password_input(&a.credentials)?;
    let sse_key = sse_c_key_input(&a.credentials)?;
    check_before_save(chute, &settings, sse_key.as_ref(), Some(&existing.id))?;
    let saved = chute.update(&existing.id, settings, creds)?;
    if proxy_password.is_some() {
        chute.set_proxy_password(&saved.destination.destination.id, proxy_password)?;
    }
    keep_after_save(chute, &saved.destination.destination.id, sse_key, out)?;
    saved_result(out, &saved, "Updated");
    Ok(ExitCode::SUCCESS)
}

fn remove(chute: &Chute, target: &str, yes: bool, out: &Out) -> Result<ExitCode, Failure> {
    let d = chute.find(target)?;
    let name = d.settings.name.clone();
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(Failure::cli(
                EXIT_INVALID,
                Code::ConfirmationRequired,
                format!("Removing \"{name}\" needs confirmation, and there is no terminal to ask on."),
                "Run the command again with --yes to remove it without asking.",
            ));
        }
        let keychain = if matches!(d.credentials, CredentialSource::Keychain { .. }) { " and its keychain item" } else { "" };
        if !out.ask(&format!("Remove destination \"{name}\"{keychain}?")) {
            return Err(Failure::cli(
                EXIT_FAILED,
                Code::Cancelled,
                format!("\"{name}\" was not removed."),
                "Answer `y` to remove it, or pass --yes.",
            ));
        }
    }
    chute.delete(&d.id)?;
    out.result(&serde_json::json!({ "removed": { "id": d.id, "name": name } }), || format!("Removed \"{name}\".\n"));
    Ok(ExitCode::SUCCESS)
}

fn import_cmd(chute: &Chute, a: &ImportArgs, out: &Out) -> Result<ExitCode, Failure> {
    let kind = ImportKind::parse(&a.from).expect("clap only accepts aws or rclone");
    let candidates = import_candidates(kind, a.file.as_deref())?;
    let Some(source) = &a.source else {
        out.result(&candidates, || text::candidates(&candidates));
        return Ok(ExitCode::SUCCESS);
    };
    let candidate = candidates
        .iter()
        .find(|c| c.source == *source)
        .or_else(|| candidates.iter().find(|c| c.source.eq_ignore_ascii_case(source)))
        .cloned()
        .ok_or_else(|| ImportError::NoSuchSource(source.clone()))?;
    let name = a.name.clone().unwrap_or_else(|| candidate.source.clone());
    let saved = chute.import(candidate, &name, a.bucket.as_deref().unwrap_or(""), a.prefix.as_deref().unwrap_or(""))?;
    saved_result(out, &saved, &format!("Imported `{source}` as"));
    Ok(ExitCode::SUCCESS)
}
