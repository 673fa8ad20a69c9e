//! Objects checked at the destination: a batch's receipt kept as its
//! delivery ends (every delivery runs `AtDelivery` in the engine, see
//! delivery.rs), a batch re-checked later against what was recorded when
//! it was delivered, and a local folder audited against a prefix.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use super::{now_ms, Chute, Error, Result};
use crate::destination::{self, Compression, Context, Destination, Problem, Settings};
use crate::diagnose::receipt::Against;
use crate::report::{Code, ErrorInfo, ReceiptKind};
use crate::verify::{self, Audit, Checker, Expect, Expected, ObjectCheck, VerifyProgress};
use crate::{deliver, history, s3};

/// A batch re-checked: its new receipt and every object's result.
#[derive(Debug, Clone, Serialize)]
pub struct BatchCheck {
    pub batch_id: String,
    pub receipt: deliver::Receipt,
    pub objects: Vec<ObjectCheck>,
}

impl Chute {
    /// The batch's latest receipt, if its objects were ever checked.
    pub fn batch_receipt(&self, batch_id: &str) -> Result<Option<deliver::Receipt>> {
        self.require_batch(batch_id)?;
        Ok(history::receipt(self.store().conn(), batch_id)?)
    }

    /// Check every object a batch delivered against what was recorded when
    /// it was delivered: the same size and ETag (verified), another
    /// (changed since), or none (missing). The result is kept as the
    /// batch's receipt. Blocking.
    pub fn verify_batch(&self, batch_id: &str, on_progress: &mut (dyn FnMut(VerifyProgress) + Send)) -> Result<BatchCheck> {
        let b = self.require_batch(batch_id)?;
        let refuse = |code: Code, message: String, fix: &str| Error::History(ErrorInfo::new(code, message, fix));
        if b.state == history::BatchState::Running {
            return Err(refuse(
                Code::BatchRunning,
                "This delivery is still running; its objects are checked as each one lands.".into(),
                "Wait for it to end, then verify it.",
            ));
        }
        let delivered = history::delivered_objects(self.store().conn(), batch_id)?;
        if delivered.is_empty() {
            return Err(refuse(
                Code::NothingToVerify,
                "No file of this delivery was delivered, so there is no object to check.".into(),
                "Retry the files not delivered; each object is checked as it lands.",
            ));
        }
        let d = self.get(&b.destination_id).map_err(|e| match e {
            Error::NotFound(_) => refuse(
                Code::DestinationDeleted,
                format!("The destination “{}” this delivery went to has been deleted.", b.destination_name),
                "Its objects can only be checked through a destination for their bucket: add one, then audit its prefix against the folder (`chute verify --destination`).",
            ),
            e => e,
        })?;
        let compressed = d.settings.compression != Compression::Off;
        let against = Against::Delivery { batch_id: batch_id.to_string(), compressed };
        let expected = delivered
            .into_iter()
            .map(|o| Expected {
                index: o.index,
                key: o.key,
                expect: Expect::Recorded { size: o.size, etag: o.etag },
                against: against.clone(),
            })
            .collect();
        let checks = self.check_objects(&d, expected, on_progress)?;
        let receipt = self.keep_receipt(batch_id, ReceiptKind::Recheck, &checks)?;
        Ok(BatchCheck { batch_id: batch_id.to_string(), receipt, objects: checks })
    }

    /// Audit a local folder against the objects under `prefix` (the
    /// destination's own when `None`): each file paired with the object
    /// `{prefix}{relpath}`, compared by size and content; files with no
    /// object and objects with no file listed as missing. Blocking.
    pub fn audit_folder(
        &self,
        destination_id: &str,
        prefix: Option<&str>,
        folder: &Path,
        on_progress: &mut (dyn FnMut(VerifyProgress) + Send),
    ) -> Result<Audit> {
        let d = self.get(destination_id)?;
        let prefix = prefix.unwrap_or(&d.settings.prefix).to_string();
        let settings = Settings {
            prefix: prefix.clone(),
            key_template: "{prefix}{relpath}".into(),
            compression: Compression::Off,
            ..d.settings.clone()
        };
        let problems: Vec<Problem> =
            destination::validate(&settings, &Context::default()).into_iter().filter(|p| p.is_error() && p.field == "prefix").collect();
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        if !folder.is_dir() {
            return Err(Error::Verify(ErrorInfo {
                code: Code::NotFound,
                message: format!("{} is not a folder.", folder.display()),
                fix: "Name the local folder whose files should be under the prefix.".into(),
                field: Some("folder".into()),
            }));
        }
        let opts = deliver::PlanOptions { follow_symlinks: false, ignore: d.settings.ignore.clone() };
        let plan = deliver::plan(&settings, &[folder.to_path_buf()], &opts, time::OffsetDateTime::now_utc());
        // Chute's own manifests under the destination's prefix are not files of the folder.
        let manifests = d.settings.manifest.then(|| format!("{}_manifests/", d.settings.prefix));
        let auth = self.auth_for(&d.credentials, Some(&d.id)).map_err(|d| Error::Diagnosed(Box::new(d)))?;
        let audited = self.runtime.block_on(async {
            let client = s3::client(&d.settings, &auth, &self.client_options(&d, s3::ClientOptions::delivery())).await;
            let checker = Arc::new(Checker::new(client, &d.settings, matches!(auth, s3::Auth::Anonymous)));
            verify::audit(checker, &plan, folder, &prefix, manifests.as_deref(), on_progress).await
        });
        audited.map_err(Error::Verify)
    }
}

impl Chute {
    /// Check `expected` objects of `d`, a bounded number at once. Blocking.
    pub(super) fn check_objects(
        &self,
        d: &Destination,
        expected: Vec<Expected>,
        on_progress: &mut (dyn FnMut(VerifyProgress) + Send),
    ) -> Result<Vec<ObjectCheck>> {
        let auth = self.auth_for(&d.credentials, Some(&d.id)).map_err(|d| Error::Diagnosed(Box::new(d)))?;
        Ok(self.runtime.block_on(async {
            let client = s3::client(&d.settings, &auth, &self.client_options(d, s3::ClientOptions::delivery())).await;
            let checker = Arc::new(Checker::new(client, &d.settings, matches!(auth, s3::Auth::Anonymous)));
            verify::check_all(checker, expected, on_progress).await
        }))
    }

    /// Keep `checks` (each with its file's index in the batch) as the batch's receipt.
    pub(super) fn keep_receipt(&self, batch_id: &str, kind: ReceiptKind, checks: &[ObjectCheck]) -> Result<deliver::Receipt> {
        self.keep_tally(batch_id, kind, &verify::Tally::of(checks))
    }

    fn keep_tally(&self, batch_id: &str, kind: ReceiptKind, tally: &verify::Tally) -> Result<deliver::Receipt> {
        let receipt = tally.receipt(kind, now_ms());
        history::record_receipt(self.store().conn_mut(), batch_id, &receipt, tally.states())?;
        Ok(receipt)
    }

    /// The receipt of a delivery that just ended: the checks the engine
    /// made, and (for a `resumed` batch) the objects delivered before the
    /// interruption, never checked, compared with what was recorded. A fresh
    /// batch's every delivered object was checked by the engine.
    pub(super) fn delivery_receipt(
        &self,
        d: &Destination,
        batch_id: &str,
        mut checks: verify::Tally,
        resumed: bool,
    ) -> Result<Option<deliver::Receipt>> {
        if resumed && d.settings.check_after_delivery {
            let done: std::collections::HashSet<usize> = checks.states().iter().map(|(index, _)| *index as usize).collect();
            let earlier: Vec<Expected> = history::delivered_objects(self.store().conn(), batch_id)?
                .into_iter()
                .filter(|o| o.verified.is_none() && !done.contains(&o.index))
                .map(|o| Expected {
                    index: o.index,
                    key: o.key,
                    expect: Expect::Recorded { size: o.size, etag: o.etag },
                    against: Against::Delivery { batch_id: batch_id.to_string(), compressed: d.settings.compression != Compression::Off },
                })
                .collect();
            if !earlier.is_empty() {
                self.check_objects(d, earlier, &mut |_| {})?.iter().for_each(|c| checks.add(c));
            }
        }
        if checks.states().is_empty() {
            return Ok(None);
        }
        self.keep_tally(batch_id, ReceiptKind::Delivery, &checks).map(Some)
    }
}
