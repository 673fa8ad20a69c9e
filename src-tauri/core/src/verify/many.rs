//! Many objects checked at once, a bounded number in flight (as the
//! check for existing keys does), those a listing verifies without a
//! request of their own, the results in the order given, and progress told
//! at most every 100 ms and once at the end.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::check::slot;
use super::listing::{self, Listed};
use super::model::{Checker, Expected, ObjectCheck};
use crate::deliver::err;
use crate::report::{Code, Verification};

/// Checks in flight at once: each is one HEAD (a few for a multipart
/// object whose part size must be found) and, for some, reading a file.
const IN_FLIGHT: usize = 32;
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// How far a run of checks is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct VerifyProgress {
    pub checked: usize,
    pub total: usize,
}

/// Check every object of `expected`; results in the same order. Many
/// objects are first described by listing them (`listing.rs`).
pub async fn check_all(
    checker: Arc<Checker>,
    expected: Vec<Expected>,
    on_progress: &mut (dyn FnMut(VerifyProgress) + Send),
) -> Vec<ObjectCheck> {
    check_described(checker, expected, None, None, on_progress).await
}

/// `check_all`, with what a listing already made said of the objects
/// (`None`: list them here, if they are many), each request made holding
/// one of `requests` when given (a delivery's own request slots).
pub(super) async fn check_described(
    checker: Arc<Checker>,
    expected: Vec<Expected>,
    listed: Option<Listed>,
    requests: Option<Arc<Semaphore>>,
    on_progress: &mut (dyn FnMut(VerifyProgress) + Send),
) -> Vec<ObjectCheck> {
    let total = expected.len();
    let mut results: Vec<Option<ObjectCheck>> = vec![None; total];
    let mut next = 0;
    let mut running = JoinSet::new();
    let mut checked = 0;
    let mut last = Instant::now();
    on_progress(VerifyProgress { checked, total });
    let listed = Arc::new(match listed {
        Some(listed) => listed,
        None => {
            let _slot = slot(requests.as_deref()).await;
            listing::describe(&checker, &expected).await
        }
    });
    let expected = Arc::new(expected);
    loop {
        while running.len() < IN_FLIGHT && next < total {
            let (checker, expected, listed, requests, at) = (checker.clone(), expected.clone(), listed.clone(), requests.clone(), next);
            running.spawn(async move {
                let e = &expected[at];
                (at, checker.check_listed(e, listed.get(&e.key), requests.as_deref()).await)
            });
            next += 1;
        }
        let Some(joined) = running.join_next().await else { break };
        if let Ok((at, check)) = joined {
            results[at] = Some(check);
        }
        checked += 1;
        if last.elapsed() >= PROGRESS_EVERY {
            on_progress(VerifyProgress { checked, total });
            last = Instant::now();
        }
    }
    on_progress(VerifyProgress { checked: total, total });
    results
        .into_iter()
        .zip(expected.iter())
        .map(|(r, e)| {
            r.unwrap_or_else(|| {
                ObjectCheck::new(e.index, &e.key, Verification::Unchecked).unchecked(err(
                    Code::Internal,
                    "The check of this object stopped unexpectedly.",
                    "Verify again; if it keeps happening, report it.",
                ))
            })
        })
        .collect()
}
