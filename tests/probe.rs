//! The connection test against real S3-protocol servers on loopback (moto,
//! s3s-fs) and real sockets. Each diagnosis the probe can give is provoked
//! for real here, except where noted.

mod support;

use chute_core::diagnose::Level;
use chute_core::probe::{self, Outcome, ProbeOptions, ProbeReport, StepId, StepStatus};
use chute_core::provider::ProviderKind;
use chute_core::s3::Auth;
use chute_core::Settings;
use support::auth::{key, moto_auth};
use support::scripted::Scripted;
use support::servers::{Moto, S3sFs, TlsServer, WebServer, S3S_KEY, S3S_SECRET};

fn settings(provider: ProviderKind, endpoint: &str, bucket: &str, prefix: &str) -> Settings {
    Settings {
        name: "probe".into(),
        provider,
        bucket: bucket.into(),
        endpoint: endpoint.into(),
        prefix: prefix.into(),
        path_style: true,
        ..Settings::default()
    }
    .normalized()
}

fn run(s: &Settings, auth: Auth) -> ProbeReport {
    run_with(s, Ok(auth), &ProbeOptions::default())
}

fn run_with(s: &Settings, auth: Result<Auth, chute_core::diagnose::Diagnosis>, opts: &ProbeOptions) -> ProbeReport {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let mut events = Vec::new();
    let report = rt.block_on(probe::run(s, auth, opts, &mut |e| events.push(e)));
    assert!(!events.is_empty(), "the probe reports progress while it runs");
    report
}

fn step(r: &ProbeReport, id: StepId) -> StepStatus {
    r.steps.iter().find(|s| s.id == id).map(|s| s.status).unwrap_or_else(|| panic!("no step {id:?} in {:#?}", r.steps))
}

fn finding<'a>(r: &'a ProbeReport, code: &str) -> &'a chute_core::diagnose::Diagnosis {
    r.findings.iter().find(|f| f.code.as_str() == code).unwrap_or_else(|| panic!("expected finding {code}; got {:#?}", r.findings))
}

#[test]
fn passes_on_moto_with_a_prefix_scoped_writer() {
    let moto = Moto::start();
    let w = moto.user("writer");
    let s = settings(ProviderKind::Aws, &moto.endpoint(), "reports", "incoming/");
    let r = run(&s, key(&w.access_key_id, &w.secret_access_key));
    assert_eq!(r.outcome, Outcome::Passed, "{r:#?}");
    for id in
        [StepId::Credentials, StepId::Resolve, StepId::Connect, StepId::Reach, StepId::HeadBucket, StepId::PutObject, StepId::DeleteObject]
    {
        assert_eq!(step(&r, id), StepStatus::Passed, "{id:?}: {r:#?}");
    }
    assert!(r.probe_key.starts_with("incoming/chute-probe-"), "{}", r.probe_key);
    assert!(moto.keys("reports", "incoming/").is_empty(), "the probe object was cleaned up");
}

#[test]
fn passes_on_s3s_fs() {
    let fs = S3sFs::start();
    let s = settings(ProviderKind::Minio, &fs.endpoint(), "reports", "incoming/");
    let r = run(&s, key(S3S_KEY, S3S_SECRET));
    assert_eq!(r.outcome, Outcome::Passed, "{r:#?}");
    assert!(r.clock_skew_secs.is_some(), "the server's Date was read");
    assert!(fs.object_paths("reports").is_empty(), "probe object removed: {:?}", fs.object_paths("reports"));
}

/// A server too busy for the probe object's delete, twice in a row (503
/// SlowDown from a proxy in front of s3s-fs): the delete is asked again
/// and the object does not stay behind, in the connection test and in the
/// measurement made before a first delivery.
#[test]
fn a_busy_server_does_not_keep_the_probe_object() {
    use support::faults::{Fault, FaultProxy, Plan};
    let fs = S3sFs::start();
    let plan = Plan {
        seed: 1,
        percent: 100,
        faults: vec![Fault::SlowDown],
        methods: vec!["DELETE"],
        max_consecutive: 2,
        // The probe object's deletes, not the aborts of the uploads the test measures with.
        only: Some(|_, target| !target.contains("uploadId")),
        stall: std::time::Duration::ZERO,
    };
    let proxy = FaultProxy::start(&format!("127.0.0.1:{}", fs.port), plan);
    let s = settings(ProviderKind::Minio, &proxy.endpoint(), "reports", "incoming/");
    let r = run(&s, key(S3S_KEY, S3S_SECRET));
    assert_eq!(step(&r, StepId::DeleteObject), StepStatus::Passed, "{r:#?}");
    assert!(fs.object_paths("reports").is_empty(), "probe object removed: {:?}", fs.object_paths("reports"));

    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let measured = rt.block_on(async {
        let client = chute_core::s3::client(&s, &key(S3S_KEY, S3S_SECRET), &chute_core::s3::ClientOptions::probe()).await;
        chute_core::s3::capabilities::measure_with_own_object(&client, &s, false, 0).await
    });
    assert!(measured.is_ok(), "{measured:?}");
    assert!(fs.object_paths("reports").is_empty(), "probe object removed: {:?}", fs.object_paths("reports"));
    let refused = proxy.tally().get(&Fault::SlowDown).copied().unwrap_or(0);
    assert_eq!(refused, 4, "each delete was refused twice before it went through");
}

fn fast() -> ProbeOptions {
    let mut o = ProbeOptions::default();
    o.client.connect_timeout = std::time::Duration::from_secs(2);
    o.client.read_timeout = std::time::Duration::from_secs(2);
    o.client.operation_timeout = std::time::Duration::from_secs(4);
    o
}

fn failed_at(r: &ProbeReport, id: StepId) {
    assert_eq!(r.outcome, Outcome::Failed, "{r:#?}");
    assert_eq!(step(r, id), StepStatus::Failed, "{r:#?}");
    let after: Vec<_> = r.steps.iter().skip_while(|s| s.id != id).skip(1).collect();
    assert!(after.iter().all(|s| s.status == StepStatus::Skipped), "steps after a failure are skipped: {after:#?}");
}

// ---------- moto: credentials, buckets, policies, regions ----------

#[test]
fn moto_diagnoses_credentials_buckets_and_policies() {
    let moto = Moto::start();
    let ep = moto.endpoint();
    let reports = settings(ProviderKind::Aws, &ep, "reports", "incoming/");

    // Unknown access key.
    let r = run(&reports, key("AKIAUNKNOWN000000000", "whatever"));
    failed_at(&r, StepId::HeadBucket);
    let d = finding(&r, "unknown_access_key");
    assert_eq!(d.evidence.s3_code.as_deref(), Some("InvalidAccessKeyId"));
    let step_json = serde_json::to_value(StepId::HeadBucket).unwrap();
    assert_eq!(d.evidence.step.as_deref(), step_json.as_str(), "evidence names the step by its id");
    assert_eq!(d.evidence.http_status, Some(403));

    // Right key, wrong secret.
    let w = moto.user("writer");
    let r = run(&reports, key(&w.access_key_id, "not-the-secret"));
    failed_at(&r, StepId::HeadBucket);
    let d = finding(&r, "wrong_secret");
    assert_eq!(d.evidence.s3_code.as_deref(), Some("SignatureDoesNotMatch"));
    let edit = d.edit.as_ref().expect("the fix is offered as an action");
    assert_eq!((edit.field.as_str(), edit.label.as_str()), ("credentials", "Replace the key"));

    // Missing bucket: HEAD 404, no body, still named.
    let r = run(&settings(ProviderKind::Aws, &ep, "no-such-bucket-here", "incoming/"), moto_auth(&moto, "admin"));
    failed_at(&r, StepId::HeadBucket);
    let d = finding(&r, "bucket_not_found");
    assert_eq!(d.evidence.http_status, Some(404));
    assert!(d.title.contains("no-such-bucket-here"));
    assert_eq!(d.edit.as_ref().map(|e| e.field.as_str()), Some("bucket"));

    // Write denied on the prefix: the minimal policy is offered.
    let r = run(&reports, moto_auth(&moto, "other-prefix"));
    failed_at(&r, StepId::PutObject);
    let d = finding(&r, "write_denied");
    assert_eq!(d.evidence.s3_code.as_deref(), Some("AccessDenied"));
    let policy: serde_json::Value = serde_json::from_str(d.policy.as_deref().expect("policy")).unwrap();
    assert_eq!(policy["Statement"][0]["Resource"][0], "arn:aws:s3:::reports/incoming/*");
    assert!(policy["Statement"][0]["Action"].as_array().unwrap().iter().any(|a| a == "s3:PutObject"));

    // Object-scoped credentials: HeadBucket denied, writing allowed -> a pass with a note.
    let r = run(&reports, moto_auth(&moto, "object-only"));
    assert_eq!(r.outcome, Outcome::Warnings, "{r:#?}");
    assert_eq!(step(&r, StepId::HeadBucket), StepStatus::Warning);
    assert_eq!(step(&r, StepId::PutObject), StepStatus::Passed);
    assert_eq!(step(&r, StepId::DeleteObject), StepStatus::Passed);
    assert_eq!(finding(&r, "head_bucket_denied").level, Level::Info);

    // Delete denied: a warning naming the object left behind, which is really there.
    let r = run(&reports, moto_auth(&moto, "no-delete"));
    assert_eq!(r.outcome, Outcome::Warnings, "{r:#?}");
    let d = finding(&r, "probe_left_behind");
    assert!(d.what_happened.contains(&r.probe_key), "{}", d.what_happened);
    assert_eq!(moto.keys("reports", "incoming/"), vec![r.probe_key.clone()]);
}

#[test]
fn moto_wrong_region_is_flagged_with_a_fix() {
    // moto answers HeadBucket 200 with x-amz-bucket-region even for the wrong
    // region (real S3 would refuse); the probe must still catch it.
    let moto = Moto::start();
    let mut s = settings(ProviderKind::Aws, &moto.endpoint(), "eu-reports", "incoming/");
    s.region = "us-east-1".into();
    let r = run(&s, moto_auth(&moto, "writer"));
    assert_eq!(r.outcome, Outcome::Failed, "{r:#?}");
    let d = finding(&r, "wrong_region");
    assert_eq!(d.evidence.bucket_region.as_deref(), Some("eu-west-1"));
    assert_eq!(step(&r, StepId::HeadBucket), StepStatus::Warning, "no green tick beside the finding");
    let fix = d.apply.as_ref().expect("one-click fix");
    assert_eq!((fix.field.as_str(), fix.value.as_str()), ("region", "eu-west-1"));
    s.region = fix.value.clone();
    assert_eq!(run(&s, moto_auth(&moto, "writer")).outcome, Outcome::Passed);
}

// ---------- s3s-fs: clock, settings findings, anonymous ----------

#[test]
fn s3s_fs_refuses_a_skewed_clock_and_the_probe_says_why() {
    let fs = S3sFs::start();
    let s = settings(ProviderKind::Minio, &fs.endpoint(), "reports", "incoming/");
    let mut opts = ProbeOptions::default();
    opts.client.clock_offset_secs = 20 * 60; // this machine's clock 20 minutes fast
    let r = run_with(&s, Ok(key(S3S_KEY, S3S_SECRET)), &opts);
    // s3s-fs refuses the first request (outside its 15-minute window); the SDK
    // learns the server's time from that answer and the rest goes through,
    // as it would for a delivery. The clock is still reported.
    assert_eq!(r.outcome, Outcome::Warnings, "{r:#?}");
    let d = finding(&r, "clock_skew");
    assert_eq!(d.evidence.http_status, Some(403), "the refusal is the evidence");
    assert!(d.what_happened.contains("20m") && d.what_happened.contains("15 minutes"), "{}", d.what_happened);
    assert!(d.fix.contains("NTP"));
    assert_eq!(step(&r, StepId::HeadBucket), StepStatus::Warning);
    assert_eq!(step(&r, StepId::PutObject), StepStatus::Passed);
    let skew = r.clock_skew_secs.expect("measured");
    assert!((-20 * 60 - 30..=-20 * 60 + 30).contains(&skew), "measured skew {skew}");

    // Within the window: no refusal, only the reach step's warning.
    opts.client.clock_offset_secs = 6 * 60;
    let r = run_with(&s, Ok(key(S3S_KEY, S3S_SECRET)), &opts);
    assert_eq!(step(&r, StepId::HeadBucket), StepStatus::Passed);
    assert_eq!(finding(&r, "clock_skew").evidence.http_status, None);
}

#[test]
fn settings_findings_show_even_when_every_step_passes() {
    let fs = S3sFs::start();
    // Prefix without its slash: a warning, with the fix.
    let s = settings(ProviderKind::Minio, &fs.endpoint(), "reports", "incoming");
    let r = run(&s, key(S3S_KEY, S3S_SECRET));
    assert_eq!(r.outcome, Outcome::Warnings, "{r:#?}");
    let d = finding(&r, "prefix_no_trailing_slash");
    assert!(d.what_happened.contains("incomingreport.csv"));
    assert_eq!(d.apply.as_ref().unwrap().value, "incoming/");
    assert!(r.probe_key.starts_with("incomingchute-probe-"), "the probe shows the real consequence: {}", r.probe_key);

    // R2 with a region other than auto (endpoint pointed at the local server).
    let mut s = settings(ProviderKind::R2, &fs.endpoint(), "reports", "incoming/");
    s.region = "us-east-1".into();
    let r = run(&s, key(S3S_KEY, S3S_SECRET));
    let d = finding(&r, "region_not_auto");
    assert_eq!(d.apply.as_ref().map(|a| a.value.as_str()), Some("auto"));
    assert_eq!(r.outcome, Outcome::Failed);
}

#[test]
fn anonymous_upload_refused_is_explained() {
    let fs = S3sFs::start();
    let s = settings(ProviderKind::Minio, &fs.endpoint(), "reports", "incoming/");
    let r = run(&s, Auth::Anonymous);
    assert_eq!(r.outcome, Outcome::Failed, "{r:#?}");
    let d = finding(&r, "anonymous_denied");
    assert!(d.policy.is_some());
    assert!(fs.object_paths("reports").is_empty());
}

// ---------- real sockets and real non-S3 servers ----------

/// A loopback port with nothing listening.
fn closed_port() -> u16 {
    support::servers::free_port()
}

#[test]
fn connection_refused() {
    let s = settings(ProviderKind::Minio, &format!("http://127.0.0.1:{}", closed_port()), "reports", "incoming/");
    let r = run_with(&s, Ok(key("a", "b")), &fast());
    failed_at(&r, StepId::Connect);
    assert!(finding(&r, "connection_refused").fix.contains("port"));
}

#[test]
fn a_server_that_accepts_but_never_answers_does_not_hang_the_probe() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let held = std::thread::spawn(move || {
        let conns: Vec<_> = listener.incoming().take(1).collect();
        std::thread::sleep(std::time::Duration::from_secs(6));
        drop(conns);
    });
    let s = settings(ProviderKind::Minio, &format!("http://127.0.0.1:{port}"), "reports", "incoming/");
    let started = std::time::Instant::now();
    let r = run_with(&s, Ok(key("a", "b")), &fast());
    failed_at(&r, StepId::Reach);
    assert!(finding(&r, "server_silent").what_happened.contains("2 s"));
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "bounded by the read timeout");
    held.join().unwrap();
}

#[test]
fn a_web_server_that_is_not_s3() {
    let web = WebServer::start();
    let s = settings(ProviderKind::Minio, &format!("http://127.0.0.1:{}", web.port), "reports", "incoming/");
    let r = run_with(&s, Ok(key("a", "b")), &fast());
    failed_at(&r, StepId::HeadBucket);
    let d = finding(&r, "not_s3_server");
    assert_eq!(d.evidence.http_status, Some(404));
}

#[test]
fn https_to_a_plain_http_port() {
    let web = WebServer::start();
    let s = settings(ProviderKind::Minio, &format!("https://127.0.0.1:{}", web.port), "reports", "incoming/");
    let r = run_with(&s, Ok(key("a", "b")), &fast());
    failed_at(&r, StepId::Tls);
    // The server is this machine: plain http:// is offered in one click.
    let fix = finding(&r, "https_to_http_port").apply.clone().expect("a one-click fix");
    assert_eq!((fix.field.as_str(), fix.value.as_str()), ("endpoint", format!("http://127.0.0.1:{}", web.port).as_str()));
}

#[test]
fn untrusted_certificate() {
    let tls = TlsServer::start();
    let s = settings(ProviderKind::Minio, &format!("https://localhost:{}", tls.port), "reports", "incoming/");
    let r = run_with(&s, Ok(key("a", "b")), &fast());
    failed_at(&r, StepId::Tls);
    let d = finding(&r, "tls_untrusted_certificate");
    assert!(d.what_happened.to_ascii_lowercase().contains("certificate"), "{}", d.what_happened);
}

#[test]
fn http_to_a_tls_port_offers_https() {
    let tls = TlsServer::start();
    let s = settings(ProviderKind::Minio, &format!("http://127.0.0.1:{}", tls.port), "reports", "incoming/");
    let r = run_with(&s, Ok(key("a", "b")), &fast());
    failed_at(&r, StepId::Reach);
    let d = finding(&r, "http_to_tls_port");
    assert_eq!(d.apply.as_ref().unwrap().value, format!("https://127.0.0.1:{}", tls.port));
}

// ---------- scripted S3 answers (support::scripted: the one mock) ----------

#[test]
fn scripted_expired_session_token() {
    let server = Scripted::start(|_| {
        (400, "<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message><RequestId>SCRIPTED-REQ-1</RequestId></Error>")
    });
    let s = settings(ProviderKind::Aws, &server.endpoint(), "reports", "incoming/");
    let r = run_with(&s, Ok(key("ASIAEXAMPLE", "secret")), &fast());
    failed_at(&r, StepId::HeadBucket);
    let d = finding(&r, "expired_token");
    assert_eq!(d.evidence.s3_code.as_deref(), Some("ExpiredToken"), "learned from the follow-up request");
    assert_eq!(d.evidence.request_id.as_deref(), Some("SCRIPTED-REQ-1"));
    assert!(d.fix.contains("sso login"));
}

#[test]
fn scripted_slow_down() {
    let server = Scripted::start(|_| (503, "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"));
    let s = settings(ProviderKind::Minio, &server.endpoint(), "reports", "incoming/");
    let r = run_with(&s, Ok(key("a", "b")), &fast());
    failed_at(&r, StepId::HeadBucket);
    assert!(finding(&r, "server_busy").fix.contains("retry"));
}

#[test]
fn checksum_headers_go_only_where_the_provider_takes_them() {
    // Answers like B2 when a request carries the SDK's default checksum headers.
    let server = Scripted::start(|req| {
        let checksum = req.has_header_starting("x-amz-checksum-")
            || req.has_header_starting("x-amz-sdk-checksum-algorithm")
            || req.has_header_starting("x-amz-trailer");
        match req.method.as_str() {
            "PUT" if checksum => (400, "<Error><Code>InvalidArgument</Code><Message>Unsupported header 'x-amz-checksum-crc32' received for this API call.</Message></Error>"),
            "DELETE" => (204, ""),
            _ => (200, ""),
        }
    });
    // The AWS preset keeps the SDK's default (checksums on every PUT): this server refuses.
    let aws = settings(ProviderKind::Aws, &server.endpoint(), "reports", "incoming/");
    let r = run_with(&aws, Ok(key("a", "b")), &fast());
    failed_at(&r, StepId::PutObject);
    let d = finding(&r, "checksum_rejected");
    assert!(d.likely_cause.contains("Amazon S3"), "{}", d.likely_cause);
    // Every other preset sends them only when required: the same server accepts.
    let custom = settings(ProviderKind::Custom, &server.endpoint(), "reports", "incoming/");
    let r = run_with(&custom, Ok(key("a", "b")), &fast());
    assert_eq!(r.outcome, Outcome::Passed, "{r:#?}");
}

#[test]
fn aws_profile_with_credential_process() {
    // The profile source is resolved by aws-config exactly as the AWS CLI
    // would; credential_process runs a real program that prints the keys.
    let moto = Moto::start();
    let w = moto.user("writer");
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("creds.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '{{\"Version\": 1, \"AccessKeyId\": \"{}\", \"SecretAccessKey\": \"{}\"}}'\n",
            w.access_key_id, w.secret_access_key
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let config = dir.path().join("config");
    std::fs::write(&config, format!("[profile chute-test]\nregion = us-east-1\ncredential_process = {}\n", script.display())).unwrap();
    // Only this test resolves profiles, so pointing the process at these files is safe.
    std::env::set_var("AWS_CONFIG_FILE", &config);
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("credentials"));
    let s = settings(ProviderKind::Aws, &moto.endpoint(), "reports", "incoming/");
    let r = run(&s, Auth::Profile("chute-test".into()));
    assert_eq!(r.outcome, Outcome::Passed, "{r:#?}");
    assert!(r.steps[0].detail.contains("chute-test"));

    let r = run(&s, Auth::Profile("no-such-profile".into()));
    failed_at(&r, StepId::Credentials);
    let d = finding(&r, "profile_credentials_failed");
    assert!(d.what_happened.contains("no-such-profile"), "{}", d.what_happened);
    // Not an SSO profile: the fix is the command that shows what is wrong with it, not an SSO sign-in.
    assert!(d.fix.contains("aws sts get-caller-identity --profile no-such-profile"), "{}", d.fix);
    assert!(!d.fix.contains("aws sso login"), "{}", d.fix);
}

#[test]
fn scripted_internal_error_and_put_not_implemented() {
    let server =
        Scripted::start(|_| (500, "<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>"));
    let s = settings(ProviderKind::Minio, &server.endpoint(), "reports", "incoming/");
    let r = run_with(&s, Ok(key("a", "b")), &fast());
    failed_at(&r, StepId::HeadBucket);
    let d = finding(&r, "server_error");
    assert_eq!(d.evidence.http_status, Some(500));
    assert_eq!(d.evidence.request_id.as_deref(), Some("SCRIPTED-REQ-1"), "the request id is kept for support");

    // A web app that answers HEAD but has no PUT: 501, as http.server does.
    let server = Scripted::start(|req| if req.method == "PUT" { (501, "<html>Unsupported method ('PUT')</html>") } else { (200, "") });
    let s = settings(ProviderKind::Minio, &server.endpoint(), "reports", "incoming/");
    let r = run_with(&s, Ok(key("a", "b")), &fast());
    failed_at(&r, StepId::PutObject);
    finding(&r, "not_s3_server");
}
