//! Importing destinations from AWS profiles and rclone remotes.

use serde_json::Value;

use super::support::keychain::Keyring;
use super::support::world::*;

const R2_ACCOUNT: &str = "0123456789abcdef0123456789abcdef";
const AWS_DEFAULT_SECRET: &str = "awsDefaultSecret/0123456789abcdefghijklmno";
const AWS_MINIO_SECRET: &str = "awsMinioSecret0123456789abcdefghij";
const AWS_R2_SECRET: &str = "awsR2Secret0123456789abcdef0123456789abcdef012345";
const RC_R2_SECRET: &str = "rcloneR2Secret0123456789abcdef0123456789abcdef01";
const RC_MINIO_SECRET: &str = "rcloneMinioSecret0123456789abcdefghij";
const RC_B2_SECRET: &str = "K004rcloneB2Secret0123456789abcdefgh";
const RC_DRIVE_TOKEN: &str = "ya29.rcloneDriveToken0123456789";

fn aws_files(w: &World) {
    w.write(
        &w.aws_config(),
        &format!(
            "[default]\nregion = eu-west-1\n\n\
             [profile minio]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:9000\ns3 =\n  addressing_style = path\n\n\
             [profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Uploader\nregion = eu-central-1\n\n\
             [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-central-1\n\n\
             [profile r2]\nendpoint_url = https://{R2_ACCOUNT}.r2.cloudflarestorage.com\nregion = auto\n"
        ),
    );
    w.write(
        &w.aws_credentials(),
        &format!(
            "[default]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {AWS_DEFAULT_SECRET}\n\n\
             [minio]\naws_access_key_id = minio-access-key\naws_secret_access_key = {AWS_MINIO_SECRET}\n\n\
             [r2]\naws_access_key_id = r2accesskeyid0123456789\naws_secret_access_key = {AWS_R2_SECRET}\n"
        ),
    );
}

fn by_source<'a>(cands: &'a [Value], source: &str) -> &'a Value {
    cands.iter().find(|c| c["source"] == source).unwrap_or_else(|| panic!("no candidate {source}: {cands:#?}"))
}

#[test]
fn import_from_aws_profiles() {
    let k = Keyring::start();
    let w = World::with_keyring(&k);
    aws_files(&w);

    let list = w.json(&["destination", "import", "--from", "aws", "--list"], None).ok();
    let cands = list.json().as_array().unwrap().clone();
    let mut sources: Vec<&str> = cands.iter().map(|c| c["source"].as_str().unwrap()).collect();
    sources.sort();
    assert_eq!(sources, ["default", "minio", "r2", "sso"]);

    let d = by_source(&cands, "default");
    assert_eq!((d["kind"].as_str(), d["provider"].as_str(), d["region"].as_str()), (Some("aws"), Some("aws"), Some("eu-west-1")));
    assert_eq!(d["auth"]["kind"], "keys");
    assert_eq!(d["auth"]["key_id_hint"], "AKIA…MPLE");
    let m = by_source(&cands, "minio");
    assert_eq!(m["provider"], "custom", "a loopback endpoint is a generic S3-compatible server");
    assert_eq!(m["endpoint"], "http://127.0.0.1:9000");
    assert_eq!(m["path_style"], true, "`s3 = addressing_style = path` is read");
    assert_eq!(m["auth"]["kind"], "keys");
    let s = by_source(&cands, "sso");
    assert_eq!(s["auth"], serde_json::json!({"kind": "profile", "profile": "sso"}));
    assert_eq!(s["region"], "eu-central-1");
    assert!(!s["notes"].as_array().unwrap().is_empty());
    let r = by_source(&cands, "r2");
    assert_eq!(r["provider"], "r2");
    assert_eq!(r["account_id"], R2_ACCOUNT);
    assert_eq!(r["region"], "auto");
    assert_eq!(r["endpoint"], "");
    assert_eq!(r["path_style"], false);
    for secret in [AWS_DEFAULT_SECRET, AWS_MINIO_SECRET, AWS_R2_SECRET, KEY_ID] {
        assert!(!list.stdout.contains(secret), "a secret or full key id in the candidates: {}", list.stdout);
    }
    let human = w.run(&["destination", "import", "--from", "aws"], None).ok();
    assert!(human.stdout.lines().any(|l| l.starts_with("sso ") && l.contains("AWS profile (sso)")), "{}", human.stdout);

    // Import: static keys go to the keychain.
    let saved = w
        .json(
            &[
                "destination",
                "import",
                "--from",
                "aws",
                "--source",
                "default",
                "--name",
                "AWS reports",
                "--bucket",
                "reports",
                "--prefix",
                "in/",
            ],
            None,
        )
        .ok()
        .json();
    let d = &saved["destination"];
    assert_eq!((d["provider"].as_str(), d["region"].as_str(), d["prefix"].as_str()), (Some("aws"), Some("eu-west-1"), Some("in/")));
    assert_eq!(d["credentials"], serde_json::json!({"kind": "keychain", "key_id_hint": "AKIA…MPLE"}));
    assert!(item(&k, d["id"].as_str().unwrap()).unwrap().contains(AWS_DEFAULT_SECRET));

    let saved =
        w.json(&["destination", "import", "--from", "aws", "--source", "r2", "--name", "R2", "--bucket", "media"], None).ok().json();
    let d = &saved["destination"];
    assert_eq!((d["provider"].as_str(), d["account_id"].as_str(), d["region"].as_str()), (Some("r2"), Some(R2_ACCOUNT), Some("auto")));
    assert_eq!(d["effective_endpoint"], format!("https://{R2_ACCOUNT}.r2.cloudflarestorage.com"));
    assert!(item(&k, d["id"].as_str().unwrap()).unwrap().contains(AWS_R2_SECRET));

    let saved = w.json(&["destination", "import", "--from", "aws", "--source", "minio", "--bucket", "local"], None).ok().json();
    let d = &saved["destination"];
    assert_eq!(d["name"], "minio", "the name defaults to the profile's");
    assert_eq!((d["endpoint"].as_str(), d["path_style"].as_bool()), (Some("http://127.0.0.1:9000"), Some(true)));
    assert!(item(&k, d["id"].as_str().unwrap()).unwrap().contains(AWS_MINIO_SECRET));

    // The SSO profile stays a profile: nothing goes to the keychain.
    let stored_items = items(&k);
    let saved =
        w.json(&["destination", "import", "--from", "aws", "--source", "sso", "--name", "SSO", "--bucket", "reports"], None).ok().json();
    assert_eq!(saved["destination"]["credentials"], serde_json::json!({"kind": "profile", "profile": "sso"}));
    assert_eq!(items(&k), stored_items);

    // Bad choices: the core's validation, and unknown sources.
    w.json(&["destination", "import", "--from", "aws", "--source", "default", "--name", "x", "--bucket", "Bad_Bucket"], None)
        .error(2, "invalid_destination");
    w.json(&["destination", "import", "--from", "aws", "--source", "nope", "--name", "x", "--bucket", "reports"], None)
        .error(1, "import_source_missing");
    let e = w
        .json(&["destination", "import", "--from", "aws", "--source", "default", "--name", "aws REPORTS", "--bucket", "reports"], None)
        .error(2, "invalid_destination");
    assert_eq!(e["problems"][0]["code"], "name_duplicate", "{e}");
    assert_eq!(w.list().len(), 4);
    assert_eq!(items(&k), stored_items);

    for secret in [AWS_DEFAULT_SECRET, AWS_MINIO_SECRET, AWS_R2_SECRET, KEY_ID] {
        w.assert_nowhere(secret);
    }
}

#[test]
fn import_from_rclone() {
    let k = Keyring::start();
    let w = World::with_keyring(&k);
    w.write(
        &w.rclone_config(),
        &format!(
            "[r2]\ntype = s3\nprovider = Cloudflare\naccess_key_id = r2rcloneaccesskey0123\nsecret_access_key = {RC_R2_SECRET}\n\
             endpoint = https://{R2_ACCOUNT}.r2.cloudflarestorage.com\n\n\
             [minio]\ntype = s3\nprovider = Minio\naccess_key_id = minio-rclone-key\nsecret_access_key = {RC_MINIO_SECRET}\n\
             endpoint = http://192.168.1.20:9000\nregion = us-east-1\n\n\
             [other]\ntype = drive\nclient_id = someclient\ntoken = {{\"access_token\":\"{RC_DRIVE_TOKEN}\"}}\n\n\
             [b2]\ntype = s3\nprovider = Other\naccess_key_id = 004abcdef0123450000000001\nsecret_access_key = {RC_B2_SECRET}\n\
             endpoint = https://s3.us-west-004.backblazeb2.com\n"
        ),
    );

    let list = w.json(&["destination", "import", "--from", "rclone", "--list"], None).ok();
    let cands = list.json().as_array().unwrap().clone();
    let mut sources: Vec<&str> = cands.iter().map(|c| c["source"].as_str().unwrap()).collect();
    sources.sort();
    assert_eq!(sources, ["b2", "minio", "r2"], "the drive remote is skipped");
    let r = by_source(&cands, "r2");
    assert_eq!((r["kind"].as_str(), r["provider"].as_str(), r["region"].as_str()), (Some("rclone"), Some("r2"), Some("auto")));
    assert_eq!(r["account_id"], R2_ACCOUNT);
    assert_eq!(r["path_style"], false);
    assert_eq!(r["auth"]["kind"], "keys");
    let m = by_source(&cands, "minio");
    assert_eq!((m["provider"].as_str(), m["endpoint"].as_str()), (Some("minio"), Some("http://192.168.1.20:9000")));
    assert_eq!(m["path_style"], true);
    let b = by_source(&cands, "b2");
    assert_eq!((b["provider"].as_str(), b["region"].as_str(), b["endpoint"].as_str()), (Some("b2"), Some("us-west-004"), Some("")));
    assert_eq!(b["auth"]["key_id_hint"], "004a…0001");
    for secret in [RC_R2_SECRET, RC_MINIO_SECRET, RC_B2_SECRET, RC_DRIVE_TOKEN] {
        assert!(!list.stdout.contains(secret), "{}", list.stdout);
    }

    // The same file given explicitly.
    let alt = w.home.join("elsewhere.conf");
    std::fs::copy(w.rclone_config(), &alt).unwrap();
    let explicit = w.json(&["destination", "import", "--from", "rclone", "--file", alt.to_str().unwrap()], None).ok().json();
    assert_eq!(explicit.as_array().unwrap().len(), 3);

    for (source, name, bucket, secret) in [
        ("r2", "R2 media", "media", RC_R2_SECRET),
        ("minio", "LAN MinIO", "reports", RC_MINIO_SECRET),
        ("b2", "Backups", "backups-2024", RC_B2_SECRET),
    ] {
        let saved = w
            .json(&["destination", "import", "--from", "rclone", "--source", source, "--name", name, "--bucket", bucket], None)
            .ok()
            .json();
        let d = &saved["destination"];
        assert_eq!(d["name"], name);
        assert_eq!(d["credentials"]["kind"], "keychain");
        let stored = item(&k, d["id"].as_str().unwrap()).expect("keychain item");
        assert!(stored.contains(secret));
        if source == "minio" {
            assert!(saved["warnings"].as_array().unwrap().iter().any(|p| p["code"] == "endpoint_plain_http"), "{saved:#}");
        }
        if source == "b2" {
            assert_eq!(d["effective_endpoint"], "https://s3.us-west-004.backblazeb2.com");
        }
    }
    w.json(&["destination", "import", "--from", "rclone", "--source", "other", "--name", "Drive", "--bucket", "x-y-z"], None)
        .error(1, "import_source_missing");
    assert_eq!(w.list().len(), 3);
    assert_eq!(items(&k), 3);
    for secret in [RC_R2_SECRET, RC_MINIO_SECRET, RC_B2_SECRET, RC_DRIVE_TOKEN] {
        w.assert_nowhere(secret);
    }
}

#[test]
fn import_errors_are_explained() {
    let k = Keyring::start();
    let w = World::with_keyring(&k);
    // Encrypted rclone config.
    let enc = w.home.join("encrypted.conf");
    w.write(&enc, "# Encrypted rclone configuration File\n\nRCLONE_ENCRYPT_V0:\nc2VjcmV0LWJ5dGVzLWhlcmU=\n");
    let e = w
        .json(&["destination", "import", "--from", "rclone", "--file", enc.to_str().unwrap(), "--list"], None)
        .error(1, "import_rclone_encrypted");
    assert!(e["fix"].as_str().unwrap().contains("rclone config show"), "{e}");
    let human = w.run(&["destination", "import", "--from", "rclone", "--file", enc.to_str().unwrap()], None);
    assert_eq!(human.code, 1);
    assert!(human.stderr.contains("encrypted"), "{}", human.stderr);
    // No rclone config and no AWS config at all.
    w.json(&["destination", "import", "--from", "rclone"], None).error(1, "import_file_missing");
    w.json(&["destination", "import", "--from", "aws"], None).error(1, "import_file_missing");
    // An unknown kind is a usage error.
    w.json(&["destination", "import", "--from", "s3cmd"], None).error(2, "usage");
    assert!(w.list().is_empty());
}
