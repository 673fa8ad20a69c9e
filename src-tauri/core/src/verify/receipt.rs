//! A batch's receipt from the checks of its objects: the counts, a note
//! on what could not be verified (said once, with how many it concerns),
//! and each object that differs or could not be checked.

use super::model::ObjectCheck;
use crate::deliver::{Receipt, ReceiptProblem};
use crate::report::{Code, ReceiptKind, Verification};

/// The receipt of `checks` (each `index` the file's index in its batch), made at `checked_at` (Unix ms).
pub fn receipt(kind: ReceiptKind, checked_at: i64, checks: &[ObjectCheck]) -> Receipt {
    Tally::of(checks).receipt(kind, checked_at)
}

/// Checks summed up as they are made: each object's state (8 bytes),
/// a problem for each object that differs or went unchecked, and one note
/// per cause with how many objects it concerns. A delivery of 100,000
/// files keeps this, not 100,000 checks.
#[derive(Debug, Default)]
pub struct Tally {
    /// (the file's index in its batch, its state), in the order checked;
    /// the one thing a delivery keeps per file, so the index is 4 bytes.
    states: Vec<(u32, Verification)>,
    problems: Vec<ReceiptProblem>,
    notes: Vec<(String, usize)>,
}

impl Tally {
    pub fn of(checks: &[ObjectCheck]) -> Tally {
        let mut tally = Tally::default();
        checks.iter().for_each(|c| tally.add(c));
        tally
    }

    pub fn add(&mut self, c: &ObjectCheck) {
        self.states.push((u32::try_from(c.index).expect("a batch's files are counted in u32"), c.state));
        let e = c.error.as_ref();
        if c.state.is_difference() || c.state == Verification::Unchecked {
            self.problems.push(ReceiptProblem {
                index: c.index,
                key: c.key.clone(),
                state: c.state,
                code: e.map_or(Code::Internal, |e| e.code),
                message: e.map(|e| e.message.clone()).unwrap_or_default(),
                fix: e.map(|e| e.fix.clone()).unwrap_or_default(),
            });
        }
        let cause = match c.state {
            Verification::SizeOnly => c.note.clone(),
            Verification::Unchecked => e.map(|e| format!("{} {}", e.message, e.fix)),
            _ => None,
        };
        if let Some(cause) = cause {
            match self.notes.iter_mut().find(|(n, _)| *n == cause) {
                Some((_, k)) => *k += 1,
                None => self.notes.push((cause, 1)),
            }
        }
    }

    /// Each object's state, by its index in the batch.
    pub fn states(&self) -> &[(u32, Verification)] {
        &self.states
    }

    pub fn receipt(&self, kind: ReceiptKind, checked_at: i64) -> Receipt {
        let count = |f: &dyn Fn(Verification) -> bool| self.states.iter().filter(|(_, s)| f(*s)).count();
        let mut problems = self.problems.clone();
        problems.sort_by_key(|p| p.index);
        let note = (!self.notes.is_empty()).then(|| {
            self.notes
                .iter()
                .map(|(n, k)| if *k == 1 { format!("1 object: {n}") } else { format!("{k} objects: {n}") })
                .collect::<Vec<_>>()
                .join("\n")
        });
        Receipt {
            kind,
            checked_at,
            checked: self.states.len(),
            verified: count(&|s| s == Verification::Verified),
            size_only: count(&|s| s == Verification::SizeOnly),
            differing: count(&|s| s.is_difference()),
            unchecked: count(&|s| s == Verification::Unchecked),
            note,
            problems,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::receipt::{Against, Discrepancy};

    #[test]
    fn counts_problems_and_one_note_per_cause() {
        let against = Against::Delivery { batch_id: "b".into(), compressed: false };
        let c = |i: usize, s: Verification| ObjectCheck::new(i, &format!("k{i}"), s);
        let checks = vec![
            c(3, Verification::Verified),
            c(2, Verification::Unchecked).differs(Discrepancy::Missing, &against),
            c(1, Verification::Unchecked).size_only("opaque"),
            c(0, Verification::Unchecked).size_only("opaque"),
            c(4, Verification::Unchecked).differs(Discrepancy::Size { object: 1, local: 2 }, &against),
        ];
        let r = receipt(ReceiptKind::Delivery, 7, &checks);
        assert_eq!((r.checked, r.verified, r.size_only, r.differing, r.unchecked), (5, 1, 2, 2, 0));
        assert_eq!(
            r.problems.iter().map(|p| (p.index, p.state, p.code)).collect::<Vec<_>>(),
            vec![(2, Verification::Missing, Code::ObjectMissing), (4, Verification::Mismatch, Code::ReceiptMismatch)]
        );
        assert_eq!(r.note.as_deref(), Some("2 objects: opaque"));
        assert!(!r.all_verified());
        assert!(receipt(ReceiptKind::Recheck, 7, &checks[..1]).all_verified());
    }
}
