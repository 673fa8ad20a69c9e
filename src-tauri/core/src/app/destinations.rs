//! Destinations: list, find, validate as typed, save (the secret to the
//! keychain first), delete and duplicate (with their keychain items:
//! keys, proxy password, SSE-C key), pause, import.

use super::views::{DestinationView, Saved};
use super::{new_id, now_ms, Chute, Error, Result};
use crate::destination::{
    self, Context, CredentialCheck, CredentialDraft, CredentialInput, CredentialSource, CustomerKey, Destination, Encryption, Problem,
    Settings, Severity, SseKeyCheck,
};
use crate::report::Code;
use crate::s3::capabilities::OverwriteGuard;
use crate::secret::{Credentials, Sensitive};
use crate::{import, store};

impl Chute {
    pub fn list(&self) -> Result<Vec<Destination>> {
        Ok(self.store().list_destinations()?)
    }

    pub fn list_views(&self) -> Result<Vec<DestinationView>> {
        let all = self.list()?;
        let mut tests = self.store().last_tests()?;
        Ok(all.iter().map(|d| self.view_among(d, &all, tests.remove(&d.id))).collect())
    }

    pub fn get(&self, id: &str) -> Result<Destination> {
        self.store().get_destination(id)?.ok_or_else(|| Error::NotFound(id.to_string()))
    }

    /// Find by id, or by name ignoring case.
    pub fn find(&self, name_or_id: &str) -> Result<Destination> {
        if let Some(d) = self.store().get_destination(name_or_id)? {
            return Ok(d);
        }
        let key = name_or_id.trim();
        self.list()?
            .into_iter()
            .find(|d| d.settings.name.trim().eq_ignore_ascii_case(key))
            .ok_or_else(|| Error::NotFound(name_or_id.to_string()))
    }

    pub fn view(&self, d: &Destination) -> Result<DestinationView> {
        let last_test = self.store().last_tests()?.remove(&d.id);
        Ok(self.view_among(d, &self.list()?, last_test))
    }

    fn view_among(&self, d: &Destination, all: &[Destination], last_test: Option<store::LastTest>) -> DestinationView {
        let others: Vec<&str> = all.iter().filter(|o| o.id != d.id).map(|o| o.settings.name.as_str()).collect();
        let ctx = Context { other_names: others, credentials: Some(stored_check(&d.credentials)), ..Context::default() };
        let warnings = destination::validate(&d.settings, &ctx).into_iter().filter(|p| !p.is_error()).collect();
        let capabilities = self.store().capabilities(&d.id).ok().flatten().and_then(|c| c.for_settings(&d.settings));
        DestinationView {
            overwrite_guard: OverwriteGuard::of(capabilities.as_ref()),
            encryption_words: crate::diagnose::encryption::in_words(&d.settings),
            capabilities,
            provider_label: d.settings.preset().label,
            effective_endpoint: d.settings.effective_endpoint().unwrap_or_default(),
            effective_region: d.settings.effective_region(),
            destination: d.clone(),
            warnings,
            last_test,
        }
    }

    /// Validate settings as they would be saved. `editing` is the id of the
    /// destination being edited, if any. The SSE-C key is not asked about
    /// here: it is kept after the save (`set_sse_customer_key`), and a
    /// delivery without one does not start.
    pub fn validate(&self, settings: &Settings, credentials: &CredentialInput, editing: Option<&str>) -> Result<Vec<Problem>> {
        self.problems(settings, &credentials.draft(), editing, None)
    }

    /// Validation for a form being typed: credentials say whether a secret
    /// is there, not what it is; an SSE-C destination without a kept key is told so.
    pub fn validate_draft(&self, settings: &Settings, credentials: &CredentialDraft, editing: Option<&str>) -> Result<Vec<Problem>> {
        self.validate_draft_with_key(settings, credentials, editing, None)
    }

    /// `validate_draft`, with the SSE-C key as typed (`None`: none typed;
    /// the one kept for the destination being edited counts). The key comes
    /// in to be checked; nothing of it goes out.
    pub fn validate_draft_with_key(
        &self,
        settings: &Settings,
        credentials: &CredentialDraft,
        editing: Option<&str>,
        sse_c_key: Option<&Sensitive<String>>,
    ) -> Result<Vec<Problem>> {
        self.problems(settings, credentials, editing, Some(sse_c_key))
    }

    /// `sse_c_key`: `None` not to ask about the key, `Some(typed)` to.
    fn problems(
        &self,
        settings: &Settings,
        credentials: &CredentialDraft,
        editing: Option<&str>,
        sse_c_key: Option<Option<&Sensitive<String>>>,
    ) -> Result<Vec<Problem>> {
        let all = self.list()?;
        let existing = editing.and_then(|id| all.iter().find(|d| d.id == id));
        let others: Vec<&str> = all.iter().filter(|d| Some(d.id.as_str()) != editing).map(|d| d.settings.name.as_str()).collect();
        let known_profiles = import::aws_profile_names(&import::default_aws_config(), &import::default_aws_credentials());
        let check = match credentials {
            CredentialDraft::Keep => match existing {
                Some(d) => stored_check(&d.credentials),
                None => CredentialCheck::Keys { access_key_id: "", secret_present: false },
            },
            CredentialDraft::Keys { access_key_id, secret_present } => {
                CredentialCheck::Keys { access_key_id, secret_present: *secret_present }
            }
            CredentialDraft::Profile { profile } => CredentialCheck::Profile { profile, known_profiles: Some(known_profiles.clone()) },
            CredentialDraft::None => CredentialCheck::None,
        };
        let typed = sse_c_key.map(|k| k.filter(|k| !k.expose().trim().is_empty()));
        let sse_c_key = match (settings.encryption, typed) {
            (_, None) => SseKeyCheck::Unknown,
            (Encryption::SseC, Some(Some(typed))) => match CustomerKey::parse(typed.expose()) {
                Ok(_) => SseKeyCheck::Present,
                Err(e) => SseKeyCheck::Invalid { message: e.message, fix: e.fix },
            },
            (Encryption::SseC, Some(None)) => match existing {
                Some(d) if self.stored_sse_customer_key(d).is_ok() => SseKeyCheck::Present,
                _ => SseKeyCheck::Missing,
            },
            _ => SseKeyCheck::Unknown,
        };
        let mut problems = destination::validate(settings, &Context { other_names: others, credentials: Some(check), sse_c_key });
        if matches!(credentials, CredentialDraft::Keep) && existing.is_none() {
            // "Keep" on a new destination: there is nothing to keep.
            problems.retain(|p| p.field != "access_key_id" && p.field != "secret_access_key");
            problems.push(Problem {
                field: "credentials".into(),
                severity: Severity::Error,
                code: Code::CredentialsMissing,
                message: "No credentials were given for the new destination.".into(),
                fix: "Enter an access key and secret, choose an AWS profile, or choose \"no credentials\".".into(),
                fix_value: None,
                fix_field: None,
            });
        }
        Ok(problems)
    }

    pub fn create(&self, settings: Settings, credentials: CredentialInput) -> Result<Saved> {
        self.save(None, settings, credentials)
    }

    pub fn update(&self, id: &str, settings: Settings, credentials: CredentialInput) -> Result<Saved> {
        self.save(Some(id), settings, credentials)
    }

    fn save(&self, editing: Option<&str>, settings: Settings, credentials: CredentialInput) -> Result<Saved> {
        let settings = settings.normalized();
        let existing = editing.map(|id| self.get(id)).transpose()?;
        let problems = self.validate(&settings, &credentials, editing)?;
        if problems.iter().any(Problem::is_error) {
            return Err(Error::Invalid(problems));
        }
        let now = now_ms();
        let id = existing.as_ref().map(|d| d.id.clone()).unwrap_or_else(new_id);
        let previous = existing.as_ref().map(|d| d.credentials.clone());
        // The keychain goes first: if it fails, nothing is written.
        let source = match credentials {
            // validate() refused "keep" on a new destination, so `previous` is set here.
            CredentialInput::Keep => previous.clone().ok_or_else(|| Error::NotFound(id.clone()))?,
            CredentialInput::Keys { access_key_id, secret_access_key, session_token } => {
                let creds = Credentials {
                    access_key_id: access_key_id.trim().to_string(),
                    secret_access_key: Sensitive::new(secret_access_key.expose().trim().to_string()),
                    session_token,
                };
                self.secrets.save(&id, &settings.name, &creds)?;
                CredentialSource::Keychain { key_id_hint: creds.masked_key_id() }
            }
            CredentialInput::Profile { profile } => CredentialSource::Profile { profile: profile.trim().to_string() },
            CredentialInput::None => CredentialSource::None,
        };
        self.clients.forget(&id);
        let d = Destination {
            id: id.clone(),
            settings,
            credentials: source.clone(),
            created_at: existing.as_ref().map(|d| d.created_at).unwrap_or(now),
            updated_at: now,
        };
        if let Err(e) = self.store().put_destination(&d) {
            if existing.is_none() && matches!(source, CredentialSource::Keychain { .. }) {
                let _ = self.secrets.delete(&id);
            }
            return Err(e.into());
        }
        // Keys replaced by a profile or nothing: remove the old keychain item.
        if matches!(previous, Some(CredentialSource::Keychain { .. })) && !matches!(source, CredentialSource::Keychain { .. }) {
            self.secrets.delete(&id)?;
        }
        let view = self.view(&d)?;
        Ok(Saved { warnings: view.warnings.clone(), destination: view })
    }

    /// Delete a destination and its keychain item. The keychain goes first,
    /// so a failure there leaves the destination in place, not an orphan secret.
    pub fn delete(&self, id: &str) -> Result<()> {
        let d = self.get(id)?;
        if matches!(d.credentials, CredentialSource::Keychain { .. }) {
            self.secrets.delete(&d.id)?;
        }
        if crate::destination::proxy_user(&d.settings).is_some() {
            self.secrets.delete_proxy_password(&d.id)?;
        }
        if d.settings.encryption == Encryption::SseC {
            self.secrets.delete_sse_customer_key(&d.id)?;
        } else if matches!(d.credentials, CredentialSource::Keychain { .. }) {
            // A key kept from when it encrypted with SSE-C (the keychain is in use anyway).
            let _ = self.secrets.delete_sse_customer_key(&d.id);
        }
        self.clients.forget(&d.id);
        self.store().delete_destination(&d.id)?;
        Ok(())
    }

    /// A copy named "<name> copy" (or "copy 2", …) with its own keychain items.
    pub fn duplicate(&self, id: &str) -> Result<Saved> {
        let d = self.get(id)?;
        let names: Vec<String> = self.list()?.into_iter().map(|d| d.settings.name.to_lowercase()).collect();
        let base = format!("{} copy", d.settings.name);
        let name = std::iter::once(base.clone())
            .chain((2..).map(|n| format!("{base} {n}")))
            .find(|n| !names.contains(&n.to_lowercase()))
            .expect("an unused name exists");
        let credentials = match &d.credentials {
            CredentialSource::Keychain { .. } => {
                let c = self.secrets.load(&d.id)?;
                CredentialInput::Keys {
                    access_key_id: c.access_key_id,
                    secret_access_key: c.secret_access_key,
                    session_token: c.session_token,
                }
            }
            CredentialSource::Profile { profile } => CredentialInput::Profile { profile: profile.clone() },
            CredentialSource::None => CredentialInput::None,
        };
        let proxy_password = self.stored_proxy_password(&d);
        // The copy writes objects the same key must read: it gets the same key.
        let sse_key = match d.settings.encryption {
            Encryption::SseC => Some(self.stored_sse_customer_key(&d)?),
            _ => None,
        };
        let settings = Settings { name, ..d.settings };
        let saved = self.create(settings, credentials)?;
        if proxy_password.is_some() {
            self.set_proxy_password(&saved.destination.destination.id, proxy_password)?;
        }
        if let Some(key) = &sse_key {
            self.set_sse_customer_key(&saved.destination.destination.id, Some(key))?;
        }
        Ok(saved)
    }

    pub fn set_active(&self, id: &str, active: bool) -> Result<DestinationView> {
        let mut d = self.get(id)?;
        d.settings.active = active;
        d.updated_at = now_ms();
        self.store().put_destination(&d)?;
        self.view(&d)
    }

    /// The full access key id stored in the keychain for a destination (never
    /// the secret), for "Replace key": the same id with a new secret is the
    /// usual fix. `None` when it uses no stored key.
    pub fn stored_key_id(&self, id: &str) -> Result<Option<String>> {
        let d = self.get(id)?;
        Ok(self.credentials(&d)?.map(|c| c.access_key_id))
    }

    /// The stored static credentials of a destination, if it uses the keychain.
    pub fn credentials(&self, d: &Destination) -> Result<Option<Credentials>> {
        match d.credentials {
            CredentialSource::Keychain { .. } => Ok(Some(self.secrets.load(&d.id)?)),
            _ => Ok(None),
        }
    }

    /// Create a destination from an import candidate, with the name, bucket
    /// and prefix the user chose.
    pub fn import(&self, candidate: import::Candidate, name: &str, bucket: &str, prefix: &str) -> Result<Saved> {
        let settings = Settings {
            name: name.to_string(),
            provider: candidate.provider,
            bucket: if bucket.is_empty() { candidate.bucket.clone() } else { bucket.to_string() },
            region: candidate.region.clone(),
            endpoint: candidate.endpoint.clone(),
            account_id: candidate.account_id.clone(),
            path_style: candidate.path_style,
            prefix: prefix.to_string(),
            storage_class: candidate.storage_class.clone(),
            acl: candidate.acl.clone(),
            ..Settings::default()
        };
        let credentials = match (candidate.auth, candidate.credentials) {
            (import::ImportedAuth::Keys { .. }, Some(c)) => CredentialInput::Keys {
                access_key_id: c.access_key_id,
                secret_access_key: c.secret_access_key,
                session_token: c.session_token,
            },
            (import::ImportedAuth::Profile { profile }, _) => CredentialInput::Profile { profile },
            _ => CredentialInput::None,
        };
        self.create(settings, credentials)
    }
}

fn stored_check(c: &CredentialSource) -> CredentialCheck<'_> {
    match c {
        CredentialSource::Keychain { key_id_hint } => CredentialCheck::Keys { access_key_id: key_id_hint, secret_present: true },
        CredentialSource::Profile { profile } => CredentialCheck::Profile { profile, known_profiles: None },
        CredentialSource::None => CredentialCheck::None,
    }
}
