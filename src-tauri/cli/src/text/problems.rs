//! Problems and errors for people: `warning [field] message — fix`, and
//! `error: …` with its fix.

use chute_core::{ErrorReply, Problem};

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
