//! AWS IAM Identity Center (SSO) profiles, from profile and cache files
//! only (no live sign-in here): a sign-in never made on this machine, one
//! that expired (an `sso_session` profile and a legacy `sso_start_url`
//! one) are said with the exact `aws sso login` to run, by the connection
//! test and by a delivery before any file is tried; a good token gets as
//! far as the SSO portal, which cannot be reached in a private network.

use crate::support::world::*;
use crate::{finding, skipped_after};

const CONFIG: &str = "[profile dev]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = Uploader
region = us-east-1

[sso-session my-sso]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 111122223333
sso_role_name = Uploader
region = eu-west-1
";

/// The AWS CLI's cache file for a session (or a legacy start URL): the SHA-1 of its name.
fn cache_file(w: &World, sha1: &str) -> std::path::PathBuf {
    let dir = w.home.join(".aws/sso/cache");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{sha1}.json"))
}

fn token(expires_at: &str) -> String {
    format!(
        r#"{{"accessToken":"cached-token","expiresAt":"{expires_at}","region":"us-east-1","startUrl":"https://example.awsapps.com/start"}}"#
    )
}

fn add(w: &World, name: &str, profile: &str) {
    w.json(
        &[
            "destination",
            "add",
            "--name",
            name,
            "--provider",
            "aws",
            "--bucket",
            "reports-bucket",
            "--region",
            "us-east-1",
            "--profile",
            profile,
        ],
        None,
    )
    .ok();
}

#[test]
fn an_sso_sign_in_missing_or_expired_says_which_login_to_run() {
    let w = world();
    w.write(&w.aws_config(), CONFIG);
    add(&w, "Dev", "dev");
    add(&w, "Legacy", "legacy");

    let r = w.json(&["destination", "test", "Dev"], None).json();
    skipped_after(&r, "credentials");
    let d = finding(&r, "sso_login_needed");
    assert!(d["what_happened"].as_str().unwrap().contains("no cached sign-in"), "{d:#}");
    assert!(d["what_happened"].as_str().unwrap().contains("SSO session `my-sso`"), "{d:#}");
    assert!(d["fix"].as_str().unwrap().contains("`aws sso login --profile dev`"), "{d:#}");

    // sha1("my-sso"), as the AWS CLI names the session's cache file.
    std::fs::write(cache_file(&w, "0ad374308c5a4e22f723adf10145eafad7c4031c"), token("2024-05-01T09:00:00Z")).unwrap();
    let r = w.json(&["destination", "test", "Dev"], None).json();
    let d = finding(&r, "sso_login_needed");
    assert!(d["what_happened"].as_str().unwrap().contains("expired at 2024-05-01T09:00:00Z"), "{d:#}");
    assert_eq!(d["title"], "The SSO sign-in of profile `dev` has expired");

    // A delivery says the same before trying any file, and sends nothing.
    let file = w.home.join("report.csv");
    std::fs::write(&file, "a,b\n").unwrap();
    let run = w.json(&["deliver", "Dev", file.to_str().unwrap(), "--yes"], None);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let ls = lines(&run);
    let e = &ls.last().unwrap()["error"];
    assert_eq!(e["code"], "sso_login_needed", "{e:#}");
    assert!(e["fix"].as_str().unwrap().contains("aws sso login --profile dev"), "{e:#}");
    assert!(!ls.iter().any(|l| l["event"] == "file"), "no file was tried: {}", run.stdout);

    // A legacy profile's cache is named by its start URL: sha1("https://legacy.awsapps.com/start").
    std::fs::write(cache_file(&w, "79e435d7a515078e81c9dffc35f38d5687ebd3a7"), token("2024-05-01T09:00:00Z")).unwrap();
    let r = w.json(&["destination", "test", "Legacy"], None).json();
    let d = finding(&r, "sso_login_needed");
    assert!(d["fix"].as_str().unwrap().contains("`aws sso login --profile legacy`"), "{d:#}");
    assert!(!d["what_happened"].as_str().unwrap().contains("SSO session"), "a legacy profile has no session: {d:#}");
}

#[test]
fn a_good_sso_token_is_used_and_only_the_portal_is_out_of_reach() {
    if !crate::namespaces_available("a_good_sso_token_is_used_and_only_the_portal_is_out_of_reach") {
        return;
    }
    let w = world();
    w.write(&w.aws_config(), CONFIG);
    add(&w, "Dev", "dev");
    std::fs::write(cache_file(&w, "0ad374308c5a4e22f723adf10145eafad7c4031c"), token("2999-01-01T00:00:00Z")).unwrap();
    // In a private network the SDK takes the cached token to the SSO portal, which no DNS can find.
    let runs = w.in_netns("", &[(&["--json", "destination", "test", "Dev"], None)]);
    let r = runs[0].json();
    skipped_after(&r, "credentials");
    let d = finding(&r, "profile_credentials_failed");
    assert!(d["fix"].as_str().unwrap().contains("aws sso login --profile dev"), "{d:#}");
    assert!(d["evidence"]["detail"].as_str().is_some_and(|t| !t.is_empty()), "aws-config's own words are kept: {d:#}");
}
