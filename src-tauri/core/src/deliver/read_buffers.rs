//! The buffers a file's bytes are read into, to be summed or sent: 256 KiB
//! each, kept when done with and handed out again. A large file goes out
//! as thousands of such chunks (4,096 per GiB), read on blocking threads
//! and freed wherever the connection let go of them; a fresh buffer for
//! each costs the allocator's work and the kernel's page faults on every
//! chunk, and an allocator that caches per thread can end up holding
//! buffers on every thread that once read. Reused, the memory of a
//! transfer is the chunks in flight plus the few kept here.

use std::io::Read;
use std::sync::Mutex;

use bytes::Bytes;

/// The size of a buffer, and of one read.
pub(super) const CHUNK: usize = 256 * 1024;

/// Buffers kept for reuse at most (8 MiB); one given back beyond that is
/// freed, so a burst of parts in flight does not stay resident.
const KEPT: usize = 32;

/// The buffers of this process's reads.
static SHARED: Kept = Kept::new(KEPT);

/// Buffers kept for reuse, up to `most`.
struct Kept {
    bufs: Mutex<Vec<Vec<u8>>>,
    most: usize,
}

impl Kept {
    const fn new(most: usize) -> Kept {
        Kept { bufs: Mutex::new(Vec::new()), most }
    }

    fn take(&self) -> Vec<u8> {
        let kept = self.bufs.lock().unwrap_or_else(|e| e.into_inner()).pop();
        kept.unwrap_or_else(|| vec![0; CHUNK])
    }

    fn give_back(&self, buf: Vec<u8>) {
        if buf.len() != CHUNK {
            return;
        }
        let mut kept = self.bufs.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() < self.most {
            kept.push(buf);
        }
    }

    fn bytes(&'static self, buf: Vec<u8>, len: usize) -> Bytes {
        Bytes::from_owner(Returned { len: len.min(buf.len()), buf, to: self })
    }
}

/// A buffer of `CHUNK` bytes: a kept one if any, else a new one (zeroed
/// once, when it is made; a kept one holds what was last read into it).
pub(super) fn take() -> Vec<u8> {
    SHARED.take()
}

/// Give `buf` back for reuse (one of another size is freed).
pub(super) fn give_back(buf: Vec<u8>) {
    SHARED.give_back(buf)
}

/// The first `len` bytes of a taken buffer as bytes to send; the buffer is
/// given back when the last copy of them is dropped (by the connection,
/// once written).
pub(super) fn into_bytes(buf: Vec<u8>, len: usize) -> Bytes {
    SHARED.bytes(buf, len)
}

/// Read the next bytes of a range that has `left` bytes to go into `buf`:
/// as many as fit, up to `left`, fewer only where the file ends. A file
/// that ends before the range does is an error: it is shorter than planned.
pub(super) fn read_next(file: &mut std::fs::File, buf: &mut [u8], left: u64) -> std::io::Result<usize> {
    let want = left.min(buf.len() as u64) as usize;
    let mut filled = 0;
    while filled < want {
        match file.read(&mut buf[filled..want]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    if filled == 0 && want > 0 {
        return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the file is shorter than planned"));
    }
    Ok(filled)
}

/// A buffer that goes back to the kept ones when dropped.
struct Returned {
    buf: Vec<u8>,
    len: usize,
    to: &'static Kept,
}

impl AsRef<[u8]> for Returned {
    fn as_ref(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl Drop for Returned {
    fn drop(&mut self) {
        self.to.give_back(std::mem::take(&mut self.buf));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Kept buffers of a test's own, apart from the process's.
    fn kept(most: usize) -> &'static Kept {
        Box::leak(Box::new(Kept::new(most)))
    }

    fn count(kept: &Kept) -> usize {
        kept.bufs.lock().unwrap().len()
    }

    #[test]
    fn bytes_sent_give_their_buffer_back_for_the_next_read() {
        let kept = kept(4);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        let bytes: Vec<u8> = (0..CHUNK + 10).map(|i| (i % 251) as u8).collect();
        std::fs::write(&p, &bytes).unwrap();
        let mut file = std::fs::File::open(&p).unwrap();

        let mut buf = kept.take();
        assert_eq!(read_next(&mut file, &mut buf, CHUNK as u64 * 2).unwrap(), CHUNK);
        let at = buf.as_ptr();
        let sent = kept.bytes(buf, CHUNK);
        let copy = sent.clone();
        assert_eq!(&sent[..], &bytes[..CHUNK]);
        drop(sent);
        assert_eq!(count(kept), 0, "a copy still holds the buffer");
        drop(copy);
        assert_eq!(count(kept), 1, "the last copy gives the buffer back");

        // The next read reuses the kept buffer; the file's end gives the
        // bytes that are left, and only those are sent.
        let mut again = kept.take();
        assert_eq!(again.as_ptr(), at, "the buffer given back is the one handed out");
        assert_eq!(read_next(&mut file, &mut again, CHUNK as u64).unwrap(), 10);
        assert_eq!(&kept.bytes(again, 10)[..], &bytes[CHUNK..]);
        assert_eq!(count(kept), 1);

        // A range that goes on past the file's end is an error, not an empty read.
        let mut past = kept.take();
        let short = read_next(&mut file, &mut past, 5).unwrap_err();
        assert_eq!(short.kind(), std::io::ErrorKind::UnexpectedEof);
        assert!(short.to_string().contains("shorter than planned"), "{short}");
        assert_eq!(read_next(&mut file, &mut past, 0).unwrap(), 0, "nothing left to read is no error");
    }

    #[test]
    fn no_more_than_the_cap_is_kept_and_odd_sizes_are_freed() {
        let kept = kept(4);
        let many: Vec<Vec<u8>> = (0..6).map(|_| kept.take()).collect();
        assert!(many.iter().all(|b| b.len() == CHUNK));
        for buf in many {
            kept.give_back(buf);
        }
        assert_eq!(count(kept), 4);
        let taken: Vec<Vec<u8>> = (0..4).map(|_| kept.take()).collect();
        assert_eq!(count(kept), 0);
        kept.give_back(vec![0; CHUNK / 2]);
        kept.give_back(vec![0; CHUNK * 2]);
        assert_eq!(count(kept), 0, "a buffer of another size is not kept");
        drop(taken);
    }
}
