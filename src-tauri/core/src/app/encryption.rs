//! A destination's SSE-C customer key, kept in the keychain beside its
//! keys (never in the database, a log, a reply or an output), and read
//! for its requests; a delivery that cannot read it does not start.

use super::{Chute, Error, Result};
use crate::destination::{CustomerKey, Destination, Encryption};
use crate::diagnose;

impl Chute {
    /// Keep `key` as the destination's SSE-C key, or forget it (None).
    pub fn set_sse_customer_key(&self, destination_id: &str, key: Option<&CustomerKey>) -> Result<()> {
        let d = self.get(destination_id)?;
        match key {
            Some(k) => self.secrets.save_sse_customer_key(&d.id, &d.settings.name, &k.base64())?,
            None => self.secrets.delete_sse_customer_key(&d.id)?,
        }
        self.clients.forget(&d.id);
        Ok(())
    }

    /// Whether an SSE-C key is kept (and readable) for the destination.
    pub fn has_sse_customer_key(&self, destination_id: &str) -> Result<bool> {
        let d = self.get(destination_id)?;
        Ok(self.stored_sse_customer_key(&d).is_ok())
    }

    /// The destination's SSE-C key from the keychain.
    pub(super) fn stored_sse_customer_key(&self, d: &Destination) -> std::result::Result<CustomerKey, crate::secret::SecretError> {
        let text = self.secrets.load_sse_customer_key(&d.id)?;
        CustomerKey::parse(text.expose()).map_err(|_| crate::secret::SecretError::Corrupt)
    }

    /// The key a destination's requests carry: `None` unless it encrypts
    /// with SSE-C (then a key that cannot be read leaves the requests
    /// unsent, see `s3::ObjectEncryption`).
    pub(super) fn sse_customer_key_for(&self, d: &Destination) -> Option<CustomerKey> {
        (d.settings.encryption == Encryption::SseC).then(|| self.stored_sse_customer_key(d).ok()).flatten()
    }

    /// Before a delivery or a connection test relies on it: the SSE-C key
    /// can be read, else the keychain's trouble in words (what it costs:
    /// objects can be neither written nor read without it).
    #[allow(clippy::result_large_err)]
    pub(super) fn sse_customer_key_ready(&self, d: &Destination) -> std::result::Result<(), diagnose::Diagnosis> {
        if d.settings.encryption != Encryption::SseC {
            return Ok(());
        }
        self.stored_sse_customer_key(d).map(|_| ()).map_err(|e| diagnose::encryption::customer_key_unreadable(&d.settings.name, &e))
    }

    /// `sse_customer_key_ready` as a delivery's error.
    pub(super) fn delivery_encryption(&self, d: &Destination) -> Result<()> {
        self.sse_customer_key_ready(d).map_err(|diag| Error::Diagnosed(Box::new(diag)))
    }
}
