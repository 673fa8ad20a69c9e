//! A range of a file as a request body: read on a blocking thread straight
//! into the buffers that are sent, a chunk at a time and at most two chunks
//! ahead of the network. The SDK's own file body reads through tokio's file,
//! which copies every chunk once more; this one hands the bytes read to the
//! connection as they are. A retry rebuilds it from the start of the range.

use std::io::Seek;
use std::path::PathBuf;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use aws_sdk_s3::primitives::ByteStream;
use aws_smithy_types::body::SdkBody;
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

use super::read_buffers;

/// `len` bytes of `path` from `offset`. A file found shorter than that ends
/// the body with an error (the request fails, nothing partial is stored).
pub(super) fn stream(path: PathBuf, offset: u64, len: u64) -> ByteStream {
    ByteStream::new(SdkBody::retryable(move || SdkBody::from_body_1_x(RangeBody::start(path.clone(), offset, len))))
}

struct RangeBody {
    /// The range, until the body is first polled: the SDK keeps a copy of
    /// each body for a retry, and a copy never sent must read nothing.
    range: Option<(PathBuf, u64)>,
    chunks: Option<tokio::sync::mpsc::Receiver<std::io::Result<Bytes>>>,
    /// Bytes not yet handed on.
    left: u64,
}

impl RangeBody {
    fn start(path: PathBuf, offset: u64, len: u64) -> RangeBody {
        RangeBody { range: Some((path, offset)), chunks: None, left: len }
    }

    /// The reader of the range, on a blocking thread, two chunks ahead at most.
    fn read(path: PathBuf, offset: u64, len: u64) -> tokio::sync::mpsc::Receiver<std::io::Result<Bytes>> {
        let (tx, chunks) = tokio::sync::mpsc::channel(2);
        tokio::task::spawn_blocking(move || {
            let read = || -> std::io::Result<()> {
                let mut file = std::fs::File::open(&path)?;
                file.seek(std::io::SeekFrom::Start(offset))?;
                let mut left = len;
                while left > 0 {
                    // One read and one frame sent, into a reused buffer.
                    let mut buf = read_buffers::take();
                    let n = read_buffers::read_next(&mut file, &mut buf, left)?;
                    left -= n as u64;
                    if tx.blocking_send(Ok(read_buffers::into_bytes(buf, n))).is_err() {
                        // The request ended (sent, failed or cancelled).
                        return Ok(());
                    }
                }
                Ok(())
            };
            if let Err(e) = read() {
                let _ = tx.blocking_send(Err(e));
            }
        });
        chunks
    }
}

impl Body for RangeBody {
    type Data = Bytes;
    type Error = aws_smithy_types::body::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        if let Some((path, offset)) = self.range.take() {
            self.chunks = Some(RangeBody::read(path, offset, self.left));
        }
        let chunks = self.chunks.as_mut().expect("the reader was started");
        match ready!(chunks.poll_recv(cx)) {
            Some(Ok(chunk)) => {
                self.left = self.left.saturating_sub(chunk.len() as u64);
                Poll::Ready(Some(Ok(Frame::data(chunk))))
            }
            Some(Err(e)) => Poll::Ready(Some(Err(e.into()))),
            None => Poll::Ready(Some(Err("the file's reader stopped before the end of its range".into()))),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.left == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.left)
    }
}

#[cfg(test)]
mod tests {
    use super::read_buffers::CHUNK;
    use super::*;

    async fn collect(stream: ByteStream) -> Result<Vec<u8>, String> {
        stream.collect().await.map(|b| b.to_vec()).map_err(|e| format!("{e:?}"))
    }

    #[test]
    fn a_range_is_sent_whole_across_chunks_and_a_short_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        let bytes: Vec<u8> = (0..(CHUNK * 2 + 1000)).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&p, &bytes).unwrap();
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        rt.block_on(async {
            let (offset, len) = (100u64, CHUNK as u64 * 2 + 500);
            assert_eq!(collect(stream(p.clone(), offset, len)).await.unwrap(), bytes[offset as usize..(offset + len) as usize]);
            let past_the_end = collect(stream(p, offset, bytes.len() as u64)).await.unwrap_err();
            assert!(past_the_end.contains("shorter than planned"), "{past_the_end}");
        });
    }
}
