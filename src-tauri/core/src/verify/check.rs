//! One object checked: asked about once (HEAD), then compared with what it
//! should be (compare.rs); or, where a listing described it, by that alone
//! when it verifies the object. A server that refused to describe one object is
//! not asked about the rest (the `Checker` remembers).

use tokio::sync::{Semaphore, SemaphorePermit};

use super::compare;
use super::model::{Checker, Expect, Expected, ObjectCheck};
use super::seen::{self, NotSeen, Seen};
use crate::diagnose::receipt::Discrepancy;
use crate::report::Verification;

impl Checker {
    /// Check one object.
    pub async fn check(&self, e: &Expected) -> ObjectCheck {
        let out = ObjectCheck::new(e.index, &e.key, Verification::Unchecked);
        let earlier = self.refused.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(refused) = earlier {
            return out.unchecked(refused);
        }
        let seen = match seen::head(&self.client, &self.bucket, &e.key, &self.failures).await {
            Ok(Some(s)) => s,
            Ok(None) => return out.differs(Discrepancy::Missing, &e.against),
            Err(NotSeen::Refused(err)) => {
                *self.refused.lock().unwrap_or_else(|p| p.into_inner()) = Some(err.clone());
                return out.unchecked(err);
            }
            Err(NotSeen::Failed(err)) => return out.unchecked(err),
        };
        self.compare(out, e, &seen).await
    }

    /// Check one object that a listing described as `listed`: verified by
    /// that alone where it settles the check, else asked about as `check`
    /// does (holding one of `requests` while it asks, when given).
    pub(super) async fn check_listed(&self, e: &Expected, listed: Option<&Seen>, requests: Option<&Semaphore>) -> ObjectCheck {
        if let Some(seen) = listed {
            let by_listing = self.compare(ObjectCheck::new(e.index, &e.key, Verification::Unchecked), e, seen).await;
            if by_listing.state == Verification::Verified {
                return by_listing;
            }
        }
        let _slot = slot(requests).await;
        self.check(e).await
    }

    async fn compare(&self, out: ObjectCheck, e: &Expected, seen: &Seen) -> ObjectCheck {
        let out = ObjectCheck { size: Some(seen.size), etag: seen.etag.clone(), ..out };
        match &e.expect {
            Expect::Recorded { size, etag } => compare::recorded(out, *size, etag.as_deref(), seen, &e.against),
            Expect::Local(file) => compare::local(self, out, file, seen, &e.against).await,
        }
    }
}

/// One of `requests`, when given, held while a request is made.
pub(super) async fn slot(requests: Option<&Semaphore>) -> Option<SemaphorePermit<'_>> {
    match requests {
        Some(r) => Some(r.acquire().await.expect("semaphore open")),
        None => None,
    }
}
