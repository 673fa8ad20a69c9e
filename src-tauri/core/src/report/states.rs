//! The states a person sees, typed: a batch's state and outcome, a file's
//! state in the history, who started a batch. Each is stored and sent as
//! its snake_case word; the window has one map of their labels.

use serde::{Deserialize, Serialize};

macro_rules! words {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The word it is stored and sent as.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            pub fn parse(text: &str) -> Option<$name> {
                match text {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

words! {
    /// Where a batch is in its life.
    BatchState {
        Running = "running",
        Finished = "finished",
        /// Its process stopped before it finished (a crash, a kill).
        Interrupted = "interrupted",
        /// Interrupted, then given up: its unfinished uploads were aborted.
        Discarded = "discarded",
    }
}

words! {
    /// How a finished batch went.
    Outcome {
        Delivered = "delivered",
        Partial = "partial",
        Failed = "failed",
        Cancelled = "cancelled",
    }
}

words! {
    /// A file's state in the history.
    FileState {
        Pending = "pending",
        /// A multipart upload was open when the batch stopped.
        Uploading = "uploading",
        Delivered = "delivered",
        Skipped = "skipped",
        Failed = "failed",
        Cancelled = "cancelled",
        /// Refused before sending (unreadable, vanished, no valid key…).
        Refused = "refused",
    }
}

words! {
    /// Who started a batch.
    Origin {
        Drop = "drop",
        Dialog = "dialog",
        Cli = "cli",
        Retry = "retry",
        Resume = "resume",
        /// A whole batch sent again from the history.
        Redeliver = "redeliver",
        /// Files a watched folder delivered by itself.
        Watch = "watch",
    }
}

words! {
    /// A watched file's state for one destination, in the watch journal.
    WatchFileState {
        /// Waiting to be sent (first time, or again after a failure).
        Queued = "queued",
        /// In a delivery now.
        Sending = "sending",
        Delivered = "delivered",
        /// Will not be sent again unless the file changes.
        Failed = "failed",
        /// Already in the folder when an "only new files" watch began.
        Baseline = "baseline",
    }
}

words! {
    /// What checking one object at the destination found: against the
    /// file it was delivered from, against what was recorded when it was
    /// delivered, or against a local folder.
    Verification {
        /// Its size and content match (its ETag or checksum), or it is
        /// unchanged since delivery (the same size and ETag).
        Verified = "verified",
        /// Its size matches; its content cannot be compared on this server
        /// (an ETag that is not an MD5, and no checksum Chute can work out).
        SizeOnly = "size_only",
        /// Its size or content differs from the local file.
        Mismatch = "mismatch",
        /// Its size or ETag differs from what was recorded at delivery.
        Changed = "changed",
        /// There is no object at its key.
        Missing = "missing",
        /// An object under the prefix with no local file (a folder audit).
        MissingLocally = "missing_locally",
        /// The server could not be asked (a refusal, a network failure).
        Unchecked = "unchecked",
    }
}

words! {
    /// When a batch's objects were checked: as the delivery ended, or later.
    ReceiptKind {
        Delivery = "delivery",
        Recheck = "recheck",
    }
}

impl Verification {
    /// A difference between the object and what it should be: a failure
    /// with a diagnosis, never counted as verified.
    pub fn is_difference(self) -> bool {
        matches!(self, Verification::Mismatch | Verification::Changed | Verification::Missing | Verification::MissingLocally)
    }
}

impl Outcome {
    /// The one rule: every file delivered (or skipped as already there) and
    /// none refused, delivered; nothing delivered and only cancellations,
    /// cancelled; nothing delivered, failed; else partial. Files refused
    /// before sending count as not delivered.
    pub fn of(delivered: u64, skipped: u64, failed: u64, cancelled: u64, refused: u64) -> Outcome {
        if failed == 0 && cancelled == 0 && refused == 0 {
            Outcome::Delivered
        } else if delivered + skipped == 0 && cancelled > 0 && failed == 0 {
            Outcome::Cancelled
        } else if delivered + skipped == 0 {
            Outcome::Failed
        } else {
            Outcome::Partial
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for s in BatchState::ALL {
            assert_eq!(BatchState::parse(s.as_str()), Some(*s));
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.as_str()));
        }
        for s in FileState::ALL {
            assert_eq!(FileState::parse(s.as_str()), Some(*s));
        }
        assert_eq!(Origin::parse("redeliver"), Some(Origin::Redeliver));
        for v in Verification::ALL {
            assert_eq!(Verification::parse(v.as_str()), Some(*v));
            assert_eq!(serde_json::to_value(v).unwrap(), serde_json::json!(v.as_str()));
        }
        assert!(
            Verification::Changed.is_difference() && !Verification::SizeOnly.is_difference() && !Verification::Unchecked.is_difference()
        );
        assert_eq!(Outcome::parse("nope"), None);
    }

    #[test]
    fn one_rule_for_the_outcome() {
        assert_eq!(Outcome::of(3, 1, 0, 0, 0), Outcome::Delivered);
        assert_eq!(Outcome::of(3, 0, 0, 0, 1), Outcome::Partial, "a refused file makes it partial");
        assert_eq!(Outcome::of(0, 0, 0, 2, 0), Outcome::Cancelled);
        assert_eq!(Outcome::of(0, 0, 2, 1, 0), Outcome::Failed);
        assert_eq!(Outcome::of(0, 0, 0, 0, 2), Outcome::Failed, "only refused files");
        assert_eq!(Outcome::of(1, 0, 1, 0, 0), Outcome::Partial);
    }
}
