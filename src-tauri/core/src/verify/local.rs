//! What a local file's bytes give, in the forms servers report: its MD5
//! (a single upload's ETag), the multipart ETag for a part size (the MD5
//! of the parts' MD5s, then `-N`), and its CRC32C, whole or composite (the
//! CRC32C of the parts' CRC32Cs, then `-N`). Read with the engine's own
//! range sums, so a file is hashed here exactly as it was for sending.

use std::path::Path;

use md5::{Digest, Md5};

use crate::deliver::{b64, hex, sum_of_range, PartSum};

/// The MD5 of the first `size` bytes, hex.
pub(super) async fn md5_hex(path: &Path, size: u64) -> std::io::Result<String> {
    match sum_of_range(path, 0, size, false).await? {
        PartSum::Md5(m) => Ok(hex(&m)),
        PartSum::Crc32c(_) => unreachable!("asked for an MD5"),
    }
}

/// The sums of each `part`-sized range of the first `size` bytes.
async fn part_sums(path: &Path, size: u64, part: u64, crc: bool) -> std::io::Result<Vec<PartSum>> {
    let count = size.div_ceil(part.max(1)).max(1);
    let mut sums = Vec::with_capacity(count as usize);
    for n in 0..count {
        let offset = n * part;
        sums.push(sum_of_range(path, offset, part.min(size - offset), crc).await?);
    }
    Ok(sums)
}

/// The ETag S3 gives an object uploaded in parts of `part` bytes: `md5(concat(part md5s))-N`.
pub(super) async fn multipart_etag(path: &Path, size: u64, part: u64) -> std::io::Result<String> {
    let sums = part_sums(path, size, part, false).await?;
    let mut all = Md5::new();
    for s in &sums {
        if let PartSum::Md5(m) = s {
            all.update(m);
        }
    }
    Ok(format!("{}-{}", hex(&all.finalize()), sums.len()))
}

/// The CRC32C of the first `size` bytes, base64; with `part`, the composite
/// checksum of parts that size (`base64(crc32c(concat(part crc32cs)))-N`).
pub(super) async fn crc32c(path: &Path, size: u64, part: Option<u64>) -> std::io::Result<String> {
    let Some(part) = part else {
        return match sum_of_range(path, 0, size, true).await? {
            PartSum::Crc32c(c) => Ok(b64(&c)),
            PartSum::Md5(_) => unreachable!("asked for a CRC32C"),
        };
    };
    let sums = part_sums(path, size, part, true).await?;
    let mut all = crc_fast::Digest::new(crc_fast::CrcAlgorithm::Crc32Iscsi);
    for s in &sums {
        if let PartSum::Crc32c(c) = s {
            all.update(c);
        }
    }
    Ok(format!("{}-{}", b64(&(all.finalize() as u32).to_be_bytes()), sums.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_in_the_forms_servers_report() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"123456789").unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        assert_eq!(rt.block_on(md5_hex(&p, 9)).unwrap(), "25f9e794323b453885f5181f1b624d0b");
        // crc32c("123456789") = 0xE3069283
        assert_eq!(rt.block_on(crc32c(&p, 9, None)).unwrap(), b64(&0xE306_9283u32.to_be_bytes()));
        // Parts of 4 bytes: "1234", "5678", "9".
        let md5 = |b: &[u8]| -> [u8; 16] { Md5::digest(b).into() };
        let composite = hex(&Md5::digest([md5(b"1234"), md5(b"5678"), md5(b"9")].concat()));
        assert_eq!(rt.block_on(multipart_etag(&p, 9, 4)).unwrap(), format!("{composite}-3"));
        let crc = |b: &[u8]| -> [u8; 4] {
            let mut d = crc_fast::Digest::new(crc_fast::CrcAlgorithm::Crc32Iscsi);
            d.update(b);
            (d.finalize() as u32).to_be_bytes()
        };
        let whole = crc(&[crc(b"1234"), crc(b"5678"), crc(b"9")].concat());
        assert_eq!(rt.block_on(crc32c(&p, 9, Some(4))).unwrap(), format!("{}-3", b64(&whole)));
        std::fs::write(&p, b"").unwrap();
        assert_eq!(rt.block_on(md5_hex(&p, 0)).unwrap(), "d41d8cd98f00b204e9800998ecf8427e", "an empty file has the MD5 of nothing");
    }
}
