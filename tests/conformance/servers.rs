//! The servers of the conformance suite, behind one trait: where a scenario
//! points a destination, with which keys, and the few facts about each
//! server a scenario must know beforehand (which keys it has, whether it
//! checks regions).

use chute_core::provider::ProviderKind;
use chute_core::s3::Auth;
use chute_core::{ConditionalCreate, CredentialInput, Sensitive, Settings};

use crate::support::garage::{Garage, GARAGE_ADMIN_KEY, GARAGE_ADMIN_SECRET, GARAGE_READER_KEY, GARAGE_READER_SECRET, GARAGE_REGION};
use crate::support::servers::{Moto, S3sFs, S3S_KEY, S3S_SECRET};

pub trait Server {
    fn name(&self) -> &'static str;
    /// Host and port, for a proxy in front of it.
    fn address(&self) -> String;
    fn endpoint(&self) -> String {
        format!("http://{}", self.address())
    }
    /// The region its bucket `reports` is in.
    fn region(&self) -> &'static str {
        "us-east-1"
    }
    /// Keys that may read and write the bucket.
    fn keys(&self) -> (String, String);
    /// Keys that may read the bucket but not write to it, where it has such.
    fn read_only_keys(&self) -> Option<(String, String)>;
    /// It refuses a request signed for another region (and names its own).
    fn checks_region(&self) -> bool;
    /// What it does with a conditional create, as known beforehand (the
    /// measurement must find the same).
    fn conditional_create(&self) -> ConditionalCreate {
        ConditionalCreate::Honoured
    }

    /// A destination's settings on this server, under `prefix`.
    fn settings(&self, name: &str, prefix: &str) -> Settings {
        Settings {
            name: format!("{name} on {}", self.name()),
            provider: ProviderKind::Custom,
            bucket: "reports".into(),
            endpoint: self.endpoint(),
            region: self.region().into(),
            prefix: prefix.into(),
            path_style: true,
            ..Settings::default()
        }
    }
    fn auth(&self) -> Auth {
        let (id, secret) = self.keys();
        crate::support::auth::key(&id, &secret)
    }
}

pub fn credentials((access_key_id, secret): (String, String)) -> CredentialInput {
    CredentialInput::Keys { access_key_id, secret_access_key: Sensitive::new(secret), session_token: None }
}

pub struct OnS3sFs(pub S3sFs);
pub struct OnMoto(pub Moto);
pub struct OnGarage(pub Garage);

impl OnS3sFs {
    pub fn start() -> OnS3sFs {
        OnS3sFs(S3sFs::start())
    }
}
impl OnMoto {
    pub fn start() -> OnMoto {
        OnMoto(Moto::start())
    }
}
impl OnGarage {
    pub fn start() -> OnGarage {
        OnGarage(Garage::start())
    }
}

impl Server for OnS3sFs {
    fn name(&self) -> &'static str {
        "s3s-fs"
    }
    fn address(&self) -> String {
        format!("127.0.0.1:{}", self.0.port)
    }
    fn keys(&self) -> (String, String) {
        (S3S_KEY.into(), S3S_SECRET.into())
    }
    /// One key, allowed everything.
    fn read_only_keys(&self) -> Option<(String, String)> {
        None
    }
    fn checks_region(&self) -> bool {
        false
    }
}

impl Server for OnMoto {
    fn name(&self) -> &'static str {
        "moto"
    }
    fn address(&self) -> String {
        format!("127.0.0.1:{}", self.0.port)
    }
    fn keys(&self) -> (String, String) {
        let k = self.0.user("admin");
        (k.access_key_id.clone(), k.secret_access_key.clone())
    }
    fn read_only_keys(&self) -> Option<(String, String)> {
        let k = self.0.user("reader");
        Some((k.access_key_id.clone(), k.secret_access_key.clone()))
    }
    /// moto accepts a request signed for any region.
    fn checks_region(&self) -> bool {
        false
    }
}

impl Server for OnGarage {
    fn name(&self) -> &'static str {
        "garage"
    }
    fn address(&self) -> String {
        format!("127.0.0.1:{}", self.0.port)
    }
    fn region(&self) -> &'static str {
        GARAGE_REGION
    }
    fn keys(&self) -> (String, String) {
        (GARAGE_ADMIN_KEY.into(), GARAGE_ADMIN_SECRET.into())
    }
    fn read_only_keys(&self) -> Option<(String, String)> {
        Some((GARAGE_READER_KEY.into(), GARAGE_READER_SECRET.into()))
    }
    fn checks_region(&self) -> bool {
        true
    }
    /// Garage ignores `If-None-Match: *` and overwrites.
    fn conditional_create(&self) -> ConditionalCreate {
        ConditionalCreate::Ignored
    }
}
