//! How a journal row's attempt ends, for every way a watch sends (one
//! object per file, or a batching watch's one combined object): a retry
//! after a growing pause with the failure's diagnosis, or giving up on
//! what another attempt cannot change.

use super::events::WatchEvent;
use crate::app::Chute;
use crate::deliver;
use crate::report::{Code, ErrorInfo};
use crate::watch::journal::{self, Ended, Queued};
use crate::watch::Watch;

/// The pause before attempt `attempts + 1`: 2 s, doubling, at most 5 min.
pub fn backoff_ms(attempts: u32) -> u64 {
    (2_000u64 << attempts.saturating_sub(1).min(8)).min(300_000)
}

/// Failures that another attempt cannot change: the file or its key is
/// the problem, or the object exists and the policy keeps it.
pub fn gives_up(code: Code) -> bool {
    matches!(
        code,
        Code::AlreadyExists
            | Code::KeyCollision
            | Code::NameNotUtf8
            | Code::NotFound
            | Code::SourceMissing
            | Code::SourceChanged
            | Code::TooLarge
            | Code::TemplateInvalid
            | Code::KeyControlChars
            | Code::KeyDotSegment
            | Code::KeyEmpty
            | Code::KeyTooLong
    )
}

/// What one delivery sends: a plan, and for each of its files the journal
/// rows it carries (one file per row; a batched watch's one object carries
/// every file combined into it).
pub struct Outgoing {
    pub plan: deliver::Plan,
    pub groups: Vec<Vec<Queued>>,
    /// The bundle the rows go out in, if they were combined.
    pub bundle: Option<String>,
}

#[allow(clippy::too_many_arguments)]
pub fn retry_later(
    chute: &Chute,
    w: &Watch,
    destination_id: &str,
    q: &Queued,
    attempt: u32,
    error: ErrorInfo,
    now: i64,
    emit: &mut dyn FnMut(WatchEvent),
) {
    // A paused destination is checked again often: resuming it sends the files at once.
    let wait = if error.code == Code::DestinationPaused { 10_000 } else { backoff_ms(attempt) };
    let _ = chute.with_conn(|c| journal::finish(c, q.id, &Ended::Retry { error: error.clone(), at: now + wait as i64 }, now));
    emit(WatchEvent::Retrying {
        watch: w.id.clone(),
        destination: destination_id.to_string(),
        path: q.relpath.clone(),
        attempt,
        retry_in_ms: wait,
        error,
    });
}

pub fn fail(chute: &Chute, w: &Watch, destination_id: &str, q: &Queued, error: ErrorInfo, now: i64, emit: &mut dyn FnMut(WatchEvent)) {
    let _ = chute.with_conn(|c| journal::finish(c, q.id, &Ended::Failed { error: error.clone() }, now));
    emit(WatchEvent::Failed { watch: w.id.clone(), destination: destination_id.to_string(), path: q.relpath.clone(), error });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_five_minutes() {
        let waits: Vec<u64> = (1..=12).map(backoff_ms).collect();
        assert_eq!(&waits[..5], &[2_000, 4_000, 8_000, 16_000, 32_000]);
        assert!(waits.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(*waits.last().unwrap(), 300_000);
    }

    #[test]
    fn only_file_and_key_problems_are_given_up() {
        assert!(gives_up(Code::AlreadyExists));
        assert!(gives_up(Code::NotFound));
        for c in [Code::ConnectionRefused, Code::KeychainLocked, Code::ServerBusy, Code::WriteDenied, Code::SourceUnreadable] {
            assert!(!gives_up(c), "{c} is worth another attempt");
        }
    }
}
