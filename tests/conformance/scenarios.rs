//! The scenarios, each run on every server: capabilities measured, "never
//! overwrite" kept whatever the server does, a flipped byte caught and
//! resent, a read-only key told so, the region taken from the server's own
//! refusal, and open uploads listed and aborted.

use std::path::Path;
use std::sync::Arc;

use chute_core::deliver::{Control, DeliveryEvent, FileResult, TransferOptions};
use chute_core::diagnose::Level;
use chute_core::history::Origin;
use chute_core::probe::ProbeOptions;
use chute_core::s3::{self, ClientOptions};
use chute_core::{
    AbortWhich, BatchSummary, Chute, Code, ConditionalCreate, Job, OverwriteGuard, ProbeReport, ProbeTarget, Settings, Verification,
};

use crate::servers::{credentials, Server};
use crate::support::faults::{Fault, FaultProxy, Plan as FaultPlan};

type Outcome = Result<(), String>;
type Scenario = fn(&Chute, &dyn Server, &Path) -> Outcome;

/// Every scenario on `server`: its capability row, and what failed.
pub fn run_all(chute: &Chute, server: &dyn Server) -> (String, Vec<String>) {
    let src = tempfile::tempdir().unwrap();
    let (row, mut failed) = match capabilities(chute, server) {
        Ok(row) => (row, vec![]),
        Err(e) => (format!("{:8} (not measured)", server.name()), vec![e]),
    };
    let scenarios: [(&str, Scenario); 6] = [
        ("never overwrite", never_overwrite),
        ("flipped byte", flipped_byte),
        ("read-only key", read_only_key),
        ("region from the refusal", region_from_refusal),
        ("open uploads", open_uploads),
        ("receipt", receipt),
    ];
    for (name, scenario) in scenarios {
        if let Err(e) = scenario(chute, server, src.path()) {
            failed.push(format!("{} / {name}: {e}", server.name()));
        }
    }
    (row, failed)
}

fn save(chute: &Chute, settings: Settings, keys: (String, String)) -> String {
    chute.create(settings, credentials(keys)).expect("saved").destination.destination.id
}

fn test(chute: &Chute, id: &str) -> ProbeReport {
    chute.test_connection(ProbeTarget::Saved { id: id.into() }, &ProbeOptions::default(), &mut |_| {}).expect("the test runs")
}

fn deliver(chute: &Chute, id: &str, files: &[&Path], options: TransferOptions) -> BatchSummary {
    deliver_reporting(chute, id, files, options).0
}

/// `deliver`, with each file's result as its event reported it.
fn deliver_reporting(chute: &Chute, id: &str, files: &[&Path], options: TransferOptions) -> (BatchSummary, Vec<FileResult>) {
    let plan = chute.plan_delivery(id, &files.iter().map(|p| p.to_path_buf()).collect::<Vec<_>>()).expect("plan");
    let job = Job::Plan { destination_id: id.into(), plan: Arc::new(plan), origin: Origin::Cli, options };
    let mut reported = Vec::new();
    let mut on = |e: DeliveryEvent| {
        if let DeliveryEvent::File(f) = e {
            reported.push(*f);
        }
    };
    (chute.run(&job, &Control::default(), &mut on).expect("the delivery runs"), reported)
}

/// Files of 5 MiB parts from 6 MiB up, so a few MiB make a multipart upload.
fn small_parts() -> TransferOptions {
    TransferOptions { multipart_threshold: 6 << 20, min_part_size: 5 << 20, ..TransferOptions::default() }
}

fn object(server: &dyn Server, key: &str) -> Option<Vec<u8>> {
    let s = server.settings("read", "");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let client = s3::client(&s, &server.auth(), &ClientOptions::delivery()).await;
        let out = client.get_object().bucket("reports").key(key).send().await.ok()?;
        Some(out.body.collect().await.ok()?.into_bytes().to_vec())
    })
}

fn bytes(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

fn write(dir: &Path, name: &str, body: &[u8]) -> std::path::PathBuf {
    crate::support::content::write(dir, name, body)
}

/// The connection test measures what the server does and keeps it with the destination.
fn capabilities(chute: &Chute, server: &dyn Server) -> Result<String, String> {
    let id = save(chute, server.settings("caps", "caps/"), server.keys());
    let report = test(chute, &id);
    let measured = report.capabilities.clone().ok_or_else(|| format!("{}: no capabilities in {report:#?}", server.name()))?;
    if measured.conditional_create != server.conditional_create() {
        return Err(format!(
            "{}: conditional create seen as {:?}, known to be {:?}",
            server.name(),
            measured.conditional_create,
            server.conditional_create()
        ));
    }
    let kept = chute.capabilities(&id).unwrap();
    if kept.as_ref() != Some(&measured) {
        return Err(format!("{}: kept {kept:?}, measured {measured:?}", server.name()));
    }
    Ok(format!("{:8} {}", server.name(), measured.summary()))
}

/// A changed file delivered again to the same key (a single PUT and a
/// multipart upload) leaves the first bytes, whether the server refuses the
/// write itself or Chute must look first; a destination never tested is
/// measured by its first delivery.
fn never_overwrite(chute: &Chute, server: &dyn Server, dir: &Path) -> Outcome {
    let dir = dir.join("never");
    let id = save(chute, server.settings("never", "never/"), server.keys());
    let small = write(&dir, "note.txt", b"the first words");
    let big = write(&dir, "big.bin", &bytes(7 << 20, 1));
    let first = deliver(chute, &id, &[&small, &big], small_parts());
    if first.delivered != 2 {
        return Err(format!("first delivery: {first:#?}"));
    }
    let seen = chute.capabilities(&id).unwrap().ok_or("the first delivery did not measure the conditional create")?;
    let guard = chute.view(&chute.get(&id).unwrap()).unwrap().overwrite_guard;
    let want = if server.conditional_create() == ConditionalCreate::Honoured { OverwriteGuard::Atomic } else { OverwriteGuard::CheckFirst };
    if seen.conditional_create != server.conditional_create() || guard != want {
        return Err(format!("measured {:?}, guard {guard:?}", seen.conditional_create));
    }
    write(&dir, "note.txt", b"other words, longer than the first");
    write(&dir, "big.bin", &bytes(8 << 20, 2));
    let second = deliver(chute, &id, &[&small, &big], small_parts());
    let refused = second.not_landed.iter().filter(|f| f.error.as_ref().is_some_and(|e| e.code == Code::AlreadyExists)).count();
    if refused != 2 {
        return Err(format!("the second delivery was not refused for both: {:#?}", second.not_landed));
    }
    if object(server, "never/note.txt").as_deref() != Some(b"the first words".as_slice()) {
        return Err("never/note.txt was overwritten".into());
    }
    if object(server, "never/big.bin") != Some(bytes(7 << 20, 1)) {
        return Err("never/big.bin was overwritten".into());
    }
    Ok(())
}

/// One byte flipped on the wire in a whole-file PUT and in each part of a
/// multipart upload: refused by the server (it verifies the checksum) or
/// caught by Chute (the ETag is not the sent MD5), and sent again.
fn flipped_byte(chute: &Chute, server: &dyn Server, dir: &Path) -> Outcome {
    let dir = dir.join("flip");
    let proxy = FaultProxy::start(
        &server.address(),
        FaultPlan {
            seed: 7,
            percent: 100,
            faults: vec![Fault::FlipByte],
            methods: vec!["PUT"],
            max_consecutive: 1,
            only: Some(|_, target| target.contains("/flip/data")),
            stall: std::time::Duration::ZERO,
        },
    );
    let settings = Settings { endpoint: proxy.endpoint(), ..server.settings("flip", "flip/") };
    let id = save(chute, settings, server.keys());
    let small = write(&dir, "data-small.bin", &bytes(100_000, 3));
    let big = write(&dir, "data-big.bin", &bytes(12 << 20, 4));
    let run = deliver(chute, &id, &[&small, &big], small_parts());
    let flipped = proxy.tally().get(&Fault::FlipByte).copied().unwrap_or(0);
    if run.delivered != 2 || flipped < 4 {
        return Err(format!("{flipped} bytes flipped; {:#?}", run.not_landed));
    }
    if object(server, "flip/data-small.bin") != Some(bytes(100_000, 3)) || object(server, "flip/data-big.bin") != Some(bytes(12 << 20, 4)) {
        return Err("an object differs from its file".into());
    }
    Ok(())
}

/// Keys that can read the bucket but not write: the test says exactly that,
/// with the fix in this kind of server's terms; a delivery names it alike.
fn read_only_key(chute: &Chute, server: &dyn Server, dir: &Path) -> Outcome {
    let Some(keys) = server.read_only_keys() else { return Ok(()) };
    let id = save(chute, server.settings("read only", "ro/"), keys);
    let report = test(chute, &id);
    let d = report.findings.iter().find(|f| f.code == Code::WriteDenied).ok_or_else(|| format!("{:#?}", report.findings))?;
    if !d.title.contains("can read `reports` but not write") || !d.fix.contains("garage bucket allow --write reports") || d.policy.is_some()
    {
        return Err(format!("{d:#?}"));
    }
    let run = deliver(chute, &id, &[&write(dir, "ro.txt", b"x")], TransferOptions::default());
    match run.not_landed.first().and_then(|f| f.error.as_ref()) {
        Some(e) if e.code == Code::WriteDenied && e.fix == d.fix => Ok(()),
        other => Err(format!("the delivery said {other:#?}")),
    }
}

/// Signed for the wrong region: the region the server expects is read from
/// its refusal, offered as the one-click fix, and the fix makes it pass.
fn region_from_refusal(chute: &Chute, server: &dyn Server, _: &Path) -> Outcome {
    if !server.checks_region() {
        return Ok(());
    }
    let settings = Settings { region: "eu-central-1".into(), ..server.settings("region", "region/") };
    let id = save(chute, settings, server.keys());
    let report = test(chute, &id);
    let d = report.findings.iter().find(|f| f.code == Code::WrongRegion).ok_or_else(|| format!("{:#?}", report.findings))?;
    let fix = d.apply.clone().ok_or_else(|| format!("no one-click fix: {d:#?}"))?;
    if (fix.field.as_str(), fix.value.as_str()) != ("region", server.region()) {
        return Err(format!("{fix:#?}"));
    }
    chute.apply_fix(&id, &fix.field, &fix.value).map_err(|e| e.to_string())?;
    let again = test(chute, &id);
    match again.findings.iter().find(|f| f.level == Level::Error) {
        None => Ok(()),
        Some(e) => Err(format!("after the fix: {e:#?}")),
    }
}

/// Uploads left open under the prefix (by another tool here) are listed
/// with their size and aborted; a server that cannot list them says so.
fn open_uploads(chute: &Chute, server: &dyn Server, _: &Path) -> Outcome {
    let id = save(chute, server.settings("orphans", "orphans/"), server.keys());
    let lists = chute.measure_capabilities(&id).map_err(|e| e.to_string())?.lists_uploads;
    let s = server.settings("admin", "");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let upload_id = rt.block_on(async {
        let c = s3::client(&s, &server.auth(), &ClientOptions::delivery()).await;
        let up = c.create_multipart_upload().bucket("reports").key("orphans/left.bin").send().await.unwrap();
        let id = up.upload_id().unwrap().to_string();
        c.upload_part()
            .bucket("reports")
            .key("orphans/left.bin")
            .upload_id(&id)
            .part_number(1)
            .body(vec![7u8; 1000].into())
            .send()
            .await
            .unwrap();
        id
    });
    match (lists, chute.open_uploads(&id)) {
        (Some(true), Ok(open)) => {
            let left = open.iter().find(|u| u.upload_id == upload_id).ok_or_else(|| format!("not listed: {open:#?}"))?;
            if left.key != "orphans/left.bin" || left.initiated_at.is_none() {
                return Err(format!("{left:#?}"));
            }
            let report = chute.abort_uploads(&id, &AbortWhich::OlderThanHours(0)).map_err(|e| e.to_string())?;
            let still = chute.open_uploads(&id).map_err(|e| e.to_string())?;
            if report.aborted.len() != 1 || !still.is_empty() {
                return Err(format!("aborted {:?}, still open {still:?}", report.aborted));
            }
            Ok(())
        }
        (Some(false), Err(e)) if e.reply().info.code == Code::UploadsNotListed => Ok(()),
        (lists, r) => Err(format!("lists uploads {lists:?}, listing gave {r:?}")),
    }
}

/// Every object is checked as it lands (the receipt: all verified); one
/// altered on the server afterwards by another tool, and one deleted, are
/// found by checking the batch again.
fn receipt(chute: &Chute, server: &dyn Server, dir: &Path) -> Outcome {
    let dir = dir.join("receipt");
    let id = save(chute, server.settings("receipt", "receipt/"), server.keys());
    let files = [write(&dir, "a.csv", b"1,2,3\n"), write(&dir, "b.csv", b"4,5,6\n"), write(&dir, "big.bin", &bytes(7 << 20, 9))];
    let (run, reported) = deliver_reporting(chute, &id, &files.iter().map(|p| p.as_path()).collect::<Vec<_>>(), small_parts());
    let landed = run.receipt.as_ref().ok_or("no receipt")?;
    if run.delivered != 3 || landed.verified != 3 {
        return Err(format!("as delivered: {landed:#?}"));
    }
    // Where the server was seen to verify CRC32C, the multipart object's parts
    // were checked as they went, and its receipt needs no second read.
    let crc32c = chute.capabilities(&id).unwrap().and_then(|c| c.checksum(chute_core::Algorithm::Crc32c));
    let big = reported.iter().find(|f| f.key == "receipt/big.bin").ok_or("no big.bin")?;
    if big.parts_checked != (crc32c == Some(chute_core::ChecksumSupport::Verified)) {
        return Err(format!("CRC32C {crc32c:?}, parts checked {}", big.parts_checked));
    }
    let s = server.settings("alter", "");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let c = s3::client(&s, &server.auth(), &ClientOptions::delivery()).await;
        c.put_object().bucket("reports").key("receipt/a.csv").body(b"1,2,X\n".to_vec().into()).send().await.unwrap();
        c.delete_object().bucket("reports").key("receipt/b.csv").send().await.unwrap();
    });
    let check = chute.verify_batch(run.batch_id.as_deref().unwrap(), &mut |_| {}).map_err(|e| e.to_string())?;
    let state = |key: &str| check.objects.iter().find(|o| o.key == key).map(|o| o.state);
    let seen = (state("receipt/a.csv"), state("receipt/b.csv"), state("receipt/big.bin"));
    if seen != (Some(Verification::Changed), Some(Verification::Missing), Some(Verification::Verified)) || check.receipt.differing != 2 {
        return Err(format!("checked again: {seen:?}, {:#?}", check.receipt));
    }
    Ok(())
}
