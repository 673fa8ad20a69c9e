//! Watched folders, as data: a watch's settings and their checks, the
//! names never delivered, when a file has settled, and the journal that
//! makes each file content land once per destination. The runner that
//! drives them (OS events, deliveries, retries) is `agent`, above the core
//! service.

mod hours;
pub mod journal;
pub mod lock;
mod model;
pub mod names;
pub mod settle;
pub mod stored;

pub use hours::Hours;
pub use model::{
    command_line, validate, After, Batching, Existing, Watch, WatchProblem, WatchSettings, BATCH_TEMPLATE, DEFAULT_SETTLE_MS,
    DELIVERED_FOLDER, SETTLE_RANGE_MS,
};

use std::io::Read;
use std::path::Path;

/// A file's content checksum as the journal keeps it: CRC-64/NVME, hex.
/// Tells a changed file from one only touched, without keeping a copy.
pub fn content_checksum(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut digest = crc_fast::Digest::new(crc_fast::CrcAlgorithm::Crc64Nvme);
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        digest.update(&buf[..n]);
    }
    Ok(format!("{:016x}", digest.finalize()))
}

/// `path` under `folder`, `/`-separated, if it is below it and in UTF-8.
pub fn relpath(folder: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(folder).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    let parts = parts?;
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_tells_content_apart() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, b"hello").unwrap();
        std::fs::write(&b, b"hello").unwrap();
        assert_eq!(content_checksum(&a).unwrap(), content_checksum(&b).unwrap());
        std::fs::write(&b, b"hellp").unwrap();
        assert_ne!(content_checksum(&a).unwrap(), content_checksum(&b).unwrap());
    }

    #[test]
    fn relpaths_are_slash_separated_and_inside() {
        assert_eq!(relpath(Path::new("/w"), Path::new("/w/a/b.csv")).as_deref(), Some("a/b.csv"));
        assert_eq!(relpath(Path::new("/w"), Path::new("/x/b.csv")), None);
        assert_eq!(relpath(Path::new("/w"), Path::new("/w")), None);
    }
}
