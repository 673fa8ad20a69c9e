//! Receipts through the real facade, against a real s3s-fs server (keys
//! from an AWS profile file): every object checked as its delivery ends,
//! including a multipart one by its multipart ETag and a compressed one
//! against what was sent; an object another writer changed between the
//! upload and the check failing its file (`delivered`); a batch re-checked
//! later, objects changed or deleted since found as such (`recheck`); a
//! folder audited against a prefix, whoever uploaded the objects (`audit`).
//! moto and the command line are in tests/cli_verify.rs.

#[path = "../support/mod.rs"]
mod support;

mod audit;
mod delivered;
mod recheck;

use std::path::Path;
use std::sync::OnceLock;

use chute_core::deliver::{Control, TransferOptions};
use chute_core::history::Origin;
use chute_core::provider::ProviderKind;
use chute_core::{BatchSummary, Chute, CredentialInput, SecretStore, Settings};
use support::servers::S3sFs;

const MIB: usize = 1024 * 1024;

/// AWS profile `s3s` with the s3s-fs keys, for the whole test binary.
fn profile_files() -> &'static tempfile::TempDir {
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

/// A destination on `endpoint` (s3s-fs, or a proxy in front of it), bucket
/// `reports`, prefix `incoming/`, with `change` applied to its settings.
fn setup_at(endpoint: &str, data: &Path, change: impl FnOnce(&mut Settings)) -> (Chute, String) {
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

fn setup(fs: &S3sFs, data: &Path) -> (Chute, String) {
    setup_at(&fs.endpoint(), data, |_| {})
}

/// Deliver the folder `src` to destination `id` as a drop.
fn deliver(chute: &Chute, id: &str, src: &Path) -> BatchSummary {
    let plan = chute.plan_delivery(id, &[src.to_path_buf()]).unwrap();
    chute.deliver(id, &plan, &TransferOptions::default(), &Control::default(), Origin::Drop, &mut |_| {}).unwrap()
}
