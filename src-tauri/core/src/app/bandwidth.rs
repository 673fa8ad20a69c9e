//! The app's overall bandwidth limit: a setting kept in the database, and
//! the one bucket every delivery and watch of this process draws from,
//! together with its destination's own limit (the lower wins).

use super::{Chute, Error, Result};
use crate::bandwidth;
use crate::deliver::{Throttle, TransferOptions};
use crate::destination::Destination;
use crate::report::ErrorInfo;

const OVERALL_LIMIT_KEY: &str = "bandwidth_limit";

impl Chute {
    /// The overall limit in bytes per second (`None`: no limit). Read from
    /// the database each time, so a change made by another process (the
    /// window, while `chute watch run` delivers) reaches this one's
    /// deliveries as they start.
    pub fn bandwidth_limit(&self) -> Result<Option<u64>> {
        let stored = self.store().app_setting(OVERALL_LIMIT_KEY)?;
        let rate = stored.and_then(|t| bandwidth::parse(&t).ok().flatten());
        if self.bandwidth.rate() != rate {
            self.bandwidth.set_rate(rate);
        }
        Ok(rate)
    }

    /// Set the overall limit as typed (`8 MB/s`; empty or `off` removes
    /// it). Deliveries running in this process follow at once.
    pub fn set_bandwidth_limit(&self, text: &str) -> Result<Option<u64>> {
        let rate = bandwidth::parse(text).map_err(|e| {
            Error::NotApplicable(ErrorInfo { code: e.code, message: e.message, fix: e.fix, field: Some("bandwidth_limit".into()) })
        })?;
        match rate {
            Some(r) => self.store().set_app_setting(OVERALL_LIMIT_KEY, &format!("{r} B/s"))?,
            None => crate::store::clear_app_setting(self.store().conn(), OVERALL_LIMIT_KEY)?,
        }
        self.bandwidth.set_rate(rate);
        Ok(rate)
    }

    /// The limits a delivery to `d` obeys: this run's own limit (given in
    /// `opts.throttle`) or the destination's, and the overall one; `None`
    /// when neither limits it.
    pub(super) fn throttle_for(&self, d: &Destination, opts: &TransferOptions) -> Result<Option<Throttle>> {
        self.bandwidth_limit()?;
        let own = opts.throttle.as_ref().and_then(Throttle::own_rate).or(d.settings.bandwidth_limit());
        Ok(Throttle::of(own, &self.bandwidth))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overall_limit_is_kept_validated_and_removable() {
        let dir = tempfile::tempdir().unwrap();
        let chute = Chute::open_with(dir.path(), crate::secret::SecretStore::platform()).unwrap();
        assert_eq!(chute.bandwidth_limit().unwrap(), None, "no limit by default");
        assert_eq!(chute.set_bandwidth_limit("2 MB/s").unwrap(), Some(2 << 20));
        let e = chute.set_bandwidth_limit("0").unwrap_err();
        let info = crate::report::UserError::info(&e);
        assert_eq!(info.code, crate::report::Code::BandwidthLimitInvalid);
        assert!(info.message.contains("never send") && info.fix.contains("empty"), "{info:?}");
        drop(chute);
        let chute = Chute::open_with(dir.path(), crate::secret::SecretStore::platform()).unwrap();
        assert_eq!(chute.bandwidth_limit().unwrap(), Some(2 << 20), "kept, and the refused value changed nothing");
        assert_eq!(chute.bandwidth.rate(), Some(2 << 20), "the process-wide bucket follows the setting");
        assert_eq!(chute.set_bandwidth_limit("off").unwrap(), None);
        assert_eq!(chute.bandwidth_limit().unwrap(), None);
    }
}
