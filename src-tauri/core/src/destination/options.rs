//! The options set on every object: storage class, canned ACL, metadata,
//! tags and content headers; and the destination's bandwidth limit.

use super::model::Settings;
use super::problems::Problems;
use crate::report::Code;

pub const ACLS: &[&str] = &[
    "private",
    "public-read",
    "public-read-write",
    "authenticated-read",
    "aws-exec-read",
    "bucket-owner-read",
    "bucket-owner-full-control",
];

pub(super) fn validate_options(p: &mut Problems, s: &Settings) {
    let preset = s.preset();
    let sc = s.storage_class.trim();
    if !sc.is_empty() && !preset.storage_classes.contains(&sc) {
        let upper = sc.to_ascii_uppercase().replace('-', "_");
        if preset.storage_classes.contains(&upper.as_str()) {
            p.error_fix(
                "storage_class",
                Code::StorageClassCase,
                format!("Storage classes are written `{upper}`."),
                format!("Use `{upper}`."),
                upper,
            );
        } else {
            p.error(
                "storage_class",
                Code::StorageClassUnknown,
                format!("{} has no storage class `{sc}`.", preset.label),
                format!("Choose one of: {}.", preset.storage_classes.join(", ")),
            );
        }
    }
    let acl = s.acl.trim();
    if !acl.is_empty() {
        if !ACLS.contains(&acl) {
            p.error("acl", Code::AclUnknown, format!("`{acl}` is not a canned ACL."), format!("Choose one of: {}.", ACLS.join(", ")));
        } else if !preset.supports_acl {
            p.warn(
                "acl",
                Code::AclUnsupported,
                format!("{} ignores or rejects object ACLs.", preset.label),
                "Leave the ACL empty and control access with bucket settings.",
            );
        } else if acl == "public-read-write" {
            p.warn(
                "acl",
                Code::AclPublicWrite,
                "public-read-write lets anyone overwrite the delivered objects.",
                "Use private or public-read unless you really mean it.",
            );
        }
    }
    for (k, v) in &s.metadata {
        let bad_key = k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if bad_key {
            p.error(
                "metadata",
                Code::MetadataKey,
                format!("Metadata key `{k}` is not a valid header name."),
                "Use letters, digits, `-`, `_` and `.` only.",
            );
        }
        if v.chars().any(char::is_control) {
            p.error(
                "metadata",
                Code::MetadataValue,
                format!("Metadata `{k}` has control characters in its value."),
                "Remove line breaks and other invisible characters.",
            );
        }
    }
    let meta_size: usize = s.metadata.iter().map(|(k, v)| k.len() + v.len()).sum();
    if meta_size > 2048 {
        p.error(
            "metadata",
            Code::MetadataTooLarge,
            format!("The metadata adds up to {meta_size} bytes; S3 allows 2 KB."),
            "Remove or shorten some entries.",
        );
    }
    if s.tags.len() > 10 {
        p.error("tags", Code::TagsTooMany, format!("{} tags set; S3 allows 10 per object.", s.tags.len()), "Remove some tags.");
    }
    for (k, v) in &s.tags {
        if k.is_empty() || k.chars().count() > 128 || v.chars().count() > 256 {
            p.error(
                "tags",
                Code::TagLength,
                format!("Tag `{k}` is empty or too long (keys up to 128, values up to 256 characters)."),
                "Shorten the tag.",
            );
        }
        if k.starts_with("aws:") {
            p.error("tags", Code::TagReserved, format!("Tag keys cannot start with `aws:` (`{k}`)."), "Choose another key.");
        }
    }
    let h = &s.headers;
    for (field, value) in [
        ("headers.cache_control", &h.cache_control),
        ("headers.content_disposition", &h.content_disposition),
        ("headers.content_encoding", &h.content_encoding),
        ("headers.content_language", &h.content_language),
        ("headers.expires", &h.expires),
        ("headers.content_type", &h.content_type),
    ] {
        if value.chars().any(char::is_control) {
            p.error(
                field,
                Code::HeaderControlChars,
                "This header contains control characters.",
                "Remove line breaks and other invisible characters.",
            );
        }
    }
    if let Err(e) = crate::bandwidth::parse(&s.bandwidth_limit) {
        p.error("bandwidth_limit", e.code, e.message, e.fix);
    }
    let ct = h.content_type.trim();
    if !ct.is_empty() && !ct.contains('/') {
        p.error(
            "headers.content_type",
            Code::ContentTypeFormat,
            format!("`{ct}` is not a media type."),
            "Use a type like text/csv or application/json, or leave it empty to guess from the extension.",
        );
    }
}
