//! `chute verify` and the receipts `chute deliver` prints, end to end:
//! a past delivery re-checked after another tool changed and deleted
//! objects (JSON and text, exit 1, then 0 once they are back); a folder
//! audited against a prefix with a file missing remotely, one missing
//! locally and one differing (summary and exit code); on moto, a multipart
//! object verified as it lands, and credentials that may write but not
//! read saying so instead of claiming anything verified.

mod support;

use serde_json::Value;
use support::content::{content, write, MIB};
use support::faults::{FaultProxy, Plan as FaultPlan};
use support::garage::Garage;
use support::servers::{Moto, S3sFs};
use support::world::*;

/// Deliver `path` to `name` with `--json`; the summary line.
fn deliver(w: &World, name: &str, path: &std::path::Path) -> Value {
    let r = w.json(&["deliver", name, path.to_str().unwrap(), "--yes"], None);
    lines(&r).last().unwrap().clone()
}

fn states(v: &Value, list: &str) -> Vec<(String, String)> {
    v[list].as_array().unwrap().iter().map(|o| (o["key"].as_str().unwrap().to_string(), o["state"].as_str().unwrap().to_string())).collect()
}

#[test]
fn verify_batch_finds_objects_changed_or_deleted_since_and_says_so_by_its_exit_code() {
    let fs = S3sFs::start();
    let w = world();
    add_s3s(&w, &fs, "Files", "{prefix}{relpath}");
    let src = tempfile::tempdir().unwrap();
    for name in ["a.txt", "b.txt", "c.txt"] {
        write(src.path(), name, format!("this is {name}").as_bytes());
    }
    let summary = deliver(&w, "Files", src.path());
    assert_eq!(summary["delivered"], 3, "{summary:#}");
    let receipt = &summary["receipt"];
    assert_eq!((receipt["kind"].as_str(), receipt["checked"].as_u64(), receipt["verified"].as_u64()), (Some("delivery"), Some(3), Some(3)));
    let batch = summary["batch_id"].as_str().unwrap().to_string();

    let fine = w.json(&["verify", &batch], None);
    assert_eq!(fine.code, 0, "{}{}", fine.stdout, fine.stderr);
    assert!(states(&fine.json(), "objects").iter().all(|(_, s)| s == "verified"));

    fs.put("reports", "incoming/b.txt", b"another tool wrote more bytes here");
    fs.delete("reports", "incoming/c.txt");
    let changed = w.json(&["verify", &batch], None);
    assert_eq!(changed.code, 1, "a difference is a failure\n{}", changed.stdout);
    let v = changed.json();
    assert_eq!(v["batch_id"], batch.as_str());
    assert_eq!(
        states(&v, "objects"),
        [
            ("incoming/a.txt".to_string(), "verified".to_string()),
            ("incoming/b.txt".to_string(), "changed".to_string()),
            ("incoming/c.txt".to_string(), "missing".to_string())
        ]
    );
    assert_eq!(v["objects"][1]["error"]["code"], "object_changed");
    assert_eq!(v["objects"][2]["error"]["code"], "object_missing");
    assert!(v["objects"][2]["error"]["fix"].as_str().unwrap().contains(&format!("chute history retry {batch} --all")));
    assert_eq!((v["receipt"]["kind"].as_str(), v["receipt"]["differing"].as_u64()), (Some("recheck"), Some(2)));

    let text = w.run(&["verify", &batch], None);
    assert_eq!(text.code, 1);
    assert!(
        text.stdout.starts_with(&format!(
            "Batch {batch} to \"Files\": 3 objects checked again: 1 verified, 1 changed since delivery, 1 missing.\n"
        )),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("✗ incoming/b.txt (changed since delivery)") && text.stdout.contains("✗ incoming/c.txt (missing)"));
    assert!(text.stdout.contains("[object_changed]") && text.stdout.contains("fix: "), "{}", text.stdout);
    let all = w.run(&["verify", &batch, "--all"], None).stdout;
    assert!(
        all.contains("KEY") && all.lines().any(|l| l.contains("incoming/a.txt") && l.contains("verified") && l.contains("as delivered")),
        "{all}"
    );

    let shown = w.run(&["history", "show", &batch], None).ok().stdout;
    assert!(shown.contains("Receipt:     Checked again") && shown.contains("1 verified, 2 differing of 3 objects"), "{shown}");
    let shown_json = w.json(&["history", "show", &batch], None).ok().json();
    assert_eq!(shown_json["receipt"]["problems"].as_array().unwrap().len(), 2);
    let files = shown_json["files"].as_array().unwrap();
    assert_eq!(files.iter().find(|f| f["key"] == "incoming/c.txt").unwrap()["verified"], "missing");

    // Put back as delivered: verified again, exit 0.
    fs.put("reports", "incoming/b.txt", b"this is b.txt");
    fs.put("reports", "incoming/c.txt", b"this is c.txt");
    let back = w.run(&["verify", &batch], None);
    assert_eq!(back.code, 0, "{}", back.stdout);
    assert!(back.stdout.contains("3 verified.\nEvery object is as it was delivered.\n"), "{}", back.stdout);

    let unknown = w.json(&["verify", "00000000-0000-0000-0000-000000000000"], None);
    unknown.error(1, "batch_not_found");
    let usage = w.json(&["verify", &batch, "--prefix", "x/"], None);
    usage.error(2, "usage");
}

#[test]
fn a_folder_audit_has_a_summary_and_an_exit_code() {
    let fs = S3sFs::start();
    let w = world();
    add_s3s(&w, &fs, "Files", "{prefix}{relpath}");
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "same.csv", b"1,2,3\n");
    write(src.path(), "differs.csv", b"as delivered\n");
    write(src.path(), "deep/big.bin", &content(5, 17 * MIB));
    assert_eq!(deliver(&w, "Files", src.path())["delivered"], 3);
    write(src.path(), "deep/only-here.csv", b"never uploaded\n");
    fs.put("reports", "incoming/only-there.csv", b"uploaded from elsewhere\n");
    fs.put("reports", "incoming/differs.csv", b"AS DELIVERED\n");
    let dir = src.path().to_str().unwrap();

    let r = w.json(&["verify", "--destination", "Files", dir], None);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let v = r.json();
    assert_eq!((v["local_files"].as_u64(), v["objects"].as_u64(), v["prefix"].as_str()), (Some(4), Some(4), Some("incoming/")));
    assert_eq!(
        [&v["verified"], &v["mismatched"], &v["missing"], &v["missing_locally"], &v["unchecked"]].map(|n| n.as_u64().unwrap()),
        [2, 1, 1, 1, 0]
    );
    assert_eq!(
        states(&v, "results"),
        [
            ("incoming/deep/big.bin".to_string(), "verified".to_string()),
            ("incoming/deep/only-here.csv".to_string(), "missing".to_string()),
            ("incoming/differs.csv".to_string(), "mismatch".to_string()),
            ("incoming/only-there.csv".to_string(), "missing_locally".to_string()),
            ("incoming/same.csv".to_string(), "verified".to_string()),
        ]
    );
    assert_eq!(v["results"][0]["basis"], "multipart_etag");
    assert_eq!(v["results"][2]["error"]["code"], "receipt_mismatch");

    let text = w.run(&["verify", "--destination", "Files", dir], None);
    assert_eq!(text.code, 1);
    let head = text.stdout.lines().next().unwrap();
    assert_eq!(
        head,
        format!(
            "Audited {dir} against \"Files\" (s3://reports/incoming/): 4 files, 4 objects: 2 verified, 1 differs, 1 missing remotely, 1 missing locally."
        )
    );
    assert!(text.stdout.contains("✗ incoming/only-there.csv (missing locally)"), "{}", text.stdout);

    // Once they agree: exit 0.
    std::fs::remove_file(src.path().join("deep/only-here.csv")).unwrap();
    fs.delete("reports", "incoming/only-there.csv");
    fs.put("reports", "incoming/differs.csv", b"as delivered\n");
    let clean = w.run(&["verify", "--destination", "Files", dir], None);
    assert_eq!(clean.code, 0, "{}", clean.stdout);
    assert!(clean.stdout.contains(": 3 verified.\nEvery file has its object, and every object its file.\n"), "{}", clean.stdout);
    // Another prefix, empty, against the same folder: every file missing remotely.
    let other = w.json(&["verify", "--destination", "Files", "--prefix", "elsewhere/", dir], None);
    assert_eq!((other.code, other.json()["missing"].as_u64()), (1, Some(3)));
}

#[test]
fn on_moto_a_multipart_object_is_verified_as_it_lands_and_write_only_keys_say_they_cannot_check() {
    let moto = Moto::start();
    let w = world();
    let (admin, writer) = (moto.user("admin"), moto.user("object-only"));
    w.write_profile((
        "[profile moto]\nregion = us-east-1\n[profile writeonly]\nregion = us-east-1\n".into(),
        format!(
            "[moto]\naws_access_key_id = {}\naws_secret_access_key = {}\n[writeonly]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            admin.access_key_id, admin.secret_access_key, writer.access_key_id, writer.secret_access_key
        ),
    ));
    let flags = |name: &str, profile: &str| -> Vec<String> {
        let mut a: Vec<String> = ["destination", "add", "--name", name, "--prefix", "incoming/"].map(String::from).to_vec();
        a.extend(moto_flags(&moto));
        let at = a.iter().position(|x| x == "moto").unwrap();
        a[at] = profile.to_string();
        a
    };
    for (name, profile) in [("Lake", "moto"), ("Drop box", "writeonly")] {
        let args = flags(name, profile);
        w.json(&args.iter().map(String::as_str).collect::<Vec<_>>(), None).ok();
    }
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "big.bin", &content(11, 17 * MIB));
    write(src.path(), "small.csv", b"a,b\n");
    let summary = deliver(&w, "Lake", src.path());
    assert_eq!(summary["delivered"], 2, "{summary:#}");
    assert_eq!((summary["receipt"]["verified"].as_u64(), summary["receipt"]["differing"].as_u64()), (Some(2), Some(0)), "{summary:#}");
    let batch = summary["batch_id"].as_str().unwrap();
    let shown = w.json(&["history", "show", batch], None).ok().json();
    let big = shown["files"].as_array().unwrap().iter().find(|f| f["key"] == "incoming/big.bin").unwrap().clone();
    assert!(big["etag"].as_str().unwrap().trim_matches('"').ends_with("-3"), "three parts: {big:#}");
    assert_eq!(big["verified"], "verified");

    // Keys that may write but not read: delivered, and the receipt says they were not checked (never "verified").
    let drop = tempfile::tempdir().unwrap();
    write(drop.path(), "report.csv", b"x,y\n");
    let r = w.json(&["deliver", "Drop box", drop.path().to_str().unwrap(), "--yes"], None);
    assert_eq!(r.code, 0, "the files were delivered: {}", r.stdout);
    let s = lines(&r).last().unwrap().clone();
    assert_eq!((s["receipt"]["verified"].as_u64(), s["receipt"]["unchecked"].as_u64()), (Some(0), Some(1)), "{s:#}");
    assert_eq!(s["receipt"]["problems"][0]["code"], "read_denied");
    let again = w.json(&["verify", s["batch_id"].as_str().unwrap()], None);
    assert_eq!(again.code, 1, "not checked is not verified: {}", again.stdout);
    assert_eq!(again.json()["objects"][0]["state"], "unchecked");
    let text = w.run(&["deliver", "Drop box", drop.path().join("report.csv").to_str().unwrap(), "--yes", "--overwrite", "overwrite"], None);
    assert!(text.stdout.contains("0 verified, 1 not checked of 1 object.") && text.stdout.contains("s3:GetObject"), "{}", text.stdout);
}

/// The requests a counting proxy saw from `from` on: HEADs, and listings.
fn heads_and_lists(proxy: &FaultProxy, from: usize) -> (usize, usize) {
    let log = proxy.log();
    let later = &log[from.min(log.len())..];
    let heads = later.iter().filter(|s| s.method == "HEAD").count();
    let lists = later.iter().filter(|s| s.method == "GET" && s.target.contains("list-type=2")).count();
    (heads, lists)
}

/// A world with destination `Lake` (prefix `incoming/`, keys by relative
/// path) on the server at `endpoint`, reached through a proxy that changes
/// nothing and counts the requests; `flags` add it, `profile` its AWS profile.
fn lake_through_a_counting_proxy(endpoint: &str, profile: (String, String), mut flags: Vec<String>) -> (World, FaultProxy) {
    let proxy = FaultProxy::start(endpoint.trim_start_matches("http://"), FaultPlan::none());
    let w = world();
    w.write_profile(profile);
    let at = flags.iter().position(|f| f == "--endpoint").unwrap() + 1;
    flags[at] = proxy.endpoint();
    let mut args: Vec<String> =
        ["destination", "add", "--name", "Lake", "--prefix", "incoming/", "--key-template", "{prefix}{relpath}"].map(String::from).to_vec();
    args.extend(flags);
    w.json(&args.iter().map(String::as_str).collect::<Vec<_>>(), None).ok();
    (w, proxy)
}

/// A folder of `count` one-line CSV files, `part-NN.csv` numbered with `digits` digits.
fn csv_parts(count: usize, digits: usize) -> tempfile::TempDir {
    let src = tempfile::tempdir().unwrap();
    for i in 0..count {
        write(src.path(), &format!("part-{i:0digits$}.csv"), format!("row {i}\n").as_bytes());
    }
    src
}

/// Deliver `dir` to `Lake`: every one of its `count` files delivered and
/// its object verified as it landed; the summary line.
fn deliver_all_verified(w: &World, dir: &std::path::Path, count: u64) -> Value {
    let summary = deliver(w, "Lake", dir);
    assert_eq!(summary["delivered"], count, "{summary:#}");
    let receipt = &summary["receipt"];
    assert_eq!((receipt["checked"].as_u64(), receipt["verified"].as_u64()), (Some(count), Some(count)), "{receipt:#}");
    summary
}

#[test]
fn on_moto_many_objects_are_verified_by_listing_them_and_only_those_that_differ_are_asked_about() {
    let moto = Moto::start();
    let (w, proxy) = lake_through_a_counting_proxy(&moto.endpoint(), moto.profile_files(), moto_flags(&moto));
    let src = csv_parts(60, 2);
    let summary = deliver_all_verified(&w, src.path(), 60);
    let batch = summary["batch_id"].as_str().unwrap().to_string();

    let mark = proxy.log().len();
    let fine = w.json(&["verify", &batch], None);
    assert_eq!(fine.code, 0, "{}{}", fine.stdout, fine.stderr);
    assert!(states(&fine.json(), "objects").iter().all(|(_, s)| s == "verified"));
    assert_eq!(heads_and_lists(&proxy, mark), (0, 1), "one listing verified all 60, no HEAD");

    // Another tool rewrites one object and deletes another: those two are
    // asked about on their own, and found changed and missing.
    moto.put("reports", "incoming/part-07.csv", b"ROW 7\n");
    moto.delete("reports", "incoming/part-42.csv");
    let mark = proxy.log().len();
    let changed = w.json(&["verify", &batch], None);
    assert_eq!(changed.code, 1, "{}", changed.stdout);
    let found: Vec<(String, String)> = states(&changed.json(), "objects").into_iter().filter(|(_, s)| s != "verified").collect();
    assert_eq!(
        found,
        [("incoming/part-07.csv".to_string(), "changed".to_string()), ("incoming/part-42.csv".to_string(), "missing".to_string())]
    );
    assert_eq!(heads_and_lists(&proxy, mark), (2, 1), "a HEAD for each of the two the listing did not verify");

    // The folder audited against the prefix: its own listing settles the 58 unchanged.
    let mark = proxy.log().len();
    let audit = w.json(&["verify", "--destination", "Lake", src.path().to_str().unwrap()], None);
    assert_eq!(audit.code, 1, "{}", audit.stdout);
    let v = audit.json();
    assert_eq!([&v["verified"], &v["mismatched"], &v["missing"]].map(|n| n.as_u64().unwrap()), [58, 1, 1], "{v:#}");
    assert_eq!(heads_and_lists(&proxy, mark), (1, 1), "a HEAD for the rewritten object alone");
}

/// On Garage, whose listings carry ETags, 1,000 files are checked as they
/// land by listing what landed a page at a time: at most a few objects are
/// asked about after their upload (the last files of the batch, when too
/// few to list), against a HEAD for each before. Every object is verified.
#[test]
fn on_garage_a_large_delivery_is_checked_by_listing_what_landed() {
    let garage = Garage::start();
    let (w, proxy) = lake_through_a_counting_proxy(&garage.endpoint(), garage.profile_files(), garage_flags(&garage));
    let src = csv_parts(1000, 4);
    let mark = proxy.log().len();
    deliver_all_verified(&w, src.path(), 1000);

    // A HEAD of an object already uploaded is its check; one before is the
    // look for an existing object that "never overwrite" makes.
    let mut uploaded = std::collections::HashSet::new();
    let mut checked_by_head = 0;
    for s in &proxy.log()[mark..] {
        match s.method.as_str() {
            "PUT" if s.key.starts_with("incoming/part-") => {
                uploaded.insert(s.key.clone());
            }
            "HEAD" if uploaded.contains(&s.key) => checked_by_head += 1,
            _ => {}
        }
    }
    let (_, lists) = heads_and_lists(&proxy, mark);
    assert_eq!(uploaded.len(), 1000);
    assert!((1..=50).contains(&lists), "{lists} listings");
    assert!(checked_by_head < 100, "{checked_by_head} objects asked about one by one, {lists} listings");
    eprintln!("1,000 objects checked with {lists} listings and {checked_by_head} HEADs");
}

/// Keys that may read objects but not list the bucket (moto's IAM): the
/// check as objects land tries a listing once (refused, it is not tried
/// again for the later files) and asks about each object on its own;
/// every object is verified.
#[test]
fn on_moto_keys_that_may_not_list_have_each_object_asked_about_and_verified() {
    let moto = Moto::start();
    let k = moto.user("no-list");
    let profile = (
        "[profile moto]\nregion = us-east-1\n".to_string(),
        format!("[moto]\naws_access_key_id = {}\naws_secret_access_key = {}\n", k.access_key_id, k.secret_access_key),
    );
    let (w, proxy) = lake_through_a_counting_proxy(&moto.endpoint(), profile, moto_flags(&moto));
    let src = csv_parts(200, 3);
    let mark = proxy.log().len();
    deliver_all_verified(&w, src.path(), 200);
    let (heads, lists) = heads_and_lists(&proxy, mark);
    assert!(lists <= 1, "a refused listing is not asked again: {lists}");
    assert!(heads >= 200, "each object asked about: {heads} HEADs");
}
