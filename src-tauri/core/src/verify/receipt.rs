//! A batch's receipt from the checks of its objects: the counts, a note
//! on what could not be verified (said once, with how many it concerns),
//! and each object that differs or could not be checked.

use super::model::ObjectCheck;
use crate::deliver::{Receipt, ReceiptProblem};
use crate::report::{Code, ReceiptKind, Verification};

/// The receipt of `checks` (each `index` the file's index in its batch), made at `checked_at` (Unix ms).
pub fn receipt(kind: ReceiptKind, checked_at: i64, checks: &[ObjectCheck]) -> Receipt {
    let count = |f: &dyn Fn(Verification) -> bool| checks.iter().filter(|c| f(c.state)).count();
    let mut problems: Vec<ReceiptProblem> = checks
        .iter()
        .filter(|c| c.state.is_difference() || c.state == Verification::Unchecked)
        .map(|c| {
            let e = c.error.as_ref();
            ReceiptProblem {
                index: c.index,
                key: c.key.clone(),
                state: c.state,
                code: e.map_or(Code::Internal, |e| e.code),
                message: e.map(|e| e.message.clone()).unwrap_or_default(),
                fix: e.map(|e| e.fix.clone()).unwrap_or_default(),
            }
        })
        .collect();
    problems.sort_by_key(|p| p.index);
    // One note per cause, with how many objects it concerns.
    let mut notes: Vec<(String, usize)> = Vec::new();
    let causes = checks.iter().filter_map(|c| match c.state {
        Verification::SizeOnly => c.note.clone(),
        Verification::Unchecked => c.error.as_ref().map(|e| format!("{} {}", e.message, e.fix)),
        _ => None,
    });
    for cause in causes {
        match notes.iter_mut().find(|(n, _)| *n == cause) {
            Some((_, k)) => *k += 1,
            None => notes.push((cause, 1)),
        }
    }
    let note = (!notes.is_empty()).then(|| {
        notes
            .iter()
            .map(|(n, k)| if *k == 1 { format!("1 object: {n}") } else { format!("{k} objects: {n}") })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Receipt {
        kind,
        checked_at,
        checked: checks.len(),
        verified: count(&|s| s == Verification::Verified),
        size_only: count(&|s| s == Verification::SizeOnly),
        differing: count(&|s| s.is_difference()),
        unchecked: count(&|s| s == Verification::Unchecked),
        note,
        problems,
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
