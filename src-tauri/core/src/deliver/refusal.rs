//! Why a plan cannot be delivered as a whole, in the words a person needs:
//! keys two files would share (a key template that folds names together,
//! or two names that differ only in their Unicode form), or nothing left
//! to send (no file found, or every one refused before sending, each cause
//! named with its own fix). Every front end refuses with these.

use std::path::Path;

use unicode_normalization::UnicodeNormalization;

use super::plan::{Collision, Plan, PlanProblem};
use crate::report::{Code, ErrorInfo};

impl Plan {
    /// The refusal of a plan that cannot be delivered (`None` when it can):
    /// `key_collision` when two files would be written to one key,
    /// `nothing_to_deliver` when no file is left to send.
    pub fn refusal(&self) -> Option<ErrorInfo> {
        if !self.collisions.is_empty() {
            return Some(collision_refusal(&self.collisions));
        }
        if self.files.is_empty() {
            return Some(nothing_to_deliver(self));
        }
        None
    }
}

impl Collision {
    /// True when the files sharing this key have names that differ only in
    /// their Unicode form (e.g. `café` typed as one character or as `e` and
    /// an accent): keys are normalized (NFC), so no key template keeps them
    /// apart; one of them must be renamed.
    pub fn differs_only_in_unicode_form(&self) -> bool {
        let nfc = |p: &Path| p.to_string_lossy().nfc().collect::<String>();
        let Some(first) = self.sources.first() else { return false };
        self.sources.len() > 1 && self.sources.iter().all(|s| nfc(s) == nfc(first))
    }
}

/// Text (a path, a message naming one) as a terminal shows it faithfully: control characters escaped.
fn shown(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// `The key would …` as the tail of a sentence: `the key would …`.
fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) if !c.clone().next().is_some_and(|n| n.is_uppercase() || n.is_ascii_digit()) => f.to_lowercase().chain(c).collect(),
        Some(f) => std::iter::once(f).chain(c).collect(),
        None => String::new(),
    }
}

fn collision_refusal(collisions: &[Collision]) -> ErrorInfo {
    let n = collisions.len();
    let twins = collisions.iter().filter(|c| c.differs_only_in_unicode_form()).count();
    let first = &collisions[0];
    let more = if n > 1 { format!(" (and {} more)", count(n - 1, "other key", "other keys")) } else { String::new() };
    let sources = first.sources.iter().map(|p| format!("`{}`", shown(&p.to_string_lossy()))).collect::<Vec<_>>().join(" and ");
    let template_fix = "Change the destination's key template so every file gets its own key ({prefix}{relpath} keeps folders apart, {id} makes each key unique).";
    let rename_fix = "Rename one of the files so the names differ in more than their Unicode form, then deliver again.";
    if first.differs_only_in_unicode_form() {
        let message = format!(
            "Two file names differ only in their Unicode form (the same letters, encoded differently), so nothing was sent: {sources} \
             would both be written to `{}`{more}. Object keys use one Unicode form (NFC), so no key template can keep them apart.",
            first.key
        );
        let fix = if twins == n { rename_fix.to_string() } else { format!("{rename_fix} For the other keys: {template_fix}") };
        return ErrorInfo::new(Code::KeyCollision, message, fix);
    }
    let message = format!(
        "{} would be written by more than one file, so nothing was sent. First: `{}` ← {sources}{}.",
        count(n, "key", "keys"),
        first.key,
        if n > 1 { format!(" (and {} more)", n - 1) } else { String::new() }
    );
    let fix = if twins > 0 {
        format!("{template_fix} Some names differ only in their Unicode form: {rename_fix}")
    } else {
        template_fix.to_string()
    };
    ErrorInfo::new(Code::KeyCollision, message, fix)
}

fn nothing_to_deliver(plan: &Plan) -> ErrorInfo {
    let problems = &plan.problems;
    let Some(first) = problems.first() else {
        let (message, fix) = if plan.excluded.is_empty() {
            ("There is nothing to deliver: no file was found in the paths given.", "Give files, or folders that hold files.")
        } else {
            (
                "There is nothing to deliver: every file in the paths given is left out (ignored, a link, or not a regular file).",
                "Give other files, or change the destination's ignore list; the preview lists what was left out and why.",
            )
        };
        return ErrorInfo::new(Code::NothingToDeliver, message, fix);
    };
    // A destination whose key template is not valid gives every file the
    // same cause: say that, not "N files".
    if first.code == Code::TemplateInvalid {
        return ErrorInfo::new(
            Code::NothingToDeliver,
            format!("There is nothing to deliver: {}", lowercase_first(&first.message)),
            &first.fix,
        );
    }
    let same_cause = problems.iter().all(|p| p.code == first.code);
    let cause = cause_of(first);
    let message = match (problems.len(), same_cause) {
        (1, _) => format!("There is nothing to deliver: {cause}"),
        (n, true) => format!("There is nothing to deliver: {n} paths were refused, all for the same cause. The first: {cause}"),
        (n, false) => format!("There is nothing to deliver: {n} paths were refused before sending. The first: {cause}"),
    };
    let fix = if same_cause || problems.len() == 1 {
        first.fix.clone()
    } else {
        format!("{} The preview lists every refused file with its own cause and fix.", first.fix)
    };
    ErrorInfo::new(Code::NothingToDeliver, message, fix)
}

/// `` `path` was refused: the key would … `` in the problem's own words
/// (the path once, where the message does not already name it).
fn cause_of(p: &PlanProblem) -> String {
    let path = p.path.to_string_lossy();
    if p.message.contains(path.as_ref()) {
        shown(&p.message)
    } else {
        format!("`{}` was refused: {}", shown(&path), lowercase_first(&p.message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn plan(collisions: Vec<Collision>, problems: Vec<PlanProblem>) -> Plan {
        Plan { files: vec![], excluded: vec![], problems, collisions, total_bytes: 0, created_at: 0, from_batch: None, sources: vec![] }
    }

    #[test]
    fn unicode_twins_are_told_to_rename_not_to_change_the_template() {
        let twins = Collision {
            key: "in/caf\u{e9}.txt".into(),
            sources: vec![PathBuf::from("/d/caf\u{e9}.txt"), PathBuf::from("/d/cafe\u{301}.txt")],
        };
        assert!(twins.differs_only_in_unicode_form());
        let r = plan(vec![twins], vec![]).refusal().unwrap();
        assert_eq!(r.code, Code::KeyCollision);
        assert!(r.message.contains("differ only in their Unicode form"), "{}", r.message);
        assert!(r.fix.starts_with("Rename one of the files") && !r.fix.contains("template"), "{}", r.fix);

        let folded = Collision { key: "in/a.txt".into(), sources: vec![PathBuf::from("/d/x/a.txt"), PathBuf::from("/d/y/a.txt")] };
        assert!(!folded.differs_only_in_unicode_form());
        let r = plan(vec![folded], vec![]).refusal().unwrap();
        assert!(r.message.contains("1 key would be written by more than one file"), "{}", r.message);
        assert!(r.fix.contains("key template"), "{}", r.fix);
    }

    #[test]
    fn nothing_to_deliver_names_the_cause() {
        let problem = |path: &str, code: Code, message: &str, fix: &str| PlanProblem {
            path: PathBuf::from(path),
            code,
            message: message.into(),
            fix: fix.into(),
        };
        let bell = problem(
            "/d/only\u{7}.txt",
            Code::KeyControlChars,
            "The key would contain a control character (U+0007).",
            "Rename the file, or change the key template, so the key has no control characters.",
        );
        let r = plan(vec![], vec![bell.clone()]).refusal().unwrap();
        assert_eq!(r.code, Code::NothingToDeliver);
        assert!(r.message.contains("`/d/only\\u{7}.txt` was refused: the key would contain a control character (U+0007)"), "{}", r.message);
        assert!(!r.message.contains("could not be read"), "{}", r.message);
        assert_eq!(r.fix, bell.fix);

        let template = problem(
            "/d",
            Code::TemplateInvalid,
            "The destination's key template is not valid: a `..` folder cannot be part of a key.",
            "Edit the destination and correct its key template (e.g. {prefix}{relpath}).",
        );
        let r = plan(vec![], vec![template]).refusal().unwrap();
        assert!(r.message.starts_with("There is nothing to deliver: the destination's key template is not valid"), "{}", r.message);
        assert!(r.fix.contains("correct its key template"), "{}", r.fix);

        let r = plan(vec![], vec![]).refusal().unwrap();
        assert!(r.message.contains("no file was found"), "{}", r.message);
    }
}
