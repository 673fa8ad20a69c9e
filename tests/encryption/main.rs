//! Server-side encryption end to end, through the core's one API with keys
//! in a real keychain (gnome-keyring on a private bus), against the local
//! servers that implement each mode:
//!
//! - moto records SSE-S3 and SSE-KMS (with the KMS key id) and returns
//!   them on HEAD (`on_moto.rs`); it accepts any KMS key id and ignores
//!   SSE-C, so it refuses nothing;
//! - Garage implements SSE-C (objects unreadable without the key, opaque
//!   ETags) and ignores SSE-S3 and SSE-KMS without saying so (`on_garage.rs`);
//! - s3s-fs ignores every encryption header, which the connection test
//!   reports as not confirmed;
//! - what no local server does (refuse a KMS key, and the exact headers of
//!   every request) is tested on the wire with the scripted answerer
//!   (`on_the_wire.rs`, the one mock).
//!
//! Validation per provider is a table (`validation.rs`).

#[path = "../support/mod.rs"]
mod support;

mod on_garage;
mod on_moto;
mod on_the_wire;
mod validation;

use std::path::Path;
use std::sync::Arc;

use chute_core::deliver::{Control, TransferOptions};
use chute_core::history::Origin;
use chute_core::probe::ProbeOptions;
use chute_core::{BatchSummary, Chute, Job, ProbeReport, ProbeTarget};

const MIB: usize = 1024 * 1024;

/// Deliver `files` to destination `id` as the window and the CLI do, with
/// 5 MiB parts from 6 MiB on, so a 11 MiB file goes in 3 parts.
fn deliver(chute: &Chute, id: &str, files: &[&Path]) -> BatchSummary {
    let paths: Vec<_> = files.iter().map(|p| p.to_path_buf()).collect();
    let plan = chute.plan_delivery(id, &paths).expect("plan");
    let options = TransferOptions { multipart_threshold: 6 * MIB as u64, min_part_size: 5 * MIB as u64, ..TransferOptions::default() };
    let job = Job::Plan { destination_id: id.into(), plan: Arc::new(plan), origin: Origin::Cli, options };
    chute.run(&job, &Control::default(), &mut |_| {}).expect("the delivery runs")
}

/// The connection test of a saved destination.
fn test(chute: &Chute, id: &str) -> ProbeReport {
    chute.test_connection(ProbeTarget::Saved { id: id.into() }, &ProbeOptions::default(), &mut |_| {}).expect("the test runs")
}

/// The PutObject step's detail (what the server confirmed).
fn put_detail(r: &ProbeReport) -> String {
    r.steps.iter().find(|s| s.id == chute_core::probe::StepId::PutObject).map(|s| s.detail.clone()).unwrap_or_default()
}

/// s3s-fs takes the SSE-S3 header and ignores it: the connection test
/// passes, with a warning that the server did not confirm the encryption.
#[test]
fn a_server_that_ignores_encryption_is_said_to_have_not_confirmed_it() {
    use chute_core::{Code, CredentialInput, Encryption, SecretStore, Sensitive, Settings};
    use support::servers::{S3sFs, S3S_KEY, S3S_SECRET};
    support::keychain::process_keyring();
    let fs = S3sFs::start();
    let data = tempfile::tempdir().unwrap();
    let chute = Chute::open_with(data.path(), SecretStore::platform()).unwrap();
    let settings = Settings {
        name: "Plain".into(),
        provider: chute_core::ProviderKind::Custom,
        bucket: "reports".into(),
        endpoint: fs.endpoint(),
        path_style: true,
        prefix: "incoming/".into(),
        encryption: Encryption::SseS3,
        ..Settings::default()
    };
    let keys =
        CredentialInput::Keys { access_key_id: S3S_KEY.into(), secret_access_key: Sensitive::new(S3S_SECRET.into()), session_token: None };
    let id = chute.create(settings, keys).unwrap().destination.destination.id;
    let report = test(&chute, &id);
    let warning = report.findings.iter().find(|f| f.code == Code::EncryptionNotConfirmed).expect("not confirmed");
    assert_eq!(warning.level, chute_core::diagnose::Level::Warning);
    assert!(!warning.fix.is_empty());
    assert!(report.findings.iter().all(|f| f.level != chute_core::diagnose::Level::Error), "{:#?}", report.findings);
}
