//! The core's facade on s3s-fs, for binaries that call `Chute` in-process:
//! the AWS profile `s3s` (s3s-fs's keys) in files named by this process's
//! environment, and a destination using it.

use std::path::Path;
use std::sync::OnceLock;

use chute_core::provider::ProviderKind;
use chute_core::{Chute, CredentialInput, SecretStore, Settings};

use super::servers::S3sFs;

/// AWS profile `s3s` with the s3s-fs keys, for the whole test binary.
pub fn profile_files() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        let (config, credentials) = S3sFs::profile_files();
        std::fs::write(d.path().join("config"), config).unwrap();
        std::fs::write(d.path().join("credentials"), credentials).unwrap();
        std::env::set_var("AWS_CONFIG_FILE", d.path().join("config"));
        std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", d.path().join("credentials"));
        d
    })
}

/// A `Chute` on `data` with a destination on `endpoint` (s3s-fs, or a proxy
/// in front of it): bucket `reports`, prefix `incoming/`, the profile `s3s`,
/// with `change` applied to its settings.
pub fn setup_at(endpoint: &str, data: &Path, change: impl FnOnce(&mut Settings)) -> (Chute, String) {
    profile_files();
    let chute = Chute::open_with(data, SecretStore::platform()).unwrap();
    let mut s = Settings {
        name: "Local".into(),
        provider: ProviderKind::Minio,
        bucket: "reports".into(),
        endpoint: endpoint.into(),
        path_style: true,
        prefix: "incoming/".into(),
        ..Settings::default()
    };
    change(&mut s);
    let id = chute.create(s, CredentialInput::Profile { profile: "s3s".into() }).unwrap().destination.destination.id;
    (chute, id)
}

pub fn setup(fs: &S3sFs, data: &Path) -> (Chute, String) {
    setup_at(&fs.endpoint(), data, |_| {})
}
