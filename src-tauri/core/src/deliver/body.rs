//! What is sent: a file's bytes streamed from disk (a part, or the whole
//! file), with the checksum the server verifies (MD5 or CRC32C), and the
//! check that the file is still what the plan saw.

use std::path::Path;

use aws_sdk_s3::primitives::ByteStream;
use base64::Engine;
use md5::{Digest, Md5};

use super::events::err;
use super::plan::mtime_ms;
use super::read_buffers;
use super::MIB;
use super::{FileError, PlannedFile};
pub(crate) use crate::encoding::{b64, hex};
use crate::report::Code;

/// Files below this are read once into memory; above, hashed then streamed.
const SMALL_FILE: u64 = MIB;
/// Files up to this are read on the task that sends them.
const TINY_FILE: u64 = 64 * 1024;

/// The file must still be what the plan saw.
pub(super) fn unchanged(f: &PlannedFile) -> Result<(), FileError> {
    let source = f.source();
    let meta = std::fs::metadata(&source).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            err(Code::SourceMissing, format!("{} was moved or deleted after the preview.", source.display()), "Drop the file again.")
        }
        _ => err(
            Code::SourceUnreadable,
            format!("{} cannot be read: {e}.", source.display()),
            "Check the file's permissions, then retry it.",
        ),
    })?;
    if meta.len() != f.size || mtime_ms(&meta) != f.mtime_ms {
        return Err(err(
            Code::SourceChanged,
            format!(
                "{} changed while it was being delivered ({} → {} bytes); nothing was left at the key.",
                source.display(),
                f.size,
                meta.len()
            ),
            "Let whatever writes the file finish, then deliver it again.",
        ));
    }
    Ok(())
}

/// What a part (or small file) is checked by: its MD5 (Content-MD5), or a
/// CRC32C the server verifies (x-amz-checksum-crc32c), several times cheaper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PartSum {
    Md5([u8; 16]),
    Crc32c([u8; 4]),
}

impl PartSum {
    /// As the history records it: MD5 hex, or `crc32c:<base64>`.
    pub(super) fn record(&self) -> String {
        match self {
            PartSum::Md5(m) => hex(m),
            PartSum::Crc32c(c) => format!("crc32c:{}", b64(c)),
        }
    }

    pub(super) fn parse(text: &str) -> Option<PartSum> {
        if let Some(b) = text.strip_prefix("crc32c:") {
            let bytes = base64::engine::general_purpose::STANDARD.decode(b).ok()?;
            return Some(PartSum::Crc32c(bytes.try_into().ok()?));
        }
        let bytes: Vec<u8> = (0..16).map(|i| u8::from_str_radix(text.get(i * 2..i * 2 + 2)?, 16).ok()).collect::<Option<_>>()?;
        Some(PartSum::Md5(bytes.try_into().ok()?))
    }
}

/// The checksum of `len` bytes at `offset`: read and summed on one blocking
/// thread, in one go (tokio's file reads would hop threads and copy every
/// 256 KiB read once more).
pub(crate) async fn sum_of_range(path: &Path, offset: u64, len: u64, crc: bool) -> std::io::Result<PartSum> {
    let (sum, _) = sums_of_range(path, offset, len, crc, false).await?;
    Ok(sum)
}

/// The checksum of the range (CRC32C if `crc`, else MD5), and with
/// `md5_too` its MD5 as well, from the same pass over the bytes.
async fn sums_of_range(path: &Path, offset: u64, len: u64, crc: bool, md5_too: bool) -> std::io::Result<(PartSum, Option<[u8; 16]>)> {
    let path = path.to_path_buf();
    let md5_wanted = !crc || md5_too;
    blocking(move || {
        use std::io::Seek;
        let mut file = std::fs::File::open(&path)?;
        file.seek(std::io::SeekFrom::Start(offset))?;
        let mut left = len;
        let mut md5 = Md5::new();
        let mut crc32c = crc_fast::Digest::new(crc_fast::CrcAlgorithm::Crc32Iscsi);
        let mut buf = read_buffers::take();
        while left > 0 {
            let n = read_buffers::read_next(&mut file, &mut buf, left)?;
            if crc {
                crc32c.update(&buf[..n]);
            }
            if md5_wanted {
                md5.update(&buf[..n]);
            }
            left -= n as u64;
        }
        read_buffers::give_back(buf);
        let md5: Option<[u8; 16]> = md5_wanted.then(|| md5.finalize().into());
        Ok(match (crc, md5) {
            (true, md5) => (PartSum::Crc32c((crc32c.finalize() as u32).to_be_bytes()), md5),
            (false, md5) => (PartSum::Md5(md5.unwrap_or_default()), md5),
        })
    })
    .await
}

/// `work` on tokio's blocking threads; a panic there is an I/O error here.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> std::io::Result<T> + Send + 'static) -> std::io::Result<T> {
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|e| Err(std::io::Error::other(e)))
}

/// The body of `len` bytes at `offset`, and its MD5.
pub(super) async fn body(path: &Path, offset: u64, len: u64) -> Result<(ByteStream, [u8; 16]), FileError> {
    match body_with(path, offset, len, false, false).await? {
        (stream, PartSum::Md5(m), _) => Ok((stream, m)),
        (_, PartSum::Crc32c(_), _) => unreachable!("asked for an MD5"),
    }
}

/// The body of `len` bytes at `offset` and its checksum (CRC32C if `crc`),
/// with its MD5 too if `md5_too` (summed in the same pass).
pub(super) async fn body_with(
    path: &Path,
    offset: u64,
    len: u64,
    crc: bool,
    md5_too: bool,
) -> Result<(ByteStream, PartSum, Option<[u8; 16]>), FileError> {
    let io = |e: std::io::Error| {
        err(Code::SourceUnreadable, format!("{} could not be read: {e}.", path.display()), "Check the file, then retry it.")
    };
    if len < SMALL_FILE && !crc {
        let owned = path.to_path_buf();
        let read = move || {
            use std::io::{Read, Seek};
            let mut file = std::fs::File::open(&owned)?;
            file.seek(std::io::SeekFrom::Start(offset))?;
            let mut buf = vec![0u8; len as usize];
            file.read_exact(&mut buf)?;
            let md5: [u8; 16] = Md5::digest(&buf).into();
            Ok((buf, md5))
        };
        // A tiny file is read where it is sent, as its size was checked:
        // a hop to a blocking thread and back costs more than the read.
        // Larger ones are opened, read and summed in one such trip.
        let (buf, md5) = if len <= TINY_FILE { read() } else { blocking(read).await }.map_err(io)?;
        return Ok((ByteStream::from(buf), PartSum::Md5(md5), Some(md5)));
    }
    let (sum, md5) = sums_of_range(path, offset, len, crc, md5_too).await.map_err(io)?;
    Ok((super::range_body::stream(path.to_path_buf(), offset, len), sum, md5))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_checksums_are_crc32c_and_round_trip() {
        // The CRC-32C check value: crc32c("123456789") = 0xE3069283.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("v");
        std::fs::write(&p, b"123456789").unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let sum = rt.block_on(sum_of_range(&p, 0, 9, true)).unwrap();
        assert_eq!(sum, PartSum::Crc32c(0xE306_9283u32.to_be_bytes()));
        assert_eq!(PartSum::parse(&sum.record()), Some(sum));
        let md5 = rt.block_on(sum_of_range(&p, 0, 9, false)).unwrap();
        assert_eq!(md5.record(), "25f9e794323b453885f5181f1b624d0b");
        assert_eq!(PartSum::parse(&md5.record()), Some(md5));
        assert_eq!(PartSum::parse("nonsense"), None);
    }
}
