//! The connection test against s3s-fs and moto: a test that passes and is
//! remembered, the wrong region found and fixed, denied writes with the
//! policy to attach, and what wrong keys, buckets and scoped tokens look like.

use serde_json::Value;

use crate::support::keychain::Keyring;
use crate::support::servers::{Moto, S3sFs, S3S_KEY, S3S_SECRET};
use crate::support::world::*;
use crate::{finding, last_line, moto_draft, skipped_after, statuses, step, strs};

#[test]
fn test_passes_on_s3s_fs_and_is_remembered() {
    let fs = S3sFs::start();
    let k = Keyring::start();
    let w = World::with_keyring(&k);
    let endpoint = fs.endpoint();
    let settings = ["--provider", "minio", "--bucket", "reports", "--endpoint", &endpoint, "--prefix", "incoming/"];
    let mut add = vec!["destination", "add", "--name", "Files"];
    add.extend(settings);
    add.extend(["--access-key-id", S3S_KEY, "--secret-stdin"]);
    w.json(&add, Some(S3S_SECRET)).ok();
    assert_eq!(w.json(&["destination", "show", "Files"], None).ok().json()["last_probe"], Value::Null);
    let none = w.run(&["destination", "probes", "Files"], None).ok();
    assert!(none.stdout.contains("has not been tested yet"), "{}", none.stdout);

    let r = w.json(&["destination", "test", "Files"], None).ok().json();
    assert_eq!(r["outcome"], "passed", "{r:#}");
    let ids: Vec<String> = statuses(&r).into_iter().map(|(id, _)| id).collect();
    assert_eq!(
        ids,
        ["credentials", "resolve", "connect", "proxy", "tls", "reach", "head_bucket", "put_object", "capabilities", "delete_object"]
    );
    // What s3s-fs does, seen on the probe object: refuses a conditional
    // create on a taken key, verifies every checksum, cannot list uploads.
    let c = &r["capabilities"];
    assert_eq!((c["conditional_create"].as_str(), c["lists_uploads"].as_bool()), (Some("honoured"), Some(false)), "{c:#}");
    assert!(c["checksums"].as_array().unwrap().iter().all(|o| o["support"] == "verified"), "{c:#}");
    assert_eq!(c["multipart_etag"], "md5_of_parts");
    for (id, status) in statuses(&r) {
        assert_eq!(status, if id == "tls" || id == "proxy" { "skipped" } else { "passed" }, "{id}: {r:#}");
    }
    assert_eq!(step(&r, "tls")["detail"], "plain http://");
    assert_eq!(r["findings"], Value::Array(vec![]));
    assert_eq!(r["endpoint"], format!("{endpoint}/reports"));
    let key = r["probe_key"].as_str().unwrap();
    assert!(key.starts_with("incoming/chute-probe-"), "{key}");
    assert!(fs.object_paths("reports").is_empty(), "probe object left: {:?}", fs.object_paths("reports"));

    // For people: a line per step as it finishes, then the outcome.
    let human = w.run(&["destination", "test", "files", "--read-back"], None).ok();
    let lines: Vec<&str> = human.stdout.lines().collect();
    assert!(lines[0].starts_with("Testing \"Files\": "), "{}", human.stdout);
    for label in [
        "Credentials",
        "Resolve host",
        "Connect",
        "Server answers",
        "Bucket (HeadBucket)",
        "Write probe object",
        "Read back",
        "What the server does",
        "Delete probe object",
    ] {
        assert!(lines.iter().any(|l| l.starts_with(&format!("  ✓ {label} ")) && l.contains(" ms")), "{label}:\n{}", human.stdout);
    }
    assert!(lines.iter().any(|l| l.starts_with("  – TLS handshake ") && l.contains("skipped")), "{}", human.stdout);
    assert!(last_line(&human).starts_with("Passed in ") && last_line(&human).ends_with(" ms."), "{}", human.stdout);
    assert!(human.stderr.is_empty(), "{}", human.stderr);

    // Both tests are stored, newest first.
    let ps = w.json(&["destination", "probes", "Files"], None).ok().json();
    let ps = ps.as_array().unwrap();
    assert_eq!(ps.len(), 2, "{ps:#?}");
    assert!(ps.iter().all(|p| p["report"]["outcome"] == "passed"));
    assert_eq!(step(&ps[0]["report"], "read_back")["status"], "passed", "newest first");
    assert_eq!(ps[1]["report"]["probe_key"], key);
    assert_eq!(w.json(&["destination", "probes", "Files", "--limit", "1"], None).ok().json().as_array().unwrap().len(), 1);
    let table = w.run(&["destination", "probes", "Files"], None).ok();
    let rows: Vec<&str> = table.stdout.lines().collect();
    assert!(rows[0].starts_with("TIME") && rows[0].contains("OUTCOME") && rows[0].contains("DURATION"), "{}", table.stdout);
    assert_eq!(rows.len(), 3, "{}", table.stdout);
    assert!(rows[1..].iter().all(|l| l.contains(" UTC  passed  ")), "{}", table.stdout);
    assert_eq!(w.json(&["destination", "show", "Files"], None).ok().json()["last_probe"]["outcome"], "passed");
    let shown = w.run(&["destination", "show", "Files"], None).ok();
    assert!(shown.stdout.lines().any(|l| l.starts_with("Last test:") && l.contains(" passed, ")), "{}", shown.stdout);
    // What was seen is kept with the destination and said in its details.
    assert!(shown.stdout.lines().any(|l| l.starts_with("Overwrite:") && l.contains("never (atomic")), "{}", shown.stdout);
    assert!(
        shown.stdout.lines().any(|l| l.starts_with("Server seen:") && l.contains("conditional create honoured; verifies MD5, CRC32")),
        "{}",
        shown.stdout
    );
    let view = w.json(&["destination", "show", "Files"], None).ok().json();
    assert_eq!((view["overwrite_guard"].as_str(), view["capabilities"]["conditional_create"].as_str()), (Some("atomic"), Some("honoured")));

    // The same settings tested before saving, with add's flags (the name may even be taken):
    // nothing saved, nothing attached to "Files".
    let mut draft = vec!["destination", "test", "--name", "Files"];
    draft.extend(settings);
    draft.extend(["--access-key-id", S3S_KEY, "--secret-stdin"]);
    let mut json = vec!["--json"];
    json.extend(&draft);
    let r = w.run(&json, Some(S3S_SECRET)).ok().json();
    assert_eq!(r["outcome"], "passed", "{r:#}");
    let human = w.run(&draft, Some(&format!("{S3S_SECRET}\n"))).ok();
    assert!(human.stdout.starts_with("Testing unsaved settings: "), "{}", human.stdout);
    assert!(last_line(&human).starts_with("Passed in "), "{}", human.stdout);
    assert_eq!(w.json(&["destination", "probes", "Files"], None).ok().json().as_array().unwrap().len(), 2);
    assert_eq!(w.list().len(), 1);
    assert_eq!(items(&k), 1);
    assert!(fs.object_paths("reports").is_empty());
    w.assert_nowhere(S3S_SECRET);
}

#[test]
fn test_finds_the_wrong_region_and_apply_fix_corrects_it() {
    let moto = Moto::start();
    let k = Keyring::start();
    let w = World::with_keyring(&k);
    let writer = moto.user("writer");
    let endpoint = moto.endpoint();
    let add = [
        "destination",
        "add",
        "--name",
        "EU",
        "--provider",
        "aws",
        "--bucket",
        "eu-reports",
        "--endpoint",
        &endpoint,
        "--path-style",
        "--region",
        "us-east-1",
        "--prefix",
        "incoming/",
        "--access-key-id",
        &writer.access_key_id,
        "--secret-stdin",
    ];
    w.json(&add, Some(&writer.secret_access_key)).ok();

    let run = w.json(&["destination", "test", "EU"], None);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let r = run.json();
    assert_eq!(r["outcome"], "failed");
    let f = finding(&r, "wrong_region");
    assert_eq!(f["level"], "error");
    assert_eq!(f["apply"]["field"], "region");
    assert_eq!(f["apply"]["value"], "eu-west-1");
    assert_eq!(f["evidence"]["bucket_region"], "eu-west-1");
    for field in ["title", "what_happened", "likely_cause", "fix"] {
        assert!(!f[field].as_str().unwrap().is_empty(), "{field}: {f:#}");
    }

    // For people: the finding as a block, and how to apply its fix.
    let human = w.run(&["destination", "test", "EU"], None);
    assert_eq!(human.code, 1);
    let out = &human.stdout;
    assert!(out.contains("\nError: The bucket is in eu-west-1, not us-east-1 [wrong_region]\n"), "{out}");
    for part in [
        "  What happened: ",
        "  Likely cause:  ",
        "  Fix:           Set the region to `eu-west-1`.",
        "    Bucket region: eu-west-1",
        "    Addressing:    path-style",
    ] {
        assert!(out.contains(part), "{part:?} missing:\n{out}");
    }
    assert!(out.contains("  One-click fix: Use eu-west-1 (run again with --apply-fix)\n"), "{out}");
    assert!(last_line(&human).starts_with("Failed in "), "{out}");

    // Testing the change without saving it: passes, and the destination keeps its region.
    let r = w.json(&["destination", "test", "EU", "--region", "eu-west-1"], None).ok().json();
    assert_eq!(r["outcome"], "passed", "{r:#}");
    assert_eq!(w.json(&["destination", "show", "EU"], None).ok().json()["region"], "us-east-1");
    // Unsaved settings get the flag to use instead.
    let draft = moto_draft(&moto, "eu-reports", &writer.access_key_id, &[]);
    let human = w.run(&strs(&draft)[1..], Some(&writer.secret_access_key));
    assert_eq!(human.code, 1);
    assert!(human.stdout.contains("  One-click fix: Use eu-west-1 (test again with --region eu-west-1)\n"), "{}", human.stdout);

    // --apply-fix: change the region, test again.
    let fixed = w.json(&["destination", "test", "EU", "--apply-fix"], None).ok().json();
    assert_eq!(fixed["before"]["outcome"], "failed");
    let applied = fixed["applied"].as_array().unwrap();
    assert_eq!(applied.len(), 1, "{fixed:#}");
    assert_eq!((applied[0]["field"].as_str(), applied[0]["value"].as_str()), (Some("region"), Some("eu-west-1")));
    assert_eq!(fixed["after"]["outcome"], "passed", "{fixed:#}");
    let shown = w.json(&["destination", "show", "EU"], None).ok().json();
    assert_eq!(shown["region"], "eu-west-1");
    assert_eq!(shown["credentials"]["kind"], "keychain", "the keys are kept");
    assert_eq!(shown["last_probe"]["outcome"], "passed");
    // Nothing left to fix.
    let again = w.run(&["destination", "test", "EU", "--apply-fix"], None).ok();
    assert!(again.stdout.contains("Nothing to apply"), "{}", again.stdout);
    let again = w.json(&["destination", "test", "EU", "--apply-fix"], None).ok().json();
    assert_eq!((again["applied"].as_array().map(Vec::len), &again["after"]), (Some(0), &Value::Null), "{again:#}");

    // The same for people, after putting the wrong region back.
    w.json(&["destination", "edit", "EU", "--region", "us-east-1"], None).ok();
    let human = w.run(&["destination", "test", "EU", "--apply-fix"], None).ok();
    let out = &human.stdout;
    assert!(out.contains("[wrong_region]") && out.contains("  One-click fix: Use eu-west-1\n"), "{out}");
    assert!(out.contains("Applied to \"EU\":\n  region: us-east-1 → eu-west-1 (Use eu-west-1)\n"), "{out}");
    assert_eq!(out.matches("Testing \"EU\": ").count(), 2, "{out}");
    assert!(last_line(&human).starts_with("Passed in "), "{out}");
    assert_eq!(w.json(&["destination", "show", "EU"], None).ok().json()["region"], "eu-west-1");

    let ps = w.json(&["destination", "probes", "EU", "--limit", "50"], None).ok().json();
    let ps = ps.as_array().unwrap();
    assert_eq!(ps[0]["report"]["outcome"], "passed");
    assert!(ps.iter().any(|p| p["report"]["findings"].as_array().unwrap().iter().any(|f| f["code"] == "wrong_region")));
    let table = w.run(&["destination", "probes", "EU"], None).ok();
    assert!(
        table.stdout.lines().any(|l| l.contains(" failed ") && l.contains("wrong_region: The bucket is in eu-west-1")),
        "{}",
        table.stdout
    );
    w.assert_nowhere(&writer.secret_access_key);
}

#[test]
fn test_write_denied_comes_with_the_policy_to_attach() {
    let moto = Moto::start();
    let w = world();
    let user = moto.user("other-prefix");
    let args = moto_draft(&moto, "reports", &user.access_key_id, &[]);
    let run = w.run(&strs(&args), Some(&user.secret_access_key));
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let r = run.json();
    assert_eq!(step(&r, "head_bucket")["status"], "passed");
    skipped_after(&r, "put_object");
    let f = finding(&r, "write_denied");
    assert_eq!(f["evidence"]["http_status"], 403);
    let policy = f["policy"].as_str().expect("a policy");
    assert!(policy.contains("arn:aws:s3:::reports/incoming/*") && policy.contains("s3:PutObject"), "{policy}");
    let _: Value = serde_json::from_str(policy).expect("the policy is JSON");

    let human = w.run(&strs(&args)[1..], Some(&user.secret_access_key));
    assert_eq!(human.code, 1);
    let out = &human.stdout;
    assert!(out.contains("  ✗ Write probe object "), "{out}");
    assert!(out.contains("[write_denied]") && out.contains("    HTTP status: 403"), "{out}");
    assert!(out.contains("  Policy (the least these credentials need):\n    {\n"), "{out}");
    assert!(out.contains("\"arn:aws:s3:::reports/incoming/*\""), "{out}");
    assert!(moto.keys("reports", "").is_empty());
    w.assert_nowhere(&user.secret_access_key);
}

#[test]
fn test_explains_keys_buckets_and_scoped_tokens_on_moto() {
    let moto = Moto::start();
    let w = world();
    let writer = moto.user("writer");
    let admin = moto.user("admin");

    // A made-up access key.
    let r = w.run(&strs(&moto_draft(&moto, "reports", "AKIAZZZZZZZZZZZZZZZZ", &[])), Some(SECRET));
    assert_eq!(r.code, 1, "{}", r.stdout);
    let r = r.json();
    finding(&r, "unknown_access_key");
    skipped_after(&r, "head_bucket");

    // The writer's key with a wrong secret.
    let r = w.run(&strs(&moto_draft(&moto, "reports", &writer.access_key_id, &[])), Some(SECRET));
    assert_eq!(r.code, 1, "{}", r.stdout);
    let r = r.json();
    let f = finding(&r, "wrong_secret");
    assert_eq!(f["evidence"]["s3_code"], "SignatureDoesNotMatch", "{f:#}");

    // No such bucket (asked by a user allowed to see every bucket).
    let r = w.run(&strs(&moto_draft(&moto, "nope-nope", &admin.access_key_id, &[])), Some(&admin.secret_access_key));
    assert_eq!(r.code, 1, "{}", r.stdout);
    let r = r.json();
    let f = finding(&r, "bucket_not_found");
    assert!(f["title"].as_str().unwrap().contains("nope-nope"), "{f:#}");
    skipped_after(&r, "head_bucket");

    // An object-only token: the bucket is invisible, writing works.
    let user = moto.user("object-only");
    let r = w.run(&strs(&moto_draft(&moto, "reports", &user.access_key_id, &[])), Some(&user.secret_access_key)).ok().json();
    assert_eq!(r["outcome"], "warnings", "{r:#}");
    assert_eq!(finding(&r, "head_bucket_denied")["level"], "info");
    assert_eq!(step(&r, "head_bucket")["status"], "warning");
    assert_eq!(step(&r, "put_object")["status"], "passed");
    assert_eq!(step(&r, "delete_object")["status"], "passed");
    let human = w.run(&strs(&moto_draft(&moto, "reports", &user.access_key_id, &[]))[1..], Some(&user.secret_access_key)).ok();
    assert!(human.stdout.contains("  ! Bucket (HeadBucket) ") && human.stdout.contains("\nNote: "), "{}", human.stdout);
    assert!(last_line(&human).starts_with("Passed with warnings in "), "{}", human.stdout);

    // A user that may write but not delete: the probe object stays, and the report says where.
    let user = moto.user("no-delete");
    let r = w.run(&strs(&moto_draft(&moto, "reports", &user.access_key_id, &[])), Some(&user.secret_access_key)).ok().json();
    assert_eq!(r["outcome"], "warnings", "{r:#}");
    let f = finding(&r, "probe_left_behind");
    assert_eq!(f["level"], "warning");
    let key = r["probe_key"].as_str().unwrap();
    assert!(f["what_happened"].as_str().unwrap().contains(key) && f["fix"].as_str().unwrap().contains(key), "{f:#}");
    assert_eq!(step(&r, "delete_object")["status"], "warning");
    assert!(moto.keys("reports", "incoming/").contains(&key.to_string()), "{:?} lacks {key}", moto.keys("reports", "incoming/"));

    for secret in
        [SECRET, &writer.secret_access_key, &admin.secret_access_key, &moto.user("object-only").secret_access_key, &user.secret_access_key]
    {
        w.assert_nowhere(secret);
    }
}
