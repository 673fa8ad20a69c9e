//! Server-side encryption from the command line, against a real keychain:
//! SSE-C refused without a key, a generated key printed once (on stderr,
//! never in the JSON or the database) and kept as its own keychain item,
//! removed with the destination; what a provider does not support, and a
//! KMS key id that is not one, refused with cause and fix; `destination
//! show` naming the encryption.

use super::support::content::bytes_found_under;
use super::support::keychain::Keyring;
use super::support::world::*;

fn custom_add(name: &str) -> Vec<&str> {
    vec![
        "destination",
        "add",
        "--name",
        name,
        "--provider",
        "custom",
        "--bucket",
        "reports",
        "--endpoint",
        "http://127.0.0.1:3900",
        "--no-credentials",
    ]
}

#[test]
fn an_sse_c_key_is_generated_shown_once_and_kept_in_the_keychain_only() {
    let k = Keyring::start();
    let w = World::with_keyring(&k);

    let mut no_key = custom_add("Vault");
    no_key.extend(["--encryption", "sse-c"]);
    let e = w.json(&no_key, None).error(2, "sse_c_key_missing");
    assert!(e["fix"].as_str().unwrap().contains("--generate-sse-c-key"), "{e}");

    let mut generated = custom_add("Vault");
    generated.extend(["--encryption", "sse-c", "--generate-sse-c-key"]);
    let run = w.json(&generated, None).ok();
    let id = run.json()["destination"]["id"].as_str().unwrap().to_string();
    let kept = k.lookup("chute", &format!("destination:{id}:sse-c")).expect("its own keychain item");
    assert_eq!(kept.len(), 44, "32 bytes as base64");
    assert!(run.stderr.contains(&kept) && run.stderr.contains("WARNING"), "shown once, with the warning:\n{}", run.stderr);
    assert!(!run.stdout.contains(&kept), "never in the JSON");
    assert!(bytes_found_under(&w.data, kept.as_bytes()).is_empty(), "never in the database");

    let shown = w.run(&["destination", "show", "Vault", "--json"], None).ok();
    assert_eq!(shown.json()["encryption"], "sse_c");
    assert!(!shown.stdout.contains(&kept));
    let text = w.run(&["destination", "show", "Vault"], None).ok().stdout;
    assert!(text.lines().any(|l| l.starts_with("Encryption:") && l.contains("SSE-C")), "{text}");

    // A key piped in replaces it (hex accepted); the old one is gone.
    let hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    w.json(&["destination", "edit", "Vault", "--sse-c-key-stdin"], Some(hex)).ok();
    assert_eq!(k.lookup("chute", &format!("destination:{id}:sse-c")).as_deref(), Some("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="));
    w.json(&["destination", "edit", "Vault", "--sse-c-key-stdin"], Some("not a key")).error(2, "sse_c_key_invalid");

    // No link that could only ever show an error: refused before anything is sent.
    let file = w.home.join("a.csv");
    std::fs::write(&file, "a\n").unwrap();
    let e = w.json(&["deliver", "Vault", file.to_str().unwrap(), "--presign", "1d", "--yes"], None).error(2, "presign_sse_c");
    assert!(e["fix"].as_str().unwrap().contains("--sse-c"), "{e}");

    w.run(&["destination", "remove", "Vault", "--yes"], None).ok();
    assert_eq!(k.lookup("chute", &format!("destination:{id}:sse-c")), None, "removed with the destination");
}

#[test]
fn what_a_provider_does_not_support_is_refused_with_the_fix() {
    let w = world();
    let b2 =
        ["destination", "add", "--name", "B2", "--provider", "b2", "--bucket", "reports-b2", "--no-credentials", "--encryption", "sse-kms"];
    let e = w.json(&b2, None).error(2, "invalid_destination");
    let problems = e["problems"].as_array().unwrap();
    let p = problems.iter().find(|p| p["code"] == "encryption_unsupported").expect("encryption_unsupported");
    assert!(p["message"].as_str().unwrap().contains("SSE-B2"), "{p}");

    let mut kms = custom_add("KMS");
    kms.extend(["--encryption", "sse-kms", "--kms-key-id", "my key"]);
    let e = w.json(&kms, None).error(2, "invalid_destination");
    assert!(e["problems"].as_array().unwrap().iter().any(|p| p["code"] == "kms_key_id_format" && p["field"] == "kms_key_id"), "{e}");

    let mut off_machine = vec!["destination", "add", "--name", "Far", "--provider", "custom", "--bucket", "reports"];
    off_machine.extend(["--endpoint", "http://nas.lan:3900", "--no-credentials", "--encryption", "sse-c", "--generate-sse-c-key"]);
    let e = w.json(&off_machine, None).error(2, "invalid_destination");
    assert!(e["problems"].as_array().unwrap().iter().any(|p| p["code"] == "sse_c_over_http"), "{e}");
    assert_eq!(w.list().len(), 0, "nothing saved");
}
