//! What a destination's endpoint was seen to do: read for its details and
//! for every delivery, measured on demand, and measured before a first
//! delivery that would rely on a conditional create.

use super::{now_ms, Chute, Error, Result};
use crate::destination::{Destination, Overwrite};
use crate::diagnose::catalogue::{self, Scene};
use crate::diagnose::Evidence;
use crate::s3;
use crate::s3::capabilities::{self, Capabilities};

const RETRY_UNKNOWN_MS: i64 = 24 * 3600 * 1000;

impl Chute {
    /// The last observations of the destination's endpoint, if they were
    /// made on its current endpoint (`None`: never measured, or edited to
    /// another endpoint since).
    pub fn capabilities(&self, destination_id: &str) -> Result<Option<Capabilities>> {
        let d = self.get(destination_id)?;
        Ok(self.store().capabilities(destination_id)?.and_then(|c| c.for_settings(&d.settings)))
    }

    /// Measure everything again now, on a probe object written and deleted
    /// under the prefix, and keep it. Blocking.
    pub fn measure_capabilities(&self, destination_id: &str) -> Result<Capabilities> {
        let d = self.get(destination_id)?;
        let auth = self.auth_for(&d.credentials, Some(&d.id)).map_err(|d| Error::Diagnosed(Box::new(d)))?;
        let measured = self.runtime.block_on(async {
            let client = s3::client(&d.settings, &auth, &self.client_options(&d, s3::ClientOptions::probe())).await;
            capabilities::measure_with_own_object(&client, &d.settings, true, now_ms()).await
        });
        match measured {
            Ok(c) => {
                self.store().put_capabilities(&d.id, &c)?;
                Ok(c)
            }
            Err(answer) => {
                let failure = s3::classify(&answer, s3::Speaks::Unknown);
                let scene = Scene {
                    settings: &d.settings,
                    doing: "Writing a probe object to see what the server does".into(),
                    anonymous: matches!(auth, s3::Auth::Anonymous),
                    evidence: Evidence::default(),
                    clock_skew_secs: None,
                };
                Err(Error::Diagnosed(Box::new(catalogue::diagnosis(&failure, &answer, &scene))))
            }
        }
    }

    /// What a delivery to `d` may rely on: the stored observations of its
    /// endpoint; where "never overwrite" applies and the conditional create
    /// was never seen on this endpoint, it is measured first (and kept). A
    /// measurement that cannot be made leaves `None`: Chute then looks
    /// before each write, and the delivery itself says what is wrong.
    pub(super) fn capabilities_for_delivery(&self, d: &Destination, auth: &s3::Auth) -> Option<Capabilities> {
        let known = self.store().capabilities(&d.id).ok().flatten().and_then(|c| c.for_settings(&d.settings));
        // A conditional create that could not be told (refused for another
        // reason) is asked again, but at most once a day.
        let settled = known.as_ref().is_some_and(|c| {
            c.conditional_create != capabilities::ConditionalCreate::Unknown || now_ms() - c.measured_at < RETRY_UNKNOWN_MS
        });
        if settled || d.settings.overwrite != Overwrite::Never {
            return known;
        }
        // One attempt per request, the connection test's time limits: a
        // server that does not answer costs the delivery seconds, not minutes.
        let measured = self.runtime.block_on(async {
            let client = s3::client(&d.settings, auth, &self.client_options(d, s3::ClientOptions::probe())).await;
            capabilities::measure_with_own_object(&client, &d.settings, false, now_ms()).await
        });
        let Ok(mut fresh) = measured else { return known };
        // Keep what a connection test measured beyond the conditional create.
        if let Some(k) = known {
            fresh = Capabilities { checksums: k.checksums, lists_uploads: k.lists_uploads, multipart_etag: k.multipart_etag, ..fresh };
        }
        let _ = self.store().put_capabilities(&d.id, &fresh);
        Some(fresh)
    }
}
