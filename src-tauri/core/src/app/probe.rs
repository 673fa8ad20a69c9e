//! The connection test of a saved destination or of the form as typed,
//! its one-click fixes applied to a saved destination, and the identity a
//! destination's requests use.

use super::{Chute, Error, Result, Saved};
use crate::destination::{CredentialInput, CredentialSource, CustomerKey, Destination, Encryption, Settings};
use crate::report::{Code, ErrorInfo};
use crate::secret::{Credentials, Sensitive};
use crate::{diagnose, probe, s3, store};

/// What to test: a saved destination, or a form that may not be saved yet.
/// Built once per test; its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum ProbeTarget {
    Saved {
        id: String,
    },
    /// `editing_id` lets "keep the stored key" work while editing.
    Draft {
        settings: Settings,
        credentials: CredentialInput,
        editing_id: Option<String>,
        /// The proxy password as typed; None keeps the stored one (editing).
        proxy_password: Option<Sensitive<String>>,
        /// The SSE-C key as typed (base64 or hex); None keeps the stored one (editing).
        sse_c_key: Option<Sensitive<String>>,
    },
}

impl Chute {
    /// The identity a destination's requests are signed with, or a
    /// diagnosis of why it cannot be had (keychain missing, locked, …).
    /// Called once per test, so the large error is no cost.
    #[allow(clippy::result_large_err)]
    pub fn auth_for(&self, source: &CredentialSource, destination_id: Option<&str>) -> std::result::Result<s3::Auth, diagnose::Diagnosis> {
        match source {
            CredentialSource::Keychain { .. } => {
                let id = destination_id.unwrap_or_default();
                self.secrets.load(id).map(s3::Auth::Static).map_err(|e| diagnose::keychain::keychain(&e))
            }
            CredentialSource::Profile { profile } => Ok(s3::Auth::Profile(profile.clone())),
            CredentialSource::None => Ok(s3::Auth::Anonymous),
        }
    }

    /// The identity a delivery signs with, a profile resolved first: an
    /// expired SSO sign-in (or any profile that gives no credentials) is
    /// said once, before any file is tried, in the connection test's words.
    pub(super) fn delivery_auth(&self, d: &Destination) -> Result<s3::Auth> {
        let auth = self.auth_for(&d.credentials, Some(&d.id)).map_err(|d| Error::Diagnosed(Box::new(d)))?;
        // An SSE-C key that cannot be read stops the delivery here too.
        self.delivery_encryption(d)?;
        if let s3::Auth::Profile(profile) = &auth {
            if let Err(why) = self.runtime.block_on(s3::check_profile(profile)) {
                let ev = diagnose::Evidence { step: Some("credentials".into()), detail: Some(why.clone()), ..Default::default() };
                let sso = crate::sso::sso_sign_in(profile);
                return Err(Error::Diagnosed(Box::new(diagnose::profile::profile_failed(profile, &why, sso.as_ref(), ev))));
            }
        }
        Ok(auth)
    }

    /// Run the connection test, reporting each step and finding through
    /// `on_event` as it happens, and store the report (it holds no secret).
    /// Blocking: call it from a worker thread.
    pub fn test_connection(
        &self,
        target: ProbeTarget,
        opts: &probe::ProbeOptions,
        on_event: &mut (dyn FnMut(probe::ProbeEvent) + Send),
    ) -> Result<probe::ProbeReport> {
        let (settings, auth, destination_id, proxy_password, sse_key) = match target {
            ProbeTarget::Saved { id } => {
                let d = self.get(&id)?;
                let auth = self.auth_for(&d.credentials, Some(&d.id));
                let proxy_password = self.stored_proxy_password(&d);
                let sse_key = self.sse_customer_key_ready(&d).map(|_| self.sse_customer_key_for(&d));
                (d.settings, auth, Some(d.id), proxy_password, sse_key)
            }
            ProbeTarget::Draft { settings, credentials, editing_id, proxy_password, sse_c_key } => {
                let auth = match credentials {
                    CredentialInput::Keep => match &editing_id {
                        Some(id) => {
                            let d = self.get(id)?;
                            self.auth_for(&d.credentials, Some(id))
                        }
                        None => Ok(s3::Auth::Anonymous),
                    },
                    CredentialInput::Keys { access_key_id, secret_access_key, session_token } => Ok(s3::Auth::Static(Credentials {
                        access_key_id: access_key_id.trim().to_string(),
                        secret_access_key: Sensitive::new(secret_access_key.expose().trim().to_string()),
                        session_token,
                    })),
                    CredentialInput::Profile { profile } => Ok(s3::Auth::Profile(profile)),
                    CredentialInput::None => Ok(s3::Auth::Anonymous),
                };
                let settings = settings.normalized();
                let proxy_password = proxy_password.or_else(|| {
                    let id = editing_id.as_deref()?;
                    // The stored password, for the user of the address as typed.
                    let d = Destination { settings: settings.clone(), ..self.get(id).ok()? };
                    self.stored_proxy_password(&d)
                });
                let sse_key = self.draft_sse_customer_key(&settings, sse_c_key, editing_id.as_deref());
                (settings, auth, editing_id, proxy_password, sse_key)
            }
        };
        // An SSE-C key that cannot be had stops the test at its first step,
        // in words: nothing is written without it.
        let (auth, sse_customer_key) = match sse_key {
            Ok(key) => (auth, key),
            Err(d) => (Err(d), None),
        };
        let client = s3::ClientOptions { proxy_password, sse_customer_key, ..opts.client.clone() };
        let opts = probe::ProbeOptions { client, ..opts.clone() };
        let report = self.runtime.block_on(probe::run(&settings, auth, &opts, on_event));
        self.store().add_probe(destination_id.as_deref(), &report)?;
        // What the server was seen to do, kept for deliveries to a saved
        // destination (measured on the settings tested: an unsaved edit to
        // another endpoint does not match the saved one, and is not used).
        if let (Some(id), Some(c)) = (&destination_id, &report.capabilities) {
            if self.store().get_destination(id)?.is_some() {
                self.store().put_capabilities(id, c)?;
            }
        }
        Ok(report)
    }

    /// The SSE-C key a form being tested uses: the one typed, else the one
    /// kept for the destination being edited; `None` unless it encrypts
    /// with SSE-C.
    #[allow(clippy::result_large_err)]
    fn draft_sse_customer_key(
        &self,
        settings: &Settings,
        typed: Option<Sensitive<String>>,
        editing_id: Option<&str>,
    ) -> std::result::Result<Option<CustomerKey>, diagnose::Diagnosis> {
        if settings.encryption != Encryption::SseC {
            return Ok(None);
        }
        match typed.filter(|t| !t.expose().trim().is_empty()) {
            Some(t) => CustomerKey::parse(t.expose()).map(Some).map_err(|e| diagnose::encryption::customer_key_typed_wrong(&e)),
            None => {
                let d = editing_id.and_then(|id| self.get(id).ok());
                let stored = d.as_ref().map(|d| self.stored_sse_customer_key(d)).unwrap_or(Err(crate::secret::SecretError::Missing));
                stored.map(Some).map_err(|e| diagnose::encryption::customer_key_unreadable(&settings.name, &e))
            }
        }
    }

    /// The newest connection tests of a destination, newest first.
    pub fn probes(&self, destination_id: &str, limit: usize) -> Result<Vec<store::StoredProbe>> {
        Ok(self.store().probes(destination_id, limit)?)
    }

    /// Apply a test's one-click fix to a saved destination: its setting
    /// `field` set to `value`, saved like an edit (validated, the key kept).
    pub fn apply_fix(&self, destination_id: &str, field: &str, value: &str) -> Result<Saved> {
        let d = self.get(destination_id)?;
        let mut settings = d.settings;
        diagnose::actions::apply(&mut settings, field, value).map_err(|why| {
            Error::NotApplicable(ErrorInfo::new(
                Code::FixNotApplicable,
                format!("The fix `{field} = {value}` cannot be applied: {why}."),
                format!("Edit the destination's {field} by hand, then test it again."),
            ))
        })?;
        self.update(destination_id, settings, CredentialInput::Keep)
    }
}
