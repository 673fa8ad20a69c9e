//! Table 1: destination settings (nothing is sent; no server).

use std::ffi::OsString;

use super::support::world::*;
use super::{os, run, run_rows, text, Dac, Row, RowEnd};

#[derive(Clone, Copy, PartialEq, Debug)]
enum Sev {
    Error,
    Warning,
}

struct SettingCase {
    id: &'static str,
    /// Flags changed from a valid MinIO destination.
    input: &'static [(&'static str, &'static str)],
    code: &'static str,
    severity: Sev,
    message: &'static str,
    fix: &'static str,
    /// Text that must not be stored or printed (a password in a URL).
    never_kept: Option<&'static str>,
}

const fn set(
    id: &'static str,
    input: &'static [(&'static str, &'static str)],
    code: &'static str,
    message: &'static str,
    fix: &'static str,
) -> SettingCase {
    SettingCase { id, input, code, severity: Sev::Error, message, fix, never_kept: None }
}

fn setting_cases() -> Vec<SettingCase> {
    vec![
        set("template_unknown_token", &[("--key-template", "{prefix}{nope}")], "template_invalid", "unknown token `{nope}`", "{relpath}"),
        set(
            "template_unclosed_brace",
            &[("--key-template", "{prefix}{relpath")],
            "template_invalid",
            "a `{` opens a token that is never closed",
            "{relpath}",
        ),
        set(
            "template_stray_close_brace",
            &[("--key-template", "{prefix}}{relpath}")],
            "template_invalid",
            "a `}` has no matching `{`",
            "{relpath}",
        ),
        set(
            "template_dot_dot_folder",
            &[("--key-template", "{prefix}../{name}")],
            "template_invalid",
            "a `..` folder cannot be part of a key",
            "{prefix}",
        ),
        set("template_dot_folder_inside", &[("--key-template", "{prefix}x/./{name}")], "template_invalid", "(at character 11)", "{prefix}"),
        set(
            "template_control_char",
            &[("--key-template", "{prefix}\u{7}{name}")],
            "template_invalid",
            "control characters cannot appear in object keys",
            "{relpath}",
        ),
        set(
            "template_leading_slash",
            &[("--key-template", "/{prefix}{name}")],
            "template_leading_slash",
            "The key template starts with `/`.",
            "Remove the leading `/`.",
        ),
        set(
            "prefix_leading_slash",
            &[("--prefix", "/incoming/")],
            "prefix_leading_slash",
            "The path prefix starts with `/`",
            "Remove the leading `/`.",
        ),
        SettingCase {
            severity: Sev::Warning,
            ..set(
                "prefix_without_trailing_slash",
                &[("--prefix", "incoming")],
                "prefix_no_trailing_slash",
                "would be stored as `incomingreport.csv`",
                "Add a trailing `/`",
            )
        },
        set("prefix_double_slash", &[("--prefix", "incoming//daily/")], "prefix_double_slash", "contains `//`", "Use a single `/`."),
        set(
            "prefix_dot_dot_folder",
            &[("--prefix", "incoming/../other/")],
            "prefix_dot_segment",
            "contains a `.` or `..` folder",
            "without `.` and `..`",
        ),
        set(
            "prefix_control_char",
            &[("--prefix", "in\u{1b}coming/")],
            "prefix_control_chars",
            "contains control characters",
            "Remove tabs, line breaks",
        ),
        set(
            "bucket_uppercase",
            &[("--bucket", "Reports-Bucket")],
            "bucket_uppercase",
            "\"Reports-Bucket\" has capital letters",
            "lowercase name",
        ),
        set("bucket_double_dot", &[("--bucket", "reports..bucket")], "bucket_dots", "cannot contain `..`", "Check the bucket name."),
        set(
            "bucket_ip_like",
            &[("--bucket", "192.168.1.10")],
            "bucket_ip",
            "cannot look like an IP address",
            "put the server address in the endpoint",
        ),
        set("bucket_too_short", &[("--bucket", "ab")], "bucket_length", "3–63 characters long; \"ab\" has 2", "Check the bucket name."),
        set(
            "bucket_too_long",
            &[("--bucket", "a123456789b123456789c123456789d123456789e123456789f123456789g123")],
            "bucket_length",
            "has 64",
            "Check the bucket name.",
        ),
        set(
            "endpoint_no_scheme",
            &[("--endpoint", "s3.example.com")],
            "endpoint_no_scheme",
            "\"s3.example.com\" has no scheme",
            "https://",
        ),
        set(
            "endpoint_spaces",
            &[("--endpoint", "http://127.0.0.1 :9000")],
            "endpoint_spaces",
            "The endpoint URL contains spaces.",
            "Remove the spaces",
        ),
        SettingCase {
            never_kept: Some("hunter2-in-url"),
            ..set(
                "endpoint_credentials_in_url",
                &[("--endpoint", "https://user:hunter2-in-url@s3.example.com")],
                "endpoint_credentials",
                "contains a user name or password",
                "where they go to the keychain",
            )
        },
        SettingCase {
            severity: Sev::Warning,
            ..set(
                "endpoint_plain_http_remote",
                &[("--endpoint", "http://minio.lan:9000")],
                "endpoint_plain_http",
                "Plain http:// sends your data unencrypted",
                "Use https://",
            )
        },
        set(
            "endpoint_with_bucket",
            &[("--endpoint", "http://127.0.0.1:9000/reports-bucket")],
            "endpoint_has_bucket",
            "ends with the bucket name",
            "The bucket goes in its own field",
        ),
    ]
}

/// A valid MinIO destination named after the row, with the row's flags changed.
fn setting_args(c: &SettingCase) -> Vec<OsString> {
    let mut flags: Vec<(&str, &str)> = vec![
        ("--name", c.id),
        ("--provider", "minio"),
        ("--bucket", "reports-bucket"),
        ("--endpoint", "http://127.0.0.1:9000"),
        ("--prefix", "incoming/"),
        ("--key-template", "{prefix}{relpath}"),
    ];
    for (k, v) in c.input {
        match flags.iter_mut().find(|(f, _)| f == k) {
            Some(slot) => slot.1 = v,
            None => flags.push((k, v)),
        }
    }
    let mut a = vec![os("--json"), os("destination"), os("add")];
    // `--flag=value`, so values starting with `-` or `/` stay values.
    a.extend(flags.iter().map(|(k, v)| os(&format!("{k}={v}"))));
    a.push(os("--no-credentials"));
    a
}

fn check_setting_row(w: &World, c: &SettingCase) {
    let before = w.list();
    let r = run(w, &setting_args(c), None, &Dac::Native, false);
    let p = match c.severity {
        Sev::Error => {
            let e = r.error(2, "invalid_destination");
            let p = e["problems"]
                .as_array()
                .and_then(|ps| ps.iter().find(|p| p["code"] == c.code))
                .unwrap_or_else(|| panic!("no problem with code {} in {e:#}", c.code))
                .clone();
            assert_eq!(p["severity"], "error", "{p:#}");
            assert_eq!(w.list(), before, "nothing is saved");
            p
        }
        Sev::Warning => {
            let saved = r.ok().json();
            let p = saved["warnings"]
                .as_array()
                .and_then(|ps| ps.iter().find(|p| p["code"] == c.code))
                .unwrap_or_else(|| panic!("no warning with code {} in {saved:#}", c.code))
                .clone();
            assert_eq!(p["severity"], "warning", "{p:#}");
            assert_eq!(w.list().len(), before.len() + 1, "a warning does not block saving");
            p
        }
    };
    assert!(text(&p["message"]).contains(c.message), "message {:?} lacks {:?}", p["message"], c.message);
    assert!(text(&p["fix"]).contains(c.fix), "fix {:?} lacks {:?}", p["fix"], c.fix);
    if let Some(secret) = c.never_kept {
        w.assert_nowhere(secret);
    }
}

#[test]
fn destination_settings_rows() {
    let w = world();
    let cases = setting_cases();
    let rows = cases
        .iter()
        .map(|c| Row {
            id: c.id,
            input: c.input.iter().map(|(k, v)| format!("{k} {v:?}")).collect::<Vec<_>>().join(" "),
            run: Box::new(|| {
                check_setting_row(&w, c);
                RowEnd::Passed
            }),
        })
        .collect();
    let failed = run_rows(rows, "destination settings");
    assert!(failed.is_empty(), "rows failed: {failed:?}");
}
