//! `chute verify`: a past delivery's objects checked again (`BATCH_ID`),
//! or a local folder audited against the objects under a prefix
//! (`--destination NAME [--prefix P] DIR`). One document with `--json`;
//! for people, a live count on a terminal while it runs, then the summary.
//! Exit 0 when every object is verified, 1 when one is not.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use chute_core::{Chute, VerifyProgress};

use crate::args::VerifyArgs;
use crate::output::{Failure, Out, EXIT_FAILED};
use crate::text::format::count;
use crate::text::verify::{audit_text, batch_text};

pub fn verify_cmd(chute: &Chute, a: &VerifyArgs, out: &Out) -> Result<ExitCode, Failure> {
    let mut shown = Shown { out, live: !out.json && std::io::stderr().is_terminal(), last: None };
    let all_verified = match &a.destination {
        Some(name) => {
            let d = chute.find(name)?;
            let audit = chute.audit_folder(&d.id, a.prefix.as_deref(), &a.target, &mut |p| shown.progress(p));
            shown.finish();
            let audit = audit?;
            out.result(&audit, || audit_text(&d.settings.name, &audit, a.all));
            audit.all_verified()
        }
        None => {
            let id = a.target.to_string_lossy();
            let check = chute.verify_batch(&id, &mut |p| shown.progress(p));
            shown.finish();
            let check = check?;
            let name = chute.history_batch(&check.batch_id)?.map(|b| b.destination_name).unwrap_or_default();
            out.result(&check, || batch_text(&name, &check, a.all));
            check.receipt.all_verified()
        }
    };
    Ok(if all_verified { ExitCode::SUCCESS } else { ExitCode::from(EXIT_FAILED) })
}

/// The count checked so far, redrawn on a terminal at most five times a second.
struct Shown<'a> {
    out: &'a Out,
    live: bool,
    last: Option<Instant>,
}

impl Shown<'_> {
    fn progress(&mut self, p: VerifyProgress) {
        if !self.live || self.last.is_some_and(|t| t.elapsed() < Duration::from_millis(200)) {
            return;
        }
        self.last = Some(Instant::now());
        self.out.stderr(&format!("\r\x1b[2KChecking objects: {} of {}…", count(p.checked), count(p.total)));
    }

    fn finish(&mut self) {
        if self.live && self.last.is_some() {
            self.out.stderr("\r\x1b[2K");
        }
    }
}
