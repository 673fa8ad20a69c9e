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

use chute_core::deliver::{Control, TransferOptions};
use chute_core::history::Origin;
use chute_core::{BatchSummary, Chute};

const MIB: usize = 1024 * 1024;

use support::facade::{setup, setup_at};

/// Deliver the folder `src` to destination `id` as a drop.
fn deliver(chute: &Chute, id: &str, src: &Path) -> BatchSummary {
    let plan = chute.plan_delivery(id, &[src.to_path_buf()]).unwrap();
    chute.deliver(id, &plan, &TransferOptions::default(), &Control::default(), Origin::Drop, &mut |_| {}).unwrap()
}
