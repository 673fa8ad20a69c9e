//! The fuzz targets' invariants in the normal test suite: the committed
//! corpus (fuzz/corpus/*/seed-* and regression-*) replayed through the same
//! checks (fuzz/src/lib.rs, included as a module), and the inputs the
//! fuzzer found, minimised, with what they broke. Running the fuzzer itself
//! is scripts/fuzz.sh.

#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod invariants;

use std::path::PathBuf;

use chute_core::destination::{validate, Context};
use chute_core::keys::parse_template;
use chute_core::Code;
use chute_core::Settings;

/// The committed inputs of one fuzz target, by file name.
fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus").join(target);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        // Only what git tracks: a manual `cargo fuzz run` adds other files here.
        .filter(|(name, _)| name.starts_with("seed-") || name.starts_with("regression-"))
        .map(|(name, path)| (name, std::fs::read(path).unwrap()))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{}: the corpus is missing", dir.display());
    files
}

#[test]
fn key_template_corpus() {
    let mut parsed = 0;
    for (name, bytes) in corpus("key_template") {
        let input = std::str::from_utf8(&bytes).unwrap_or_else(|_| panic!("{name} is not UTF-8"));
        parsed += usize::from(invariants::check_template_input(input));
    }
    assert!(parsed >= 5, "the seeds should include templates that parse");
}

#[test]
fn key_validation_corpus() {
    for (name, bytes) in corpus("key_validation") {
        let raw = std::str::from_utf8(&bytes).unwrap_or_else(|_| panic!("{name} is not UTF-8"));
        invariants::check_normalize(raw);
    }
}

#[test]
fn destination_validation_corpus() {
    let mut replayed = 0;
    for (name, bytes) in corpus("destination_validation") {
        // Inputs in the fuzzer's own byte format need `arbitrary`; the
        // JSON ones are forms as the window sends them.
        if name.ends_with(".json") {
            assert!(invariants::check_draft_json(&bytes), "{name} is not a destination form");
            replayed += 1;
        }
    }
    assert!(replayed >= 5);
}

/// Found by the key_template target (regression-dot-before-dir and
/// cousins): parse_template refused a literal `.`/`..` folder only when
/// `/`, the ends, or {prefix}/{dir} on its left bounded it, so these parsed
/// and every file at the root or without an extension got a key with a
/// dot folder. Now they are refused with the position of the dots.
#[test]
fn dot_folders_next_to_tokens_that_can_be_empty() {
    for (t, position, folder) in [
        (".{dir}", 1, "."),                  // a file at the root: `.`
        ("a/.{dir}./{name}", 3, ".."),       // `a/../x`
        ("{prefix}{name}/..{ext}", 16, "."), // no extension: `x/..` loses its last `.` to {ext}
        ("x/...{ext}", 3, ".."),
        ("{ext}../{name}", 6, ".."),         // no extension: `../x`
        ("{prefix}.{ext}./{name}", 15, "."), // no extension: {ext} drops the first `.`: `./x`
    ] {
        let e = parse_template(t).expect_err(t);
        assert_eq!(e.position, position, "{t}: {e}");
        assert!(e.message.contains(&format!("a `{folder}` folder cannot be part of a key")), "{t}: {e}");
        invariants::check_template_input(t);
    }
    // Dots that never stand alone still parse.
    for t in [".{dir}{name}", "{prefix}{stem}..{ext}", "{prefix}{dir}.{stem}", "{ext}.{name}", "{prefix}{name}.", "{dir}..x/{name}"] {
        assert!(parse_template(t).is_ok(), "{t}");
        invariants::check_template_input(t);
    }
}

/// Found by the destination_validation target (regression-bucket-*): for a
/// bucket with a `:` but no usable name before the first `/` (an ARN, an
/// https:// URL, `a:b`), bucket_has_path offered its own value, or
/// `https:`, as the one-click fix, and applying it reported the same
/// problem again. Now there is no one-click fix unless the guess is a name.
#[test]
fn bucket_has_path_fixes_only_with_a_name() {
    for (bucket, fix) in [
        ("arn:aws:s3:::reports", None),
        ("https://reports.s3.eu-west-1.amazonaws.com/incoming", None),
        ("a:b", None),
        ("s3://", None),
        ("/incoming", None),
        ("s3://reports/incoming", Some("reports")),
        ("reports/2024", Some("reports")),
    ] {
        let s = Settings { name: "Reports".into(), bucket: bucket.into(), region: "eu-west-1".into(), ..Settings::default() };
        let problems = validate(&s, &Context::default());
        let p = problems.iter().find(|p| p.code == Code::BucketHasPath).unwrap_or_else(|| panic!("{bucket}: {problems:?}"));
        assert_eq!(p.fix_value.as_deref(), fix, "{bucket}");
        invariants::check_destination(&s, &[], None);
    }
}
