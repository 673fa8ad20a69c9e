//! A destination's proxy password, kept in the keychain beside its keys,
//! and the client options that carry it (and the SSE-C key) to the
//! destination's requests.

use super::{Chute, Error, Result};
use crate::destination::{proxy_user, Destination};
use crate::report::{Code, ErrorInfo};
use crate::s3::ClientOptions;
use crate::secret::Sensitive;

impl Chute {
    /// Keep `password` (Some, not empty) for the user the destination's
    /// proxy address names, or forget it (None or empty).
    pub fn set_proxy_password(&self, destination_id: &str, password: Option<Sensitive<String>>) -> Result<()> {
        let d = self.get(destination_id)?;
        match password.filter(|p| !p.expose().is_empty()) {
            Some(p) => {
                if proxy_user(&d.settings).is_none() {
                    return Err(Error::NotApplicable(ErrorInfo::new(
                        Code::ProxyUserMissing,
                        "The proxy password has no user to go with: the proxy address names none.",
                        "Write the user in the proxy address (http://user@host:port), then enter the password.",
                    )));
                }
                self.secrets.save_proxy_password(&d.id, &d.settings.name, &p)?;
            }
            None => self.secrets.delete_proxy_password(&d.id)?,
        }
        Ok(())
    }

    /// Whether a proxy password is kept for the destination.
    pub fn has_proxy_password(&self, destination_id: &str) -> Result<bool> {
        let d = self.get(destination_id)?;
        Ok(proxy_user(&d.settings).is_some() && self.secrets.load_proxy_password(&d.id).is_ok())
    }

    /// `base` with the destination's proxy password, when its proxy
    /// address names a user, and its SSE-C key when it encrypts with one
    /// (encryption.rs). A password that cannot be read is left out: the
    /// proxy then says it wants one, and that is what is reported.
    pub(super) fn client_options(&self, d: &Destination, base: ClientOptions) -> ClientOptions {
        ClientOptions { proxy_password: self.stored_proxy_password(d), sse_customer_key: self.sse_customer_key_for(d), ..base }
    }

    /// The password kept for the user `d`'s proxy address names, if any.
    pub(super) fn stored_proxy_password(&self, d: &Destination) -> Option<Sensitive<String>> {
        proxy_user(&d.settings).and_then(|_| self.secrets.load_proxy_password(&d.id).ok())
    }
}
