//! Chute's core: everything the desktop app and the CLI share. No UI
//! dependency; every operation here is plain, blocking Rust that the
//! shells call from worker threads.

pub mod deliver;
pub mod destination;
pub mod diagnose;
pub mod error;
pub mod history;
pub mod import;
pub mod keys;
pub mod probe;
pub mod provider;
pub mod report;
pub mod s3;
pub mod secret;
pub mod store;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;

pub use destination::{CredentialDraft, CredentialInput, CredentialSource, Destination, Problem, Settings, Severity};
pub use error::{Error, ErrorInfo, ErrorReply, Result, UserError};
pub use report::Code;
pub use secret::{Credentials, SecretStore, Sensitive};
pub use store::Store;

use destination::{Context, CredentialCheck};

/// The folder that holds Chute's database: `$CHUTE_DATA_DIR`, else the
/// platform's app-data folder (`~/.local/share/chute` on Linux).
pub fn default_data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("CHUTE_DATA_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("chute")
}

pub const DB_FILE: &str = "chute.db";

/// A new random id (UUID v4), as destinations and plans use.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// A destination as the UI and `--json` show it: the stored fields plus
/// what is derived from them.
#[derive(Debug, Clone, Serialize)]
pub struct DestinationView {
    #[serde(flatten)]
    pub destination: Destination,
    pub provider_label: &'static str,
    /// Where requests go; empty means the AWS SDK's regional default.
    pub effective_endpoint: String,
    pub effective_region: String,
    /// Warnings that still apply (errors cannot be saved).
    pub warnings: Vec<Problem>,
    /// The newest connection test, if any (the card says when it failed).
    pub last_test: Option<store::LastTest>,
}

/// The result of a save: the destination and the warnings the user accepted.
#[derive(Debug, Clone, Serialize)]
pub struct Saved {
    pub destination: DestinationView,
    pub warnings: Vec<Problem>,
}

pub struct Chute {
    store: Mutex<Store>,
    secrets: SecretStore,
    data_dir: PathBuf,
}

impl Chute {
    /// Open the database in `data_dir` and use the platform keychain.
    pub fn open(data_dir: &Path) -> Result<Chute> {
        Self::open_with(data_dir, SecretStore::platform())
    }

    pub fn open_with(data_dir: &Path, secrets: SecretStore) -> Result<Chute> {
        let store = Store::open(&data_dir.join(DB_FILE))?;
        // Batches whose process died mid-delivery are shown as interrupted.
        history::mark_interrupted(store.conn())?;
        Ok(Chute { store: Mutex::new(store), secrets, data_dir: data_dir.to_path_buf() })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn secrets(&self) -> &SecretStore {
        &self.secrets
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

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
        let ctx = Context { other_names: others, credentials: Some(stored_check(&d.credentials)) };
        let warnings = destination::validate(&d.settings, &ctx).into_iter().filter(|p| !p.is_error()).collect();
        DestinationView {
            provider_label: d.settings.preset().label,
            effective_endpoint: d.settings.effective_endpoint().unwrap_or_default(),
            effective_region: d.settings.effective_region(),
            destination: d.clone(),
            warnings,
            last_test,
        }
    }

    /// Validate settings as they would be saved. `editing` is the id of the
    /// destination being edited, if any.
    pub fn validate(&self, settings: &Settings, credentials: &CredentialInput, editing: Option<&str>) -> Result<Vec<Problem>> {
        self.validate_draft(settings, &credentials.draft(), editing)
    }

    /// Validation for a form being typed: credentials say whether a secret
    /// is there, not what it is.
    pub fn validate_draft(&self, settings: &Settings, credentials: &CredentialDraft, editing: Option<&str>) -> Result<Vec<Problem>> {
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
        let mut problems = destination::validate(settings, &Context { other_names: others, credentials: Some(check) });
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
        self.store().delete_destination(&d.id)?;
        Ok(())
    }

    /// A copy named "<name> copy" (or "copy 2", …) with its own keychain item.
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
        let settings = Settings { name, ..d.settings };
        self.create(settings, credentials)
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

    /// Run the connection test, reporting each step and finding through
    /// `on_event` as it happens, and store the report (it holds no secret).
    /// Blocking: call it from a worker thread.
    pub fn test_connection(
        &self,
        target: ProbeTarget,
        opts: &probe::ProbeOptions,
        on_event: &mut (dyn FnMut(probe::ProbeEvent) + Send),
    ) -> Result<probe::ProbeReport> {
        let (settings, auth, destination_id) = match target {
            ProbeTarget::Saved { id } => {
                let d = self.get(&id)?;
                let auth = self.auth_for(&d.credentials, Some(&d.id));
                (d.settings, auth, Some(d.id))
            }
            ProbeTarget::Draft { settings, credentials, editing_id } => {
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
                (settings.normalized(), auth, editing_id)
            }
        };
        let runtime = network_runtime(false, Error::Probe)?;
        let report = runtime.block_on(probe::run(&settings, auth, opts, on_event));
        self.store().add_probe(destination_id.as_deref(), &report)?;
        Ok(report)
    }

    /// The newest connection tests of a destination, newest first.
    pub fn probes(&self, destination_id: &str, limit: usize) -> Result<Vec<store::StoredProbe>> {
        Ok(self.store().probes(destination_id, limit)?)
    }
}

impl Chute {
    /// Work out what delivering `paths` to a destination would do. Nothing is sent.
    pub fn plan_delivery(&self, destination_id: &str, paths: &[PathBuf]) -> Result<deliver::Plan> {
        let d = self.get(destination_id)?;
        let opts = deliver::PlanOptions { follow_symlinks: false, ignore: d.settings.ignore.clone() };
        Ok(deliver::plan(&d.settings, paths, &opts, time::OffsetDateTime::now_utc()))
    }

    /// A new plan for some files of an earlier one, under the same keys,
    /// with sizes and times read afresh.
    pub fn replan(&self, plan: &deliver::Plan, indexes: &[usize]) -> deliver::Plan {
        deliver::plan::again(plan, indexes)
    }

    /// Files of an earlier plan under new keys, from another prefix and/or
    /// key template chosen for this delivery only (the destination keeps its
    /// settings); see `deliver::plan::rekey` for `keep_others`. Refused with the field's problems when the
    /// prefix or template is not valid.
    pub fn rekey_plan(
        &self,
        destination_id: &str,
        plan: &deliver::Plan,
        indexes: &[usize],
        keep_others: bool,
        prefix: &str,
        key_template: &str,
    ) -> Result<deliver::Plan> {
        let d = self.get(destination_id)?;
        let settings = Settings { prefix: prefix.to_string(), key_template: key_template.to_string(), ..d.settings };
        let problems: Vec<Problem> = destination::validate(&settings, &Context::default())
            .into_iter()
            .filter(|p| p.is_error() && matches!(p.field.as_str(), "prefix" | "key_template"))
            .collect();
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        Ok(deliver::plan::rekey(&settings, plan, indexes, keep_others, time::OffsetDateTime::now_utc()))
    }

    /// Which of a plan's keys already hold an object (HeadObject per key,
    /// at most `deliver::existing::CHECK_LIMIT`). Blocking.
    pub fn existing_objects(&self, destination_id: &str, plan: &deliver::Plan) -> Result<deliver::existing::ExistingCheck> {
        let d = self.get(destination_id)?;
        let auth = self.auth_for(&d.credentials, Some(&d.id)).map_err(|d| Error::Diagnosed(Box::new(d)))?;
        let runtime = network_runtime(false, Error::Delivery)?;
        Ok(runtime.block_on(async {
            let client = s3::client(&d.settings, &auth, &s3::ClientOptions::delivery()).await;
            deliver::existing::check(&client, &d.settings.bucket, plan).await
        }))
    }

    /// Deliver a plan to its destination, recording the batch in the
    /// history as it goes. Blocking: call it from a worker thread.
    pub fn deliver(
        &self,
        destination_id: &str,
        plan: &deliver::Plan,
        opts: &deliver::TransferOptions,
        control: &deliver::Control,
        origin: history::Origin,
        on_event: &mut (dyn FnMut(deliver::DeliveryEvent) + Send),
    ) -> Result<deliver::BatchSummary> {
        let mut d = self.get(destination_id)?;
        if let Some(policy) = opts.overwrite {
            d.settings.overwrite = policy;
        }
        if !d.settings.active {
            return Err(Error::Delivery(format!("\"{}\" is paused; resume it to deliver", d.settings.name)));
        }
        if !plan.collisions.is_empty() {
            return Err(Error::Delivery(format!(
                "{} keys would be written by more than one file (first: `{}`)",
                plan.collisions.len(),
                plan.collisions[0].key
            )));
        }
        let auth = self.auth_for(&d.credentials, Some(&d.id)).map_err(|d| Error::Diagnosed(Box::new(d)))?;
        let runtime = network_runtime(true, Error::Delivery)?;
        let batch_id = new_id();
        history::begin_batch(self.store().conn_mut(), &batch_id, &d, plan, origin)?;
        let journal = history::HistoryJournal::start(&self.data_dir.join(DB_FILE), &batch_id)?;
        let mut summary = transfer_journaled(&runtime, &d, &auth, plan, opts.clone(), journal, control, on_event);
        history::finish_batch(self.store().conn(), &batch_id, &summary)?;
        // Retention is applied as batches end; a failure here loses nothing.
        if let Err(e) = history::apply_retention(self.store().conn()) {
            eprintln!("chute: could not apply the history retention: {e}");
        }
        summary.batch_id = Some(batch_id);
        Ok(summary)
    }

    /// Continue an interrupted batch: only files not delivered yet, each
    /// re-checked against its recorded size and mtime, multipart uploads
    /// continued from the parts the server confirms. Blocking.
    pub fn resume_batch(
        &self,
        batch_id: &str,
        control: &deliver::Control,
        on_event: &mut (dyn FnMut(deliver::DeliveryEvent) + Send),
    ) -> Result<deliver::BatchSummary> {
        let row = self.require_batch(batch_id)?;
        if row.state != "interrupted" {
            return Err(Error::Delivery(format!("batch {batch_id} is {}, not interrupted", row.state)));
        }
        let u = history::unfinished(self.store().conn(), batch_id)?;
        let d = self.get(&u.destination_id)?;
        let auth = self.auth_for(&d.credentials, Some(&d.id)).map_err(|d| Error::Diagnosed(Box::new(d)))?;
        if !history::reopen_batch(self.store().conn(), batch_id)? {
            return Err(Error::Delivery(format!("batch {batch_id} is being resumed elsewhere")));
        }
        let journal = history::HistoryJournal::start_mapped(&self.data_dir.join(DB_FILE), batch_id, Some(u.index_map.clone()))?;
        let opts = deliver::TransferOptions { resume: u.resume, resuming: true, ..Default::default() };
        let runtime = network_runtime(true, Error::Delivery)?;
        let mut summary = transfer_journaled(&runtime, &d, &auth, &u.plan, opts, journal, control, on_event);
        history::finish_batch_from_rows(self.store().conn(), batch_id, "finished")?;
        summary.batch_id = Some(batch_id.to_string());
        Ok(summary)
    }

    /// Give up an interrupted batch: abort its open multipart uploads (so no
    /// parts stay billed) and mark its unfinished files cancelled. Blocking.
    pub fn discard_batch(&self, batch_id: &str) -> Result<usize> {
        let row = self.require_batch(batch_id)?;
        if row.state != "interrupted" {
            return Err(Error::Delivery(format!("batch {batch_id} is {}, not interrupted", row.state)));
        }
        let d = self.get(&row.destination_id)?;
        let uploads = history::open_uploads(self.store().conn(), batch_id)?;
        let mut aborted = 0;
        if !uploads.is_empty() {
            let auth = self.auth_for(&d.credentials, Some(&d.id)).map_err(|d| Error::Diagnosed(Box::new(d)))?;
            let runtime = network_runtime(false, Error::Delivery)?;
            aborted = runtime.block_on(async {
                let client = s3::client(&d.settings, &auth, &s3::ClientOptions::delivery()).await;
                let mut n = 0;
                for (_, key, upload_id) in &uploads {
                    let r = client.abort_multipart_upload().bucket(&d.settings.bucket).key(key).upload_id(upload_id).send().await;
                    // An upload already gone (completed or aborted) is as good as aborted:
                    // a 404, or (servers that answer otherwise for a finished upload) the
                    // object is there because it completed before the crash.
                    let gone = match &r {
                        Ok(_) => true,
                        Err(e) if e.raw_response().is_some_and(|x| x.status().as_u16() == 404) => true,
                        Err(_) => client.head_object().bucket(&d.settings.bucket).key(key).send().await.is_ok(),
                    };
                    if gone {
                        n += 1;
                    }
                }
                n
            });
            if aborted < uploads.len() {
                return Err(Error::Delivery(format!(
                    "{} of {} open uploads could not be aborted; try again",
                    uploads.len() - aborted,
                    uploads.len()
                )));
            }
        }
        history::mark_cancelled(self.store().conn(), batch_id)?;
        history::finish_batch_from_rows(self.store().conn(), batch_id, "discarded")?;
        Ok(aborted)
    }

    /// Batches, newest first, filtered.
    pub fn history_batches(&self, f: &history::Filter) -> Result<Vec<history::BatchRow>> {
        Ok(history::batches(self.store().conn(), f)?)
    }

    /// Files of one batch, or of all batches, filtered.
    pub fn history_files(&self, batch_id: Option<&str>, f: &history::Filter) -> Result<Vec<history::FileRow>> {
        Ok(history::files(self.store().conn(), batch_id, f)?)
    }

    pub fn history_batch(&self, id: &str) -> Result<Option<history::BatchRow>> {
        Ok(history::batch(self.store().conn(), id)?)
    }

    /// One file of the history by its row id.
    pub fn history_file(&self, id: i64) -> Result<Option<history::FileRow>> {
        Ok(history::file(self.store().conn(), id)?)
    }

    /// Exact counts of the batches a filter matches, and whether `selected` is among them.
    pub fn history_batch_counts(&self, f: &history::Filter, selected: Option<&str>) -> Result<history::BatchCounts> {
        Ok(history::batch_counts(self.store().conn(), f, selected)?)
    }

    /// Exact counts of a batch's files a filter matches, and where the first failed one is.
    pub fn history_file_counts(&self, batch_id: &str, f: &history::Filter) -> Result<history::FileCounts> {
        Ok(history::file_counts(self.store().conn(), batch_id, f)?)
    }

    /// What a batch was given and left out: its sources, and the first
    /// `limit` of its excluded paths and refused files, with their totals.
    pub fn history_inputs(&self, batch_id: &str, limit: usize) -> Result<history::BatchInputs> {
        Ok(history::inputs(self.store().conn(), batch_id, limit)?)
    }

    /// The folders and files a batch was given, in order.
    pub fn history_sources(&self, batch_id: &str) -> Result<Vec<history::Source>> {
        Ok(history::sources(self.store().conn(), batch_id)?)
    }

    /// Every path a batch left out on purpose, with the reason.
    pub fn history_excluded(&self, batch_id: &str) -> Result<Vec<history::ExcludedPath>> {
        Ok(history::excluded(self.store().conn(), batch_id, None)?)
    }

    /// The batch with this id, or an error that says so.
    pub fn require_batch(&self, id: &str) -> Result<history::BatchRow> {
        self.history_batch(id)?.ok_or_else(|| {
            Error::History(ErrorInfo {
                code: Code::BatchNotFound,
                message: format!("No delivery in the history has the id {id}."),
                fix: "It may have been deleted or pruned by the retention setting; list the history (`chute history list`) to see what is kept.".into(),
                field: None,
            })
        })
    }

    /// A plan sending some files of an earlier batch again: those not
    /// delivered (`Failed`) or all of them, under the keys they had, with
    /// sizes and times read afresh (a file gone is reported as a problem).
    /// Returns the destination id with the plan.
    pub fn history_plan(&self, batch_id: &str, which: history::Which) -> Result<(String, deliver::Plan)> {
        let b = self.require_batch(batch_id)?;
        let refuse = |code: Code, message: String, fix: &str| Error::History(ErrorInfo { code, message, fix: fix.into(), field: None });
        match b.state.as_str() {
            "running" => {
                return Err(refuse(
                    Code::BatchRunning,
                    "This delivery is still running.".into(),
                    "Wait for it to end, then retry what failed.",
                ))
            }
            "interrupted" => {
                return Err(refuse(
                    Code::BatchInterrupted,
                    "This delivery was interrupted and may have unfinished uploads.".into(),
                    "Resume it (it continues the uploads) or discard it first.",
                ))
            }
            _ => {}
        }
        self.get(&b.destination_id).map_err(|e| match e {
            Error::NotFound(_) => refuse(
                Code::DestinationDeleted,
                format!("The destination “{}” this delivery went to has been deleted.", b.destination_name),
                "Drop the files on another destination instead.",
            ),
            e => e,
        })?;
        let recorded = history::recorded_files(self.store().conn(), batch_id, which)?;
        if recorded.is_empty() {
            return Err(nothing_to_send(&b, which));
        }
        let indexes: Vec<usize> = (0..recorded.len()).collect();
        let earlier = deliver::Plan {
            files: recorded,
            excluded: vec![],
            problems: vec![],
            collisions: vec![],
            total_bytes: 0,
            created_at: now_ms(),
            from_batch: Some(batch_id.to_string()),
            sources: history::sources(self.store().conn(), batch_id)?.into_iter().map(|s| PathBuf::from(s.path)).collect(),
        };
        Ok((b.destination_id, self.replan(&earlier, &indexes)))
    }

    /// Delete batches from the history (never one running or interrupted).
    pub fn delete_history(&self, ids: &[String]) -> Result<history::Deleted> {
        Ok(history::delete_batches(self.store().conn_mut(), ids)?)
    }

    /// How many days of history are kept (`None`: all of it).
    pub fn history_keep_days(&self) -> Result<Option<u32>> {
        Ok(history::keep_days(self.store().conn())?)
    }

    /// Set the retention and apply it at once. Returns the batches removed.
    pub fn set_history_keep_days(&self, days: Option<u32>) -> Result<usize> {
        if let Some(d) = days {
            if d == 0 || d > history::MAX_KEEP_DAYS {
                return Err(Error::History(ErrorInfo {
                    code: Code::BadRetention,
                    message: format!("{d} days is not a retention Chute can keep."),
                    fix: format!("Choose from 1 to {} days, or keep everything.", history::MAX_KEEP_DAYS),
                    field: Some("keep_days".into()),
                }));
            }
        }
        let store = self.store();
        history::set_keep_days(store.conn(), days)?;
        Ok(history::apply_retention(store.conn())?)
    }

    /// Apply the retention setting now (the app does at start).
    pub fn apply_retention(&self) -> Result<usize> {
        Ok(history::apply_retention(self.store().conn())?)
    }

    /// Export the history as CSV; see [`history::export_csv`].
    pub fn export_history_csv(
        &self,
        f: &history::Filter,
        rows: history::CsvRows,
        batch_id: Option<&str>,
        out: &mut dyn std::io::Write,
    ) -> std::result::Result<usize, history::CsvError> {
        history::export_csv(self.store().conn(), f, rows, batch_id, out)
    }

    /// Export the history as CSV into a file; see [`history::export_csv_file`].
    pub fn export_history_csv_file(
        &self,
        f: &history::Filter,
        rows: history::CsvRows,
        batch_id: Option<&str>,
        path: &Path,
    ) -> std::result::Result<usize, history::CsvError> {
        history::export_csv_file(self.store().conn(), f, rows, batch_id, path)
    }
}

impl Chute {
    /// The object's URL (not signed).
    pub fn object_url(&self, destination_id: &str, key: &str) -> Result<String> {
        Ok(s3::object_url(&self.get(destination_id)?.settings, key))
    }

    /// A presigned GET link to `key`, valid for `expires`. Blocking.
    pub fn presign(&self, destination_id: &str, key: &str, expires: std::time::Duration) -> Result<String> {
        let d = self.get(destination_id)?;
        let auth = self.auth_for(&d.credentials, Some(&d.id)).map_err(|d| Error::Diagnosed(Box::new(d)))?;
        let runtime = network_runtime(false, Error::Delivery)?;
        runtime.block_on(async {
            let client = s3::client(&d.settings, &auth, &s3::ClientOptions::delivery()).await;
            s3::presign_get(&client, &d.settings.bucket, key, expires)
                .await
                .map_err(|e| Error::Delivery(format!("the link could not be signed: {e}")))
        })
    }
}

/// Why a batch has nothing to send again (`which` files of it), in the
/// history's words: each cause its own fix.
fn nothing_to_send(b: &history::BatchRow, which: history::Which) -> Error {
    let refuse = |code: Code, message: String, fix: &str| Error::History(ErrorInfo { code, message, fix: fix.into(), field: None });
    let them = |n: i64, one: &str, many: &str| if n == 1 { one.to_string() } else { many.replace("{n}", &n.to_string()) };
    match which {
        history::Which::Existing => refuse(
            Code::NothingToRetry,
            "No file of this delivery met an object already in the bucket.".into(),
            "Retry the files not delivered, or re-deliver the whole batch.",
        ),
        history::Which::Failed if b.existing > 0 => refuse(
            Code::OnlyExistingLeft,
            format!("{} already in the bucket; a retry would meet {} again.", them(b.existing, "The file not delivered met an object", "The {n} files not delivered met objects"), them(b.existing, "it", "them")),
            "Deliver them under new keys (another prefix or key template), or overwrite the objects (Overwrite… in the window, `--overwrite overwrite` on the command line).",
        ),
        _ if b.refused > 0 => refuse(
            Code::OnlyRefusedLeft,
            format!("{} before sending; sending {} again would meet the same cause.", them(b.refused, "The file not delivered was refused", "The {n} files not delivered were refused"), them(b.refused, "it", "them")),
            "Fix what each refused file's reason says (listed with the delivery), then deliver those files again.",
        ),
        _ => refuse(Code::NothingToRetry, "Every file of this delivery was delivered; there is nothing to retry.".into(), "Use Re-deliver to send the whole batch again."),
    }
}

/// Run a transfer with its history journal, and return once everything the
/// engine reported is committed (the writer thread ends by itself when the
/// last journal handle drops).
#[allow(clippy::too_many_arguments)]
fn transfer_journaled(
    runtime: &tokio::runtime::Runtime,
    d: &Destination,
    auth: &s3::Auth,
    plan: &deliver::Plan,
    opts: deliver::TransferOptions,
    (journal, writer): (history::HistoryJournal, std::thread::JoinHandle<()>),
    control: &deliver::Control,
    on_event: &mut (dyn FnMut(deliver::DeliveryEvent) + Send),
) -> deliver::BatchSummary {
    let journal = std::sync::Arc::new(journal);
    let anonymous = matches!(auth, s3::Auth::Anonymous);
    let opts = deliver::TransferOptions { journal: Some(deliver::JournalRef(journal.clone())), anonymous, ..opts };
    let summary = runtime.block_on(async {
        let client = s3::client(&d.settings, auth, &s3::ClientOptions::delivery()).await;
        deliver::deliver(client, &d.settings, plan, &opts, control, on_event).await
    });
    journal.flush();
    drop(writer);
    summary
}

/// The runtime a blocking core call drives its network work on: one thread
/// for a few requests, two workers for a transfer.
fn network_runtime(transfer: bool, err: fn(String) -> Error) -> Result<tokio::runtime::Runtime> {
    let mut b = if transfer {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(2);
        b
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    b.enable_all().build().map_err(|e| err(format!("could not start the network runtime: {e}")))
}

fn stored_check(c: &CredentialSource) -> CredentialCheck<'_> {
    match c {
        CredentialSource::Keychain { key_id_hint } => CredentialCheck::Keys { access_key_id: key_id_hint, secret_present: true },
        CredentialSource::Profile { profile } => CredentialCheck::Profile { profile, known_profiles: None },
        CredentialSource::None => CredentialCheck::None,
    }
}

/// What the destination form needs to render: providers, key-template
/// presets and tokens, canned ACLs.
#[derive(Debug, Serialize)]
pub struct Catalog {
    pub providers: &'static [provider::Provider],
    pub key_presets: Vec<KeyPreset>,
    pub tokens: Vec<TokenHelp>,
    pub acls: &'static [&'static str],
    /// What a new destination never delivers (the form's "Never deliver").
    pub default_ignores: &'static [&'static str],
}

#[derive(Debug, Serialize)]
pub struct KeyPreset {
    pub id: &'static str,
    pub label: &'static str,
    pub template: &'static str,
}

#[derive(Debug, Serialize)]
pub struct TokenHelp {
    pub token: String,
    pub help: &'static str,
}

pub fn catalog() -> Catalog {
    Catalog {
        providers: provider::PROVIDERS,
        key_presets: keys::PRESETS.iter().map(|&(id, label, template)| KeyPreset { id, label, template }).collect(),
        tokens: keys::TOKENS.iter().map(|&(t, help)| TokenHelp { token: format!("{{{t}}}"), help }).collect(),
        acls: destination::ACLS,
        default_ignores: destination::DEFAULT_IGNORES,
    }
}
