//! The bucket name, by S3's naming rules and what the provider allows.

use super::model::Settings;
use super::problems::Problems;
use crate::report::Code;

pub(super) fn validate_bucket(p: &mut Problems, s: &Settings) {
    let b = s.bucket.trim();
    let min = s.preset().bucket_min_len;
    if b.is_empty() {
        p.error("bucket", Code::BucketEmpty, "The bucket name is empty.", "Enter the name of an existing bucket.");
        return;
    }
    if b.contains('/') || b.starts_with("s3://") || b.contains(':') {
        let guess = b.trim_start_matches("s3://").split('/').next().unwrap_or("").to_string();
        let message = format!("\"{b}\" is not a bucket name: it contains a path or scheme.");
        let fix = "Put only the bucket name here, and the folder part in the path prefix.";
        // No one-click fix when the guess would be refused the same way
        // (an https:// URL, an ARN, `a:b`) or is empty (`s3://`, `/x`).
        if guess.is_empty() || guess.contains(':') {
            p.error("bucket", Code::BucketHasPath, message, fix);
        } else {
            p.error_fix("bucket", Code::BucketHasPath, message, fix, guess);
        }
        return;
    }
    if b.chars().any(|c| c.is_ascii_uppercase()) {
        p.error_fix(
            "bucket",
            Code::BucketUppercase,
            format!("Bucket names are lowercase; \"{b}\" has capital letters."),
            "Use the lowercase name exactly as the bucket was created.",
            b.to_ascii_lowercase(),
        );
    }
    if b.contains('_') {
        p.error(
            "bucket",
            Code::BucketUnderscore,
            format!("Bucket names cannot contain `_` (\"{b}\")."),
            "Use `-` instead of `_`, matching the bucket's real name.",
        );
    }
    if b.chars().any(|c| !(c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')) {
        p.error(
            "bucket",
            Code::BucketChars,
            format!("\"{b}\" contains characters a bucket name cannot have."),
            "Use only lowercase letters, digits, `-` and `.`.",
        );
    }
    let len = b.len();
    if len < min || len > 63 {
        p.error(
            "bucket",
            Code::BucketLength,
            format!("Bucket names are {min}–63 characters long; \"{b}\" has {len}."),
            "Check the bucket name.",
        );
    }
    let first = b.chars().next().unwrap();
    let last = b.chars().last().unwrap();
    if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
        p.error(
            "bucket",
            Code::BucketEdges,
            "A bucket name must start and end with a letter or digit.",
            "Remove the leading or trailing `.` or `-`.",
        );
    }
    if b.contains("..") || b.contains(".-") || b.contains("-.") {
        p.error("bucket", Code::BucketDots, "A bucket name cannot contain `..`, `.-` or `-.`.", "Check the bucket name.");
    }
    if b.parse::<std::net::Ipv4Addr>().is_ok() {
        p.error(
            "bucket",
            Code::BucketIp,
            "A bucket name cannot look like an IP address.",
            "Use the bucket's name, and put the server address in the endpoint.",
        );
    }
    if b.starts_with("xn--") || b.starts_with("sthree-") || b.ends_with("-s3alias") || b.ends_with("--ol-s3") {
        p.error("bucket", Code::BucketReserved, format!("\"{b}\" uses a prefix or suffix reserved by S3."), "Check the bucket name.");
    }
    if b.contains('.') && !s.path_style && s.effective_endpoint().is_none_or(|e| e.starts_with("https://")) {
        p.warn_fix(
            "bucket",
            Code::BucketDottedTls,
            format!("\"{b}\" contains dots: with virtual-hosted addressing over HTTPS the certificate will not match `{b}.<endpoint>`."),
            "Turn on path-style addressing for this destination.",
            "true".into(),
        );
        p.retarget_last_fix("path_style");
    }
}
