//! The invariants the fuzz targets check, in one place: the targets call
//! these, and tests/fuzz_regressions.rs includes this file (`#[path]`) so
//! the normal test suite replays the committed corpus through the same
//! checks. Depends only on crates chute-core itself depends on.
//!
//! Every check states something keys.rs or destination.rs promises in its
//! own docs or code; a failed check panics, which libFuzzer reports as a crash.

use chute_core::destination::{validate, Context, CredentialCheck, CredentialDraft, Problem, Settings};
use chute_core::keys::{self, KeyContext, KeyError, Part, MAX_KEY_BYTES};
use chute_core::provider::ProviderKind;
use chute_core::Code;

/// What `normalize_key` promises about a key it returns: Unicode NFC, `/` as
/// the only separator, no leading `/`, no empty or `.`/`..` segments, no
/// control characters, at most 1,024 bytes, and a normalized key normalizes
/// to itself.
pub fn check_key(key: &str) {
    assert!(!key.is_empty(), "empty key accepted");
    assert!(key.len() <= MAX_KEY_BYTES, "key of {} bytes accepted: {key:?}", key.len());
    assert!(!key.chars().any(char::is_control), "key with a control character: {key:?}");
    assert!(unicode_normalization::is_nfc(key), "key is not NFC: {key:?}");
    for seg in key.split('/') {
        // Covers a leading or trailing `/` and `//` too.
        assert!(!seg.is_empty(), "key with an empty segment: {key:?}");
        assert!(seg != "." && seg != "..", "key with a `{seg}` segment: {key:?}");
    }
    match keys::normalize_key(key) {
        Ok(again) => assert_eq!(again, key, "normalize_key is not idempotent"),
        Err(e) => panic!("a normalized key is rejected on a second pass: {key:?}: {e:?}"),
    }
}

/// A refused key says which rule it broke, why, and what to do.
pub fn check_key_error(e: &KeyError) {
    assert!(
        [Code::KeyControlChars, Code::KeyDotSegment, Code::KeyEmpty, Code::KeyTooLong].contains(&e.code),
        "unexpected key error code {:?}",
        e.code
    );
    assert!(!e.message.trim().is_empty() && !e.fix.trim().is_empty(), "key error without words: {e:?}");
}

/// `normalize_key` on any string: accepted keys satisfy `check_key`,
/// refusals are explained; control characters are always refused.
pub fn check_normalize(raw: &str) {
    match keys::normalize_key(raw) {
        Ok(key) => check_key(&key),
        Err(e) => check_key_error(&e),
    }
    if raw.chars().any(char::is_control) {
        assert_eq!(keys::normalize_key(raw).map_err(|e| e.code), Err(Code::KeyControlChars));
    }
}

/// Parse `template`; if it parses, render it for each context. Returns
/// whether it parsed.
///
/// - A parse is lossless: the parts written back out are the template.
/// - A parse error's 1-based position points into the template, at the
///   `{`, `}` or control character the message is about, or at the start
///   of the literal dots it refuses as a folder (`...{ext}` is `..` for a
///   file without extension).
/// - A rendered key satisfies `check_key`; a refusal is explained.
/// - parse_template refuses literal `.`/`..` folders "rather than for every
///   file at delivery": so a template that parses never renders a dot
///   folder when no token value has a dot (`DOTLESS`): such a folder would
///   be made of the template's own dots. ({stem} of a file named `..x` is
///   `.`; that one is the file's, and delivery refuses it per file.)
pub fn check_template(template: &str, contexts: &[KeyContext]) -> bool {
    let parts = match keys::parse_template(template) {
        Ok(parts) => parts,
        Err(e) => {
            let chars: Vec<char> = template.chars().collect();
            assert!(
                e.position >= 1 && e.position <= chars.len(),
                "position {} outside a template of {} characters",
                e.position,
                chars.len()
            );
            let at = chars[e.position - 1];
            let folder: String = chars[e.position - 1..].iter().take_while(|c| **c != '/' && **c != '{').collect();
            assert!(
                at == '{' || at == '}' || at.is_control() || (at == '.' && folder.chars().all(|c| c == '.')),
                "position {} points at {at:?}: {e}",
                e.position
            );
            assert!(!e.message.trim().is_empty());
            return false;
        }
    };
    let mut written = String::new();
    for part in &parts {
        match part {
            Part::Literal(l) => {
                assert!(!l.is_empty(), "empty literal part");
                written.push_str(l);
            }
            Part::Token(t) => {
                assert_eq!(keys::Token::parse(t.name()), Some(*t), "a token parsed that does not name itself");
                written.push('{');
                written.push_str(t.name());
                written.push('}');
            }
        }
    }
    assert_eq!(written, template, "parse_template lost or changed characters");
    for ctx in contexts {
        match keys::render(&parts, ctx) {
            Ok(key) => check_key(&key),
            Err(e) => check_key_error(&e),
        }
    }
    for (prefix, relpath) in DOTLESS {
        let ctx = KeyContext { prefix, relpath, time: time::OffsetDateTime::UNIX_EPOCH, uuid: "u", id: "i" };
        if let Err(e) = keys::render(&parts, &ctx) {
            assert!(
                e.code != Code::KeyDotSegment,
                "template {template:?} parsed, but renders a dot folder for prefix {prefix:?}, relpath {relpath:?}: {}",
                e.message
            );
        }
    }
    true
}

/// Contexts whose token values have no `.` folder pieces: {prefix} empty,
/// bare or a folder (all valid prefixes), {dir} empty or a folder, {ext}
/// empty or not; every other token is never empty.
const DOTLESS: [(&str, &str); 12] = [
    ("", "n"),
    ("", "n.e"),
    ("", "d/n"),
    ("", "d/n.e"),
    ("p", "n"),
    ("p", "n.e"),
    ("p", "d/n"),
    ("p", "d/n.e"),
    ("p/", "n"),
    ("p/", "n.e"),
    ("p/", "d/n"),
    ("p/", "d/n.e"),
];

/// The contexts every parsed template is rendered against, plus `extra`.
pub fn render_contexts<'a>(extra: Option<KeyContext<'a>>) -> Vec<KeyContext<'a>> {
    let time = time::macros::datetime!(2026-06-07 14:05:09 UTC);
    let ctx = |prefix, relpath| KeyContext { prefix, relpath, time, uuid: "3f2a0c1e-0000-4000-8000-000000000001", id: "8f25b54462bf" };
    let mut v = vec![ctx("incoming/", "a/b/report.csv"), ctx("", "README"), ctx("x", "a/.env"), ctx("caf\u{e9}/", "cafe\u{301}.tar.gz")];
    v.extend(extra);
    v
}

/// The fuzz input format of `key_template` (one text, so seeds are
/// readable): `template[\nprefix[\nrelpath[\nunix seconds]]]`. A template
/// cannot contain a line break (control characters are refused), so
/// nothing is lost by splitting there.
pub fn check_template_input(input: &str) -> bool {
    let mut lines = input.split('\n');
    let template = lines.next().unwrap_or_default();
    let prefix = lines.next();
    let relpath = lines.next().unwrap_or("folder/file.txt");
    let time = lines
        .next()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    // Delivery renders with `now_utc()` and generated ids; only the text
    // parts come from the user (the prefix) or the disk (the relpath).
    let extra = prefix.map(|prefix| KeyContext { prefix, relpath, time, uuid: "00000000-0000-4000-8000-000000000000", id: "000000000000" });
    check_template(template, &render_contexts(extra))
}

/// Credentials as validation sees them, owned so a fix can be applied.
#[derive(Debug, Clone)]
pub enum Creds {
    Keys { access_key_id: String, secret_present: bool },
    Profile { profile: String, known_profiles: Option<Vec<String>> },
    None,
}

impl Creds {
    fn check(&self) -> CredentialCheck<'_> {
        match self {
            Creds::Keys { access_key_id, secret_present } => CredentialCheck::Keys { access_key_id, secret_present: *secret_present },
            Creds::Profile { profile, known_profiles } => CredentialCheck::Profile { profile, known_profiles: known_profiles.clone() },
            Creds::None => CredentialCheck::None,
        }
    }

    /// What the form sends while typing (`Keep` is dropped: it needs the database).
    pub fn from_draft(d: CredentialDraft) -> Option<Creds> {
        match d {
            CredentialDraft::Keep => None,
            CredentialDraft::Keys { access_key_id, secret_present } => Some(Creds::Keys { access_key_id, secret_present }),
            CredentialDraft::Profile { profile } => Some(Creds::Profile { profile, known_profiles: None }),
            CredentialDraft::None => Some(Creds::None),
        }
    }
}

/// One destination form as the `destination_validation` target and its JSON
/// seeds describe it: the settings, the other destinations' names and the
/// credentials.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Draft {
    #[serde(flatten)]
    pub settings: Settings,
    #[serde(default)]
    pub other_names: Vec<String>,
    #[serde(default)]
    pub credentials: Option<CredentialDraft>,
}

/// Fields the form (ui/form.js) and the CLI know how to point at.
const FIELDS: &[&str] = &[
    "name",
    "provider",
    "bucket",
    "region",
    "endpoint",
    "account_id",
    "path_style",
    "prefix",
    "key_template",
    "storage_class",
    "acl",
    "metadata",
    "tags",
    "headers.cache_control",
    "headers.content_disposition",
    "headers.content_encoding",
    "headers.content_language",
    "headers.expires",
    "headers.content_type",
    "access_key_id",
    "secret_access_key",
    "profile",
    "credentials",
];

fn run(s: &Settings, other_names: &[String], creds: Option<&Creds>) -> Vec<Problem> {
    let ctx = Context {
        other_names: other_names.iter().map(String::as_str).collect(),
        credentials: creds.map(Creds::check),
        ..Context::default()
    };
    validate(s, &ctx)
}

/// Set `field` to `value` as the form's one-click fix does (ui/form.js `applyFix`).
fn apply_fix(s: &mut Settings, creds: &mut Option<Creds>, field: &str, value: &str) {
    match field {
        "name" => s.name = value.into(),
        "bucket" => s.bucket = value.into(),
        "region" => s.region = value.into(),
        "endpoint" => s.endpoint = value.into(),
        "account_id" => s.account_id = value.into(),
        "prefix" => s.prefix = value.into(),
        "key_template" => s.key_template = value.into(),
        "storage_class" => s.storage_class = value.into(),
        "acl" => s.acl = value.into(),
        "provider" => s.provider = ProviderKind::parse(value).unwrap_or_else(|| panic!("fix_value {value:?} is not a provider")),
        "path_style" => s.path_style = value.parse().unwrap_or_else(|_| panic!("fix_value {value:?} for path_style is not a boolean")),
        "access_key_id" => match creds {
            Some(Creds::Keys { access_key_id, .. }) => *access_key_id = value.into(),
            other => panic!("an access_key_id fix without access keys: {other:?}"),
        },
        other => panic!("a fix_value for {other:?}, which this harness cannot apply"),
    }
}

/// Validation of any form: never panics; every problem names a known
/// field and carries a message and a fix; and a one-click fix (`fix_value`,
/// into `fix_field` or `field`) really fixes: validating again does not
/// report the same code on the same field.
pub fn check_destination(s: &Settings, other_names: &[String], creds: Option<&Creds>) {
    let problems = run(s, other_names, creds);
    for p in &problems {
        assert!(FIELDS.contains(&p.field.as_str()), "problem {} names no known field: {:?}", p.code, p.field);
        assert!(!p.code.as_str().is_empty(), "problem without a code: {p:?}");
        assert!(!p.message.trim().is_empty(), "problem {} without a message", p.code);
        assert!(!p.fix.trim().is_empty(), "problem {} without a fix", p.code);
        if let Some(f) = &p.fix_field {
            assert!(FIELDS.contains(&f.as_str()), "problem {} retargets its fix to an unknown field {f:?}", p.code);
            assert!(p.fix_value.is_some(), "problem {} has a fix_field but no fix_value", p.code);
        }
        let Some(value) = &p.fix_value else { continue };
        let (mut fixed, mut fixed_creds) = (s.clone(), creds.cloned());
        apply_fix(&mut fixed, &mut fixed_creds, p.fix_field.as_deref().unwrap_or(&p.field), value);
        let again = run(&fixed, other_names, fixed_creds.as_ref());
        if let Some(q) = again.iter().find(|q| q.code == p.code && q.field == p.field) {
            panic!(
                "the one-click fix {value:?} for {} on {} does not fix it\nbefore: {p:?}\nafter:  {q:?}\nsettings: {s:?}",
                p.code, p.field
            );
        }
    }
}

/// A JSON seed (`Draft`), as the regression tests and the target read it.
pub fn check_draft_json(json: &[u8]) -> bool {
    let Ok(d) = serde_json::from_slice::<Draft>(json) else { return false };
    let creds = d.credentials.and_then(Creds::from_draft);
    check_destination(&d.settings, &d.other_names, creds.as_ref());
    true
}
