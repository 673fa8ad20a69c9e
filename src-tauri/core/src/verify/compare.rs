//! The comparison of an object with what it should be. Against what was
//! recorded at delivery: the same size and ETag, else changed. Against
//! local bytes: the same size, then the content by what the server's
//! answer allows: a plain MD5 ETag against the bytes' MD5, a multipart
//! ETag against the one the bytes give for its part size (the recorded
//! one, the one the server tells, or the usual ones tried), else a CRC32C
//! checksum; with none of these, only the size, and the check says so.
//! An object encrypted with SSE-KMS or SSE-C has no MD5 ETag: its CRC32C,
//! else its size, and the note says why.

use std::path::Path;

use super::local;
use super::model::{Basis, Checker, LocalFile, ObjectCheck};
use super::seen::{first_part_size, Seen};
use crate::deliver::{err, FileError};
use crate::diagnose::receipt::{Against, Discrepancy};
use crate::report::Code;

const MIB: u64 = 1024 * 1024;
/// At most this many guessed part sizes are tried (each reads the file once).
const GUESSES: usize = 4;

/// What an ETag is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EtagKind {
    /// The MD5 of the object's bytes (a single upload, no KMS encryption).
    Md5,
    /// An upload in `parts` parts: the MD5 of the parts' MD5s, `-N`.
    Multipart { parts: u64 },
    /// Something else (encrypted objects, other providers' own): not comparable.
    Opaque,
}

pub(super) fn etag_kind(etag: Option<&str>) -> EtagKind {
    let Some(e) = etag.map(|e| e.trim_matches('"')) else { return EtagKind::Opaque };
    let hex = |s: &str| s.len() == 32 && s.chars().all(|c| c.is_ascii_hexdigit());
    match e.split_once('-') {
        None if hex(e) => EtagKind::Md5,
        Some((h, n)) if hex(h) => n.parse::<u64>().ok().filter(|n| *n >= 1).map_or(EtagKind::Opaque, |parts| EtagKind::Multipart { parts }),
        _ => EtagKind::Opaque,
    }
}

/// The parts count of a composite checksum (`base64-N`), `None` for a whole-object one.
fn composite_parts(checksum: &str) -> Option<u64> {
    checksum.rsplit_once('-').and_then(|(_, n)| n.parse().ok())
}

/// Part sizes to try for an object of `size` bytes in `parts` parts when
/// nothing tells which it was uploaded with: Chute's own, then the usual
/// ones of other tools (aws-cli and boto3 8 MiB, rclone 5 MiB, …), then an
/// even split; only those that give `parts` parts, at most `GUESSES`.
pub(super) fn part_size_guesses(size: u64, parts: u64, chute: u64) -> Vec<u64> {
    let even = size.div_ceil(parts.max(1));
    let candidates = [chute, 8 * MIB, 5 * MIB, 16 * MIB, 15 * MIB, 64 * MIB, 100 * MIB, even.div_ceil(MIB) * MIB, even];
    let mut out: Vec<u64> = Vec::new();
    for p in candidates {
        if p > 0 && size.div_ceil(p).max(1) == parts && !out.contains(&p) {
            out.push(p);
        }
    }
    out.truncate(GUESSES);
    out
}

/// Against what was recorded when it was delivered.
pub(super) fn recorded(out: ObjectCheck, size: u64, etag: Option<&str>, seen: &Seen, against: &Against) -> ObjectCheck {
    let same_etag = match (etag.map(|e| e.trim_matches('"')), seen.etag.as_deref()) {
        (Some(a), Some(b)) => Some(a.eq_ignore_ascii_case(b)),
        _ => None,
    };
    if seen.size != size || same_etag == Some(false) {
        let d = Discrepancy::Changed {
            recorded_size: size,
            size: seen.size,
            recorded_etag: etag.map(|e| e.trim_matches('"').to_string()),
            etag: seen.etag.clone(),
        };
        return out.differs(d, against);
    }
    match same_etag {
        Some(_) => out.verified(Basis::Recorded),
        None => {
            out.size_only("No ETag was recorded when it was delivered (or the server gives none now), so only its size could be compared.")
        }
    }
}

/// Which sum of the local bytes an object's answer is compared with.
#[derive(Clone, Copy)]
enum Form {
    MultipartEtag,
    Crc32c,
}

impl Form {
    fn basis(self) -> (Basis, &'static str) {
        match self {
            Form::MultipartEtag => (Basis::MultipartEtag, "multipart ETag"),
            Form::Crc32c => (Basis::Crc32c, "CRC32C checksum"),
        }
    }

    async fn of(self, path: &Path, size: u64, part: Option<u64>) -> std::io::Result<String> {
        match (self, part) {
            (Form::MultipartEtag, Some(p)) => local::multipart_etag(path, size, p).await,
            (Form::MultipartEtag, None) => local::md5_hex(path, size).await,
            (Form::Crc32c, p) => local::crc32c(path, size, p).await,
        }
    }
}

fn unreadable(path: &Path, e: &std::io::Error) -> FileError {
    err(Code::SourceUnreadable, format!("{} could not be read: {e}.", path.display()), "Check the file, then verify again.")
}

/// The file is still what was planned (sent, or listed for the audit).
fn unchanged(file: &LocalFile) -> bool {
    std::fs::metadata(&file.path).is_ok_and(|m| m.len() == file.size && crate::deliver::plan::mtime_ms(&m) == file.mtime_ms)
}

/// Against the bytes of a local file.
pub(super) async fn local(c: &Checker, out: ObjectCheck, file: &LocalFile, seen: &Seen, against: &Against) -> ObjectCheck {
    if seen.size != file.size {
        return out.differs(Discrepancy::Size { object: seen.size, local: file.size }, against);
    }
    let object = seen.etag.clone().unwrap_or_default();
    let sent = file.sent_md5.as_deref();
    let encrypted = c.encrypted || seen.encrypted;
    let kind = if encrypted { EtagKind::Opaque } else { etag_kind(seen.etag.as_deref()) };
    match kind {
        // The MD5 worked out while sending, when there is one of this form; else the file's.
        EtagKind::Md5 | EtagKind::Multipart { .. } if sent.is_some_and(|m| m.contains('-') == object.contains('-')) => {
            let basis = if object.contains('-') { Basis::MultipartEtag } else { Basis::Etag };
            let mine = sent.unwrap_or_default();
            if mine.eq_ignore_ascii_case(&object) {
                return out.verified(basis);
            }
            let what = if basis == Basis::Etag { "ETag (its MD5)" } else { "multipart ETag" };
            out.differs(Discrepancy::Content { basis: what, object, local: mine.to_string() }, against)
        }
        _ if !unchanged(file) => out.size_only("The local file changed after it was listed or sent, so its bytes could not be compared."),
        EtagKind::Md5 => match local::md5_hex(&file.path, file.size).await {
            Ok(mine) if mine.eq_ignore_ascii_case(&object) => out.verified(Basis::Etag),
            Ok(mine) => out.differs(Discrepancy::Content { basis: "ETag (its MD5)", object, local: mine }, against),
            Err(e) => out.unchecked(unreadable(&file.path, &e)),
        },
        EtagKind::Multipart { parts } => by_parts(c, out, file, Form::MultipartEtag, object, parts, against).await,
        EtagKind::Opaque => match seen.crc32c.clone() {
            Some(sum) => match composite_parts(&sum) {
                Some(parts) => by_parts(c, out, file, Form::Crc32c, sum, parts, against).await,
                None => match local::crc32c(&file.path, file.size, None).await {
                    Ok(mine) if mine == sum => out.verified(Basis::Crc32c),
                    Ok(mine) => out.differs(Discrepancy::Content { basis: "CRC32C checksum", object: sum, local: mine }, against),
                    Err(e) => out.unchecked(unreadable(&file.path, &e)),
                },
            },
            None if encrypted => out.size_only(
                "It is encrypted with SSE-KMS or SSE-C, so its ETag is not the MD5 of its bytes, and the server keeps no CRC32C checksum of it: only its size could be compared (the server checked each upload's MD5 as it arrived).",
            ),
            None => out.size_only(
                "The server's ETag for it is not an MD5 and it keeps no CRC32C checksum Chute can work out, so only its size could be compared (content not verifiable on this server).",
            ),
        },
    }
}

/// An answer that depends on the part size the object was uploaded with.
async fn by_parts(
    c: &Checker,
    out: ObjectCheck,
    file: &LocalFile,
    form: Form,
    object: String,
    parts: u64,
    against: &Against,
) -> ObjectCheck {
    let (sizes, known) = if !file.part_sizes.is_empty() {
        (file.part_sizes.clone(), true)
    } else if let Some(p) = first_part_size(&c.client, &c.bucket, &out.key, file.size, &c.attributes).await {
        (vec![p], true)
    } else {
        (part_size_guesses(file.size, parts, c.chute_part_size(file.size, None)), false)
    };
    let (basis, what) = form.basis();
    let mut first = None;
    for p in sizes {
        match form.of(&file.path, file.size, Some(p)).await {
            Ok(mine) if mine.eq_ignore_ascii_case(&object) => return out.verified(basis),
            Ok(mine) => {
                first.get_or_insert(mine);
            }
            Err(e) => return out.unchecked(unreadable(&file.path, &e)),
        }
    }
    match first {
        Some(mine) if known => out.differs(Discrepancy::Content { basis: what, object, local: mine }, against),
        _ => out.size_only(format!(
            "Its {what} depends on the part size it was uploaded with, which the server does not tell, and none of the usual part sizes gives it; so only its size could be compared."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Verification;

    #[test]
    fn etags_are_told_apart() {
        let md5 = "900150983cd24fb0d6963f7d28e17f72";
        assert_eq!(etag_kind(Some(md5)), EtagKind::Md5);
        assert_eq!(etag_kind(Some(&format!("\"{md5}\""))), EtagKind::Md5);
        assert_eq!(etag_kind(Some(&format!("{md5}-12"))), EtagKind::Multipart { parts: 12 });
        for opaque in ["", "abc", "900150983cd24fb0d6963f7d28e17f7z", &format!("{md5}-x"), &format!("{md5}-0")] {
            assert_eq!(etag_kind(Some(opaque)), EtagKind::Opaque, "{opaque}");
        }
        assert_eq!(etag_kind(None), EtagKind::Opaque);
        assert_eq!(composite_parts("AAAAAA==-3"), Some(3));
        assert_eq!(composite_parts("AAAAAA=="), None);
    }

    #[test]
    fn guessed_part_sizes_give_the_parts_count() {
        // 20 MiB in 3 parts: 8 MiB (Chute's and aws-cli's) fits; 5 MiB would make 4.
        let g = part_size_guesses(20 * MIB, 3, 8 * MIB);
        assert_eq!(g[0], 8 * MIB);
        assert!(g.iter().all(|p| (20 * MIB).div_ceil(*p) == 3), "{g:?}");
        assert!(g.len() <= GUESSES);
        // 12 MiB in 3 parts: only 5 MiB among the usual ones, then the even split.
        assert_eq!(part_size_guesses(12 * MIB, 3, 8 * MIB), vec![5 * MIB, 4 * MIB]);
        assert!(part_size_guesses(0, 1, 8 * MIB).contains(&(8 * MIB)));
    }

    #[test]
    fn against_the_record_a_new_size_or_etag_is_a_change() {
        let against = Against::Delivery { batch_id: "b".into(), compressed: false };
        let seen = Seen { size: 10, etag: Some("aa".into()), crc32c: None, encrypted: false };
        let out = || ObjectCheck::new(0, "k", Verification::Unchecked);
        assert_eq!(recorded(out(), 10, Some("\"AA\""), &seen, &against).state, Verification::Verified);
        assert_eq!(recorded(out(), 10, None, &seen, &against).state, Verification::SizeOnly);
        let changed = recorded(out(), 11, Some("aa"), &seen, &against);
        assert_eq!(changed.state, Verification::Changed);
        assert_eq!(changed.error.as_ref().unwrap().code, Code::ObjectChanged);
        assert_eq!(recorded(out(), 10, Some("bb"), &seen, &against).state, Verification::Changed);
    }
}
