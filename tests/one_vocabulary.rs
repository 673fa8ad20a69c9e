//! One failure vocabulary, end to end: each way a destination can be wrong
//! is met twice, by the connection test and by a delivery, both through the
//! core's one API as the window and the command line call it (credentials
//! in a real keychain, a real database), and both must name it with the
//! same code and the same fix.
//!
//! Servers: moto with IAM (keys, secrets, policies, buckets) and a real
//! gnome-keyring; the scripted answerer (tests/support/scripted.rs, the one
//! mock) only for answers no server here gives on demand: a wrong region
//! refused, throttling, checksum headers rejected.

mod support;

use std::path::Path;
use std::sync::Arc;

use chute_core::deliver::{Control, TransferOptions};
use chute_core::diagnose::Level;
use chute_core::history::Origin;
use chute_core::probe::ProbeOptions;
use chute_core::provider::ProviderKind;
use chute_core::{Chute, Code, CredentialInput, Job, ProbeTarget, SecretStore, Sensitive, Settings};
use support::keychain::process_keyring as keyring;
use support::scripted::Scripted;
use support::servers::Moto;

/// How a failure was named: its code and its fix.
#[derive(Debug, PartialEq, Eq)]
struct Named {
    code: Code,
    fix: String,
}

struct Case {
    id: &'static str,
    settings: Settings,
    credentials: CredentialInput,
    expect: Code,
}

fn settings(provider: ProviderKind, endpoint: &str, bucket: &str) -> Settings {
    Settings {
        name: String::new(),
        provider,
        bucket: bucket.into(),
        endpoint: endpoint.into(),
        prefix: "incoming/".into(),
        path_style: true,
        ..Settings::default()
    }
}

fn keys(access_key_id: &str, secret: &str) -> CredentialInput {
    CredentialInput::Keys { access_key_id: access_key_id.into(), secret_access_key: Sensitive::new(secret.into()), session_token: None }
}

/// The connection test of a saved destination: the error it reports.
fn via_test(chute: &Chute, id: &str, expect: Code) -> Named {
    let mut opts = ProbeOptions::default();
    opts.client.operation_timeout = std::time::Duration::from_secs(10);
    let report = chute.test_connection(ProbeTarget::Saved { id: id.into() }, &opts, &mut |_| {}).expect("the test runs");
    let d = report
        .findings
        .iter()
        .find(|f| f.level == Level::Error && f.code == expect)
        .unwrap_or_else(|| panic!("the test did not report {expect}: {:#?}", report.findings));
    Named { code: d.code, fix: d.fix.clone() }
}

/// A delivery of one file to the same destination: its error, whether the
/// batch could not start or the file failed.
fn via_delivery(chute: &Chute, id: &str, file: &Path) -> Named {
    let plan = chute.plan_delivery(id, &[file.to_path_buf()]).expect("plan");
    let job = Job::Plan { destination_id: id.into(), plan: Arc::new(plan), origin: Origin::Cli, options: TransferOptions::default() };
    match chute.run(&job, &Control::default(), &mut |_| {}) {
        Err(e) => {
            let info = e.reply().info;
            Named { code: info.code, fix: info.fix }
        }
        Ok(summary) => {
            let e = summary.not_landed.first().and_then(|f| f.error.as_ref());
            let e = e.unwrap_or_else(|| panic!("the delivery did not fail: {summary:#?}"));
            Named { code: e.code, fix: e.fix.clone() }
        }
    }
}

fn check(chute: &Chute, case: Case, file: &Path) -> Result<(), String> {
    let settings = Settings { name: case.id.into(), ..case.settings };
    let saved = chute.create(settings, case.credentials).map_err(|e| format!("{}: not saved: {e}", case.id))?;
    let id = saved.destination.destination.id;
    let tested = via_test(chute, &id, case.expect);
    let delivered = via_delivery(chute, &id, file);
    if tested == delivered {
        eprintln!("{}: {} from the test and the delivery, fix: {}", case.id, tested.code, tested.fix);
        Ok(())
    } else {
        Err(format!("{}: the test said {tested:#?}\nbut the delivery said {delivered:#?}", case.id))
    }
}

#[test]
fn the_connection_test_and_a_delivery_name_each_failure_alike() {
    keyring();
    let data = tempfile::tempdir().unwrap();
    let chute = Chute::open_with(data.path(), SecretStore::platform()).unwrap();
    let src = tempfile::tempdir().unwrap();
    let file = support::content::write(src.path(), "report.csv", b"day,count\n2026-11-30,1\n");

    let moto = Moto::start();
    let ep = moto.endpoint();
    let writer = moto.user("writer");
    let other = moto.user("other-prefix");
    let admin = moto.user("admin");
    // Real S3 refuses a request signed for the wrong region (moto does not):
    // HEAD with a 301 and the bucket's region, anything else with the error
    // S3 sends.
    let wrong_region = Scripted::with_headers(&[("x-amz-bucket-region", "eu-west-1")], |req| {
        match req.method.as_str() {
        "HEAD" => (301, ""),
        _ => (
            400,
            "<Error><Code>AuthorizationHeaderMalformed</Code><Message>The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'</Message><Region>eu-west-1</Region></Error>",
        ),
    }
    });
    let throttled = Scripted::start(|_| (503, "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"));
    // As B2 answers a PUT carrying the SDK's default checksum headers.
    let checksums = Scripted::start(|req| {
        match req.method.as_str() {
        "PUT" => (400, "<Error><Code>InvalidArgument</Code><Message>Unsupported header 'x-amz-checksum-crc32' received for this API call.</Message></Error>"),
        "DELETE" => (204, ""),
        // No object at any key (the bucket itself answers HeadBucket).
        "HEAD" if req.target.split('?').next().unwrap_or_default().trim_matches('/').contains('/') => (404, ""),
        _ => (200, ""),
    }
    });

    let cases = vec![
        Case {
            id: "unknown access key",
            settings: settings(ProviderKind::Aws, &ep, "reports"),
            credentials: keys("AKIAUNKNOWN000000000", "whatever-secret"),
            expect: Code::UnknownAccessKey,
        },
        Case {
            id: "wrong secret",
            settings: settings(ProviderKind::Aws, &ep, "reports"),
            credentials: keys(&writer.access_key_id, "not-the-secret"),
            expect: Code::WrongSecret,
        },
        Case {
            id: "writing refused by the policy",
            settings: settings(ProviderKind::Aws, &ep, "reports"),
            credentials: keys(&other.access_key_id, &other.secret_access_key),
            expect: Code::WriteDenied,
        },
        Case {
            id: "missing bucket",
            settings: settings(ProviderKind::Aws, &ep, "no-such-bucket-here"),
            credentials: keys(&admin.access_key_id, &admin.secret_access_key),
            expect: Code::BucketNotFound,
        },
        Case {
            id: "wrong region (scripted)",
            settings: Settings { region: "us-east-1".into(), ..settings(ProviderKind::Aws, &wrong_region.endpoint(), "reports") },
            credentials: keys("AKIAEXAMPLE", "secret"),
            expect: Code::WrongRegion,
        },
        Case {
            id: "throttled (scripted)",
            settings: settings(ProviderKind::Minio, &throttled.endpoint(), "reports"),
            credentials: keys("AKIAEXAMPLE", "secret"),
            expect: Code::ServerBusy,
        },
        Case {
            id: "checksum headers rejected (scripted)",
            settings: settings(ProviderKind::Aws, &checksums.endpoint(), "reports"),
            credentials: keys("AKIAEXAMPLE", "secret"),
            expect: Code::ChecksumRejected,
        },
    ];
    let mut failures: Vec<String> = std::thread::scope(|scope| {
        let runs: Vec<_> = cases.into_iter().map(|case| scope.spawn(|| check(&chute, case, &file))).collect();
        runs.into_iter().filter_map(|r| r.join().expect("a row panicked").err()).collect()
    });

    // The keychain, last: locking it touches every destination of this binary.
    let creds = keys(&writer.access_key_id, &writer.secret_access_key);
    let gone = chute
        .create(Settings { name: "Keychain item gone".into(), ..settings(ProviderKind::Aws, &ep, "reports") }, creds)
        .unwrap()
        .destination
        .destination
        .id;
    chute.secrets().delete(&gone).unwrap();
    let (tested, delivered) = (via_test(&chute, &gone, Code::KeychainSecretMissing), via_delivery(&chute, &gone, &file));
    if tested != delivered {
        failures.push(format!("keychain item removed: the test said {tested:#?}\nbut the delivery said {delivered:#?}"));
    }
    let creds = keys(&writer.access_key_id, &writer.secret_access_key);
    let locked = chute
        .create(Settings { name: "Keychain locked".into(), ..settings(ProviderKind::Aws, &ep, "reports") }, creds)
        .unwrap()
        .destination
        .destination
        .id;
    keyring().lock();
    let (tested, delivered) = (via_test(&chute, &locked, Code::KeychainLocked), via_delivery(&chute, &locked, &file));
    if tested != delivered {
        failures.push(format!("keychain locked: the test said {tested:#?}\nbut the delivery said {delivered:#?}"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(moto.keys("reports", "").is_empty(), "nothing was written by a failing destination");
}
