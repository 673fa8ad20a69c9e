//! A request body sent no faster than its delivery's throttle: the bytes
//! read from disk are released in small chunks, each after the wait the
//! buckets ask for. The pacing is part of the body the SDK rebuilds for a
//! retry, so retries obey the limit too; without a throttle the body is
//! left exactly as it was.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use aws_sdk_s3::client::customize::CustomizableOperation;
use aws_sdk_s3::primitives::ByteStream;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::timeout::TimeoutConfig;
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

use super::limit::Throttle;

/// How a run's request bodies go: paced by its throttle, in requests whose
/// timeouts leave the body time (`limit::body_timeouts`); both `None`
/// without a limit, and then nothing is changed.
#[derive(Debug, Clone, Default)]
pub(super) struct Pacing {
    pub(super) throttle: Option<Throttle>,
    pub(super) timeouts: Option<TimeoutConfig>,
    /// Bytes paced bodies have released and whose requests have not ended:
    /// progress between a slow part's start and its end.
    pub(super) in_flight: Arc<AtomicU64>,
}

impl Pacing {
    /// `stream`, paced by the throttle when there is one.
    pub(super) fn body(&self, stream: ByteStream) -> ByteStream {
        let Some(throttle) = self.throttle.clone() else { return stream };
        let in_flight = self.in_flight.clone();
        // The bytes are not changed, only their timing: a body held in
        // memory keeps its contents for signing.
        ByteStream::new(
            stream
                .into_inner()
                .map_preserve_contents(move |body| SdkBody::from_body_1_x(Paced::new(body, throttle.clone(), in_flight.clone()))),
        )
    }

    /// A request carrying a paced body, with its timeouts.
    pub(super) fn request<T, E, B>(&self, op: CustomizableOperation<T, E, B>) -> CustomizableOperation<T, E, B> {
        match &self.timeouts {
            Some(t) => op.config_override(aws_sdk_s3::config::Builder::new().timeout_config(t.clone())),
            None => op,
        }
    }
}

struct Paced {
    inner: SdkBody,
    throttle: Throttle,
    /// The run's count of released bytes, and this body's share of it
    /// (given back when the body is dropped: its request has ended, and
    /// a delivered part is counted as sent instead).
    in_flight: Arc<AtomicU64>,
    released: u64,
    /// Read from the inner body, not yet released.
    held: Bytes,
    /// A chunk taken from the buckets, and the wait before it goes.
    waiting: Option<(Bytes, Pin<Box<tokio::time::Sleep>>)>,
}

impl Paced {
    fn new(inner: SdkBody, throttle: Throttle, in_flight: Arc<AtomicU64>) -> Paced {
        Paced { inner, throttle, in_flight, released: 0, held: Bytes::new(), waiting: None }
    }

    fn release(&mut self, chunk: Bytes) -> Poll<Option<Result<Frame<Bytes>, aws_smithy_types::body::Error>>> {
        self.released += chunk.len() as u64;
        self.in_flight.fetch_add(chunk.len() as u64, Ordering::Relaxed);
        Poll::Ready(Some(Ok(Frame::data(chunk))))
    }
}

impl Drop for Paced {
    fn drop(&mut self) {
        self.in_flight.fetch_sub(self.released, Ordering::Relaxed);
    }
}

impl Body for Paced {
    type Data = Bytes;
    type Error = aws_smithy_types::body::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        loop {
            if let Some((_, sleep)) = &mut this.waiting {
                ready!(sleep.as_mut().poll(cx));
                let (chunk, _) = this.waiting.take().expect("a chunk waits");
                return this.release(chunk);
            }
            if !this.held.is_empty() {
                let n = this.held.len().min(this.throttle.chunk());
                let chunk = this.held.split_to(n);
                let wait = this.throttle.reserve(n as u64);
                if wait.is_zero() {
                    return this.release(chunk);
                }
                this.waiting = Some((chunk, Box::pin(tokio::time::sleep(wait))));
                continue;
            }
            match ready!(Pin::new(&mut this.inner).poll_frame(cx)) {
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) => this.held = data,
                    Err(trailers) => return Poll::Ready(Some(Ok(trailers))),
                },
                end => return Poll::Ready(end),
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.held.is_empty() && self.waiting.is_none() && Body::is_end_stream(&self.inner)
    }

    fn size_hint(&self) -> SizeHint {
        let mine = (self.held.len() + self.waiting.as_ref().map_or(0, |(c, _)| c.len())) as u64;
        let inner = Body::size_hint(&self.inner);
        let mut hint = SizeHint::new();
        hint.set_lower(inner.lower() + mine);
        if let Some(upper) = inner.upper() {
            hint.set_upper(upper + mine);
        }
        hint
    }
}
