//! The core without a display or a keychain: validation, the SQLite store
//! (real files), import parsing. Keychain behaviour is in keychain.rs.

use std::collections::BTreeMap;

use chute_core::destination::{validate, Context, CredentialCheck, Severity};
use chute_core::import::{aws_candidates, rclone_candidates, ImportedAuth};
use chute_core::provider::ProviderKind;
use chute_core::store::{Store, SCHEMA_VERSION};
use chute_core::Code;
use chute_core::{Chute, CredentialInput, SecretStore, Settings, UserError};

fn base(provider: ProviderKind) -> Settings {
    let mut s = Settings { name: "Reports".into(), provider, bucket: "reports".into(), prefix: "incoming/".into(), ..Settings::default() };
    match provider {
        ProviderKind::Minio | ProviderKind::Custom => s.endpoint = "http://127.0.0.1:9000".into(),
        ProviderKind::R2 => {
            s.account_id = "0123456789abcdef0123456789abcdef".into();
            s.region = "auto".into();
        }
        ProviderKind::B2 => {
            s.region = "us-west-004".into();
            s.bucket = "reports-b2".into();
        }
        ProviderKind::Tigris => s.region = "auto".into(),
        ProviderKind::Aws => s.region = "eu-west-1".into(),
    }
    s
}

fn problems(s: &Settings) -> Vec<chute_core::Problem> {
    validate(s, &Context { other_names: vec!["Existing"], credentials: None, ..Context::default() })
}

#[test]
fn valid_presets_have_no_problems() {
    for k in ProviderKind::ALL {
        let p = problems(&base(k));
        assert!(p.is_empty(), "{k:?}: {p:?}");
    }
}

/// (description, change, field, code, severity, a fragment of the message)
type Case = (&'static str, fn(&mut Settings), &'static str, &'static str, Severity, &'static str);

#[test]
fn bad_input_table() {
    use ProviderKind as P;
    use Severity::{Error as E, Warning as W};
    let cases: Vec<(ProviderKind, Case)> = vec![
        (P::Aws, ("empty name", |s| s.name = " ".into(), "name", "name_empty", E, "name is empty")),
        (P::Aws, ("duplicate name", |s| s.name = "existing".into(), "name", "name_duplicate", E, "already called")),
        (P::Aws, ("name with newline", |s| s.name = "a\nb".into(), "name", "name_control_chars", E, "control")),
        (P::Aws, ("empty bucket", |s| s.bucket = "".into(), "bucket", "bucket_empty", E, "empty")),
        (P::Aws, ("uppercase bucket", |s| s.bucket = "Reports".into(), "bucket", "bucket_uppercase", E, "lowercase")),
        (P::Aws, ("underscore", |s| s.bucket = "my_bucket".into(), "bucket", "bucket_underscore", E, "`_`")),
        (P::Aws, ("too short", |s| s.bucket = "ab".into(), "bucket", "bucket_length", E, "3–63")),
        (P::Aws, ("too long", |s| s.bucket = "a".repeat(64), "bucket", "bucket_length", E, "has 64")),
        (P::Aws, ("ip address", |s| s.bucket = "192.168.1.1".into(), "bucket", "bucket_ip", E, "IP address")),
        (P::Aws, ("double dot", |s| s.bucket = "a..b".into(), "bucket", "bucket_dots", E, "`..`")),
        (P::Aws, ("leading dash", |s| s.bucket = "-abc".into(), "bucket", "bucket_edges", E, "start and end")),
        (P::Aws, ("bucket with path", |s| s.bucket = "reports/2024".into(), "bucket", "bucket_has_path", E, "contains a path")),
        (P::Aws, ("s3 url as bucket", |s| s.bucket = "s3://reports".into(), "bucket", "bucket_has_path", E, "scheme")),
        (
            P::Aws,
            ("dotted bucket over https", |s| s.bucket = "reports.example.com".into(), "bucket", "bucket_dotted_tls", W, "certificate"),
        ),
        (P::B2, ("b2 short bucket", |s| s.bucket = "abcde".into(), "bucket", "bucket_length", E, "6–63")),
        (P::Minio, ("no endpoint", |s| s.endpoint = "".into(), "endpoint", "endpoint_required", E, "needs an endpoint")),
        (P::Minio, ("no scheme", |s| s.endpoint = "minio.local:9000".into(), "endpoint", "endpoint_no_scheme", E, "no scheme")),
        (P::Minio, ("spaces", |s| s.endpoint = "http://minio local".into(), "endpoint", "endpoint_spaces", E, "spaces")),
        (
            P::Minio,
            (
                "credentials in url",
                |s| s.endpoint = "http://ak:sk@127.0.0.1:9000".into(),
                "endpoint",
                "endpoint_credentials",
                E,
                "user name or password",
            ),
        ),
        (P::Minio, ("ftp scheme", |s| s.endpoint = "ftp://127.0.0.1".into(), "endpoint", "endpoint_scheme", E, "http or https")),
        (
            P::Minio,
            (
                "plain http off-box",
                |s| s.endpoint = "http://minio.internal:9000".into(),
                "endpoint",
                "endpoint_plain_http",
                W,
                "unencrypted",
            ),
        ),
        (
            P::Minio,
            (
                "bucket in endpoint",
                |s| s.endpoint = "http://127.0.0.1:9000/reports".into(),
                "endpoint",
                "endpoint_has_bucket",
                E,
                "bucket name",
            ),
        ),
        (
            P::Custom,
            (
                "R2 endpoint as custom",
                |s| s.endpoint = "https://abc.r2.cloudflarestorage.com".into(),
                "provider",
                "provider_detected",
                W,
                "Cloudflare R2",
            ),
        ),
        (P::R2, ("r2 without account", |s| s.account_id = "".into(), "account_id", "account_id_required", E, "account id")),
        (P::R2, ("r2 region", |s| s.region = "us-east-1".into(), "region", "region_not_auto", E, "`auto`")),
        (P::Tigris, ("tigris region", |s| s.region = "eu-west-1".into(), "region", "region_not_auto", E, "`auto`")),
        (
            P::Tigris,
            (
                "tigris legacy endpoint",
                |s| s.endpoint = "https://fly.storage.tigris.dev".into(),
                "endpoint",
                "endpoint_legacy",
                W,
                "legacy",
            ),
        ),
        (
            P::B2,
            (
                "b2 region mismatch",
                |s| s.endpoint = "https://s3.eu-central-003.backblazeb2.com".into(),
                "region",
                "region_endpoint_mismatch",
                E,
                "eu-central-003",
            ),
        ),
        (P::Aws, ("availability zone", |s| s.region = "us-east-1a".into(), "region", "region_is_zone", E, "availability zone")),
        (P::Aws, ("display name as region", |s| s.region = "US East (Ohio)".into(), "region", "region_format", E, "not a region code")),
        (P::Aws, ("auto on aws", |s| s.region = "auto".into(), "region", "region_auto_on_aws", E, "no region `auto`")),
        (P::Aws, ("prefix without slash", |s| s.prefix = "incoming".into(), "prefix", "prefix_no_trailing_slash", W, "incomingreport.csv")),
        (P::Aws, ("leading slash", |s| s.prefix = "/incoming/".into(), "prefix", "prefix_leading_slash", E, "starts with `/`")),
        (P::Aws, ("double slash", |s| s.prefix = "a//b/".into(), "prefix", "prefix_double_slash", E, "`//`")),
        (P::Aws, ("backslash", |s| s.prefix = "a\\b\\".into(), "prefix", "prefix_backslash", E, "`\\`")),
        (P::Aws, ("dot dot", |s| s.prefix = "a/../b/".into(), "prefix", "prefix_dot_segment", E, "`..`")),
        (
            P::Aws,
            (
                "unknown token",
                |s| s.key_template = "{prefix}{nmae}".into(),
                "key_template",
                "template_invalid",
                E,
                "unknown token `{nmae}`",
            ),
        ),
        (P::Aws, ("unbalanced brace", |s| s.key_template = "{prefix".into(), "key_template", "template_invalid", E, "never closed")),
        (P::Aws, ("template w/o file", |s| s.key_template = "{prefix}{date}".into(), "key_template", "template_not_unique", W, "same key")),
        (P::Aws, ("template w/o prefix", |s| s.key_template = "{relpath}".into(), "key_template", "template_no_prefix", W, "ignored")),
        (
            P::Aws,
            ("storage class case", |s| s.storage_class = "standard-ia".into(), "storage_class", "storage_class_case", E, "STANDARD_IA"),
        ),
        (
            P::R2,
            (
                "storage class unknown",
                |s| s.storage_class = "GLACIER".into(),
                "storage_class",
                "storage_class_unknown",
                E,
                "no storage class",
            ),
        ),
        (P::Aws, ("bad acl", |s| s.acl = "public".into(), "acl", "acl_unknown", E, "not a canned ACL")),
        (P::R2, ("acl on r2", |s| s.acl = "public-read".into(), "acl", "acl_unsupported", W, "ACLs")),
        (
            P::Aws,
            (
                "metadata key",
                |s| s.metadata = BTreeMap::from([("my key".into(), "v".into())]),
                "metadata",
                "metadata_key",
                E,
                "not a valid header",
            ),
        ),
        (
            P::Aws,
            ("11 tags", |s| s.tags = (0..11).map(|i| (format!("k{i}"), "v".into())).collect(), "tags", "tags_too_many", E, "allows 10"),
        ),
        (P::Aws, ("aws: tag", |s| s.tags = BTreeMap::from([("aws:x".into(), "v".into())]), "tags", "tag_reserved", E, "`aws:`")),
        (
            P::Aws,
            ("content type", |s| s.headers.content_type = "csv".into(), "headers.content_type", "content_type_format", E, "media type"),
        ),
    ];
    assert!(cases.len() >= 30);
    for (provider, (what, change, field, code, severity, fragment)) in cases {
        let mut s = base(provider);
        change(&mut s);
        let found = problems(&s);
        let hit = found.iter().find(|p| p.code.as_str() == code).unwrap_or_else(|| panic!("{what}: expected {code}, got {found:?}"));
        assert_eq!(hit.field, field, "{what}");
        assert_eq!(hit.severity, severity, "{what}");
        assert!(hit.message.contains(fragment), "{what}: `{}` lacks `{fragment}`", hit.message);
        assert!(!hit.fix.is_empty(), "{what}: every problem says how to fix it");
    }
}

#[test]
fn prefix_fix_is_one_click() {
    let mut s = base(ProviderKind::Aws);
    s.prefix = "incoming".into();
    let p = problems(&s).into_iter().find(|p| p.code == Code::PrefixNoTrailingSlash).unwrap();
    assert_eq!(p.fix_value.as_deref(), Some("incoming/"));
    s.prefix = p.fix_value.unwrap();
    assert!(problems(&s).is_empty());

    s.prefix = "//a//b".into();
    let p = problems(&s).into_iter().find(|p| p.code == Code::PrefixLeadingSlash).unwrap();
    assert_eq!(p.fix_value.as_deref(), Some("a/b/"));

    let mut s = base(ProviderKind::Aws);
    s.bucket = "reports.example.com".into();
    let p = problems(&s).into_iter().find(|p| p.code == Code::BucketDottedTls).unwrap();
    assert_eq!((p.fix_field.as_deref(), p.fix_value.as_deref()), (Some("path_style"), Some("true")));
    s.path_style = true;
    assert!(problems(&s).is_empty());
}

/// An endpoint typed without a scheme: `http://` is proposed only for this
/// machine and the local network, `https://` for anything else, and the
/// message says which and why. The fix applied, the scheme problem is gone.
#[test]
fn endpoint_scheme_fix_depends_on_where_the_host_is() {
    const HERE: &str = "is this machine";
    const LAN: &str = "is on your local network";
    const NET: &str = "may be reached over the internet";
    let cases: &[(&str, &str, &str)] = &[
        ("127.0.0.1:9000", "http://127.0.0.1:9000", HERE),
        ("127.8.9.10", "http://127.8.9.10", HERE),
        ("localhost:9000", "http://localhost:9000", HERE),
        ("minio.localhost:9000", "http://minio.localhost:9000", HERE),
        ("[::1]:9000", "http://[::1]:9000", HERE),
        ("10.1.2.3:9000", "http://10.1.2.3:9000", LAN),
        ("172.16.0.5", "http://172.16.0.5", LAN),
        ("172.31.255.1:9000", "http://172.31.255.1:9000", LAN),
        ("192.168.1.20:9000/", "http://192.168.1.20:9000/", LAN),
        ("169.254.10.1", "http://169.254.10.1", LAN),
        ("[fd12:3456::1]:9000", "http://[fd12:3456::1]:9000", LAN),
        ("[fe80::1]:9000", "http://[fe80::1]:9000", LAN),
        ("[::ffff:10.0.0.1]:9000", "http://[::ffff:10.0.0.1]:9000", LAN),
        ("minio:9000", "http://minio:9000", LAN),
        ("nas.local:9000", "http://nas.local:9000", LAN),
        ("NAS.Local.", "http://NAS.Local.", LAN),
        ("minio.home.arpa", "http://minio.home.arpa", LAN),
        ("storage.corp.internal", "http://storage.corp.internal", LAN),
        ("s3.example.com", "https://s3.example.com", NET),
        ("minio.example.com:9000", "https://minio.example.com:9000", NET),
        ("8.8.8.8:9000", "https://8.8.8.8:9000", NET),
        ("172.32.0.1", "https://172.32.0.1", NET),
        ("192.169.0.1", "https://192.169.0.1", NET),
        ("11.0.0.1", "https://11.0.0.1", NET),
        ("[2001:db8::1]:9000", "https://[2001:db8::1]:9000", NET),
    ];
    for &(typed, proposed, why) in cases {
        let mut s = base(ProviderKind::Minio);
        s.endpoint = typed.into();
        let found = problems(&s);
        let p = found.iter().find(|p| p.code == Code::EndpointNoScheme).unwrap_or_else(|| panic!("{typed}: {found:?}"));
        assert_eq!(p.severity, Severity::Error, "{typed}");
        assert_eq!(p.fix_value.as_deref(), Some(proposed), "{typed}");
        let scheme = &proposed[..proposed.find("://").unwrap() + 3];
        assert!(p.message.starts_with(&format!("\"{typed}\" has no scheme: ")), "{typed}: {}", p.message);
        assert!(p.message.contains(why) && p.message.ends_with(&format!("so the fix adds {scheme}.")), "{typed}: {}", p.message);
        assert!(p.fix.contains(&format!("`{proposed}`")), "{typed}: {}", p.fix);
        if scheme == "http://" {
            assert!(p.fix.contains("https:// if the server has a TLS certificate"), "{typed}: the safer choice is named: {}", p.fix);
        }

        // The fix is accepted: no scheme problem is left, and plain http off
        // this machine still carries its warning.
        s.endpoint = proposed.into();
        let after = problems(&s);
        assert!(!after.iter().any(|p| p.code == Code::EndpointNoScheme || p.is_error()), "{typed}: {after:?}");
        let plain_http_warned = after.iter().any(|p| p.code == Code::EndpointPlainHttp);
        assert_eq!(plain_http_warned, why == LAN, "{typed}: {after:?}");
    }

    // Not a host at all: no fix is guessed.
    let mut s = base(ProviderKind::Minio);
    s.endpoint = "[not-an-address]:9000".into();
    let p = problems(&s).into_iter().find(|p| p.code == Code::EndpointNoScheme).unwrap();
    assert_eq!(p.fix_value, None);
    assert!(p.fix.contains("https://") && p.fix.contains("http://"), "{}", p.fix);
}

#[test]
fn credential_checks() {
    let s = base(ProviderKind::Aws);
    let check = |c: CredentialCheck| validate(&s, &Context { other_names: vec![], credentials: Some(c), ..Context::default() });
    let codes = |v: Vec<chute_core::Problem>| v.into_iter().map(|p| p.code.as_str()).collect::<Vec<_>>();
    assert_eq!(codes(check(CredentialCheck::Keys { access_key_id: "", secret_present: false })), ["access_key_id_empty", "secret_empty"]);
    assert_eq!(codes(check(CredentialCheck::Keys { access_key_id: "AKIA EXAMPLE1", secret_present: true })), ["access_key_id_spaces"]);
    assert_eq!(
        codes(check(CredentialCheck::Profile { profile: "nope", known_profiles: Some(vec!["default".into()]) })),
        ["profile_unknown"]
    );
    let none = check(CredentialCheck::None);
    assert_eq!(none[0].severity, Severity::Warning);
    assert!(none[0].message.contains("public"));
}

fn no_keychain() -> SecretStore {
    // These tests never touch the keychain: every credential below is a
    // profile or none. A store that always fails proves it.
    SecretStore::with_factory("unused".into(), std::time::Duration::from_secs(1), std::sync::Arc::new(|| Err(keyring_core_error())))
}

fn keyring_core_error() -> keyring_core::Error {
    keyring_core::Error::NoDefaultStore
}

/// Point the AWS SDK's config paths at files that do not exist, so the
/// developer's own ~/.aws never leaks into a test.
fn isolate_aws_config() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let nowhere = std::env::temp_dir().join("chute-test-no-aws");
        std::env::set_var("AWS_CONFIG_FILE", nowhere.join("config"));
        std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", nowhere.join("credentials"));
    });
}

#[test]
fn store_round_trip_and_schema() {
    isolate_aws_config();
    let dir = tempfile::tempdir().unwrap();
    let chute = Chute::open_with(dir.path(), no_keychain()).unwrap();
    let mut s = base(ProviderKind::Minio);
    s.metadata.insert("team".into(), "data".into());
    s.tags.insert("env".into(), "prod".into());
    s.headers.cache_control = "max-age=60".into();
    let saved = chute.create(s.clone(), CredentialInput::Profile { profile: "default".into() });
    // No AWS config in this environment: the profile is unknown.
    let err = saved.unwrap_err();
    assert_eq!(err.reply().problems[0].code, Code::ProfileUnknown);
    let saved = chute.create(s.clone(), CredentialInput::None).unwrap();
    assert_eq!(saved.warnings.iter().map(|w| w.code.as_str()).collect::<Vec<_>>(), ["no_credentials"]);
    drop(chute);

    // Reopen: everything survived, in WAL mode, at the current schema.
    let store = Store::open(&dir.path().join(chute_core::DB_FILE)).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let all = store.list_destinations().unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].settings, s.normalized());
    let conn = rusqlite::Connection::open(dir.path().join(chute_core::DB_FILE)).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn newer_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(chute_core::DB_FILE);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Chute::open_with(dir.path(), no_keychain()).err().expect("refused");
    let info = err.info();
    assert_eq!(info.code, Code::DatabaseTooNew);
    assert!(info.message.contains("schema 99"), "{}", info.message);
    assert!(info.fix.contains("Update Chute"));
    assert_eq!(std::fs::read(&path).unwrap(), before, "the newer database was not modified");
    assert!(!dir.path().join("chute.db-wal").exists(), "not even switched to WAL");
}

#[test]
fn corrupt_database_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(chute_core::DB_FILE);
    std::fs::write(&path, b"this is not an sqlite database, just some bytes that fill the header....").unwrap();
    let err = Chute::open_with(dir.path(), no_keychain()).err().expect("refused");
    assert_eq!(err.info().code, Code::DatabaseCorrupt);
    assert!(err.info().fix.contains("Move"));
}

#[test]
fn imports_aws_profiles() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let creds = dir.path().join("credentials");
    std::fs::write(
        &config,
        "[default]\nregion = eu-west-1\n\n[profile minio]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:9000\ns3 =\n  addressing_style = path\n\n\
         [profile sso]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Uploader\nregion = us-west-2\n\n\
         [profile r2]\nendpoint_url = https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com\nregion = auto\n",
    )
    .unwrap();
    std::fs::write(
        &creds,
        "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\n\
         [minio]\naws_access_key_id = minioadmin\naws_secret_access_key = miniosecret\n\n\
         [r2]\naws_access_key_id = r2key0000000000\naws_secret_access_key = r2secret\n",
    )
    .unwrap();
    let c = aws_candidates(&config, &creds).unwrap();
    let by = |n: &str| c.iter().find(|x| x.source == n).unwrap();
    assert_eq!(c.len(), 4);
    let d = by("default");
    assert_eq!((d.provider, d.region.as_str()), (ProviderKind::Aws, "eu-west-1"));
    assert!(matches!(&d.auth, ImportedAuth::Keys { key_id_hint } if key_id_hint == "AKIA…MPLE"));
    assert_eq!(d.credentials.as_ref().unwrap().secret_access_key.expose(), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    let m = by("minio");
    assert_eq!((m.provider, m.endpoint.as_str(), m.path_style), (ProviderKind::Custom, "http://127.0.0.1:9000", true));
    let s = by("sso");
    assert!(matches!(&s.auth, ImportedAuth::Profile { profile } if profile == "sso"));
    assert!(s.credentials.is_none());
    let r = by("r2");
    assert_eq!(
        (r.provider, r.account_id.as_str(), r.region.as_str(), r.endpoint.as_str()),
        (ProviderKind::R2, "0123456789abcdef0123456789abcdef", "auto", "")
    );
    // Candidates serialize without their secrets.
    let json = serde_json::to_string(&c).unwrap();
    assert!(!json.contains("wJalr") && !json.contains("miniosecret") && !json.contains("r2secret"), "{json}");
}

#[test]
fn imports_rclone_remotes() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("rclone.conf");
    std::fs::write(
        &conf,
        "[r2]\ntype = s3\nprovider = Cloudflare\naccess_key_id = r2key\nsecret_access_key = r2secret\nendpoint = https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com\nacl = private\n\n\
         [minio]\ntype = s3\nprovider = Minio\naccess_key_id = mk\nsecret_access_key = ms\nendpoint = http://127.0.0.1:9000\nregion = us-east-1\n\n\
         [drive]\ntype = drive\nscope = drive\n\n\
         [b2s3]\ntype = s3\nprovider = Other\nendpoint = https://s3.us-west-004.backblazeb2.com\naccess_key_id = bk\nsecret_access_key = bs\n\n\
         [aws-env]\ntype = s3\nprovider = AWS\nenv_auth = true\nregion = eu-central-1\n",
    )
    .unwrap();
    let c = rclone_candidates(&conf).unwrap();
    assert_eq!(c.iter().map(|x| x.source.as_str()).collect::<Vec<_>>(), ["r2", "minio", "b2s3", "aws-env"]);
    assert_eq!((c[0].provider, c[0].region.as_str(), c[0].path_style), (ProviderKind::R2, "auto", false));
    assert_eq!((c[1].provider, c[1].path_style), (ProviderKind::Minio, true));
    assert_eq!((c[2].provider, c[2].region.as_str(), c[2].endpoint.as_str()), (ProviderKind::B2, "us-west-004", ""));
    assert!(matches!(&c[3].auth, ImportedAuth::Profile { profile } if profile == "default"));
    assert!(!serde_json::to_string(&c).unwrap().contains("r2secret"));

    std::fs::write(&conf, "# Encrypted rclone configuration File\n\nRCLONE_ENCRYPT_V0:\nabc").unwrap();
    assert_eq!(rclone_candidates(&conf).unwrap_err().info().code, Code::ImportRcloneEncrypted);
}

/// The card shows the newest connection test: a failure (with its first
/// problem's title) until a newer test passes.
#[test]
fn the_newest_connection_test_is_on_the_destination() {
    isolate_aws_config();
    let dir = tempfile::tempdir().unwrap();
    let chute = Chute::open_with(dir.path(), no_keychain()).unwrap();
    let mut s = base(ProviderKind::Minio);
    // Nothing listens here: the test fails at once, without a network.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    s.endpoint = format!("http://127.0.0.1:{closed}");
    let id = chute.create(s, CredentialInput::None).unwrap().destination.destination.id;
    assert_eq!(chute.list_views().unwrap()[0].last_test, None, "never tested");

    let opts = chute_core::probe::ProbeOptions::default();
    let failed = chute.test_connection(chute_core::ProbeTarget::Saved { id: id.clone() }, &opts, &mut |_| {}).unwrap();
    let last = chute.list_views().unwrap()[0].last_test.clone().expect("the failed test is on the card");
    assert_eq!(last.outcome, chute_core::probe::Outcome::Failed);
    assert_eq!(last.title.as_deref(), Some("The server refused the connection"));
    assert_eq!(last.at, failed.started_at);

    // A newer passing test replaces it (stored as the probe would store it).
    let passed = chute_core::probe::ProbeReport {
        outcome: chute_core::probe::Outcome::Passed,
        findings: vec![],
        started_at: failed.started_at + 1000,
        ..failed
    };
    Store::open(&dir.path().join(chute_core::DB_FILE)).unwrap().add_probe(Some(&id), &passed).unwrap();
    let view = chute.view(&chute.get(&id).unwrap()).unwrap();
    let last = view.last_test.expect("tested");
    assert_eq!((last.outcome, last.title), (chute_core::probe::Outcome::Passed, None));
}
