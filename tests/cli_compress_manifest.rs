//! What a destination adds to a delivery: compression on the way (gzip as
//! `.gz` objects, or `Content-Encoding: gzip` under the file's own name,
//! multipart included) and a manifest then a `_SUCCESS` marker after each
//! batch (written last, and not at all when a file did not land); the
//! check after delivery set off (no request after an upload, no receipt)
//! and on again. Against
//! s3s-fs (objects are files), moto (headers), and the recording proxy of
//! tests/support/faults.rs with no fault, to see the order of requests.

mod support;

use std::io::Read;

use flate2::read::GzDecoder;
use serde_json::Value;
use support::content::{content, write, MIB};
use support::faults::{FaultProxy, Plan as FaultPlan};
use support::servers::{Moto, S3sFs};
use support::world::*;

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    GzDecoder::new(bytes).read_to_end(&mut out).expect("a gzip stream");
    out
}

fn edit(w: &World, name: &str, flags: &[&str]) {
    let mut args = vec!["destination", "edit", name];
    args.extend_from_slice(flags);
    w.json(&args, None).ok();
}

#[test]
fn gzip_objects_get_a_gz_key_and_decompress_to_the_files_multipart_included() {
    let fs = S3sFs::start();
    let w = world();
    add_s3s(&w, &fs, "Files", "{prefix}{relpath}");
    edit(&w, "Files", &["--compression", "gzip"]);
    let src = tempfile::tempdir().unwrap();
    let csv = "id,name\n".to_string() + &"1,alpha\n".repeat(5_000);
    write(src.path(), "data/table.csv", csv.as_bytes());
    let big = content(7, 17 * MIB);
    write(src.path(), "data/big.bin", &big);

    let preview = w.json(&["deliver", "Files", src.path().join("data").to_str().unwrap(), "--dry-run"], None).ok();
    let plan = &lines(&preview)[0];
    assert_eq!(plan["destination"]["compression"], "gzip");
    let keys: Vec<&str> = plan["files"].as_array().unwrap().iter().map(|f| f["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["incoming/big.bin.gz", "incoming/table.csv.gz"], "the preview shows the keys as they will be");

    let r = w.json(&["deliver", "Files", src.path().join("data").to_str().unwrap(), "--yes"], None).ok();
    assert_eq!(lines(&r).last().unwrap()["delivered"], 2);
    let objects = fs.objects("reports");
    assert_eq!(gunzip(&objects["incoming/table.csv.gz"]), csv.as_bytes());
    assert!(objects["incoming/table.csv.gz"].len() < csv.len() / 10, "compressed");
    assert_eq!(gunzip(&objects["incoming/big.bin.gz"]), big, "over the multipart threshold too");
    let staging = w.data.join("staging");
    assert!(!staging.exists() || std::fs::read_dir(&staging).unwrap().next().is_none(), "staged copies are removed");
}

#[test]
fn gzip_encoding_keeps_the_name_and_says_content_encoding() {
    let moto = Moto::start();
    let w = world();
    add_moto(&w, &moto, "Files");
    edit(&w, "Files", &["--compression", "gzip-encoding"]);
    let src = tempfile::tempdir().unwrap();
    let body = "{\"a\":1}\n".repeat(1_000);
    write(src.path(), "events.ndjson", body.as_bytes());
    w.json(&["deliver", "Files", src.path().join("events.ndjson").to_str().unwrap(), "--yes"], None).ok();
    let head = moto.head("reports", "incoming/events.ndjson");
    assert_eq!(head["ContentEncoding"], "gzip", "{head:#}");
    assert_ne!(head["ContentType"], "application/gzip");
    assert_eq!(gunzip(&moto.objects("reports")["incoming/events.ndjson"]), body.as_bytes());
}

fn recording_proxy(fs: &S3sFs) -> FaultProxy {
    FaultProxy::start(&format!("127.0.0.1:{}", fs.port), FaultPlan::none())
}

#[test]
fn a_manifest_lists_the_batch_and_the_marker_comes_last_or_not_at_all() {
    let fs = S3sFs::start();
    let proxy = recording_proxy(&fs);
    let w = world();
    add_s3s(&w, &fs, "Files", "{prefix}{relpath}");
    edit(&w, "Files", &["--manifest", "--endpoint", &proxy.endpoint()]);
    let src = tempfile::tempdir().unwrap();
    for (name, len) in [("a.csv", 10), ("b.csv", 2_000), ("c.csv", 0)] {
        write(src.path(), name, &content(len as u64, len));
    }
    let r = w.json(&["deliver", "Files", src.path().to_str().unwrap(), "--yes"], None).ok();
    let summary = lines(&r).last().unwrap().clone();
    let batch = summary["batch_id"].as_str().unwrap().to_string();
    let (manifest_key, marker_key) =
        (format!("incoming/_manifests/{batch}/manifest.json"), format!("incoming/_manifests/{batch}/_SUCCESS"));
    assert_eq!(summary["manifest"]["manifest_key"], manifest_key.as_str(), "{summary:#}");
    assert_eq!(summary["manifest"]["marker_key"], marker_key.as_str());

    let objects = fs.objects("reports");
    let manifest: Value = serde_json::from_slice(&objects[&manifest_key]).unwrap();
    let mut entries: Vec<(String, u64, bool)> = manifest["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["url"].as_str().unwrap().to_string(), e["meta"]["content_length"].as_u64().unwrap(), e["mandatory"] == true))
        .collect();
    entries.sort();
    assert_eq!(
        entries,
        [
            ("s3://reports/incoming/a.csv".to_string(), 10, true),
            ("s3://reports/incoming/b.csv".to_string(), 2_000, true),
            ("s3://reports/incoming/c.csv".to_string(), 0, true)
        ]
    );
    assert_eq!(objects[&marker_key], b"");
    let puts: Vec<String> = proxy.log().into_iter().filter(|s| s.method == "PUT").map(|s| s.key).collect();
    assert!(puts.last().unwrap().ends_with("_SUCCESS"), "the marker is the last write: {puts:?}");
    let manifest_at = puts.iter().position(|k| k.ends_with("manifest.json")).unwrap();
    assert_eq!(manifest_at, puts.len() - 2, "the manifest right before it, after every object: {puts:?}");

    // Again: a.csv's key is taken (never overwrite), so the batch is partial: a manifest of what landed, no marker.
    write(src.path(), "d.csv", b"new");
    let r = w
        .json(&["deliver", "Files", src.path().join("a.csv").to_str().unwrap(), src.path().join("d.csv").to_str().unwrap(), "--yes"], None);
    assert_eq!(r.code, 1, "a file failed: {}", r.stdout);
    let summary = lines(&r).last().unwrap().clone();
    let m = &summary["manifest"];
    assert!(m["manifest_key"].is_string(), "{summary:#}");
    assert_eq!(m["marker_key"], Value::Null);
    assert!(m["note"].as_str().unwrap().contains("1 file"), "{m:#}");
    let batch = summary["batch_id"].as_str().unwrap();
    let objects = fs.objects("reports");
    assert!(!objects.contains_key(&format!("incoming/_manifests/{batch}/_SUCCESS")));
    let manifest: Value = serde_json::from_slice(&objects[&format!("incoming/_manifests/{batch}/manifest.json")]).unwrap();
    let urls: Vec<&str> = manifest["entries"].as_array().unwrap().iter().map(|e| e["url"].as_str().unwrap()).collect();
    assert_eq!(urls, ["s3://reports/incoming/d.csv"], "only what this batch delivered");
    let text = w.run(&["destination", "show", "Files"], None).ok().stdout;
    assert!(text.contains("Manifest") && text.contains("_SUCCESS"), "{text}");
}

#[test]
fn check_after_delivery_is_set_and_shown_and_off_asks_nothing_after_each_upload() {
    let fs = S3sFs::start();
    let proxy = recording_proxy(&fs);
    let w = world();
    add_s3s(&w, &fs, "Files", "{prefix}{relpath}");
    let text = w.run(&["destination", "show", "Files"], None).ok().stdout;
    assert!(text.contains("each object, once it lands"), "on by default: {text}");
    edit(&w, "Files", &["--check-after-delivery=false", "--endpoint", &proxy.endpoint()]);
    let text = w.run(&["destination", "show", "Files"], None).ok().stdout;
    assert!(text.contains("no: the server's answer to each upload only"), "{text}");

    let src = tempfile::tempdir().unwrap();
    for (name, len) in [("a.csv", 10), ("b.csv", 2_000)] {
        write(src.path(), name, &content(len as u64, len));
    }
    let r = w.json(&["deliver", "Files", src.path().to_str().unwrap(), "--yes"], None).ok();
    let summary = lines(&r).last().unwrap().clone();
    assert_eq!(summary["delivered"], 2, "{summary:#}");
    assert!(summary["receipt"].is_null(), "no receipt: {summary:#}");
    let asked: Vec<String> = proxy.log().into_iter().filter(|s| s.method == "HEAD" || s.method == "GET").map(|s| s.target).collect();
    assert!(asked.is_empty(), "nothing asked after the uploads: {asked:?}");

    write(src.path(), "b2.csv", b"b2");
    let text = w.run(&["deliver", "Files", src.path().join("b2.csv").to_str().unwrap(), "--yes"], None).ok().stdout;
    assert!(text.contains("Objects not checked after delivery") && text.contains("`chute verify "), "{text}");

    // Back on (the flag alone means true): the next delivery has its receipt.
    edit(&w, "Files", &["--check-after-delivery"]);
    write(src.path(), "c.csv", b"c");
    let r = w.json(&["deliver", "Files", src.path().join("c.csv").to_str().unwrap(), "--yes"], None).ok();
    let summary = lines(&r).last().unwrap().clone();
    assert_eq!(summary["receipt"]["verified"], 1, "{summary:#}");
}
