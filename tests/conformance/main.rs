//! One conformance suite: the same probe and delivery scenarios against
//! every real S3-protocol server the tests run (s3s-fs, moto with IAM, and
//! Garage), through the core's one API as the window and the command line
//! call it (keys in a real gnome-keyring, a real database). Each scenario
//! is written once over `Server` (servers.rs); every server runs it, and
//! the capability table each server was seen to have is printed.

#[path = "../support/mod.rs"]
mod support;

mod scenarios;
mod servers;

use chute_core::{Chute, SecretStore};
use servers::{OnGarage, OnMoto, OnS3sFs, Server};

#[test]
fn every_server_keeps_every_promise() {
    support::keychain::process_keyring();
    // Started side by side: the slowest (moto's set-up) sets the pace.
    let (fs, (moto, garage)) = std::thread::scope(|s| {
        let moto = s.spawn(OnMoto::start);
        let garage = s.spawn(OnGarage::start);
        (OnS3sFs::start(), (moto.join().unwrap(), garage.join().unwrap()))
    });
    let servers: [&(dyn Server + Sync); 3] = [&fs, &moto, &garage];
    let data = tempfile::tempdir().unwrap();
    let chute = Chute::open_with(data.path(), SecretStore::platform()).unwrap();
    let results: Vec<(String, Vec<String>)> = std::thread::scope(|s| {
        let runs: Vec<_> = servers.iter().map(|&server| s.spawn(|| scenarios::run_all(&chute, server))).collect();
        runs.into_iter().map(|r| r.join().expect("a server's scenarios panicked")).collect()
    });
    let mut failures = vec![];
    println!("capabilities observed:");
    for (row, failed) in results {
        println!("{row}");
        failures.extend(failed);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
